"""Front matter: each error names the file, the line and the fix."""

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.model.content import read_post, validate

from ..conftest import write

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SECTIONS = ["tin-tuc", "chi-dao-dieu-hanh", "van-ban"]


def check(tmp_path: Path, text: str, *, shared: bool = False, kind: str = "article", name: str = "bai.md") -> list[str]:
    path = write(tmp_path / "content" / "sites" / "x" / name, text)
    post = read_post(path, tmp_path, site=None if shared else "x", kind=kind, tz=TZ)
    validate(post, sections=None if shared else SECTIONS, languages=["vi", "en"], tz=TZ)
    return [str(p) for p in post.problems]


REL = "content/sites/x/bai.md"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("title: x\n", 1, "front matter is missing"),
        ("---\ntitle: x\ndate: 2026-01-01\n", 1, "front matter is not closed"),
        ("---\ntitle: [x\ndate: 2026-01-01\n---\n", 3, "invalid YAML"),
        ("---\ndate: 2026-01-01\ncategory: tin-tuc\n---\n", 1, "title is missing"),
        ("---\ntitle: x\ncategory: tin-tuc\n---\n", 1, "date is missing"),
        ("---\ntitle: x\ndate: 2026-13-01\ncategory: tin-tuc\n---\n", 3, "is not a date"),
        ("---\ntitle: x\ndate: 01/02/2026\ncategory: tin-tuc\n---\n", 3, "is not a date"),
        ("---\ntitle: x\ndate: 2026-01-01\n---\n", 1, "category is missing"),
        ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuk\n---\n", 4, "did you mean 'tin-tuc'"),
        ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\ntagz: [a]\n---\n", 5, "unknown front-matter key 'tagz'"),
        ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\nstatus: hidden\n---\n", 5, "status 'hidden' is not known"),
        ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\nslug: Bài Một\n---\n", 5, "try 'bai-mot'"),
        ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\nexpires: soon\n---\n", 5, "expires 'soon' is not a date"),
        ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\naudience: [commune]\n---\n", 5, "audience is only for content/shared/"),
    ],
)
def test_front_matter_errors(tmp_path, text, line, needle):
    problems = check(tmp_path, text)
    assert any(p.startswith(f"{REL}:{line}: ") and needle in p for p in problems), problems


def test_shared_category_is_forced(tmp_path):
    problems = check(tmp_path, "---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\n---\n", shared=True)
    assert any("must be 'chi-dao-dieu-hanh'" in p and ":4:" in p for p in problems)


def test_language_not_enabled_and_unknown(tmp_path):
    assert any("language 'ja' is not enabled" in p for p in check(tmp_path, "---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\n---\n", name="bai.ja.md"))
    assert any("language 'fr' in the file name is not supported" in p for p in check(tmp_path, "---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\n---\n", name="bai.fr.md"))


def test_not_utf8(tmp_path):
    path = tmp_path / "content" / "sites" / "x" / "bai.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\ntitle: Ti\xeau \xf0\xe8\n---\n")
    post = read_post(path, tmp_path, site="x", kind="article", tz=TZ)
    assert "is not UTF-8" in str(post.problems[0])


def test_valid_post_gets_folded_slug_and_dates(tmp_path):
    path = write(tmp_path / "a.md", "---\ntitle: Đẩy mạnh chuyển đổi số\ndate: 2026-03-01 08:30\ncategory: tin-tuc\n"
                 "tags: [a, b]\nexpires: 2026-04-01\n---\nBody\n")
    post = read_post(path, tmp_path, site="x", kind="article", tz=TZ)
    validate(post, sections=SECTIONS, languages=["vi"], tz=TZ)
    assert post.problems == []
    assert post.slug == "day-manh-chuyen-doi-so"
    assert post.url() == "tin-tuc/day-manh-chuyen-doi-so/"
    assert post.date.hour == 8 and post.date.utcoffset().total_seconds() == 7 * 3600
    assert post.expires.day == 1 and post.expires.hour == 23  # through the end of that day


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("---\ntitle: x\ndate: 31/12/2026\ncategory: tin-tuc\n---\nx\n", 3, "write 2026-12-31 (year-month-day)"),
    ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\nexpires: 5/1/2027 08:30\n---\nx\n", 5, "write 2027-01-05 08:30"),
    ("---\ntitle: x\ndate: [a, b]\ncategory: tin-tuc\n---\nx\n", 3, "date '(a list)' is not a date"),
    ("---\ntitle: Hội nghị: tổng kết\ndate: 2026-01-01\ncategory: tin-tuc\n---\nx\n", 2, "put the title in double quotes"),
    ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\ndate: 2026-12-31\n---\nx\n", 5, "'date' is given twice — keep one"),
    ("---\ntitle: x\ndate: &d 2026-01-01\ncategory: tin-tuc\n---\nx\n", 3, "anchors and aliases"),
    ("---\ntitle: \"" + "Dài " * 150 + "\"\ndate: 2026-01-01\ncategory: tin-tuc\n---\nx\n", 2, "more than 500"),
    ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\ntags: [\"" + "t" * 120 + "\"]\n---\nx\n", 5, "a tag has 120 characters"),
    ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\n---\nDòng một\nDòng\x0bhai\n", 7, "control character U+000B"),
    ("---\ntitle: \"Có\x00NUL\"\ndate: 2026-01-01\ncategory: tin-tuc\n---\nx\n", 2, "control character U+0000"),
])
def test_read_time_and_yaml_errors_say_the_fix(tmp_path, text, line, needle):
    problems = check(tmp_path, text)
    assert any(p.startswith(f"{REL}:{line}: ") and needle in p for p in problems), problems


