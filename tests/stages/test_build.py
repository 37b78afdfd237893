"""Build a small network and read the HTML."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

from portal.stages.build import build

from ..conftest import NOW, post, read, write

SITES = ["tinh", "so-a", "xa-mot", "xa-hai", "phuong-ba"]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str, **match: str) -> list[dict]:
    p = Links()
    p.feed(html)
    return [a for t, a in p.tags if t == name and all(a.get(k) == v for k, v in match.items())]


def canonical(html: str) -> str:
    (link,) = tags(html, "link", rel="canonical")
    return link["href"]


def test_every_site_is_complete(built_mini: Path):
    for site in SITES:
        root = built_mini / site
        for rel in ("index.html", "404.html", "sitemap.xml", "robots.txt", "feeds/all.atom.xml",
                    "feeds/tin-tuc.atom.xml", "tin-tuc/index.html", "gioi-thieu/index.html",
                    "cac-cong-thanh-phan/index.html", "theme/css/portal.css", "theme/css/print.css"):
            assert (root / rel).is_file(), f"{site}/{rel}"
    assert (built_mini / "index.html").is_file()
    assert "http://xa-mot.localhost:8000/" in read(built_mini / "index.html")


DIRECTIVES = {
    "chi-thi-ve-phong-chong-bao-lu": set(SITES),
    "nhiem-vu-cua-cap-xa-phuong": {"tinh", "xa-mot", "xa-hai", "phuong-ba"},
    "giao-nhiem-vu-cho-so-a-va-xa-hai": {"tinh", "so-a", "xa-hai"},
}
ABSENT = ["chi-dao-da-het-hieu-luc", "chi-dao-se-ban-hanh", "du-thao-chi-dao"]


def test_directives_reach_exactly_their_audience(built_mini: Path):
    for slug, audience in DIRECTIVES.items():
        for site in SITES:
            page = built_mini / site / "chi-dao-dieu-hanh" / slug / "index.html"
            assert page.is_file() == (site in audience), (slug, site)
            if site not in audience:
                continue
            html = read(page)
            assert canonical(html) == f"https://tinh.example.vn/chi-dao-dieu-hanh/{slug}/"
            if site != "tinh":
                source = tags(html, "a", href=f"https://tinh.example.vn/chi-dao-dieu-hanh/{slug}/")
                assert source, "a visible source line links to the provincial copy"
            listing = read(built_mini / site / "chi-dao-dieu-hanh" / "index.html")
            assert f'href="/chi-dao-dieu-hanh/{slug}/"' in listing
            assert f"/chi-dao-dieu-hanh/{slug}/" in read(built_mini / site / "index.html")
            assert f"/chi-dao-dieu-hanh/{slug}/" in read(built_mini / site / "feeds" / "all.atom.xml")
            assert f"/chi-dao-dieu-hanh/{slug}/" in read(built_mini / site / "feeds" / "chi-dao-dieu-hanh.atom.xml")


def test_expired_draft_and_future_are_absent(built_mini: Path):
    for site in SITES:
        for slug in ABSENT:
            assert not (built_mini / site / "chi-dao-dieu-hanh" / slug).exists()
        all_html = "".join(read(p) for p in (built_mini / site).rglob("*.html"))
        for title in ("Chỉ đạo đã hết hiệu lực", "Chỉ đạo sẽ ban hành", "Dự thảo chỉ đạo"):
            assert title not in all_html
    xa = built_mini / "xa-mot"
    assert (xa / "tin-tuc" / "day-manh-chuyen-doi-so" / "index.html").is_file()
    for slug in ("ban-nhap-chua-duyet", "tin-hen-gio-dang", "thong-bao-da-het-han"):
        assert not (xa / "tin-tuc" / slug).exists(), slug
    assert not (xa / "drafts").exists()


def test_own_post_canonical_is_itself(built_mini: Path):
    html = read(built_mini / "xa-mot" / "tin-tuc" / "day-manh-chuyen-doi-so" / "index.html")
    assert canonical(html) == "https://xamot.example.vn/tin-tuc/day-manh-chuyen-doi-so/"
    assert '<html lang="vi">' in html
    assert "01/03/2026" in html  # Babel, Vietnamese: one date form everywhere (portal.model.i18n.DATE_FORMAT)
    assert tags(html, "link", rel="alternate", hreflang="x-default")
    assert tags(html, "link", rel="alternate", hreflang="vi")
    assert 'href="/tag/chuyen-doi-so/"' in html and 'href="/tag/duong-giao-thong/"' in html


def test_nfd_source_comes_out_nfc(built_mini: Path):
    page = built_mini / "xa-hai" / "tin-tuc" / "hoi-nghi-tong-ket-nam" / "index.html"
    html = read(page)
    assert "Hội nghị tổng kết năm" in html
    assert "Nội dung có dấu tiếng Việt." in html
    assert html == unicodedata.normalize("NFC", html)


def test_legal_document_details(built_mini: Path):
    html = read(built_mini / "xa-mot" / "van-ban" / "quyet-dinh-ve-quy-hoach" / "index.html")
    for text in ("12/QĐ-UBND", "Quyết định", "UBND xã Một", "Nguyễn Văn A", "20/01/2026"):
        assert text in html


def test_no_request_to_another_origin(built_mini: Path):
    for page in (built_mini / "xa-mot").rglob("*.html"):
        html = read(page)
        for attr in ("src", "href"):
            for tag in ("script", "img", "link", "iframe", "source"):
                for a in tags(html, tag):
                    url = a.get(attr, "")
                    if tag == "link" and a.get("rel") in ("canonical", "alternate"):
                        continue
                    assert not re.match(r"^(https?:)?//", url), (page, tag, url)


def test_accessibility_basics(built_mini: Path):
    for page in [built_mini / "xa-mot" / "index.html",
                 built_mini / "xa-mot" / "tin-tuc" / "day-manh-chuyen-doi-so" / "index.html",
                 built_mini / "xa-mot" / "tin-tuc" / "index.html"]:
        html = read(page)
        assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
        assert "<header" in html and "<nav" in html and "<main" in html and "<footer" in html
        assert html.count("<h1") == 1
        levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in pairwise(levels)), levels
        for img in tags(html, "img"):
            assert "alt" in img
        assert 'media="print"' in html


def test_pagination_has_no_collisions(tmp_path: Path):
    from ..conftest import make_project

    sites = """\
