"""Incremental builds reuse unchanged pages and give the same bytes as a full build."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from portal.stages.build import build

from ..conftest import NOW, post


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in (".portal-manifest.json", "changes.json")  # changes.json: the history of builds
            and not any(part.startswith("pagefind") for part in p.relative_to(root).parts)}  # search bundles: Pagefind's bytes vary


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_rebuild_reuses_unchanged_pages_and_matches_full_build(project: Path, tmp_path: Path):
    assert build(project, now=NOW).ok
    page = project / "output/xa-mot/tin-tuc/day-manh-chuyen-doi-so/index.html"
    other = project / "output/xa-mot/tin-tuc/tin-dau-tien-cua-xa-mot/index.html"
    before = inode(other)
    manifest = json.loads((project / "output/xa-mot/.portal-manifest.json").read_text())
    assert "tin-tuc/day-manh-chuyen-doi-so/index.html" in manifest["pages"]

    feeds = project / "output/xa-mot/feeds"
    section_feeds = {f.name: inode(f) for f in feeds.iterdir() if not f.name.startswith(("all.", "tin-tuc.", "chi-dao"))}
    assert any(name.endswith(".atom.xml") for name in section_feeds) and any(name.endswith(".json") for name in section_feeds)
    all_feed = inode(feeds / "all.atom.xml")

    # one post changes; a new directive arrives for every site
    post(project, "content/sites/xa-mot/tin-tuc/chuyen-doi-so.md", "Đẩy mạnh chuyển đổi số", date="2026-03-01",
         body="Nội dung đã sửa.")
    post(project, "content/shared/moi.md", "Chỉ đạo mới về an toàn giao thông", category="", date="2026-10-01")
    report = build(project, now=NOW)
    assert report.ok
    assert "Nội dung đã sửa." in page.read_text(encoding="utf-8")
    assert inode(other) == before, "an unchanged page is linked from the previous build, not rendered"
    leftovers = [p.name for p in (project / "output").iterdir() if p.name.startswith(".")]
    assert leftovers == [], "the replaced trees are removed (beside the build) before it returns"
    record = json.loads((project / "output/xa-mot/.portal-manifest.json").read_text())
    assert "tin-tuc/day-manh-chuyen-doi-so/index.html" in record["rendered"]
    assert "tin-tuc/tin-dau-tien-cua-xa-mot/index.html" not in record["rendered"] and record["reused"] > 0
    assert (project / "output/xa-hai/chi-dao-dieu-hanh/chi-dao-moi-ve-an-toan-giao-thong/index.html").is_file()
    # a feed none of whose entries changed is the last build's file; the feed of every post is written again
    assert {name: inode(feeds / name) for name in section_feeds} == section_feeds
    assert inode(feeds / "all.atom.xml") != all_feed
    assert "tin-tuc/day-manh-chuyen-doi-so/index.html" in record["pages"] and any(k.startswith("changes:") for k in record["records"])

    full = build(project, now=NOW, output=tmp_path / "full", full=True)
    assert full.ok
    for site in ("tinh", "xa-mot", "xa-hai"):
        assert tree(project / "output" / site) == tree(tmp_path / "full" / site), site
        # the change list's items (what each post is now) are those a build from nothing makes
        items = json.loads((project / "output" / site / "changes.json").read_text(encoding="utf-8"))["items"]
        assert items == json.loads((tmp_path / "full" / site / "changes.json").read_text(encoding="utf-8"))["items"], site


def test_theme_change_renders_everything_again(project: Path):
    assert build(project, sites=["xa-mot"], now=NOW).ok
    page = project / "output/xa-mot/tin-tuc/day-manh-chuyen-doi-so/index.html"
    before = inode(page)
    css = project / "themes/portal/templates/article.html"
    css.write_text(css.read_text(encoding="utf-8").replace('<article class="post"', '<article class="post changed"'), encoding="utf-8")
    from portal.stages.render import incremental

    incremental.code_key.cache_clear()
    assert build(project, sites=["xa-mot"], now=NOW).ok
    assert inode(page) != before
    assert 'class="post changed"' in page.read_text(encoding="utf-8")


def test_translation_added_updates_the_original_page(project: Path):
    assert build(project, sites=["tinh"], now=NOW).ok
    page = project / "output/tinh/tin-tuc/tin-dau-tien-cua-tinh/index.html"
    alternate = '<link rel="alternate" hreflang="en"'
    assert alternate not in page.read_text(encoding="utf-8")
    (project / "content/sites/tinh/tin-tuc/tin-dau.en.md").write_text("---\ntitle: First news\n---\nText.\n", encoding="utf-8")
    assert build(project, sites=["tinh"], now=NOW + dt.timedelta(minutes=1)).ok
    assert alternate in page.read_text(encoding="utf-8")


def _plugin(name: str):
    """The project's Pelican plugin *name* (``plugins/<name>/``), loaded as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"portal_plugin_{name}", Path(__file__).resolve().parents[2] / "plugins" / name / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_frozen_addresses_are_the_ones_pelican_formats(tmp_path: Path):
    """The writer freezes each post's and page's address from one ``url_format`` (plugins/incremental
    ``_addresses``): the same strings Pelican's ``url`` and ``save_as`` give, for articles, pages,
    drafts and translations, whatever the patterns use."""
    import copy

    from pelican.contents import Article, Category, Page
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import SafeDatetime

    plugin = _plugin("incremental")
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings.update(PATH=str(tmp_path), DEFAULT_LANG="vi",
                    ARTICLE_URL="{category}/{slug}/", ARTICLE_SAVE_AS="{category}/{slug}/index.html",
                    ARTICLE_LANG_URL="{lang}/{category}/{slug}/", ARTICLE_LANG_SAVE_AS="{lang}/{category}/{slug}/index.html",
                    DRAFT_URL="drafts/{date:%Y}/{slug}.html", DRAFT_SAVE_AS="drafts/{date:%Y}/{slug}.html",
                    PAGE_URL="{path}", PAGE_SAVE_AS="{slug}/index.html", PAGE_LANG_URL="{lang}/{slug}/",
                    DRAFT_PAGE_URL="drafts/pages/{slug}.html", DRAFT_PAGE_SAVE_AS="drafts/pages/{slug}.html")
    when = SafeDatetime(2026, 11, 30, 9, 0)
    items = [
        Article("x", {"title": "Tin", "slug": "tin", "date": when, "lang": "vi", "category": Category("Tin tức", settings)},
                settings=settings, source_path=str(tmp_path / "tin.md")),
        Article("x", {"title": "News", "slug": "news", "date": when, "lang": "en", "category": Category("News", settings)},
                settings=settings, source_path=str(tmp_path / "tin.en.md")),
        Article("x", {"title": "Nháp", "slug": "nhap", "date": when, "status": "draft", "category": Category("Tin", settings)},
                settings=settings, source_path=str(tmp_path / "nhap.md")),
        Page("x", {"title": "Giới thiệu", "slug": "gioi-thieu"}, settings=settings, source_path=str(tmp_path / "pages/gioi-thieu.md")),
        Page("x", {"title": "About", "slug": "about", "lang": "en"}, settings=settings, source_path=str(tmp_path / "pages/about.md")),
        Page("x", {"title": "Nháp", "slug": "trang-nhap", "status": "draft"}, settings=settings, source_path=str(tmp_path / "p.md")),
    ]
    for item in items:
        assert plugin._addresses(item) == (item.url, item.save_as)
    assert [plugin._addresses(i)[0] for i in items[:3]] == ["tin-tuc/tin/", "en/news/news/", "drafts/2026/nhap.html"]


