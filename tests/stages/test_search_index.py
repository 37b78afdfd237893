"""The Pagefind bundles on disk, the staging that closes the đ and Korean gaps, and build safety."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from portal.model.sites import load_network
from portal.stages.build import build
from portal.stages.search import site as site_index
from portal.stages.search.staging import hangul_suffixes

from ..conftest import NOW, post, read

SITES = ["tinh", "so-a", "xa-mot", "xa-hai", "phuong-ba"]


def entry(bundle: Path) -> dict:
    return json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))


def test_every_site_has_its_bundle_per_language(built_mini: Path):
    for site in SITES:
        bundle = built_mini / site / "pagefind"
        assert (bundle / "pagefind.js").is_file(), site
        assert not (bundle / "pagefind-ui.js").exists()  # the portal has its own UI
        langs = entry(bundle)["languages"]
        # tinh's only English page is the directive for every site: in the shared bundle
        assert set(langs) == {"vi"}
    # content pages only: posts, pages, documents, directives for some sites; not lists
    xa_mot = entry(built_mini / "xa-mot" / "pagefind")["languages"]["vi"]["page_count"]
    pages = [p for p in (built_mini / "xa-mot").rglob("index.html") if 'id="search-record"' in read(p)]
    assert len(pages) == 6  # 2 posts, 1 document, 1 page, 2 directives
    assert xa_mot == 5  # the directive for every site is in the shared bundle
    for rel in ("index.html", "tin-tuc/index.html", "tag/chuyen-doi-so/index.html", "tim-kiem/index.html"):
        assert 'id="search-record"' not in read(built_mini / "xa-mot" / rel)


def shards(built: Path) -> list[Path]:
    folder = built / "tinh" / "tim-kiem-toan-tinh" / "pagefind"
    return [folder / name for name in json.loads((folder / "shards.json").read_text(encoding="utf-8"))]


def test_network_bundle_indexes_each_page_once(built_mini: Path):
    assert not (built_mini / "xa-mot" / "tim-kiem-toan-tinh").exists()
    canonical = set()
    for site in SITES:
        for page in (built_mini / site).rglob("index.html"):
            html = read(page)
            if 'id="search-record"' in html and '<html lang="vi"' in html:
                canonical.add(re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1))
    bundles = shards(built_mini)
    assert len(bundles) == 1  # a small network: one shard
    assert sum(entry(b)["languages"]["vi"]["page_count"] for b in bundles) == len(canonical)
    filters = {p.name.split("_")[0] for b in bundles for p in (b / "filter").iterdir()}
    assert filters == {"vi", "en"}


def test_directives_for_every_site_are_indexed_once_in_the_shared_bundle(built_mini: Path):
    """The directive for all sites is in one shared bundle, hard-linked into every site, not in their own."""
    inodes = {(built_mini / site / "pagefind-chi-dao" / "pagefind.js").stat().st_ino for site in SITES}
    assert len(inodes) == 1
    shared = entry(built_mini / "tinh" / "pagefind-chi-dao")["languages"]
    assert shared["vi"]["page_count"] == 1 and shared["en"]["page_count"] == 1  # toan-tinh.md and its translation
    copy = read(built_mini / "xa-mot" / "chi-dao-dieu-hanh" / "chi-thi-ve-phong-chong-bao-lu" / "index.html")
    assert '"shared": true' in copy.split("<body")[0]
    for site in SITES:  # own bundles: without it; the directive for some sites only stays in theirs
        staged = site_index.stage_site(built_mini / site)
        assert not any("phong-chong-bao-lu" in rel for rel, _ in staged), site
    assert any("giao-nhiem-vu" in rel for rel, _ in site_index.stage_site(built_mini / "xa-hai"))
    assert 'data-bundles="/pagefind/ /pagefind-chi-dao/"' in read(built_mini / "xa-mot" / "tim-kiem" / "index.html")


def test_network_pages_leave_out_copies(built_mini: Path):
    """A site's record counts the pages the network index takes: not its copy of a directive for some sites."""
    from portal.stages.search import network as network_index

    network = load_network(built_mini.parent)
    for site in network.sites:
        bundle = built_mini / site.id / "pagefind"
        own = len(network_index.stage_sites(network, built_mini, [site]))
        if site.id == network.home:  # its copies of directives for every site are counted in the shared bundle
            own -= network_index._page_count(built_mini / site.id / "pagefind-chi-dao")
        assert site_index.network_pages(bundle) == own, site.id
    hai = built_mini / "xa-hai" / "pagefind"
    assert site_index.network_pages(hai) < network_index._page_count(hai)  # its copy of giao-nhiem-vu
    assert site_index.network_pages(built_mini / "xa-hai") is None  # no record: plan_shards counts the bundle


