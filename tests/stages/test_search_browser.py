"""Readers' search in a real browser: Debian's chromium driven by Playwright.

A small network (a provincial portal in vi, en, ja, zh and ko, and one commune) is
built with the real pipeline, served by ``portal serve``'s server on 127.0.0.1, and
queries are typed into the search pages as readers would. `make test` installs chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import NOW, document, post, write

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

SITES = """\
network:
  home: tinh
  default_language: vi
  timezone: Asia/Ho_Chi_Minh
sites:
  - id: tinh
    kind: province
    name: {vi: "Cổng Thông tin điện tử tỉnh Thử", en: "Test Province Portal", ja: "テスト省ポータル", zh: "测试省门户网站", ko: "테스트성 포털"}
    url: https://tinh.example.vn
    owner: "UBND tỉnh"
    languages: [vi, en, ja, zh, ko]
    editors: ["@org/btb-tinh"]
  - id: dong-tien
    kind: commune
    name: {vi: "Xã Đông Tiến"}
    url: https://dongtien.example.vn
    parent: tinh
    editors: ["@org/btb-dong-tien"]
"""

ROAD = "Quy hoạch đường liên xã Đông Tiến"
POPLAR = "Trồng cây dương ven sông"
DECISION = "Quyết định phê duyệt quy hoạch sử dụng đất"
PLAN = "Kế hoạch đầu tư công năm 2026"
COMMUNE_ROAD = "Xã Đông Tiến làm đường giao thông nông thôn"
NEW_DIRECTIVE = "Chỉ thị về bảo trì cầu cống giao thông nông thôn"   # for every site: in the shared bundle
OLD_DIRECTIVE = "Chỉ thị về an toàn giao thông thủy nội địa"        # ditto, older


def make_network(root: Path) -> Path:
    from ..conftest import make_project

    make_project(root, SITES)
    d = "content/sites/tinh"
    post(root, f"{d}/tin-tuc/quy-hoach-duong.md", ROAD, date="2026-03-02",
         body="Tỉnh phê duyệt quy hoạch đường giao thông nối xã Đông Tiến với quốc lộ, nhằm thu hút đầu tư vào khu công nghiệp.")
    write(root / f"{d}/tin-tuc/quy-hoach-duong.en.md", """
        ---
        title: Road plan for Dong Tien commune
        ---
        The province approved the road plan to attract investment into the industrial park.
        """)
    write(root / f"{d}/tin-tuc/quy-hoach-duong.ja.md", """
        ---
        title: 説明会のお知らせ
        ---
        省は都市計画について住民説明会を開催しました。
        """)
    write(root / f"{d}/tin-tuc/quy-hoach-duong.zh.md", """
        ---
        title: 道路建设新闻
        ---
        本省致力于改善外国投资环境。
        """)
    write(root / f"{d}/tin-tuc/quy-hoach-duong.ko.md", """
        ---
        title: 도로 건설 소식
        ---
        성은 외국인투자환경 개선을 위한 방안을 발표했습니다.
        """)
    post(root, f"{d}/tin-tuc/cay-duong.md", POPLAR, date="2026-02-10",
         body="Người dân trồng hàng cây dương dọc bờ sông; cây dương cho bóng mát.")  # dương 3 times, đường twice
    document(root, "tinh", "qd-15", DECISION, date="2026-01-15", issued="2026-01-14", number="15/QĐ-UBND", doc_type="Quyết định",
             issuer="UBND tỉnh", body="Phê duyệt quy hoạch sử dụng đất đến năm 2030.", fields="[Đất đai]")
    document(root, "tinh", "kh-20", PLAN, date="2026-01-20", issued="2026-01-19", number="20/KH-UBND", doc_type="Kế hoạch",
             issuer="UBND tỉnh", body="Kế hoạch đầu tư công trung hạn của tỉnh.", fields="[Đầu tư]")
    post(root, "content/sites/dong-tien/tin-tuc/lam-duong.md", COMMUNE_ROAD, date="2026-03-05",
         body="Nhân dân xã Đông Tiến góp công làm đường bê tông.")
    post(root, "content/shared/bao-tri-duong.md", NEW_DIRECTIVE, date="2026-03-10", category="",
         body="Ủy ban nhân dân tỉnh yêu cầu các xã bảo trì cầu cống giao thông sau mùa mưa.")
    post(root, "content/shared/giao-thong-thuy.md", OLD_DIRECTIVE, date="2025-12-01", category="",
         body="Các địa phương kiểm tra bến đò và tàu thuyền giao thông thủy.")
    return root


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The network built and served at http://<id>.localhost:PORT/."""
    from portal.stages.build import build
    from portal.stages.preview import make_server
    from portal.stages.search import network as network_index

    root = make_network(tmp_path_factory.mktemp("search") / "proj")
    budget, network_index.SHARD_PAGES = network_index.SHARD_PAGES, 3  # the network index in two shards
    try:
        report = build(root, now=NOW, jobs=2)
    finally:
        network_index.SHARD_PAGES = budget
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    os.environ["PORTAL_SERVE_QUIET"] = "1"
    server = make_server(root / "output", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it: apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Reader:
    """One browser tab that records every request it makes."""

    def __init__(self, browser, port: int):
        self.port = port
        self.page = browser.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, site: str, path: str) -> None:
        self.page.goto(f"http://{site}.localhost:{self.port}{path}")

    def wait(self, query: str) -> None:
        self.page.wait_for_function(
            "q => { const r = document.querySelector('[data-search]');"
            " return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query, timeout=15000)

    def wait_titles(self, expected: list[str]) -> None:
        """Wait until the results are exactly *expected*, in that order (a sort or filter changed)."""
        self.page.wait_for_function(
            "t => JSON.stringify(Array.from(document.querySelectorAll('.result-title a')).map(a => a.textContent)) === t",
            arg=json.dumps(expected, ensure_ascii=False, separators=(",", ":")), timeout=15000)

    def search(self, query: str, *, typed: bool = False) -> list[dict]:
        box = self.page.locator("#search-q")
        if typed:
            box.fill("")
            box.press_sequentially(query, delay=15)
        else:
            box.fill(query)
        self.wait(query)
        return self.results()

    def results(self) -> list[dict]:
        return self.page.eval_on_selector_all(".result", """els => els.map(li => {
            const a = li.querySelector('.result-title a');
            return {title: a.textContent, href: a.href, site_url: a.dataset.siteUrl || '',
                    meta: li.querySelector('.meta') ? li.querySelector('.meta').textContent : '',
                    excerpt: li.querySelector('.excerpt').innerHTML,
                    marks: Array.from(li.querySelectorAll('.excerpt mark')).map(m => m.textContent)};
        })""")

    def status(self) -> str:
        return self.page.text_content("[data-search-status]") or ""

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def reader(browser, served):
    r = Reader(browser, served)
    yield r
    assert not r.errors, r.errors
    origins = {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, r.requests) if u.scheme in ("http", "https")}
    assert all(o.endswith(f".localhost:{served}") for o in origins), f"requests to other origins: {origins}"
    r.close()