def test_relative_source_paths_are_the_ones_pelican_works_out(tmp_path: Path, monkeypatch):
    """The plugin's ``get_relative_source_path`` (the folder's relative path kept) gives Pelican's own result
    for sources inside and outside the content folder, absolute or relative, with ``.`` and ``..`` in them."""
    import copy

    from pelican.contents import Content
    from pelican.settings import DEFAULT_CONFIG

    plugin = _plugin("incremental")
    monkeypatch.chdir(tmp_path)
    for content in [str(tmp_path / "content" / "sites" / "xa"), "content/sites/xa", str(tmp_path / "content" / "sites" / "xa") + "/",
                    "/"]:
        settings = copy.deepcopy(DEFAULT_CONFIG)
        settings["PATH"] = content
        sources = [str(tmp_path / "content" / "sites" / "xa" / "tin-tuc" / "a.md"), str(tmp_path / "content" / "sites" / "xa" / "a.md"),
                   str(tmp_path / "content" / "shared" / "chi-thi.md"), str(tmp_path / "content" / "sites" / "xa" / "." / "b.md"),
                   str(tmp_path / "content" / "sites" / "xa" / "tin-tuc" / ".." / "c.md"), "tin-tuc/d.md", "e.md", "./f.md",
                   "../../shared/g.md", str(tmp_path / "content" / "sites" / "xa" / "tin-tuc") + "/", "/h.md", "tin-tuc//i.md",
                   str(tmp_path / "content" / "sites" / "xa" / "tin-tuc" / ".."), "Tin Tức/ảnh.md"]
        item = Content("x", {"title": "T"}, settings=settings, source_path=sources[0])
        for source in sources:
            assert plugin.relative_source_path(item, source) == plugin._PELICAN_RELATIVE(item, source), (content, source)
        assert plugin.relative_source_path(item) == plugin._PELICAN_RELATIVE(item)
    again = _plugin("incremental")  # a second import keeps Pelican's own, not the first import's
    assert again._PELICAN_RELATIVE is plugin._PELICAN_RELATIVE