def test_network_staging_from_records_equals_reading_every_page(built_mini: Path, tmp_path: Path):
    """The network index reads the pages the sites' records name; without records it reads every page, same result."""
    import shutil

    from portal.stages.search import network as network_index

    network = load_network(built_mini.parent)
    from_records = network_index.stage_sites(network, built_mini, network.sites)
    copy = tmp_path / "output"
    shutil.copytree(built_mini, copy)
    shared = network_index.index_shared(network, copy)
    assert shared is not None and shared.pages == 2 and shared.reused
    for record in copy.glob("*/pagefind/.portal-stage.json"):
        record.unlink()
    assert network_index.stage_sites(network, copy, network.sites) == from_records
    again = network_index.index_shared(network, copy)  # the provincial portal's pages read, the same bundle
    assert again is not None and (again.pages, again.reused) == (2, True)
    assert any("chi-thi-ve-phong-chong-bao-lu" in rel for rel, _ in from_records if rel.startswith("tinh/"))
    assert not any("chi-dao-dieu-hanh" in rel for rel, _ in from_records if rel.startswith("xa-hai/"))


def test_the_record_the_build_leaves_is_what_reading_every_page_gives(built_mini: Path):
    """The build tells the search index which pages it wrote for the shared bundle (not read back):
    each site's record has the kind and digest of every page that reading them all gives."""
    network = load_network(built_mini.parent)
    shared_kinds = 0
    for site in network.sites:
        tree = built_mini / site.id
        recorded = site_index.read_record(tree / "pagefind")
        assert recorded is not None
        _digests, read = site_index.site_digests(tree, None, site.url)
        assert {rel: r[3:] for rel, r in recorded.items()} == {rel: r[3:] for rel, r in read.items()}, site.id
        shared_kinds += sum(1 for r in recorded.values() if r[4] == site_index.SHARED)
    assert shared_kinds > len(network.sites)  # the directive for every site, on every site (and in English)


def test_network_index_in_shards(tmp_path: Path):
    """A network bigger than a shard's budget: shards of consecutive sites, each page once, a change rebuilds one."""
    from portal.stages.build import build
    from portal.stages.search import network as network_index

    from ..conftest import make_project, mini_content

    project = make_project(tmp_path / "proj")
    mini_content(project)
    budget, network_index.SHARD_PAGES = network_index.SHARD_PAGES, 4
    try:
        assert build(project, now=NOW, jobs=2).ok
        out = project / "output"
        first = shards(out)
        groups = network_index.plan_shards(load_network(project), out)
        assert len(first) == len(groups) > 2 and [s.id for g in groups for s in g] == SITES  # consecutive sites
        assert groups[-1][-1].id == "phuong-ba"
        total = sum(entry(b)["languages"]["vi"]["page_count"] for b in first)
        single = network_index.stage_sites(load_network(project), out, load_network(project).sites)
        assert total == sum(1 for rel, staged in single if staged.lang == "vi")
        post(project, "content/sites/phuong-ba/tin-tuc/moi.md", "Tin mới của phường", date="2026-03-02")
        assert build(project, ["phuong-ba"], now=NOW, jobs=2).ok
        second = shards(out)
        assert [b.name for b in first[:-1]] == [b.name for b in second[:-1]] and first[-1].name != second[-1].name
        assert not first[-1].exists() and all(b.is_dir() for b in second)
    finally:
        network_index.SHARD_PAGES = budget


def test_search_pages_and_header_form(built_mini: Path):
    for site in SITES:
        page = read(built_mini / site / "tim-kiem" / "index.html")
        assert "<noscript>" in page and "JavaScript" in page
        assert 'data-bundles="/pagefind/ /pagefind-chi-dao/"' in page
        assert '<script src="/theme/js/search.js" defer></script>' in page
        home = read(built_mini / site / "index.html")
        assert '<form class="site-search" role="search" aria-label="Tìm kiếm nhanh" action="/tim-kiem/" method="get">' in home
        assert 'name="q"' in home
    en = read(built_mini / "tinh" / "en" / "index.html")
    assert 'action="/en/tim-kiem/"' in en and "Search this portal" in en
    network = read(built_mini / "tinh" / "tim-kiem-toan-tinh" / "index.html")
    assert 'data-bundles="/tim-kiem-toan-tinh/pagefind/shards.json"' in network
    assert '"sites": ["https://tinh.example.vn"' in network
    assert (built_mini / "tinh" / "en" / "tim-kiem-toan-tinh" / "index.html").is_file()
    # every string of the page's script is translated
    strings = json.loads(re.search(r'<script type="application/json" id="search-config">(.*?)</script>', page).group(1))
    assert strings["strings"]["searching"] == "Đang tìm…"