def titles(results: list[dict]) -> list[str]:
    return [r["title"] for r in results]


def own(results: list[dict]) -> list[str]:
    """The titles without the shared directives: when none of the query's words is in a bundle,
    Pagefind answers with words that begin like them, so a merged bundle can add weak matches."""
    return [t for t in titles(results) if t not in (NEW_DIRECTIVE, OLD_DIRECTIVE)]


def test_vietnamese_without_tones_and_d(reader):
    reader.open("tinh", "/tim-kiem/")
    results = reader.search("quy hoach", typed=True)
    assert set(titles(results)) >= {ROAD, DECISION}
    # excerpts show the text as written, with its diacritics, the match highlighted
    road = next(r for r in results if r["title"] == ROAD)
    assert "đường" in road["excerpt"] and "\u1e11" not in road["excerpt"]
    assert [m.lower() for m in road["marks"]][:2] == ["quy", "hoạch"]
    assert road["href"] == f"http://tinh.localhost:{reader.port}/tin-tuc/quy-hoach-duong-lien-xa-dong-tien/"

    assert set(titles(reader.search("duong"))) >= {ROAD, POPLAR}
    results = reader.search("dong tien")
    assert own(results) == [ROAD] and titles(results)[0] == ROAD
    assert "Đông" in results[0]["marks"] and "Tiến" in results[0]["marks"]
    assert set(titles(reader.search("dau tu"))) >= {ROAD, PLAN}


