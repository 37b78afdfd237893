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
    ("---\ntitle: x\ndate: 2026-01-01\ncategory: tin-tuc\nsummary: \"8:30\" sáng\n---\nx\n", 5, "text follows the closing quotation mark"),
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
                 "summary: \"1:30\"\ntags: [Tết, \"NO\", 'Yes']\n---\nNội\u200bdung\n")
    post = read_post(path, tmp_path, site="x", kind="article", tz=TZ)
    validate(post, sections=SECTIONS, languages=["vi"], tz=TZ)
    assert post.problems == []
    assert (post.title, post.meta["number"], post.meta["summary"], post.meta["tags"]) == ("Thôngbáo lịch", "0107", "1:30", ["Tết", "NO", "Yes"])
    assert post.slug == "thongbao-lich" and post.body == "Nộidung\n"


@pytest.mark.parametrize(("front", "line", "value"), [
    ("summary: 1:30", 5, "1:30"),             # YAML 1.1: 90
    ("tags: [Tết, NO]", 5, "NO"),             # YAML 1.1: False
    ("tags:\n  - Tết\n  - off", 7, "off"),
    ("title: Off", 2, "Off"),
    ("author: 0107", 5, "0107"),              # YAML 1.1: 71 (octal), YAML 1.2 (the web editor): 107
    ("summary: 75.000", 5, "75.000"),         # 75.0
])
def test_plain_values_other_yaml_tools_change_are_asked_to_be_quoted(tmp_path, front, line, value):
    """Field case 10: a text field's unquoted value that YAML 1.1 tools or the web editor (YAML 1.2) read as a yes/no
    or a number would be changed when such a tool saves the file: the check names the line and asks for quotes.
    The same value quoted, and plain values every reading keeps (2025, 1.5), pass."""
    title = "" if front.startswith("title:") else "title: Bài\n"
    text = f"---\n{title}" + ("" if title else front + "\n") + "date: 2026-03-01\ncategory: tin-tuc\n" + (front + "\n" if title else "") + "---\nx\n"
    problems = check(tmp_path, text)
    assert any(p.startswith(f"{REL}:{line}: '{value}' ") and f'"{value}"' in p for p in problems), problems
    quoted = check(tmp_path, text.replace(value, f'"{value}"'))
    assert not any("YAML" in p for p in quoted), quoted


def test_plain_values_every_reading_keeps_pass(tmp_path):
    text = "---\ntitle: 2025\ndate: 2026-03-01\ncategory: tin-tuc\nsummary: 1.5\ntags: [Tết, 10, Hà Nội, 08:30]\n---\nx\n"
    assert check(tmp_path, text) == []


def test_a_base_60_value_says_its_number_and_a_value_below_its_key_its_own_line(tmp_path):
    text = "---\ntitle:\n  Off\ndate: 2026-03-01\ncategory: tin-tuc\nsummary: 8:30\n---\nx\n"
    problems = check(tmp_path, text)
    assert any(p.startswith(f"{REL}:3: 'Off' ") for p in problems), problems
    assert any(p.startswith(f"{REL}:6: '8:30' ") and "8:30 = 510" in p for p in problems), problems


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