def test_feed_links_join_as_urljoin_does():
    """The feeds' map of canonical links joins each post's address to the site's by appending it when it is
    plain (plugins/portal_theme ``_join``): always what ``urljoin`` gives."""
    from urllib.parse import urljoin

    theme = _plugin("portal_theme")
    base = "https://xa-mot.bacninh.gov.vn/"
    for url in ("tin-tuc/a/", "en/news/x/", "van-ban/a.html", "", "/abs/", "../x/", "./x", "a/../b/", "a/./b", "x?y=1",
                "#f", "http://e.com/x", "//e.com/x", "tin-tức/bài-viết/", ".an/", "a//b/", "a b/", "x:y/", "a/..", "~u/%20/"):
        assert theme._join(base, url) == urljoin(base, url), url


def test_damaged_bookkeeping_of_the_last_build_is_not_a_traceback(tmp_path: Path):
    """A ``/changes.json`` or a manifest in the last build that this code did not write (a state restored
    from elsewhere): the history starts again, every page is rendered; no exception."""
    from portal.stages.render import changes, incremental

    previous, output = tmp_path / "prev", tmp_path / "out"
    previous.mkdir()
    output.mkdir()
    changes.ITEMS.clear()
    changes.ITEMS["https://x/a/"] = {"url": "https://x/a/", "title": "A", "language": "vi", "version": "1", "feed": ""}
    for text in ("[]", '"x"', '{"items": [1], "sequence": "x"}', '{"items": {"a": 1}, "changes": 3, "sequence": "2"}'):
        (previous / changes.FILE).write_text(text, encoding="utf-8")
        data = changes.finish(output, previous, "xa-mot", None)
        assert data["sequence"] == 1 and list(data["items"]) == ["https://x/a/"]
    for text in ('{"pages": [1, 2]}', '{"pages": {"a": "k"}, "records": 5}', "[1]"):
        (previous / incremental.MANIFEST).write_text(text, encoding="utf-8")
        incremental.start(previous)
        assert incremental.reuse("a", "k", output) in (False, True)
    changes.ITEMS.clear()