network: {home: tinh}
defaults:
  sections:
    province: [chi-dao-dieu-hanh, {slug: cat1, name: {vi: Một}}, {slug: cat11, name: {vi: Mười một}}]
sites:
  - id: tinh
    kind: province
    name: {vi: Tỉnh}
    url: https://tinh.example.vn
"""
    root = make_project(tmp_path / "p", sites)
    for i in range(221):  # cat1: 12 pages of 20
        post(root, f"content/sites/tinh/cat1/a{i}.md", f"Bài cat1 số {i}", category="cat1",
             date=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}")
    for i in range(25):  # cat11: 2 pages
        post(root, f"content/sites/tinh/cat11/b{i}.md", f"Bài cat11 số {i}", category="cat11")
    report = build(root, now=NOW, jobs=1)
    assert report.ok, report.all_problems()
    out = root / "output" / "tinh"
    # numbered from the oldest (portal.stages.render.pagination): 20 on the first page, 201 in 11 archive pages
    assert (out / "cat1" / "page" / "11" / "index.html").is_file() and not (out / "cat1" / "page" / "12").exists()
    assert (out / "cat11" / "page" / "1" / "index.html").is_file() and not (out / "cat11" / "page" / "2").exists()
    p11 = read(out / "cat1" / "page" / "11" / "index.html")
    p1 = read(out / "cat11" / "page" / "1" / "index.html")
    assert "Bài cat1 số" in p11 and "Bài cat11" not in p11
    assert "Bài cat11 số" in p1 and "Bài cat1 số" not in p1
    assert 'href="/cat1/page/11/"' in read(out / "cat1" / "index.html")
    assert len(list(out.glob("cat1/bai-cat1-so-*/index.html"))) == 221


def test_failed_site_keeps_old_output_and_others_build(project: Path):
    report = build(project, now=NOW, jobs=2)
    assert report.ok, report.all_problems()
    old_index = read(project / "output" / "xa-mot" / "index.html")
    post(project, "content/sites/xa-mot/tin-tuc/moi.md", "Tin mới của xã")
    post(project, "content/sites/xa-hai/tin-tuc/moi.md", "Tin mới xã Hai")
    write(project / "content/sites/xa-mot/tin-tuc/hong.md", "---\ntitle: Hỏng\ndate: 2026-02-30\ncategory: tin-tuc\n---\n")
    report = build(project, now=NOW, jobs=2)
    assert not report.ok
    failed = [r.site for r in report.results if not r.ok]
    assert failed == ["xa-mot"]
    assert any("content/sites/xa-mot/tin-tuc/hong.md:3:" in str(p) for p in report.all_problems())
    assert read(project / "output" / "xa-mot" / "index.html") == old_index
    assert not (project / "output" / "xa-mot" / "tin-tuc" / "tin-moi-cua-xa").exists()
    assert (project / "output" / "xa-hai" / "tin-tuc" / "tin-moi-xa-hai" / "index.html").is_file()
    assert not list((project / "output").glob(".building-*"))


def test_future_post_appears_once_its_date_has_come(project: Path):
    import datetime as dt

    build(project, sites=["xa-mot"], now=NOW)
    assert not (project / "output/xa-mot/tin-tuc/tin-hen-gio-dang").exists()
    later = NOW + dt.timedelta(days=60)
    build(project, sites=["xa-mot"], now=later)
    assert (project / "output/xa-mot/tin-tuc/tin-hen-gio-dang/index.html").is_file()


def test_duplicate_url_within_a_site(project: Path):
    post(project, "content/sites/so-a/tin-tuc/lap.md", "Tin đầu tiên của so-a")
    report = build(project, sites=["so-a"], now=NOW)
    assert not report.ok
    msgs = [str(p) for p in report.all_problems()]
    assert any("URL /tin-tuc/tin-dau-tien-cua-so-a/ is already used by" in m for m in msgs), msgs


def test_unknown_audience_is_an_error(project: Path):
    post(project, "content/shared/sai.md", "Chỉ đạo sai đối tượng", category="", audience="[xa-khong-co, hamlet]")
    report = build(project, now=NOW)
    msgs = [str(p) for p in report.all_problems()]
    assert any(m.startswith("content/shared/sai.md:") and "xa-khong-co" in m for m in msgs), msgs
    assert any("hamlet" in m for m in msgs)
    assert not report.ok


def test_output_that_cannot_be_written_is_a_clear_error(project: Path):
    import pytest

    from portal.model.errors import PortalError

    blocker = project / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(PortalError, match="cannot write the output folder"):
        build(project, output=blocker / "out", now=NOW)


def test_audience_item_that_is_not_text(project: Path):
    post(project, "content/shared/sai-kieu.md", "Chỉ đạo sai kiểu", category="", audience="[{commune: 1}]")
    report = build(project, now=NOW)
    msgs = [str(p) for p in report.all_problems()]
    assert any(m.startswith("content/shared/sai-kieu.md:") and "is not a site id or kind" in m for m in msgs), msgs


def test_plugins_are_imported_once_from_the_project_being_built(project: Path, tmp_path: Path):
    """The build imports the project's plugins before its workers fork (build._preload_plugins): from that
    project's folder, again when their code changed, and another project's build takes its own."""
    import shutil
    import sys

    from ..conftest import make_project, mini_content

    assert build(project, now=NOW, jobs=1).ok
    assert Path(sys.modules["portal_theme"].__file__).is_relative_to(project / "plugins")
    sitemap = project / "plugins/sitemap/__init__.py"
    sitemap.write_text(sitemap.read_text(encoding="utf-8") + "\nPORTAL_TEST_MARK = 1\n", encoding="utf-8")
    assert build(project, now=NOW, jobs=1).ok
    assert getattr(sys.modules["sitemap"], "PORTAL_TEST_MARK", None) == 1
    other = make_project(tmp_path / "other")
    mini_content(other)
    assert build(other, now=NOW, jobs=1).ok
    assert Path(sys.modules["sitemap"].__file__).is_relative_to(other / "plugins")
    assert not hasattr(sys.modules["sitemap"], "PORTAL_TEST_MARK")
    shutil.rmtree(project / "output")