def test_search_pages_preload_what_the_search_fetches_first(built_mini: Path):
    """Each search page asks, with the page, for the files search.js fetches first (the bundles' notes,
    Pagefind's library and its WebAssembly for the page's language); every one exists in the output."""
    pages = [p for site in SITES for p in (built_mini / site).rglob("index.html")
             if p.parent.name in ("tim-kiem", "tim-kiem-toan-tinh")]
    assert len(pages) >= len(SITES) + 2
    for page in pages:
        html = read(page)
        links = re.findall(r'<link rel="(preload|modulepreload)" href="([^"]+)"([^>]*)>', html)
        assert links, page
        site = page.relative_to(built_mini).parts[0]
        for rel, href, rest in links:
            assert (built_mini / site / href.lstrip("/")).is_file(), f"{page}: {href}"
            assert rel == "modulepreload" or 'as="fetch" crossorigin' in rest  # as search.js's fetch() asks
        hrefs = [h for _, h, _ in links]
        if page.parent.name == "tim-kiem-toan-tinh":
            assert hrefs == ["/tim-kiem-toan-tinh/pagefind/shards.json"]
        else:
            assert "/pagefind/pagefind.js" in hrefs
            english = (built_mini / site / "pagefind" / "wasm.en.pagefind").is_file()
            wasm = "wasm.en.pagefind" if '<html lang="en"' in html and english else "wasm.unknown.pagefind"
            assert f"/pagefind/{wasm}" in hrefs


def test_a_build_without_search_preloads_nothing_and_publishes(project: Path):
    """``portal build --no-search`` writes no bundle, so its search pages ask for none ahead: its release links
    no missing file (publish's check of every reference passes)."""
    from portal.stages.publish.verify import check_sites

    report = build(project, ["xa-mot"], now=NOW, jobs=1, search=False)
    assert report.ok, report.all_problems()
    page = read(project / "output" / "xa-mot" / "tim-kiem" / "index.html")
    assert 'rel="preload"' not in page and "modulepreload" not in page
    assert 'data-bundles="/pagefind/' in page  # the page itself is unchanged
    assert check_sites(project / "output", [("xa-mot", "")]) == []

def _page(title: str, body: str, lang: str = "vi", **fields) -> str:
    import json as _json

    record = _json.dumps({"v": 1, "title": title, **fields}, ensure_ascii=False).replace("<", "\\u003c")
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<script type="application/json" id="search-record">{record}</script><title>{title}</title></head>'
            f'<body><header>Đầu trang</header><article class="post"><h1>{title}</h1>'
            f'<div class="post-body" data-search-body>{body}</div><footer>chân trang</footer></article></body></html>')


def test_staging_writes_pairs_of_syllables_and_keeps_the_display_text():
    doc = _page("Đường Đông Tiến", "<p>Thủ tục hành chính, đầu tư công.</p>", section="Tin tức", date="2026-03-02",
                year="2026", time="2026-03-02T08:00", tags=["đầu tư"])
    staged = site_index.stage(doc, filters={"site": "Xã Đông Tiến"})
    assert staged.lang == "vi"
    assert "ʼthủʼtụcʼ ʼtụcʼhànhʼ ʼhànhʼchínhʼ ʼchínhʼ ʼḑầuʼtưʼ ʼtưʼcôngʼ ʼcôngʼ" in staged.html  # the comma ends a phrase
    assert 'data-pagefind-meta="title">ʼḑườngʼḑôngʼ ʼḑôngʼtiếnʼ ʼtiếnʼ</span>' in staged.html
    assert 'data-pagefind-meta="tw">ʻḑườngʻ ʻḑôngʻ ʻtiếnʻ</span>' in staged.html
    assert 'data-pagefind-filter="site">Xã Đông Tiến</span>' in staged.html  # filters keep the text as written
    assert "data-pagefind-sort" not in staged.html and staged.display["time"] == "2026-03-02T08:00"  # sorted by the page
    assert "Đầu trang" not in staged.html and "chân trang" not in staged.html
    assert staged.display["content"] == "Thủ tục hành chính, đầu tư công. đầu tư"  # one word a position, as written
    assert len(staged.display["content"].split()) == sum(len(p.split()) for p in re.findall(r"<p>([^<]*)</p>", staged.html))
    assert staged.display["meta"] == {"title": "Đường Đông Tiến", "date": "2026-03-02", "section": "Tin tức"}
    assert site_index.stage("<html><body><p>no record</p></body></html>") is None


