"""The sample network's legal documents, drafts, procedures and organisation, built and read as HTML.

Filter pages are plain pages (no JavaScript) that list exactly the documents of their value;
statuses and reverse relations are computed across sites; an expired document stays published,
marked expired; a draft past its period is closed; the audit's figures for the sample network.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.model import catalogue
from portal.model.content import read_post
from portal.model.sites import load_network
from portal.model.text import slugify

from ..conftest import NOW, REPO, read

NUMBER = re.compile(r'<td class="doc-number"><a href="[^"]+">([^<]+)</a></td>')


def listed(out: Path, site: str, path: str) -> set[str]:
    """The numbers a table lists, over all its pages (/van-ban/…/page/N/ too)."""
    numbers: set[str] = set()
    page = out / site / path / "index.html"
    n = 1
    while page.is_file():
        numbers |= set(NUMBER.findall(read(page)))
        n += 1
        page = out / site / path / "page" / str(n) / "index.html"
    return numbers


def sample_documents() -> dict[str, list[dict]]:
    """Site id → its documents' front matter, read from the files (independently of the pages)."""
    net = load_network(REPO)
    tz = ZoneInfo(net.timezone)
    found: dict[str, list[dict]] = {}
    for site in net.sites:
        folder = catalogue.site_dir(REPO, site.id) / "van-ban"
        for path in sorted(folder.glob("*.md")):
            if path.name.count(".") == 1:
                meta = read_post(path, REPO, site=site.id, kind="article", tz=tz).meta
                found.setdefault(site.id, []).append(meta)
    return found


def doc_page(out: Path, site: str, number: str) -> str:
    for page in (out / site / "van-ban").glob("*/index.html"):
        html = read(page)
        if f'<td class="doc-number">{number}</td>' in html:
            return html
    raise AssertionError(f"no page of {number} on {site}")


def test_at_least_60_documents_with_a_pdf_each_across_the_network(built_sample):
    out, _ = built_sample
    docs = sample_documents()
    assert sum(len(v) for v in docs.values()) >= 60 and len(docs) == 19
    for site, metas in docs.items():
        rows = json.loads(read(out / site / "van-ban/index.json"))["documents"]
        assert {r["number"] for r in rows} == {m["number"] for m in metas}, site
        assert all(r["attachments"] and r["attachments"][0].endswith(".pdf") for r in rows)
        for r in rows:
            assert (out / site / r["attachments"][0].split(".gov.vn/", 1)[1]).is_file()


def test_filter_pages_list_exactly_their_documents_without_javascript(built_sample):
    out, _ = built_sample
    checked = 0
    for site, metas in sample_documents().items():
        assert listed(out, site, "van-ban") == {m["number"] for m in metas}
        groups: dict[str, set[str]] = {}
        for m in metas:
            groups.setdefault(f"van-ban/loai/{slugify(m['doc_type'])}", set()).add(m["number"])
            groups.setdefault(f"van-ban/nam/{str(m['issued'])[:4]}", set()).add(m["number"])
            for f in m["fields"]:
                groups.setdefault(f"van-ban/linh-vuc/{slugify(f)}", set()).add(m["number"])
        for path, numbers in groups.items():
            assert listed(out, site, path) == numbers, (site, path)
            html = read(out / site / path / "index.html")
            assert "<script" not in html.split("<main", 1)[1] and "<form" not in html.split("<main", 1)[1]
            checked += 1
        pages = {p.relative_to(out / site).as_posix() for p in (out / site / "van-ban").glob("*/*/index.html")
                 if p.parent.parent.name in ("loai", "nam", "linh-vuc")}
        assert pages == {f"{g}/index.html" for g in groups}, site  # no page for a value no document has
    assert checked > 100
    # issuers: the two spellings of the provincial committee are one issuer, one page
    assert listed(out, "bac-ninh", "van-ban/co-quan/hdnd-tinh-bac-ninh") == {"30/2026/NQ-HĐND", "18/2026/NQ-HĐND"}
    assert listed(out, "bac-giang", "van-ban/co-quan/ubnd-phuong-bac-giang") == {"21/KH-UBND", "33/QĐ-UBND", "61/TB-UBND"}
    table = read(out / "bac-ninh/van-ban/index.html")
    assert 'href="/van-ban/loai/quyet-dinh/"' in table and 'href="/van-ban/hieu-luc/het-hieu-luc/"' in table
    issued = re.findall(r'<td><time datetime="(\d{4}-\d\d-\d\d)">', table)
    assert issued == sorted(issued, reverse=True) and len(issued) == 13  # by date issued, newest first


