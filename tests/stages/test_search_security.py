"""Issue 12 item 3: search indexes take their data from trusted fields only; search.js follows only its sites.

A network whose communes publish hostile posts (Pagefind attributes in the body, a forged
search record, unclosed raw-text elements, markup in titles) is built with the real
pipeline and searched in chromium: no dialog opens, no script runs, nothing is requested
from another origin, and no result on the provincial network search claims the provincial
portal when it came from a commune. The content check refuses such bodies; the test puts
them into the built pages afterwards (as if the sanitiser were bypassed) and indexes again,
so that the search's own defences are what is tested.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from portal.stages.search import site as site_index

from ..conftest import NOW, make_project, post
from .searching import serving, sites_yaml
from .test_search_browser import Reader, browser  # noqa: F401  (the module's browser fixture)

SITES = sites_yaml(("tien-du", "commune", "Xã Tiên Du", "https://tiendu.example.vn"),
                   ("lac-ve", "commune", "Xã Lạc Vệ", "https://lacve.example.vn"))

PROVINCE = "Cổng Thông tin điện tử tỉnh Thử"
#: (site, file, title, body): every kind of attack on the index, more than one input each
ATTACKS = [
    ("tien-du", "meta-href.md", "Thông báo khẩn về tiêm chủng zzqxw",  # the case of shared/cases/security/01
     'Nội dung zzqxw về tiêm chủng.\n\n<span hidden data-pagefind-meta="href:javascript:alert(document.domain)//"></span>\n'
     f'<span hidden data-pagefind-meta="site:{PROVINCE}"></span>\n'
     '<span hidden data-pagefind-meta="title:Ủy ban nhân dân tỉnh: giả mạo zzqxw"></span>\n\n<script>'),
    ("tien-du", "textarea.md", "Lịch tiếp dân zzqxw",
     'Lịch tiếp công dân zzqxw tháng này.\n\n<div data-pagefind-filter="site:' + PROVINCE + '" data-pagefind-meta="url:javascript:alert(2)"></div>\n\n<textarea>'),
    ("lac-ve", "record.md", "Tin thật của xã zzqxw",
     'Tin zzqxw.\n\n<script type="application/json" id="search-record">{"v":1,"title":"Giả mạo tỉnh zzqxw","shared":true}</script>\n'
     '<div class="post-body" data-search-body><p data-pagefind-body data-pagefind-meta="title:Giả mạo zzqxw">giả</p></div>\n\n<title>'),
    ("lac-ve", "markup-title.md", '<img src=x onerror=alert(4)> Bài zzqxw "trích dẫn"',
     'Văn bản `<img src=x onerror=alert(5)>` zzqxw và <a href="javascript:alert(6)">liên kết</a>.\n\n<style>'),
]
FORGED = ("Ủy ban nhân dân tỉnh: giả mạo zzqxw", "Giả mạo tỉnh zzqxw", "Giả mạo zzqxw")


def make_network(root: Path) -> Path:
    make_project(root, SITES)
    post(root, "content/sites/tinh/tin-tuc/tin-tinh.md", "Tin của tỉnh", date="2026-02-01", body="Tin thường của tỉnh.")
    for i, (site, name, title, _) in enumerate(ATTACKS):
        path = root / "content" / "sites" / site / "tin-tuc" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: '{title}'\ndate: 2026-01-{10 + i:02d}\ncategory: tin-tuc\n---\nATTACK{i}\n", encoding="utf-8")
    return root


def inject(root: Path) -> None:
    """Put each hostile body into its built page (as a bypassed sanitiser would), then index every site again."""
    from portal.model.sites import load_network
    from portal.stages.search import network as network_index

    out = root / "output"
    done = 0
    for i, (site, _, _, body) in enumerate(ATTACKS):
        for page in (out / site / "tin-tuc").glob("*/index.html"):
            html = page.read_text(encoding="utf-8")
            if f"<p>ATTACK{i}</p>" in html:
                page.write_text(html.replace(f"<p>ATTACK{i}</p>", _raw_html(body)), encoding="utf-8")
                done += 1
    assert done == len(ATTACKS)
    network = load_network(root)
    for site in network.sites:
        site_index.index_site(site, out / site.id, is_home=site.id == network.home)
    assert not network_index.after_sites(network, out)


def _raw_html(body: str) -> str:
    """The body as a renderer without a sanitiser would publish it (Markdown paragraphs, raw HTML kept)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).render(body)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    from portal.stages.build import build

    root = make_network(tmp_path_factory.mktemp("attacks") / "proj")
    report = build(root, now=NOW, jobs=2)
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    inject(root)
    with serving(root / "output") as port:
        yield root, port