def test_korean_suffixes():
    assert hangul_suffixes("외국인투자환경 투자 개선을") == ["국인투자환경", "인투자환경", "투자환경", "자환경", "환경", "선을"]
    staged = site_index.stage(_page("소식", "<p>외국인투자환경</p>", lang="ko"))
    assert staged.lang == "ko" and 'data-pagefind-meta="ko_parts">국인투자환경 인투자환경 투자환경 자환경 환경</span>' in staged.html


def test_unchanged_bundle_is_reused_and_a_failed_index_keeps_the_site(project: Path, monkeypatch):
    assert build(project, now=NOW, jobs=2).ok  # every site: the network index needs them all
    site_js = project / "output" / "xa-mot" / "pagefind" / "pagefind.js"
    network_js = shards(project / "output")[0] / "pagefind.js"
    before = site_js.stat().st_ino, network_js.stat().st_ino
    assert build(project, ["xa-mot", "tinh"], now=NOW, jobs=2).ok
    assert (site_js.stat().st_ino, network_js.stat().st_ino) == before  # nothing indexed changed: reused

    post(project, "content/sites/xa-mot/tin-tuc/moi.md", "Bài mới về đường làng", date="2026-04-01")
    monkeypatch.setattr(site_index, "executable", lambda: Path("/bin/false"))  # forked workers inherit it
    report = build(project, ["xa-mot"], now=NOW, jobs=1)
    assert not report.ok
    messages = [p.message for p in report.all_problems()]
    assert any("search index failed" in m and "keeps its previous output" in m for m in messages), messages
    assert not (project / "output" / "xa-mot" / "tin-tuc" / "bai-moi-ve-duong-lang").exists()
    assert site_js.stat().st_ino == before[0] and network_js.stat().st_ino == before[1]
    assert not list((project / "output").glob(".building-*"))


def test_new_directive_for_every_site_reindexes_only_the_shared_bundle(project: Path):
    assert build(project, now=NOW, jobs=2).ok
    out = project / "output"
    own = {site: (out / site / "pagefind" / "pagefind.js").stat().st_ino for site in SITES}
    shared_key = (out / "xa-mot" / "pagefind-chi-dao" / ".portal-search-key").read_text(encoding="utf-8")
    record = json.loads((out / "xa-mot" / "pagefind" / ".portal-stage.json").read_text(encoding="utf-8"))
    assert record["tin-tuc/day-manh-chuyen-doi-so/index.html"][3]  # a content page: its staged digest
    assert record["tin-tuc/index.html"][3] == ""  # a list: not indexed

    shared_inodes = {f.relative_to(out / "xa-mot"): f.stat().st_ino for f in (out / "xa-mot" / "pagefind-chi-dao").rglob("*")
                     if f.is_file()}

    post(project, "content/shared/moi.md", "Chỉ đạo mới về an toàn giao thông", category="", date="2026-10-01")
    assert build(project, now=NOW, jobs=2).ok
    assert {site: (out / site / "pagefind" / "pagefind.js").stat().st_ino for site in SITES} == own  # reused
    # every site's shared bundle is the new bundle, file for file; updated in place: a file whose bytes did not
    # change (the library, the WebAssembly) is the very file it was, no file is left aside
    bundles = {site: {f.relative_to(out / site / "pagefind-chi-dao").as_posix(): f.read_bytes()
                      for f in (out / site / "pagefind-chi-dao").rglob("*") if f.is_file()} for site in SITES}
    assert all(bundles[site] == bundles["tinh"] for site in SITES)
    assert not [name for name in bundles["xa-mot"] if "portal-link-" in name]
    kept = [rel for rel, ino in shared_inodes.items() if (out / "xa-mot" / rel).is_file() and (out / "xa-mot" / rel).stat().st_ino == ino]
    assert any(rel.name == "pagefind.js" for rel in kept) and len(kept) < len(shared_inodes)
    for site in SITES:
        assert (out / site / "pagefind-chi-dao" / ".portal-search-key").read_text(encoding="utf-8") != shared_key
        assert (out / site / "chi-dao-dieu-hanh" / "chi-dao-moi-ve-an-toan-giao-thong" / "index.html").is_file()
    assert entry(out / "tinh" / "pagefind-chi-dao")["languages"]["vi"]["page_count"] == 2