def test_exact_diacritics_rank_first(reader):
    reader.open("tinh", "/tim-kiem/")
    assert titles(reader.search("đường"))[0] == ROAD
    assert titles(reader.search("dương"))[0] == POPLAR
    assert own(reader.search("Đông Tiến")) == [ROAD]


def test_filter_and_address(reader):
    reader.open("tinh", "/tim-kiem/?q=quy+hoach")
    reader.wait("quy hoach")
    assert set(titles(reader.results())) >= {ROAD, DECISION}
    reader.page.click(".filters summary")
    box = reader.page.get_by_role("checkbox", name=re.compile(r"^Quyết định \("))
    box.check()
    reader.wait("quy hoach")
    reader.page.wait_for_function("() => document.querySelectorAll('.result').length === 1")
    assert titles(reader.results()) == [DECISION]
    assert "doc_type=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh" in reader.page.url  # the address keeps the filter
    assert "1" in reader.status()


def test_keyboard_and_live_region(reader):
    reader.open("tinh", "/tim-kiem/")
    assert reader.page.get_attribute("[data-search-status]", "aria-live") == "polite"
    reader.search("dau tu")
    reader.page.focus("#search-q")
    reader.page.keyboard.press("ArrowDown")
    focused = reader.page.evaluate("document.activeElement.closest('.result') !== null")
    assert focused
    reader.page.keyboard.press("ArrowUp")
    assert reader.page.evaluate("document.activeElement.id") == "search-q"


def test_header_form_opens_the_search_page(reader):
    reader.open("tinh", "/tin-tuc/")
    reader.page.fill("#site-search-q", "cay duong")
    reader.page.press("#site-search-q", "Enter")
    reader.wait("cay duong")
    assert urlsplit(reader.page.url).path == "/tim-kiem/"
    assert titles(reader.results())[0] == POPLAR


def test_english(reader):
    reader.open("tinh", "/en/tim-kiem/")
    results = reader.search("investment")
    assert titles(results) == ["Road plan for Dong Tien commune"]
    assert results[0]["href"].endswith("/en/tin-tuc/quy-hoach-duong-lien-xa-dong-tien/")
    assert "One result" in reader.status()


def test_japanese_word_inside_compound(reader):
    reader.open("tinh", "/ja/tim-kiem/")
    results = reader.search("計画")
    assert titles(results) == ["説明会のお知らせ"]
    assert "計画" in results[0]["marks"]
    assert "都市計画" in results[0]["excerpt"].replace("<mark>", "").replace("</mark>", "")


def test_chinese_word_inside_compound(reader):
    reader.open("tinh", "/zh/tim-kiem/")
    results = reader.search("投资")
    assert titles(results) == ["道路建设新闻"]
    assert "投资" in results[0]["marks"]


def test_korean_word_inside_compound(reader):
    reader.open("tinh", "/ko/tim-kiem/")
    for query in ("투자", "투자환경", "외국인투자환경", "개선"):
        results = reader.search(query)
        assert titles(results) == ["도로 건설 소식"], query
        assert results[0]["marks"], query  # highlighted inside 외국인투자환경 by the page itself
    assert titles(reader.search("발표")) == ["도로 건설 소식"]  # 발표했습니다: a word with its ending