def test_values_are_kept_as_written_and_invisible_characters_removed(tmp_path):
    path = write(tmp_path / "a.md", "---\ntitle: \"Thông\u00adbáo\u200b lịch\"\ndate: 2026-03-01\ncategory: van-ban\nnumber: 0107\n"
                 "summary: 1:30\ntags: [Tết, NO, Yes]\n---\nNội\u200bdung\n")
    post = read_post(path, tmp_path, site="x", kind="article", tz=TZ)
    validate(post, sections=SECTIONS, languages=["vi"], tz=TZ)
    assert post.problems == []
    assert (post.title, post.meta["number"], post.meta["summary"], post.meta["tags"]) == ("Thôngbáo lịch", "0107", "1:30", ["Tết", "NO", "Yes"])
    assert post.slug == "thongbao-lich" and post.body == "Nộidung\n"


def test_front_matter_memo_keeps_parses_between_reads(tmp_path, monkeypatch):
    """A build keeps each front matter's parse (issue 20): a file read again with the same front matter is not
    parsed again; each read gets its own copy; a changed, broken or gone file and a damaged store are handled."""
    from portal.model import content, yamlio

    calls: list[str] = []
    real = yamlio.load
    monkeypatch.setattr(yamlio, "load", lambda text, **kw: calls.append(text) or real(text, **kw))
    store = tmp_path / ".cache" / "front-matter" / "x.pickle.z"
    a = write(tmp_path / "content/sites/x/tin-tuc/a.md", "---\ntitle: Tin A\ndate: 2026-01-01\ntags: [mot, hai]\n---\nThân bài.\n")
    b = write(tmp_path / "content/sites/x/tin-tuc/b.md", "---\ntitle: Tin B\ndate: 2026-01-02\n---\nThân bài.\n")

    def read_all() -> list:
        with content.front_matter_memo(store):
            return [read_post(p, tmp_path, site="x", kind="article", tz=TZ) for p in (a, b)]

    first = read_all()
    assert len(calls) == 2 and store.is_file()
    calls.clear()
    again = read_all()
    assert calls == [], "the same front matters are taken from the store"
    assert [p.meta for p in again] == [p.meta for p in first] and again[0].lines == first[0].lines
    assert again[0].line("tags") == 4
    again[0].meta["tags"].append("ba")
    with content.front_matter_memo(store):
        assert read_post(a, tmp_path, site="x", kind="article", tz=TZ).meta["tags"] == ["mot", "hai"], "each read its own copy"

    write(b, "---\ntitle: Tin B đã sửa\ndate: 2026-01-02\n---\nThân bài.\n")
    calls.clear()
    assert [p.title for p in read_all()] == ["Tin A", "Tin B đã sửa"] and len(calls) == 1
    write(b, "---\ntitle: [không đóng\n---\n")
    broken = read_all()[1]
    assert broken.problems and str(broken.problems[0]).startswith("content/sites/x/tin-tuc/b.md:")
    calls.clear()
    assert read_all()[1].problems and len(calls) == 1, "a front matter with an error is never kept"

    store.write_bytes(b"not a store")
    calls.clear()
    assert read_all()[0].title == "Tin A" and len(calls) == 2
    b.unlink()
    with content.front_matter_memo(store):
        read_post(a, tmp_path, site="x", kind="article", tz=TZ)
    from portal.model import store as stores

    assert len(stores.read(store, content._memo_key())) == 1, "a file gone is dropped from the store"
    calls.clear()
    assert read_post(a, tmp_path, site="x", kind="article", tz=TZ).meta["title"] == "Tin A"
    assert len(calls) == 1, "no memo open: parsed"