def test_a_frequent_word_keeps_its_best_pages_per_spelling():
    from portal.stages.search.bundle import _page_numbers, cap_word

    lengths = [100] * 10
    # pages 0..9 (as differences); page 7 has the word in its title, page 3 three times in its text
    pages = [[1 if i else 0, [-25, 5] + ([1, 1] if i == 3 else []), [-2, 0] if i == 7 else []] for i in range(10)]
    exact = [[2, [-25, 9], []], [3, [-25, 4], []]]  # pages 2 and 5, written with their tones
    word = ["ʼthuʼtucʼ", pages, [["ʼthủʼtụcʼ", exact]]]
    capped = cap_word(word, lengths, 2)
    assert _page_numbers(capped[1]) == [3, 7]          # the title match and the most frequent, in page order
    assert capped[1][1][2] == [-2, 0]                  # entries are kept whole
    assert capped[2] == [["ʼthủʼtụcʼ", exact]]         # each spelling keeps its own best pages
    assert cap_word(word, lengths, 10) is word         # small enough: unchanged


def test_capped_words_are_listed_as_the_page_writes_them():
    from portal.stages.search.bundle import _plain

    assert _plain("ʼthuʼtucʼ") == "thu tuc" and _plain("ʼnayʼ") == "nay" and _plain("ʻxaʻ") == "ʻxa"


def test_pagefind_input_goes_to_memory_and_a_killed_worker_s_is_removed(tmp_path, monkeypatch):
    """Staged pages are written to a memory file system when there is one with room (else beside the
    build); a staging folder whose process is gone is removed by the next build."""
    from portal.stages.search import site as site_index

    memory = tmp_path / "shm"
    monkeypatch.setattr(site_index, "MEMORY_FS", memory)
    assert site_index.stage_folder(tmp_path / "work") == tmp_path / "work"  # no such folder
    memory.mkdir()
    monkeypatch.setattr(site_index, "MEMORY_FS_FREE", 1)
    assert site_index.stage_folder(tmp_path / "work") == memory
    monkeypatch.setattr(site_index, "MEMORY_FS_FREE", 1 << 62)
    assert site_index.stage_folder(tmp_path / "work") == tmp_path / "work"  # not enough room
    dead, alive = memory / f"{site_index.STAGE_PREFIX}999999999-x1", memory / f"{site_index.STAGE_PREFIX}{os.getpid()}-x2"
    for folder in (dead, alive):
        (folder / "tin-tuc" / "a").mkdir(parents=True)
        (folder / "tin-tuc" / "a" / "index.html").write_text("<html></html>")
    assert site_index.prune_stages() == 1
    assert not dead.exists() and alive.exists()


def test_the_shared_bundle_is_kept_without_reading_the_provincial_pages_again(built_mini: Path, tmp_path: Path,
                                                                               monkeypatch):
    """A build that did not render the provincial portal again finds the shared directives' bundle by the
    identity of its pages' files, without staging them; a page written anew with the same text is staged,
    and the bundle kept."""
    import shutil

    from portal.stages.search import network as network_index

    network = load_network(built_mini.parent)
    copy = tmp_path / "output"
    shutil.copytree(built_mini, copy)
    first = network_index.index_shared(network, copy)  # the copy's files are new: staged once, bundle kept
    assert first is not None and first.reused
    staged = []
    real_stage = network_index.staged_page
    monkeypatch.setattr(network_index, "staged_page", lambda *a, **k: staged.append(1) or real_stage(*a, **k))
    again = network_index.index_shared(network, copy)
    assert again is not None and again.reused and not staged
    record = site_index.read_record(copy / "tinh" / "pagefind")
    page = copy / "tinh" / next(rel for rel, r in sorted(record.items()) if r[4] == site_index.SHARED)
    text = page.read_bytes()
    page.unlink()
    page.write_bytes(text)  # rendered again: a new file, the same text
    third = network_index.index_shared(network, copy)
    assert third is not None and third.reused and staged
    staged.clear()
    assert network_index.index_shared(network, copy).reused and not staged