def test_computed_statuses_and_their_filter_pages(built_sample):
    out, _ = built_sample
    expected = {("bac-ninh", "2145/QĐ-UBND"): "expired", ("bac-ninh", "15/2026/QĐ-UBND"): "in_force",
                ("bac-ninh", "02/2026/QĐ-UBND"): "expired", ("bac-ninh", "36/2026/QĐ-UBND"): "pending",
                ("so-xay-dung", "45/2025/QĐ-UBND"): "partly_expired", ("dong-tien", "87/QĐ-UBND"): "expired",
                ("dong-tien", "119/QĐ-UBND"): "in_force"}
    for (site, number), status in expected.items():
        assert f'data-doc-status="{status}"' in doc_page(out, site, number), (site, number)
    assert listed(out, "bac-ninh", "van-ban/hieu-luc/het-hieu-luc") == {"2145/QĐ-UBND", "02/2026/QĐ-UBND"}
    assert listed(out, "bac-ninh", "van-ban/hieu-luc/chua-co-hieu-luc") == {"36/2026/QĐ-UBND"}
    assert listed(out, "so-xay-dung", "van-ban/hieu-luc/het-hieu-luc-mot-phan") == {"45/2025/QĐ-UBND"}
    listing = read(out / "bac-ninh/van-ban/index.html")
    assert '<span class="status status-expired">Hết hiệu lực</span>' in listing


def test_relations_both_ways_across_sites(built_sample):
    out, _ = built_sample
    amended = doc_page(out, "so-xay-dung", "45/2025/QĐ-UBND")
    assert ('<li data-relation="amends-by">Được sửa đổi, bổ sung bởi: <a href="https://bacninh.gov.vn/van-ban/'
            'quyet-dinh-sua-doi-bo-sung-mot-so-dieu-cua-quy-dinh-phan-cap-quan-ly-quy-hoach/">28/2026/QĐ-UBND</a>') in amended
    assert 'data-relation="guides-by">Được hướng dẫn bởi: <a href="/van-ban/' in amended  # same site: root-relative
    replaced = doc_page(out, "bac-ninh", "2145/QĐ-UBND")
    assert 'data-relation="replaces-by">Bị thay thế bởi: <a href="/van-ban/' in replaced and "15/2026/QĐ-UBND</a>" in replaced
    assert "Hết hiệu lực</span> · Bị thay thế bởi 15/2026/QĐ-UBND" in replaced
    amending = doc_page(out, "bac-ninh", "28/2026/QĐ-UBND")
    assert 'data-relation="amends">Sửa đổi, bổ sung: <a href="https://soxd.bacninh.gov.vn/van-ban/' in amending
    external = doc_page(out, "so-khoa-hoc-cong-nghe", "31/2026/QĐ-UBND")
    assert 'Căn cứ: <a href="https://vanban.chinhphu.vn/' in external and "47/2020/NĐ-CP" in external


def test_an_expired_document_stays_published_marked_expired(built_sample):
    out, _ = built_sample
    net = load_network(REPO)
    for site in net.sites:  # the shared plan 512/KH-UBND: valid until 31/01/2026, still on every portal
        page = out / site.id / "chi-dao-dieu-hanh/ke-hoach-cao-diem-bao-dam-trat-tu-an-toan-giao-thong-dip-tet-duong-lich-2026/index.html"
        assert page.is_file(), site.id
        assert 'data-doc-status="expired"' in read(page)
    assert (out / "bac-ninh/van-ban/quy-che-quan-ly-cong-thong-tin-dien-tu-tinh/index.html").is_file()


