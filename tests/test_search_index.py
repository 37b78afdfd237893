"""The Pagefind bundles on disk, the staging that closes the đ and Korean gaps, and build safety."""

from __future__ import annotations

import json
import re
from pathlib import Path

from portal import search_index
from portal.build import build

from .conftest import NOW, post, read

SITES = ["tinh", "so-a", "xa-mot", "xa-hai", "phuong-ba"]


def entry(bundle: Path) -> dict:
    return json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))


def test_every_site_has_its_bundle_per_language(built_mini: Path):
    for site in SITES:
        bundle = built_mini / site / "pagefind"
        assert (bundle / "pagefind.js").is_file(), site
        assert not (bundle / "pagefind-ui.js").exists()  # the portal has its own UI
        langs = entry(bundle)["languages"]
        assert set(langs) == ({"vi", "en"} if site == "tinh" else {"vi"})
    # content pages only: posts, pages, documents (shared directives too), not lists
    xa_mot = entry(built_mini / "xa-mot" / "pagefind")["languages"]["vi"]["page_count"]
    pages = [p for p in (built_mini / "xa-mot").rglob("index.html") if "data-pagefind-body" in read(p)]
    assert xa_mot == len(pages) == 6  # 2 posts, 1 document, 1 page, 2 directives
    for rel in ("index.html", "tin-tuc/index.html", "tag/chuyen-doi-so/index.html", "tim-kiem/index.html"):
        assert "data-pagefind-body" not in read(built_mini / "xa-mot" / rel)


def test_network_bundle_indexes_each_page_once(built_mini: Path):
    bundle = built_mini / "tinh" / "tim-kiem-toan-tinh" / "pagefind"
    assert not (built_mini / "xa-mot" / "tim-kiem-toan-tinh").exists()
    canonical = set()
    for site in SITES:
        for page in (built_mini / site).rglob("index.html"):
            html = read(page)
            if "data-pagefind-body" in html and '<html lang="vi"' in html:
                canonical.add(re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1))
    assert entry(bundle)["languages"]["vi"]["page_count"] == len(canonical)
    filters = {p.name.split("_")[0] for p in (bundle / "filter").iterdir()}
    assert filters == {"vi", "en"}


def test_search_pages_and_header_form(built_mini: Path):
    for site in SITES:
        page = read(built_mini / site / "tim-kiem" / "index.html")
        assert "<noscript>" in page and "JavaScript" in page
        assert 'data-bundle="/pagefind/"' in page
        assert '<script src="/theme/js/search.js" defer></script>' in page
        home = read(built_mini / site / "index.html")
        assert '<form class="site-search" role="search" action="/tim-kiem/" method="get">' in home
        assert 'name="q"' in home
    en = read(built_mini / "tinh" / "en" / "index.html")
    assert 'action="/en/tim-kiem/"' in en and "Search this portal" in en
    network = read(built_mini / "tinh" / "tim-kiem-toan-tinh" / "index.html")
    assert 'data-bundle="/tim-kiem-toan-tinh/pagefind/"' in network
    assert '"sites": ["https://tinh.example.vn"' in network
    assert (built_mini / "tinh" / "en" / "tim-kiem-toan-tinh" / "index.html").is_file()
    # every string of the page's script is translated
    strings = json.loads(re.search(r'<script type="application/json" id="search-config">(.*?)</script>', page).group(1))
    assert strings["strings"]["searching"] == "Đang tìm…"


def test_staging_folds_d_and_keeps_the_rest():
    doc = ('<html lang="vi"><head><link rel="canonical" href="https://x.vn/a/"></head><body><header>Đầu trang</header>'
           '<article class="post" data-pagefind-body><h1>Đường Đông Tiến</h1><footer class="post-footer">'
           '<p class="tags">đầu tư</p></footer></article><footer>chân trang</footer></body></html>')
    staged, lang = search_index.stage(doc, {"filter": {"site": "Xã Đông Tiến"}})
    assert lang == "vi"
    assert "Ḑường Ḑông Tiến" in staged
    assert "đ" not in staged.lower() and "Đầu trang" not in staged and "chân trang" not in staged
    assert '<div data-portal-footer class="post-footer"><p class="tags">ḑầu tư</p></div>' in staged
    assert 'data-pagefind-filter="site">Xã Ḑông Tiến</span></article>' in staged
    assert search_index.stage("<html><body><p>no article</p></body></html>") is None


def test_korean_suffixes():
    assert search_index.hangul_suffixes("외국인투자환경 투자 개선을") == ["국인투자환경", "인투자환경", "투자환경", "자환경", "환경", "선을"]
    doc = '<html lang="ko"><body><article data-pagefind-body><p>외국인투자환경</p></article></body></html>'
    staged, lang = search_index.stage(doc)
    assert lang == "ko" and 'data-pagefind-meta="ko_parts">국인투자환경 인투자환경 투자환경 자환경 환경</span>' in staged


def test_unchanged_bundle_is_reused_and_a_failed_index_keeps_the_site(project: Path, monkeypatch):
    assert build(project, ["xa-mot", "tinh"], now=NOW, jobs=2).ok
    site_js = project / "output" / "xa-mot" / "pagefind" / "pagefind.js"
    network_js = project / "output" / "tinh" / "tim-kiem-toan-tinh" / "pagefind" / "pagefind.js"
    before = site_js.stat().st_ino, network_js.stat().st_ino
    assert build(project, ["xa-mot", "tinh"], now=NOW, jobs=2).ok
    assert (site_js.stat().st_ino, network_js.stat().st_ino) == before  # nothing indexed changed: reused

    post(project, "content/sites/xa-mot/tin-tuc/moi.md", "Bài mới về đường làng", date="2026-04-01")
    monkeypatch.setattr(search_index, "executable", lambda: Path("/bin/false"))  # forked workers inherit it
    report = build(project, ["xa-mot"], now=NOW, jobs=1)
    assert not report.ok
    messages = [p.message for p in report.all_problems()]
    assert any("search index failed" in m and "keeps its previous output" in m for m in messages), messages
    assert not (project / "output" / "xa-mot" / "tin-tuc" / "bai-moi-ve-duong-lang").exists()
    assert site_js.stat().st_ino == before[0] and network_js.stat().st_ino == before[1]
    assert not list((project / "output").glob(".building-*"))