def _count_parses(monkeypatch) -> list[int]:
    from portal.stages.search import staging

    calls: list[int] = []
    real = staging.parse
    monkeypatch.setattr(staging, "parse", lambda doc: calls.append(1) or real(doc))
    return calls


def test_each_page_is_parsed_once_for_every_bundle(built_mini: Path, tmp_path: Path, monkeypatch):
    """The sites' builds keep each page's parse (``.cache/search/``): the network index and the shared
    directives' bundle take them without parsing a page again, and stage exactly what parsing gives; a page
    whose bytes changed is parsed again; a store that cannot be read is an empty one."""
    import shutil

    from portal.stages.search import network as network_index
    from portal.stages.search import parsed as parsed_store
    from portal.stages.search.staging import stage

    network = load_network(built_mini.parent)
    stores = built_mini.parent / ".cache" / "search"
    assert {p.name for p in stores.iterdir()} >= {f"{s}.pickle.z" for s in SITES}
    cache = tmp_path / "cache"
    shutil.copytree(stores, cache)
    monkeypatch.setattr(parsed_store, "CACHE_DIR", cache)  # absolute: the project's cache is left as it is
    calls = _count_parses(monkeypatch)
    staged = network_index.stage_sites(network, built_mini, network.sites)
    assert staged and not calls
    shared = network_index.index_shared(network, built_mini)
    assert shared is not None and shared.reused and not calls
    for rel, page in staged:  # what parsing the page now gives
        site = network.site(rel.split("/", 1)[0])
        doc = read(built_mini / rel)
        label = network_index._labels(network, site, page.lang)
        direct = stage(doc, filters={"site": label["site"], "kind": label["kind"]}, meta={"site": label["site"]})
        assert direct is not None and (direct.html, direct.display, direct.folded) == (page.html, page.display, page.folded)

    copy = tmp_path / "output"
    shutil.copytree(built_mini, copy)
    post_rel = next(rel for rel, _ in staged if rel.startswith("xa-mot/tin-tuc/"))
    page = copy / post_rel
    page.write_text(read(page).replace("Nội dung bài viết.", "Nội dung Zqmoi bài viết.", 1),
                    encoding="utf-8")
    calls.clear()
    again = network_index.stage_sites(network, copy, network.sites)
    assert len(calls) == 1
    assert "Zqmoi" in dict(again)[post_rel].display["content"]

    (cache / "xa-hai.pickle.z").write_bytes(b"not a store")
    calls.clear()
    assert network_index.stage_sites(network, copy, [network.site("xa-hai")]) == [
        (rel, p) for rel, p in again if rel.startswith("xa-hai/")]
    assert len(calls) == len([rel for rel, _ in again if rel.startswith("xa-hai/")])


def test_a_site_bundle_rebuilt_for_one_page_parses_that_page_only(built_mini: Path, tmp_path: Path, monkeypatch):
    """One changed page rebuilds the site's bundle from every page, parsing only the changed one; the bundle
    is the one a build with no store makes."""
    import shutil

    from portal.stages.search import parsed as parsed_store

    network = load_network(built_mini.parent)
    site = network.site("xa-mot")
    cache = tmp_path / "cache"
    shutil.copytree(built_mini.parent / ".cache" / "search", cache)
    monkeypatch.setattr(parsed_store, "CACHE_DIR", cache)
    tree = tmp_path / "new"
    shutil.copytree(built_mini / "xa-mot", tree, copy_function=os.link)  # as the incremental build links pages
    shutil.rmtree(tree / "pagefind")
    rel = next(r for r, _ in site_index.stage_site(built_mini / "xa-mot") if r.startswith("tin-tuc/"))
    text = read(tree / rel).replace("Nội dung bài viết.", "Nội dung Zqmoi bài viết.", 1)
    assert "Zqmoi" in text
    (tree / rel).unlink()
    (tree / rel).write_text(text, encoding="utf-8")
    calls = _count_parses(monkeypatch)
    result = site_index.index_site(site, tree, built_mini / "xa-mot", root=network.root)
    assert not result.reused and len(calls) == 1
    fresh = tmp_path / "fresh"
    shutil.copytree(tree, fresh)
    shutil.rmtree(fresh / "pagefind")
    site_index.index_site(site, fresh, None)  # no store, no previous build
    assert site_index._read_key(fresh / "pagefind") == site_index._read_key(tree / "pagefind")