def test_the_detail_page(built_sample):
    out, _ = built_sample
    html = doc_page(out, "bac-ninh", "15/2026/QĐ-UBND")
    for label in ("Số ký hiệu", "Loại văn bản", "Cơ quan ban hành", "Người ký", "Ngày ban hành", "Ngày hiệu lực", "Lĩnh vực"):
        assert f'<th scope="row">{label}</th>' in html, label
    assert re.search(r'<a href="/files/van-ban/[^"]+\.pdf" download>[^<]+</a> <span class="file-meta">\(Toàn văn, PDF, \d+ KB\)</span>', html)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert len(re.findall(r'<script type="application/ld\+json">', html)) == 1  # one block: the page's, completed by the document's
    assert "Legislation" in ld["@type"] and ld["legislationIdentifier"] == "15/2026/QĐ-UBND"
    assert ld["legislationLegalForce"] == "InForce" and ld["legislationRepeals"][0]["legislationIdentifier"] == "2145/QĐ-UBND"
    record = json.loads(re.search(r'<script type="application/json" id="search-record">(.*?)</script>', html, re.S).group(1))
    assert (record["doc_type"], record["issuer"], record["year"], record["status"], record["fields"]) == (
        "Quyết định", "UBND tỉnh Bắc Ninh", "2026", "Còn hiệu lực", ["Chuyển đổi số", "Bộ máy hành chính"])
    hidden = re.search(r'<div hidden class="index-only">(.*?)</div>', html, re.S).group(1)
    assert "15 2026 qđ ubnd" in hidden and "15/2026/qd-ubnd" in hidden and "Trần Văn Khải" not in hidden.split("\n")[0]
    assert "Quy định áp dụng cho Cổng Thông tin điện tử tỉnh" in hidden  # the PDF's text


def test_open_data(built_sample):
    out, _ = built_sample
    rows = list(csv.DictReader(io.StringIO(read(out / "so-xay-dung/van-ban/index.csv").lstrip("\ufeff"))))
    row = next(r for r in rows if r["number"] == "45/2025/QĐ-UBND")
    assert row["status"] == "Hết hiệu lực một phần" and row["issued"] == "2025-08-18" and row["url"].startswith("https://soxd.bacninh.gov.vn/")
    assert "Được sửa đổi, bổ sung bởi 28/2026/QĐ-UBND" in row["relations"]


def test_drafts_change_state_and_never_vanish(built_sample):
    out, _ = built_sample
    states = {}
    for page in out.glob("*/du-thao/*/index.html"):
        m = re.search(r'data-draft-state="(\w+)"', read(page))
        states[f"{page.parts[-4]}/{page.parts[-2]}"] = m.group(1)
    assert len(states) == 9
    assert states["phat-tich/lay-y-kien-du-thao-de-an-phat-trien-du-lich-cong-dong-thon-phat-tich-va-ngo-xa"] == "compiling"
    assert sorted(states.values()).count("open") == 3 and "adopted" in states.values() and "reported" in states.values()
    closed = read(next(out.glob("phat-tich/du-thao/*/index.html")))
    assert "Đã hết thời gian lấy ý kiến" in closed
    bac_ninh = read(next(out.glob("bac-ninh/du-thao/*/index.html")))
    assert "Đang lấy ý kiến: còn 28 ngày." in bac_ninh  # until 20/12/2026, on 22/11/2026
    adopted = read(next(out.glob("so-khoa-hoc-cong-nghe/du-thao/*/index.html")))
    assert '<th scope="row">Đã được ban hành thành</th><td><a href="/van-ban/' in adopted and "31/2026/QĐ-UBND</a>" in adopted
    home = read(out / "bac-ninh/index.html")
    block = home.split('aria-labelledby="h-open-drafts"', 1)[1].split("</section>", 1)[0]
    assert "Lấy ý kiến dự thảo Nghị quyết về chính sách hỗ trợ doanh nghiệp" in block and "còn 28 ngày" in block
    assert 'aria-labelledby="h-open-drafts"' not in read(out / "so-noi-vu/index.html")  # none open there


def test_procedures_table_and_filters(built_sample):
    out, _ = built_sample
    table = read(out / "so-xay-dung/thu-tuc-hanh-chinh/index.html")
    assert '<td class="doc-number">1.009994</td>' in table and "75.000 đồng/giấy phép" in table
    assert listed_procedures(out, "kinh-bac", "thu-tuc-hanh-chinh/linh-vuc/ho-tich") == {"1.001193"}
    page = read(next(out.glob("so-xay-dung/thu-tuc-hanh-chinh/*/index.html")))
    assert 'href="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.009994"' in page
    assert "<h2 id=\"h-dossier\">Thành phần hồ sơ</h2>" in page


def listed_procedures(out: Path, site: str, path: str) -> set[str]:
    return set(re.findall(r'<td class="doc-number">([^<]+)</td>', read(out / site / path / "index.html")))


