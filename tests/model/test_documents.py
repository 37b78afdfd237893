"""Legal documents, drafts and procedures read as editors write them: numbers, vocabularies, dates,
relations across the network, attachments, computed status — and each bad input a file:line error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from portal.model import catalogue, documents, drafts
from portal.model.documents import check_number, number_key, number_spellings
from portal.model.sites import load_network
from portal.model.vocabulary import defaults, match_key
from portal.stages.check import check

from ..conftest import NOW, document, make_project, post, write

LEGAL = defaults()


@pytest.mark.parametrize(("number", "doc_type", "expected"), [
    ("953/KH-UBND", "Kế hoạch", None),
    ("45/2025/QĐ-UBND", "Quyết định", None),
    ("2701/UBND-KSTT", "Công văn", None),          # a letter carries the issuer's abbreviation, no type code
    ("10/2022/QH15", "Luật", None),                # a law: its legislature
    ("05/TTr-UBND", "Tờ trình", None),
    ("953/QĐ-UBND", "Kế hoạch", "carries the code QĐ of a Quyết định"),
    ("2701/UBND-KSTT", "Quyết định", "lacks the code of a Quyết định (QĐ)"),
    ("12/KH-UBND", "Công văn", "carries the code KH of a Kế hoạch"),
    ("Số 953/KH-UBND", "Kế hoạch", "is not a document number"),
    ("953-KH-UBND", "Kế hoạch", "is not a document number"),
])
def test_number_matches_its_type(number, doc_type, expected):
    message = check_number(number, LEGAL.doc_types.find(doc_type), LEGAL)
    assert (message is None) if expected is None else (expected in message), message


def test_numbers_and_names_compare_as_readers_write_them():
    assert number_key("953/kh-ubnd") == number_key(" 953/KH-UBND") == "953/KH-UBND"
    assert {"953/KH-UBND", "953 kh ubnd", "953/kh-ubnd"} <= set(number_spellings("953/KH-UBND"))
    assert "45/2025/qd-ubnd" in number_spellings("45/2025/QĐ-UBND")
    assert match_key("UBND  tỉnh Bắc Ninh") == match_key("Ủy ban nhân dân tỉnh Bắc Ninh") == match_key("Uỷ ban nhân dân tỉnh bắc ninh")
    assert LEGAL.doc_types.find("quyết định").code == "QĐ"


def _registry(records):
    reg = documents.Registry()
    for r in records:
        reg.add(r)
    reg.link(LEGAL)
    return reg


def _rec(site, number, starts, refs=(), valid_until=None, issuer="UBND tỉnh"):
    from portal.model.vocabulary import Term

    doc = documents.Document(number, LEGAL.doc_types.find("Quyết định"), Term(issuer), {}, starts, starts, valid_until, [],
                             [documents.Reference(k, n) for k, n in refs])
    return documents.Record(site, f"{site}/{number}", f"/van-ban/{number}/", f"https://{site}/van-ban/{number}/", number, doc)


def test_status_is_computed_from_dates_and_relations_anywhere_in_the_network():
    day = dt.date
    old = _rec("a", "1/QĐ-UBND", day(2025, 1, 1))
    amended = _rec("b", "2/QĐ-UBND", day(2025, 1, 1))
    new = _rec("c", "3/QĐ-UBND", day(2026, 6, 1), [("replaces", "1/QĐ-UBND"), ("amends", "2/QĐ-UBND")])
    dated = _rec("a", "4/QĐ-UBND", day(2026, 1, 1), valid_until=day(2026, 3, 31))
    later = _rec("a", "5/QĐ-UBND", day(2027, 1, 1))
    reg = _registry([old, amended, new, dated, later])
    on = day(2026, 11, 22)
    assert reg.status(old, on, LEGAL)[0] == "expired"
    assert reg.status(amended, on, LEGAL)[0] == "partly_expired"
    assert reg.status(new, on, LEGAL)[0] == "in_force"
    assert reg.status(dated, on, LEGAL)[0] == "expired"
    assert reg.status(dated, day(2026, 3, 31), LEGAL)[0] == "in_force"   # through its last day
    assert reg.status(later, on, LEGAL)[0] == "pending"
    assert reg.status(old, day(2026, 5, 31), LEGAL)[0] == "in_force"     # the replacing one is not in force yet
    assert [(k, s.key) for k, s in reg.incoming[old.rel]] == [("replaces", "3/QĐ-UBND")]


def test_draft_states_over_its_period():
    d = drafts.Draft(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "Sở Tư pháp")
    assert drafts.state(d, dt.date(2026, 9, 30)).key == "upcoming"
    assert drafts.state(d, dt.date(2026, 10, 1)) == drafts.State("open", 30)
    assert drafts.state(d, dt.date(2026, 10, 31)) == drafts.State("open", 0)
    assert drafts.state(d, dt.date(2026, 11, 1)).key == "compiling"
    assert drafts.state(drafts.Draft(d.comment_from, d.comment_until, "x", report="/files/r.pdf"), dt.date(2026, 11, 1)).key == "reported"
    assert drafts.state(d, dt.date(2026, 11, 1), adopted=True).key == "adopted"


# --- bad input, as portal check reports it ----------------------------------------------------------

@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[Path, list[str]]:
    """One project with every kind of bad document, draft and procedure; `portal check` run once."""
    from portal.bench.pdf import write_pdf

    root = make_project(tmp_path_factory.mktemp("docs") / "proj")
    for site in ("tinh", "so-a", "xa-mot", "xa-hai", "phuong-ba"):
        post(root, f"content/sites/{site}/tin-tuc/tin.md", "Tin", date="2026-02-01")
    ok = dict(number="12/QĐ-UBND", doc_type="Quyết định", issuer="UBND xã Một", issued="2026-01-05")
    document(root, "xa-mot", "dung", "Quyết định đúng", **ok)
    document(root, "xa-mot", "loai-la", "Loại lạ", **{**ok, "number": "13/QĐ-UBND", "doc_type": "Quyết đinh"})
    document(root, "xa-mot", "co-quan-la", "Cơ quan lạ", **{**ok, "number": "14/QĐ-UBND", "issuer": "UBND xã Mười"})
    document(root, "xa-mot", "so-sai-loai", "Số sai loại", **{**ok, "number": "15/KH-UBND"})
    document(root, "xa-mot", "ngay-nguoc", "Ngày ngược", **{**ok, "number": "16/QĐ-UBND"}, effective="2026-01-01")
    document(root, "xa-mot", "quan-he", "Quan hệ", **{**ok, "number": "17/QĐ-UBND"}, relations="{replaces: [999/QĐ-UBND]}")
    document(root, "xa-mot", "het-han", "Có expires", **{**ok, "number": "18/QĐ-UBND"}, expires="2026-12-31")
    write_pdf(root / "content/sites/xa-mot/files/van-ban/scan.pdf", [], "", [], scanned=True)
    document(root, "xa-mot", "ban-quet", "Bản quét", **{**ok, "number": "19/QĐ-UBND"},
             attachments="[{path: files/van-ban/scan.pdf, role: full_text}]")
    document(root, "xa-mot", "thieu-tep", "Thiếu tệp", **{**ok, "number": "20/QĐ-UBND"},
             attachments="[files/van-ban/khong-co.pdf]")
    big = root / "content/sites/xa-mot/files/van-ban/lon.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    document(root, "xa-mot", "tep-lon", "Tệp lớn", **{**ok, "number": "21/QĐ-UBND"},
             attachments="[{path: files/van-ban/lon.pdf, role: full_text}]")
    write(root / "content/sites/xa-mot/tin-tuc/van-ban-lac.md",
          "---\ntitle: Lạc chỗ\ndate: 2026-01-06\ncategory: van-ban\nsummary: x\nnumber: 22/QĐ-UBND\ndoc_type: Quyết định\n"
          "issuer: UBND xã Một\nsigner: A\nissued: 2026-01-06\nfields: [Đất đai]\nattachments: [files/van-ban/dung.pdf]\n---\nx\n")
    post(root, "content/sites/xa-mot/du-thao/ngan.md", "Dự thảo ngắn", date="2026-10-01", category="du-thao",
         comment_from="2026-10-01", comment_until="2026-10-10", drafting_agency="UBND xã Một",
         attachments="[{path: files/van-ban/dung.pdf, role: draft}]", expires="2026-10-10")
    post(root, "content/sites/xa-mot/thu-tuc-hanh-chinh/tt.md", "Thủ tục", category="thu-tuc-hanh-chinh", code='"1.2"',
         level="Cấp huyện")
    sites = (root / "sites.yaml").read_text(encoding="utf-8") + "documents:\n  attachment_mb: \"1\"\n"
    (root / "sites.yaml").write_text(sites, encoding="utf-8")
    catalogue.DOCUMENTS = None
    problems = check(load_network(root))
    catalogue.DOCUMENTS = None
    return root, [str(p) for p in problems]


def _one(problems: list[str], where: str, text: str) -> str:
    found = [p for p in problems if p.startswith(where) and text in p]
    assert found, f"no '{text}' at {where}:\n" + "\n".join(problems)
    return found[0]


def test_each_bad_document_is_a_file_line_error(checked):
    _root, problems = checked
    d = "content/sites/xa-mot/van-ban/"
    assert not [p for p in problems if p.startswith(d + "dung.md")]
    _one(problems, d + "loai-la.md:", "doc_type 'Quyết đinh' is not a known type of document — did you mean 'Quyết định'?")
    _one(problems, d + "co-quan-la.md:", "issuer 'UBND xã Mười' is not a known issuing body")
    _one(problems, d + "so-sai-loai.md:", "number '15/KH-UBND' carries the code KH of a Kế hoạch, but doc_type is 'Quyết định'")
    _one(problems, d + "ngay-nguoc.md:", "effective (2026-01-01) is before issued (2026-01-05)")
    _one(problems, d + "quan-he.md:", "999/QĐ-UBND names no document published on the network's portals")
    _one(problems, d + "het-han.md:", "expires is not for legal documents or drafts")
    _one(problems, d + "ban-quet.md:", "attachment files/van-ban/scan.pdf is a PDF without text")
    _one(problems, d + "thieu-tep.md:", "link to 'files/van-ban/khong-co.pdf' resolves to nothing")
    _one(problems, d + "tep-lon.md:", "over the limit of 1 MB for a document's file")
    _one(problems, "content/sites/xa-mot/tin-tuc/van-ban-lac.md:", "a legal document lives in the site's van-ban/ folder")
    for p in problems:
        if p.startswith(d):
            assert p.split(":")[1].isdigit(), p  # a line for each


def test_bad_drafts_and_procedures(checked):
    _root, problems = checked
    draft = "content/sites/xa-mot/du-thao/ngan.md:"
    _one(problems, draft, "the comment period is 10 days, shorter than the 30 days the law asks — set comment_until to 2026-10-30")
    _one(problems, draft, "remove expires and write comment_until: YYYY-MM-DD")
    tt = "content/sites/xa-mot/thu-tuc-hanh-chinh/tt.md:"
    _one(problems, tt, "code '1.2' is not a procedure code")
    _one(problems, tt, "level 'Cấp huyện' is not known")
    _one(problems, tt, "fee is missing — a procedure needs fee")


def test_errors_are_in_vietnamese_for_editors(checked, monkeypatch):
    root, _problems = checked
    monkeypatch.setenv("PORTAL_LANG", "vi")
    catalogue.DOCUMENTS = None
    problems = [str(p) for p in check(load_network(root), [root / "content/sites/xa-mot"])]
    catalogue.DOCUMENTS = None
    d = "content/sites/xa-mot/van-ban/"
    _one(problems, d + "so-sai-loai.md:", "số ký hiệu '15/KH-UBND' mang mã KH của loại Kế hoạch, nhưng doc_type là 'Quyết định'")
    _one(problems, d + "co-quan-la.md:", "cơ quan ban hành 'UBND xã Mười' không có trong danh mục")
    _one(problems, d + "ngay-nguoc.md:", "ngày hiệu lực (2026-01-01) trước ngày ban hành (2026-01-05)")
    _one(problems, d + "quan-he.md:", "không có văn bản số 999/QĐ-UBND trên các cổng của tỉnh")
    _one(problems, d + "het-han.md:", "không dùng expires cho văn bản hoặc dự thảo")
    _one(problems, d + "ban-quet.md:", "là PDF không có chữ (ảnh quét?)")


def test_sites_yaml_vocabularies_owner_and_responsible_are_checked(tmp_path):
    from portal.model.errors import PortalError

    from ..conftest import MINI_SITES

    bad = MINI_SITES.replace('    owner: "UBND xã Một"\n', '    owner: {en: "x"}\n    responsible: {name: "A", position: "Trưởng thôn"}\n') + \
        "documents:\n  issuers: [{nam: x}]\n  comment_days: \"0\"\naudit:\n  cadence: {van-ban: \"30\"}\n"
    make_project(tmp_path / "p", bad)
    with pytest.raises(PortalError) as exc:
        load_network(tmp_path / "p")
    text = str(exc.value)
    for expected in ("owner of 'xa-mot' must name the governing agency", "position 'Trưởng thôn' of xa-mot's responsible",
                     "documents.issuers: unknown key 'nam'", "documents.comment_days must be a whole number from 1 to 365",
                     "audit.cadence: 'van-ban' is not a required item"):
        assert expected in text, text
    assert all(line.startswith("sites.yaml:") and line.split(":")[1].isdigit() for line in text.splitlines())


def test_the_registry_keeps_each_file_s_record_until_its_bytes_change(tmp_path, monkeypatch):
    """A build reads the front matter of the documents whose bytes changed only (``.cache/registry.pickle.z``);
    whether a kept document is live is decided at each build's time; a damaged store is read as none."""
    from portal.model import registry

    root = make_project(tmp_path / "proj")
    ok = dict(doc_type="Quyết định", issuer="UBND xã Một", issued="2026-01-05")
    document(root, "xa-mot", "mot", "Quyết định một", number="1/QĐ-UBND", **ok)
    document(root, "xa-mot", "hai", "Quyết định hai", number="2/QĐ-UBND", **ok)
    document(root, "xa-hai", "sau", "Quyết định sau", number="3/QĐ-UBND", **{**ok, "issuer": "UBND xã Hai"},
             date="2026-12-20")  # published later: not live at NOW
    reads: list[str] = []
    real = registry._read
    monkeypatch.setattr(registry, "_read", lambda network, site, path, tz: reads.append(path.name) or real(network, site, path, tz))

    def numbers(now=NOW) -> list[str]:
        return sorted(r.document.number for r in registry.scan(load_network(root), [], now).records)

    assert numbers() == ["1/QĐ-UBND", "2/QĐ-UBND"] and sorted(reads) == ["hai.md", "mot.md", "sau.md"]
    assert (root / registry.CACHE).is_file()
    reads.clear()
    assert numbers() == ["1/QĐ-UBND", "2/QĐ-UBND"] and reads == []
    assert numbers(NOW + dt.timedelta(days=60)) == ["1/QĐ-UBND", "2/QĐ-UBND", "3/QĐ-UBND"] and reads == []
    path = root / "content/sites/xa-mot/van-ban/hai.md"
    path.write_text(path.read_text(encoding="utf-8").replace("2/QĐ-UBND", "5/QĐ-UBND"), encoding="utf-8")
    assert numbers() == ["1/QĐ-UBND", "5/QĐ-UBND"] and reads == ["hai.md"]
    (root / registry.CACHE).write_bytes(b"not a store")
    reads.clear()
    assert numbers() == ["1/QĐ-UBND", "5/QĐ-UBND"] and len(reads) == 3
    reads.clear()
    write(root / "sites.yaml", (root / "sites.yaml").read_text(encoding="utf-8") + "\n")  # another network: read again
    assert numbers() == ["1/QĐ-UBND", "5/QĐ-UBND"] and len(reads) == 3


def test_an_unreadable_or_oversized_document_is_reported_not_kept(tmp_path):
    """The registry's store reads a document's bytes as read_post does (bounded, errors caught): an oversized
    file is not kept and the check names it; nothing raises."""
    from portal.model import registry

    root = make_project(tmp_path / "proj")
    ok = dict(doc_type="Quyết định", issuer="UBND xã Một", issued="2026-01-05")
    path = document(root, "xa-mot", "lon", "Quyết định lớn", number="1/QĐ-UBND", **ok)
    network = load_network(root)
    path.write_bytes(path.read_bytes() + b"x" * (network.limits.markdown_bytes + 1))
    assert registry.scan(network, [], NOW).records == []
    assert registry.scan(network, [], NOW).records == []  # read again, never kept
    catalogue.DOCUMENTS = None
    problems = [str(p) for p in check(load_network(root))]
    catalogue.DOCUMENTS = None
    assert any(p.startswith("content/sites/xa-mot/van-ban/lon.md") for p in problems), problems