def test_shards_built_in_processes_report_their_failures(tmp_path: Path, monkeypatch):
    """Shards are built in forked processes, several at a time: their page counts come back, a shard's
    error is raised in the build, and a process that dies is a search index error, not a crash."""
    import pytest

    from portal.stages.search import network as network_index
    from portal.stages.search.site import SearchIndexError

    todo = [("0-a", ["x"]), ("1-b", ["y", "z"]), ("2-c", [])]
    monkeypatch.setattr(network_index, "build_shard", lambda net, out, folder, name, ids, releases=None: len(ids))
    assert network_index._build_shards(None, tmp_path, tmp_path, todo, 2) == {"0-a": 1, "1-b": 2, "2-c": 0}

    def fails(net, out, folder, name, ids, releases=None):
        if name == "1-b":
            raise SearchIndexError("Pagefind exited with 1")
        return 1

    monkeypatch.setattr(network_index, "build_shard", fails)
    with pytest.raises(SearchIndexError, match="Pagefind exited"):
        network_index._build_shards(None, tmp_path, tmp_path, todo, 2)

    monkeypatch.setattr(network_index, "build_shard", lambda *a: os._exit(9))
    with pytest.raises(SearchIndexError, match="without a result"):
        network_index._build_shards(None, tmp_path, tmp_path, todo, 2)


def test_a_chunk_from_words_encoded_once_is_the_chunk_encoded_whole():
    """The re-chunking sizes each word by encoding it, then writes its chunk from those bytes: the same
    file as encoding the chunk whole, for arrays of every length class of CBOR's heads."""
    from portal.stages.search import bundle

    for n in (0, 1, 23, 24, 255, 256, 65535, 65536):
        words = [[f"ʼw{i}ʼ", [[i, [1, 2, -3]]]] for i in range(n)]
        assert bundle._dump([words]) == bundle._dump_encoded_chunk([bundle._dump_raw(w) for w in words]), n


def test_the_network_s_cards_come_from_each_bundle_s_card_table(tmp_path: Path):
    """A bundle's word cards carry the cards of the pages they name (from the fragments just rewritten), so the
    network's card files are written from one file a shard, without reading a fragment; the same files as before."""
    import gzip

    from portal.stages.search import bundle

    pages = [[f"vi_{i:07x}", 100] for i in range(3)]
    words = [[f"\u02bcw{i}\u02bcx\u02bc", [[0, [0]], [1, [3, -25, 5]], [1, [2], [-1, 0]]]] for i in range(40)]
    b = tmp_path / "b"
    (b / "fragment").mkdir(parents=True)
    fragments = {frag: {"url": f"/xa-a/tin-tuc/{frag}/", "meta": {"title": f"Tin {frag}", "date": "2026-03-02T08:00",
                                                                   "section": "Tin tức"}} for frag, _ in pages}
    for frag, data in fragments.items():
        bundle.write_fragment(b / "fragment" / f"{frag}.pf_fragment", data)
    _, _, tops = bundle.prepare_words(words, [n for _, n in pages], 0, True, ["title"])
    bundle._write_word_cards(b, [w[0] for w in words], tops, pages)       # read from the fragments
    read = bundle.write_cards(tmp_path / "read", [b])
    table = {frag: bundle.card_of(frag, data) for frag, data in fragments.items()}
    shutil.rmtree(b / "fragment")                                             # gone: the table must do
    bundle._write_word_cards(b, [w[0] for w in words], tops, pages, table)
    assert json.loads(gzip.decompress((b / bundle.CARDS_FILE).read_bytes()))["cards"] == table
    assert bundle.write_cards(tmp_path / "table", [b]) == read
    for path in sorted((tmp_path / "read").iterdir()):
        assert (tmp_path / "table" / path.name).read_bytes() == path.read_bytes()
    assert len(list((tmp_path / "table").iterdir())) > 0