def test_typing_loads_only_the_index_chunks_of_the_finished_query(browser, served):
    """While typing, the page loads the chunks of the pairs already typed, not those of every prefix (issue 19)."""
    def chunks(typed: bool) -> set[str]:
        r = Reader(browser, served)
        r.open("tinh", "/tim-kiem-toan-tinh/")
        r.page.wait_for_function("() => document.querySelector('[data-search]').dataset.state === 'done'")
        r.search("quy hoach duong lien xa", typed=typed)
        loaded = {u.split("/pagefind/", 1)[1] for u in r.requests if "/index/" in u}
        r.close()
        return loaded

    submitted = chunks(False)
    assert submitted and chunks(True) <= submitted


def test_network_wide_search_returns_two_sites(reader):
    reader.open("tinh", "/tim-kiem-toan-tinh/")
    results = reader.search("dong tien")
    assert set(titles(results)) == {ROAD, COMMUNE_ROAD}
    sites = {urlsplit(r["site_url"]).netloc for r in results}
    assert sites == {"tinh.example.vn", "dongtien.example.vn"}  # each site's own URL from sites.yaml
    commune = next(r for r in results if r["title"] == COMMUNE_ROAD)
    assert commune["site_url"] == "https://dongtien.example.vn/tin-tuc/xa-dong-tien-lam-duong-giao-thong-nong-thon/"
    assert commune["href"].startswith(f"http://dong-tien.localhost:{reader.port}/tin-tuc/")  # local preview
    assert "Xã Đông Tiến" in commune["meta"]
    reader.page.click(".filters summary")
    reader.page.get_by_role("checkbox", name=re.compile(r"^Xã \(")).check()  # the kind filter: communes
    reader.wait("dong tien")
    reader.page.wait_for_function("() => document.querySelectorAll('.result').length === 1")
    assert titles(reader.results()) == [COMMUNE_ROAD]


def test_shared_directives_are_found_on_every_site_and_sorted_with_its_own_posts(reader):
    reader.open("dong-tien", "/tim-kiem/")
    assert reader.page.get_attribute("[data-search]", "data-bundles") == "/pagefind/ /pagefind-chi-dao/"
    results = reader.search("giao thong")
    assert set(titles(results)) == {COMMUNE_ROAD, NEW_DIRECTIVE, OLD_DIRECTIVE}
    directive = next(r for r in results if r["title"] == NEW_DIRECTIVE)
    assert directive["href"] == f"http://dong-tien.localhost:{reader.port}/chi-dao-dieu-hanh/chi-thi-ve-bao-tri-cau-cong-giao-thong-nong-thon/"
    reader.page.select_option("#search-sort", "desc")  # newest first, over both bundles
    reader.wait_titles([NEW_DIRECTIVE, COMMUNE_ROAD, OLD_DIRECTIVE])
    reader.page.select_option("#search-sort", "asc")
    reader.wait_titles([OLD_DIRECTIVE, COMMUNE_ROAD, NEW_DIRECTIVE])
    assert "part" not in reader.page.inner_text("[data-search-filters]")  # the bundles' tag is no filter for readers


def test_network_search_over_shards_sorted_by_date(reader):
    reader.open("tinh", "/tim-kiem-toan-tinh/?q=dong+tien&sort=desc")
    reader.wait("dong tien")
    assert titles(reader.results()) == [COMMUNE_ROAD, ROAD]  # 5 March (the commune's shard), 2 March (the province's)
    shards = reader.page.evaluate("fetch('/tim-kiem-toan-tinh/pagefind/shards.json').then(r => r.json())")
    assert len(shards) == 2  # one site a shard (the fixture's budget): the results came from both


def test_without_javascript_the_page_says_what_to_do(browser, served):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"http://tinh.localhost:{served}/tin-tuc/")
    page.fill("#site-search-q", "quy hoach")
    page.press("#site-search-q", "Enter")
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/tim-kiem/" and "q=quy+hoach" in page.url
    assert "JavaScript" in page.inner_text("main")
    assert page.get_by_role("link", name="Tin tức - Sự kiện").first.is_visible()
    context.close()


