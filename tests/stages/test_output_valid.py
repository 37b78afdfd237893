"""The built sample network, checked as readers' tools would: every link, every feed, the sitemaps, Nu.

One build of the repository's sample network (the session fixture ``built_sample``) is read
by a crawl of every internal link and anchor, by feedparser, and by the Nu HTML Checker
(``vnu-jar``, one run over every page; ``make test`` installs it and Java).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from portal.model.sites import load_network

from ..conftest import REPO, read
from ..validators import VNU_JAR, broken_links, feed_problems, html_pages, java, nu_messages

#: the one kind of Nu error left to the Markdown side: a body's `##` rendered one level too deep


def _sites() -> dict[str, str]:
    return {s.id: s.url for s in load_network(REPO).sites}


def test_no_broken_internal_link_or_anchor(built_sample):
    out, _ = built_sample
    assert len(html_pages(out)) > 500
    problems = broken_links(out, _sites())
    assert not problems, f"{len(problems)} broken links, e.g.:\n" + "\n".join(problems[:30])


def test_the_link_checker_finds_what_is_broken(tmp_path: Path):
    """The checker itself: a missing page, a missing anchor, a script URL, a page of another site, srcset."""
    site = tmp_path / "a"
    (site / "tin-tuc" / "bai").mkdir(parents=True)
    (site / "b" / "index.html").parent.mkdir(parents=True)
    (site / "b" / "index.html").write_text('<h2 id="muc-1">x</h2>', encoding="utf-8")
    (site / "tin-tuc" / "bai" / "index.html").write_text(
        '<a href="/b/">ok</a><a href="/b/#muc-1">ok</a><a href="../../b/">ok</a><a href="#top" id="top">ok</a>'
        '<a href="https://a.example.vn/b/">ok</a><a href="https://other.example/x">external</a>'
        '<a href="/khong-co/">1</a><a href="/b/#muc-2">2</a><a href="javascript:alert(1)">3</a>'
        '<a href="https://b.example.vn/x/">4</a><img srcset="/anh.jpg 1x, /b/ 2x" alt=""><a href="tel:0222">ok</a>',
        encoding="utf-8")
    problems = broken_links(tmp_path, {"a": "https://a.example.vn", "b": "https://b.example.vn"})
    assert len(problems) == 5, problems
    assert any("/khong-co/" in p for p in problems) and any("no id 'muc-2'" in p for p in problems)
    assert any("javascript" in p for p in problems) and any("b/x/" in p for p in problems)
    assert any("anh.jpg" in p for p in problems)


def test_every_feed_is_valid_atom_with_ids_from_the_sites_address(built_sample):
    out, _ = built_sample
    problems, count = feed_problems(out, _sites())
    assert count > 50
    assert not problems, "\n".join(problems[:30])


def test_feeds_titles_languages_and_shared_ids(built_sample):
    import feedparser

    out, _ = built_sample
    sections = feedparser.parse((out / "bac-ninh/feeds/van-ban.atom.xml").read_bytes())
    assert sections.feed.title == "Cổng Thông tin điện tử tỉnh Bắc Ninh - Văn bản"  # the section's name, not its slug
    assert sections.feed.link == "https://bacninh.gov.vn/van-ban/"
    assert sections.feed.id == "https://bacninh.gov.vn/feeds/van-ban.atom.xml"
    assert feedparser.parse((out / "bac-ninh/zh/feeds/all.atom.xml").read_bytes()).feed.language == "zh-Hans"
    home = {e.id for e in feedparser.parse((out / "bac-ninh/feeds/chi-dao-dieu-hanh.atom.xml").read_bytes()).entries}
    commune = feedparser.parse((out / "tien-du/feeds/chi-dao-dieu-hanh.atom.xml").read_bytes()).entries
    assert commune and all(e.id.startswith("tag:bacninh.gov.vn,") for e in commune)  # the canonical copy's id
    assert {e.id for e in commune} <= home
    own = feedparser.parse((out / "tien-du/feeds/tin-tuc.atom.xml").read_bytes()).entries
    assert own and all(e.id.startswith("tag:tiendu.bacninh.gov.vn,") for e in own)
    assert all(re.match(r"^tag:[a-z.]+,\d{4}-\d\d-\d\d:/", e.id) for e in own)


def test_no_empty_feed_and_none_linked(built_sample):
    """A section without posts has its list page but neither a feed file nor a link to one."""
    out, _ = built_sample
    for lang_dir in (out / "bac-ninh" / "en", out / "bac-ninh" / "ja"):
        listed = {p.stem.removesuffix(".atom") for p in (lang_dir / "feeds").glob("*.atom.xml")}
        assert "chi-dao-dieu-hanh" not in listed
        assert "/chi-dao-dieu-hanh/" not in read(lang_dir / "index.html")  # no empty block, no link to an unbuilt list
    for page in html_pages(out / "tien-du"):
        for feed in re.findall(r'type="application/atom\+xml" href="([^"]+)"', read(page)):
            assert (out / "tien-du" / feed.lstrip("/")).is_file(), (page, feed)


def test_sitemap_lastmod_is_the_date_the_page_shows(built_sample):
    out, _ = built_sample
    checked = 0
    for site in ("bac-ninh", "tien-du"):
        xml = read(out / site / "sitemap.xml")
        for loc, lastmod in re.findall(r"<loc>([^<]+)</loc><lastmod>([^<]+)</lastmod>", xml):
            html = read(out / site / urlsplit(loc).path.lstrip("/") / "index.html")
            meta = html.split('<p class="meta"', 1)[1].split("</p>", 1)[0] if '<p class="meta"' in html else html
            shown = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)', meta)
            assert shown and lastmod == shown[-1], (loc, lastmod, shown)  # "Updated" when shown, else the date
            checked += 1
    assert checked > 30


@pytest.fixture(scope="session")
def nu_report(built_sample):
    if not (java() and VNU_JAR.is_file()):
        if os.environ.get("CI"):
            pytest.fail("the Nu HTML Checker is not installed: make test installs it (make validators)")
        pytest.skip("the Nu HTML Checker is not installed (make validators: npm vnu-jar and Java)")
    out, _ = built_sample
    return nu_messages(out)


def test_nu_html_checker_reports_no_error(nu_report):
    summary = Counter(m["message"][:120] for m in nu_report)
    assert not nu_report, f"{len(nu_report)} Nu errors: " + "; ".join(f"{n}× {msg}" for msg, n in summary.most_common(10))


def test_nu_sees_what_is_wrong(tmp_path: Path):
    """The checker runs for real: a page with a duplicate id and a stray end tag is reported."""
    if not (java() and VNU_JAR.is_file()):
        pytest.skip("the Nu HTML Checker is not installed (make validators)")
    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    page.write_text('<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>t</title></head>'
                    '<body><p id="a">x</p><p id="a">y</p></div></body></html>', encoding="utf-8")
    messages = nu_messages(tmp_path)
    assert any("Duplicate ID" in m["message"] for m in messages), messages