def test_fast_word_scores_equal_the_walk_over_every_location():
    """The scores take a page's occurrences at C speed when it has no weight marker; a marker of weight 1
    (``-25``: 24/24) in front of every page's locations forces the walk over each location, and must change
    nothing: the same scores, ranking, best pages."""
    import random

    from portal.stages.search import bundle

    rng = random.Random(7)

    def pages(n):
        out = []
        for _ in range(n):
            locs = sorted(rng.sample(range(200), rng.randint(1, 6)))
            if rng.random() < 0.3:
                locs.insert(rng.randint(0, len(locs)), -rng.randint(1, 48))
            out.append([rng.randint(1, 3), locs] + ([[-1, rng.randint(0, 9)]] if rng.random() < 0.2 else []))
        return out

    def walked(entries):
        return [[e[0], [-25, *e[1]], *e[2:]] for e in entries]

    for _ in range(50):
        word = ["ʼaʼbʼ", pages(rng.randint(1, 30)), [["ʼàʼbʼ", pages(rng.randint(1, 10))]]]
        slow = [word[0], walked(word[1]), [[word[2][0][0], walked(word[2][0][1])]]]
        lengths = [rng.randint(1, 500) for _ in range(200)]
        average = sum(lengths) / len(lengths)
        expected = bundle._word_scores(slow, lengths, average, 200, ["title", "site"])
        assert bundle._word_scores(word, lengths, average, 200, ["title", "site"]) == expected
        assert bundle._word_scores(word, lengths, average, 200, ["title", "site"], 6) == expected[:6]
        best = bundle._best_pages(word[1], lengths, 5)
        assert walked(best) == bundle._best_pages(slow[1], lengths, 5)


def test_a_bundle_is_updated_in_place_only_where_it_differs(tmp_path: Path):
    """update_tree: the shared bundle of every site gets only the files that changed; a folder holding anything
    but files and folders, or a file where the bundle has a folder, is left alone for a fresh copy."""
    from portal.stages.search.site import Identities, tree_listing, update_tree

    built = tmp_path / "built"
    for rel, text in {"pagefind.js": "lib", "fragment/a.pf": "A2", "fragment/c.pf": "C", "pagefind-entry.json": "{2}"}.items():
        (built / rel).parent.mkdir(parents=True, exist_ok=True)
        (built / rel).write_text(text)
    dest = tmp_path / "site" / "pagefind-chi-dao"
    for rel, text in {"pagefind.js": "lib", "fragment/a.pf": "A1", "fragment/b.pf": "B", "old/x.pf": "X",
                      "pagefind-entry.json": "{1}"}.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text)
    lib = (dest / "pagefind.js").stat().st_ino
    listing = tree_listing(built)
    assert update_tree(built, listing, dest, Identities())
    assert {f.relative_to(dest).as_posix(): f.read_text() for f in dest.rglob("*") if f.is_file()} == {
        "pagefind.js": "lib", "fragment/a.pf": "A2", "fragment/c.pf": "C", "pagefind-entry.json": "{2}"}
    assert (dest / "pagefind.js").stat().st_ino == lib, "the same bytes: left as it was"
    assert (dest / "fragment/c.pf").stat().st_ino == (built / "fragment/c.pf").stat().st_ino, "linked, not copied"
    assert not (dest / "old").exists()

    (dest / "fragment" / "link.pf").symlink_to(tmp_path / "elsewhere")
    assert not update_tree(built, listing, dest, Identities())
    assert (dest / "fragment" / "link.pf").is_symlink(), "nothing changed"
    (dest / "fragment" / "link.pf").unlink()
    shutil.rmtree(dest / "fragment")
    (dest / "fragment").write_text("a file where the bundle has a folder")
    assert not update_tree(built, listing, dest, Identities())


def test_a_site_s_pages_are_listed_as_os_walk_lists_them(tmp_path: Path):
    """``_html_names`` (a walk without a relpath a folder) lists what the os.walk it replaced listed: pages at
    every depth, not the bundles (at any depth) nor hidden names at the top, a link to a folder never entered."""
    tree = tmp_path / "site"
    for rel in ["index.html", "a/index.html", "a/b/c/index.html", ".hidden.html", ".git/x.html", "a/.kept.html",
                "pagefind/x.html", "a/pagefind-chi-dao/y.html", "feeds/all.atom.xml", "z-b/index.html", "z/index.html"]:
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text("x", encoding="utf-8")
    (tree / "link").symlink_to(tree / "a", target_is_directory=True)
    (tree / "a" / "file-link.html").symlink_to(tree / "index.html")

    def walked() -> list[str]:
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(tree):
            rel_dir = os.path.relpath(dirpath, tree)
            prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
            dirnames[:] = [d for d in dirnames if d not in {"pagefind", "pagefind-chi-dao"} and (prefix or not d.startswith("."))]
            found += [prefix + n for n in filenames if n.endswith(".html") and (prefix or not n.startswith("."))]
        return sorted(found, key=lambda r: r.split("/"))

    assert site_index._html_names(tree) == walked()
    assert site_index._html_names(tree) == ["a/.kept.html", "a/b/c/index.html", "a/file-link.html", "a/index.html",
                                            "index.html", "z/index.html", "z-b/index.html"]