@pytest.mark.parametrize("site, path", [("tinh", "/tim-kiem/"), ("tinh", "/tim-kiem-toan-tinh/")])
def test_cards_show_the_first_results_before_pagefind_answers(browser, served, site, path):
    """A submitted query shows its likely first result from the card files fetched beside the index chunks,
    before Pagefind has its chunks; Pagefind's results then take the same places, with their excerpts, and
    nothing moves (issue 19.3)."""
    r = Reader(browser, served)
    held: list = []
    r.page.route(re.compile(r"/(index|fragment)/"), lambda route: held.append(route))
    r.open(site, path)
    r.page.wait_for_function("() => document.querySelector('[data-search]').dataset.state === 'done'")
    r.page.fill("#search-q", "quy hoach")
    r.page.press("#search-q", "Enter")
    r.page.wait_for_selector(".result-card")
    assert any("/index/" in u for u in r.requests)  # asked for, held: Pagefind has not answered
    cards = r.page.eval_on_selector_all(".result", "els => els.map(li => li.querySelector('.result-title a').textContent)")
    assert len(cards) == 1 and cards[0] in (ROAD, DECISION), cards  # the best card only
    assert r.page.get_attribute("[data-search]", "data-results-for") == "quy hoach"
    card_requests = [u for u in r.requests if "/cards/" in u]
    assert card_requests and all(u.endswith(".json.gz") for u in card_requests)
    where = "() => { const li = document.querySelector('.result'); return [li.getBoundingClientRect().top, li.dataset.mark]; }"
    r.page.evaluate("() => { document.querySelector('.result').dataset.mark = 'card'; }")
    before = r.page.evaluate(where)
    while r.page.get_attribute("[data-search]", "data-state") != "done":  # let every held request go, as they come
        while held:
            held.pop(0).continue_()
        r.page.wait_for_timeout(50)
    r.page.unroute(re.compile(r"/(index|fragment)/"))
    r.wait("quy hoach")
    results = r.results()
    assert set(titles(results)) >= {ROAD, DECISION}
    assert titles(results)[0] == cards[0]  # the card shown was Pagefind's first result (its score, computed at build time)
    assert not r.page.query_selector(".result-card")
    assert r.page.evaluate(where) == before  # the same box, in the same place (the count above it came meanwhile)
    road = results[0]
    assert [m.lower() for m in road["marks"]][:2] == ["quy", "hoạch"]
    assert not r.errors, r.errors
    r.close()


def test_cards_files_are_bounded(tmp_path):
    """The card files: one per bucket of words, each word's best pages, a bounded number of files."""
    import gzip

    from portal.stages.search import bundle

    pages = [[f"vi_{i:07x}", 100] for i in range(3)]
    words = [[f"\u02bcw{i}\u02bcx\u02bc", [[1, [0]], [1, [3, 5]]]] for i in range(50)]
    b = tmp_path / "b"
    (b / "fragment").mkdir(parents=True)
    for frag, _ in pages:
        bundle.write_fragment(b / "fragment" / f"{frag}.pf_fragment",
                              {"url": f"/tin-tuc/{frag}/", "meta": {"title": "T" * 500, "date": "2026-03-02", "section": "Tin tức"}})
    _, _, tops = bundle.prepare_words(words, [n for _, n in pages], 0, True, [])
    bundle._write_word_cards(b, [w[0] for w in words], tops, pages)
    old, bundle.MAX_CARD_FILES = bundle.MAX_CARD_FILES, 4
    try:
        buckets = bundle.write_cards(b / "cards", [b])
    finally:
        bundle.MAX_CARD_FILES = old
    files = sorted((b / "cards").iterdir())
    assert buckets == 4 and 0 < len(files) <= 4
    data = json.loads(gzip.decompress(files[0].read_bytes()))
    word, refs = next(iter(data["w"].items()))
    assert bundle.card_bucket(word, 4) == int(files[0].name.split(".")[0], 16)
    assert [data["c"][i][0] for i, _, _ in refs] == ["vi_0000002", "vi_0000001"]  # 2 occurrences rank first
    assert all(len(c[2]) == bundle.CARD_TITLE for c in data["c"])