def test_checked_posts_are_kept_by_their_bytes_and_the_site_s_settings(tmp_path, monkeypatch):
    """A site's posts, read and validated once, are taken from the store while their bytes, the settings and the
    code are the same (issue 20: the audit page and each site's build read every post at every build): the very
    post a fresh read gives, a copy of its own, found from a checkout elsewhere too; a changed file, other
    settings and a post with problems are read again (a problem's message is in the editor's language)."""
    import dataclasses
    import shutil

    from portal.model import content

    parsed: list[str] = []
    real = content._parse
    monkeypatch.setattr(content, "_parse", lambda post, raw: parsed.append(post.rel) or real(post, raw))

    def read_all(root: Path, settings: str = "s", sections: list[str] = SECTIONS) -> list:
        store = root / ".cache" / "checked" / "x.pickle.z"
        files = sorted((root / "content/sites/x").rglob("*.md"))
        with content.front_matter_memo(root / ".cache" / "front-matter" / "x.pickle.z"), content.checked_memo(store, settings):
            return [content.read_checked(p, root, site="x", kind="article", tz=TZ, limits=content.DEFAULT,
                                         sections=sections, languages=["vi", "en"], default_language="vi") for p in files]

    def fresh(root: Path, sections: list[str] = SECTIONS) -> list:
        posts = []
        for p in sorted((root / "content/sites/x").rglob("*.md")):
            post = read_post(p, root, site="x", kind="article", tz=TZ)
            validate(post, sections=sections, languages=["vi", "en"], tz=TZ)
            post.addressable = not post.problems
            content.check_body(post)
            posts.append(post)
        return posts

    def by(posts: list, name: str):
        return next(p for p in posts if p.path.name == name)

    write(tmp_path / "content/sites/x/tin-tuc/a.md", "---\ntitle: Tin A\ndate: 2026-01-01\ncategory: tin-tuc\ntags: [mot, hai]\n---\nThân bài.\n")
    write(tmp_path / "content/sites/x/tin-tuc/a.en.md", "---\ntitle: News A\n---\nBody.\n")
    write(tmp_path / "content/sites/x/tin-tuc/b.md", "---\ntitle: Tin B\ndate: 2026-01-02\ncategory: khong-co\n---\nThân bài.\n")
    write(tmp_path / "content/sites/x/tin-tuc/c.md", "---\ntitle: Tin C\ndate: 2026-01-03\ncategory: tin-tuc\n---\n" + content.BODY_HINT)
    first = read_all(tmp_path)
    assert len(parsed) == 4 and [dataclasses.asdict(p) for p in first] == [dataclasses.asdict(p) for p in fresh(tmp_path)]
    assert by(first, "c.md").addressable and by(first, "c.md").problems, "a post still holding the hint has an address, and a problem"
    parsed.clear()
    again = read_all(tmp_path)
    assert parsed == ["content/sites/x/tin-tuc/b.md", "content/sites/x/tin-tuc/c.md"], "posts with problems are read again"
    assert [dataclasses.asdict(p) for p in again] == [dataclasses.asdict(p) for p in first]
    from portal.model import store as stores

    front = stores.read(tmp_path / ".cache" / "front-matter" / "x.pickle.z", content._memo_key())
    assert isinstance(front, dict) and len(front) == 4, "the front matters of the posts taken whole stay in their store"
    by(again, "a.md").meta["tags"].append("ba")
    assert by(read_all(tmp_path), "a.md").meta["tags"] == ["mot", "hai"], "each read its own copy"

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "content", elsewhere / "content")
    shutil.copytree(tmp_path / ".cache", elsewhere / ".cache")
    parsed.clear()
    moved = read_all(elsewhere)
    assert len(parsed) == 2 and by(moved, "a.md").path == elsewhere / "content/sites/x/tin-tuc/a.md"
    assert [dataclasses.asdict(p) for p in moved] == [dataclasses.asdict(p) for p in fresh(elsewhere)]

    write(tmp_path / "content/sites/x/tin-tuc/a.md", "---\ntitle: Tin A đã sửa\ndate: 2026-01-01\ncategory: tin-tuc\n---\nThân bài.\n")
    parsed.clear()
    assert by(read_all(tmp_path), "a.md").title == "Tin A đã sửa" and "content/sites/x/tin-tuc/a.md" in parsed
    parsed.clear()
    other = read_all(tmp_path, settings="other sections", sections=["van-ban"])
    assert len(parsed) == 4 and by(other, "a.md").problems, "other settings: every post validated again"
    (tmp_path / ".cache" / "checked" / "x.pickle.z").write_bytes(b"not a store")
    parsed.clear()
    assert by(read_all(tmp_path), "a.md").title == "Tin A đã sửa" and len(parsed) == 4