def test_organisation_pages_in_vietnamese_and_english(built_sample):
    out, _ = built_sample
    tien_du = read(out / "tien-du/co-cau-to-chuc/index.html")
    assert '<a href="tel:02223837210">0222 3837 210</a>' in tien_du and 'href="mailto:tiendu.ct@bacninh.gov.vn"' in tien_du
    assert "Chủ tịch UBND xã" in tien_du and "Phụ trách chung" in tien_du
    for site in ["bac-ninh"] + [s.id for s in load_network(REPO).sites if s.kind == "department"]:
        en = read(out / site / "en/co-cau-to-chuc/index.html")
        assert '<html lang="en">' in en and ("Director of the Department" in en or "Chairman of the Provincial People" in en), site
        assert 'hreflang="vi"' in en and "tel:" in en
    assert "Born in 1972" in read(out / "bac-ninh/en/co-cau-to-chuc/index.html")


def test_every_footer_names_the_governing_agency_and_the_responsible(built_sample):
    out, _ = built_sample
    for page in ("tien-du/index.html", "tien-du/van-ban/index.html", "so-y-te/en/index.html"):
        html = read(out / page)
        footer = html.split('<footer class="site-footer">', 1)[1]
        assert ("Cơ quan chủ quản: UBND xã Tiên Du" in footer or "Governing agency: Bac Ninh Department of Health" in footer), page
        assert ("Người chịu trách nhiệm: Nguyễn Thị Lan Anh, Phó Chủ tịch UBND xã" in footer
                or "Responsible for the portal: Phan Văn Dũng, Deputy Director of the Department" in footer), page


def test_audit_of_the_sample_network(built_sample):
    from portal.stages import audit

    out, _ = built_sample
    net = load_network(REPO)
    report = audit.audit(net, NOW)
    counts = {s: report.counts(s) for s in report.findings}
    assert counts["bac-ninh"] == {"present": 10, "stale": 1, "missing": 0}
    assert counts["tien-du"] == {"present": 5, "stale": 3, "missing": 2}
    assert counts["dong-tien"] == {"present": 5, "stale": 1, "missing": 4}
    assert report.missing == 43 and len(report.findings) == 19
    by = {f.item: f for f in report.findings["tien-du"]}
    assert by["budget"].state == "missing" and by["budget"].path == "content/sites/tien-du/ngan-sach-thong-ke/"
    assert by["documents"].state == "stale" and "english" not in by  # English is required of the province and departments
    page = read(out / "bac-ninh/kiem-tra-thong-tin-bat-buoc/index.html")
    row = page.split('<tr data-site="tien-du">', 1)[1].split("</tr>", 1)[0]
    assert '<td data-count="present">5</td><td data-count="stale">3</td><td data-count="missing">2</td>' in row
    assert "Nghị định số 42/2022/NĐ-CP" in page


def test_portal_audit_command(tmp_path):
    import subprocess
    import sys

    portal = Path(sys.executable).parent / "portal"
    md = subprocess.run([str(portal), "--root", str(REPO), "audit", "--site", "tien-du", "--at", "2026-11-22"],
                        capture_output=True, text=True, check=True)
    assert "| tien-du | ~ | ✓ |" in md.stdout and "`content/sites/tien-du/ngan-sach-thong-ke/`" in md.stdout
    strict = subprocess.run([str(portal), "--root", str(REPO), "audit", "--format", "json", "--strict", "--site", "bac-ninh",
                             "--site", "tien-du", "--at", "2026-11-22"], capture_output=True, text=True)
    assert strict.returncode == 1 and "2 required item(s) missing" in strict.stderr
    data = json.loads(strict.stdout)
    assert [s["site"] for s in data["sites"]] == ["bac-ninh", "tien-du"] and data["sites"][1]["missing"] == 2
    ok = subprocess.run([str(portal), "--root", str(REPO), "audit", "--strict", "--site", "bac-ninh", "--at", "2026-11-22"],
                        capture_output=True, text=True)
    assert ok.returncode == 0


def test_the_audit_feeds_the_scorings_required_items():
    from portal.stages import audit

    report = audit.audit(load_network(REPO), NOW, ["tien-du"])
    found = audit.findings_for_scoring(report)["tien-du"]
    budget = next(f for f in found if f["check"] == "budget")
    assert budget == {"check": "budget", "ok": False, "state": "missing", "path": "content/sites/tien-du/ngan-sach-thong-ke/",
                      "detail": budget["detail"], "line": None}
    assert {f["check"] for f in found if f["ok"]} >= {"organisation", "contacts", "procedures"}