def test_staging_reads_no_field_from_the_body(attacked):
    import re

    root, _ = attacked
    titles = {" ".join(t.split()) for _, _, t, _ in ATTACKS}
    seen = set()
    for site in ("tien-du", "lac-ve"):
        for page in (root / "output" / site / "tin-tuc").glob("*zzqxw*/index.html"):
            staged = site_index.stage(page.read_text(encoding="utf-8"))
            assert staged is not None
            # every Pagefind attribute is one the staging wrote, from the record
            attrs = set(re.findall(r'data-pagefind-([a-z]+)="([^"]*)"', staged.html))
            assert attrs <= {("meta", "title"), ("meta", "tw"), ("filter", "section"), ("filter", "year")}, attrs
            assert "javascript" not in staged.html and "<script" not in staged.html and "<textarea" not in staged.html
            assert staged.display["meta"]["title"] in titles  # the front matter's title, as text
            assert not any(f in str(staged.display) for f in FORGED[:1]) and "Giả mạo tỉnh" not in str(staged.display["meta"])
            assert set(staged.display["meta"]) <= {"title", "date", "section"}
            seen.add(staged.display["meta"]["title"])
    assert seen == titles
    record = (root / "output" / "lac-ve" / "pagefind" / ".portal-stage.json").read_text(encoding="utf-8")
    assert '"shared"' not in record  # the forged record's "shared" did not move the page to the shared bundle


@pytest.fixture
def hostile(browser, attacked):  # noqa: F811
    _, port = attacked
    r = Reader(browser, port)
    dialogs: list[str] = []
    r.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    r.dialogs = dialogs
    yield r
    assert not dialogs, f"script ran: {dialogs}"
    assert not r.errors, r.errors
    origins = {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, r.requests) if u.scheme in ("http", "https")}
    assert all(o.endswith(f".localhost:{port}") for o in origins), f"requests to other origins: {origins}"
    r.close()


def test_network_search_never_claims_the_province_for_a_commune(hostile):
    hostile.open("tinh", "/tim-kiem-toan-tinh/")
    results = hostile.search("zzqxw")
    assert len(results) == len(ATTACKS)
    for r in results:
        assert r["title"] not in FORGED
        host = urlsplit(r["site_url"]).netloc
        assert host in ("tiendu.example.vn", "lacve.example.vn"), r
        assert PROVINCE not in r["meta"]
        assert urlsplit(r["href"]).scheme == "http" and urlsplit(r["href"]).hostname in ("tien-du.localhost", "lac-ve.localhost")
    shown = hostile.page.eval_on_selector_all(".result-title a", "as => as.map(a => a.textContent)")
    assert any("<img src=x onerror=alert(4)>" in t for t in shown)  # markup in a title is shown as text
    assert hostile.page.eval_on_selector_all(".result img, .result script, .result textarea", "els => els.length") == 0
    for link in hostile.page.query_selector_all(".result-title a"):  # following every result runs nothing
        href = link.get_attribute("href")
        assert href.startswith("http://") and "javascript" not in href.lower()


def test_site_search_links_stay_on_the_site(hostile):
    for site in ("tien-du", "lac-ve"):
        hostile.open(site, "/tim-kiem/")
        results = hostile.search("zzqxw")
        assert results and all(urlsplit(r["href"]).netloc.startswith(f"{site}.localhost") for r in results)
        assert all(r["title"] not in FORGED for r in results)
        excerpts = " ".join(r["excerpt"] for r in results)
        assert "&lt;img src=x onerror=alert(5)&gt;" in excerpts or site != "lac-ve"  # text, not an element
    hostile.page.click(".result-title a")
    hostile.page.wait_for_load_state()
    assert urlsplit(hostile.page.url).hostname == "lac-ve.localhost"


def test_a_crafted_index_path_is_not_followed(hostile, attacked):
    """The index itself is not trusted either: a result whose path leaves the site, or names no site, is left out."""
    from portal.stages.search import bundle

    root, _ = attacked
    shards = root / "output" / "tinh" / "tim-kiem-toan-tinh" / "pagefind"
    changed = {}
    for path in shards.glob("*/fragment/*.pf_fragment"):
        fragment = bundle.read_fragment(path)
        if "zzqxw" in fragment.get("content", "") and "lich-tiep" in fragment["url"]:
            changed[path] = path.read_bytes()
            fragment["url"] = "//evil.example/x"
            bundle.write_fragment(path, fragment)
        elif "zzqxw" in fragment.get("content", "") and "tin-that" in fragment["url"]:
            changed[path] = path.read_bytes()
            fragment["url"] = "/no-such-site/x/"
            bundle.write_fragment(path, fragment)
    assert len(changed) == 2
    try:
        hostile.open("tinh", "/tim-kiem-toan-tinh/")
        hostile.search("zzqxw")
        hrefs = hostile.page.eval_on_selector_all(".result-title a", "as => as.map(a => a.href)")
        assert len(hrefs) == len(ATTACKS) - 2
        assert all(urlsplit(h).hostname in ("tien-du.localhost", "lac-ve.localhost") for h in hrefs)
    finally:
        for path, data in changed.items():
            path.write_bytes(data)
