"""``portal bench-search``: the readers' search at the scale of a large portal, on a phone.

Generates and builds, with :mod:`portal.bench.synth`, one site of N content pages (10,000
by default) and a network of S sites (50 by default), then:

- times the site's index (staging the pages, Pagefind) and sizes the bundle by kind of file;
- builds *plain Pagefind* on the same content pages (the binary with its defaults, one
  bundle for the site and one for the whole network, searched with Pagefind's own UI);
- in Debian's chromium, on a phone profile emulated through the DevTools protocol (CPU
  throttled 4× — ``Emulation.setCPUThrottlingRate`` — and Chrome's "Fast 3G" network —
  ``Network.emulateNetworkConditions``: 562.5 ms latency a request, 180,000 B/s down,
  84,375 B/s up), opens each search page in a fresh browser (empty cache), waits until it
  is ready, submits each query of :data:`QUERIES`, and records:
  the bytes transferred (every response's encoded body and headers, the page's and its
  workers') and the requests, split into the page itself and the search (library, WebAssembly, metadata,
  filters, index chunks, fragments of the results shown); and the time from submitting the
  query to the first result on screen (or to the answer that there is none).

The figures also go to ``DEST/bench-search.json``. Timing on a shared machine is noisy:
the load average is recorded, and ``--repeat`` gives medians.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from portal.bench.synth import Scale, generate
from portal.model.sites import load_network
from portal.stages.build import build
from portal.stages.search import bundle as bundle_files
from portal.stages.search import site as site_index

REPO = Path(__file__).resolve().parents[3]
QUERIES = ("thu tuc hanh chinh", "quy hoach", "dau tu cong", "xa", "giay phep xay dung", "953/KH-UBND", "zzqxw khong co")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
#: Chrome DevTools' "Fast 3G" (Lighthouse's mobile network): bytes a second, milliseconds
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375}
CPU_SLOWDOWN = 4
PLAIN = "pagefind-plain"   # the plain Pagefind bundle (and its page) beside ours, in the same site
#: sentences a real portal has and the synthetic text lacks: the commune (xã), building
#: permits, documents by number
EXTRA = [
    "Ủy ban nhân dân xã tiếp nhận hồ sơ đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ.",
    "Người dân xã liên hệ bộ phận một cửa để được hướng dẫn thủ tục hành chính.",
    "Thực hiện Kế hoạch số {n}/KH-UBND của Ủy ban nhân dân tỉnh về {o}.",
    "Cán bộ xã đến từng thôn tuyên truyền về {o}.",
]


def _size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder; 0 if there is none."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.is_file() else 0


def bundle_sizes(bundle: Path) -> dict[str, int]:
    """Bytes of the bundle by kind of file."""
    sizes = {"index chunks": _size(bundle / "index"), "fragments": _size(bundle / "fragment"),
             "filters": _size(bundle / "filter"),
             "metadata": sum(p.stat().st_size for p in bundle.glob("*.pf_meta")),
             "wasm": sum(p.stat().st_size for p in bundle.glob("wasm.*")),
             "javascript": sum(p.stat().st_size for p in bundle.glob("*.js")),
             # the card files the page fetches, and the bundle's best pages per word they are made from
             "cards": _size(bundle / bundle_files.CARDS_DIR) + _size(bundle / bundle_files.CARDS_FILE)}
    sizes["total"] = _size(bundle)
    sizes["other"] = sizes["total"] - sum(v for k, v in sizes.items() if k != "total")
    return sizes


# --- the content ------------------------------------------------------------------------------

def enrich(project: Path, seed: int = 7) -> None:
    """Add to the generated posts what real portals have: ``xã``, building permits, document numbers.

    Every post gets one of :data:`EXTRA`; one post in 25 cites a plan by number, and one
    of them is ``953/KH-UBND``.
    """
    from portal.bench.synth import OBJECTS

    rng = random.Random(seed)
    posts = sorted((project / "content" / "sites").glob("*/*/*.md"))
    for i, path in enumerate(posts):
        if path.parent.name == "pages":
            continue
        text = path.read_text(encoding="utf-8")
        n = 953 if i == len(posts) // 2 else rng.randint(100, 2000)
        sentence = rng.choice(EXTRA).format(n=n, o=rng.choice(OBJECTS))
        if i % 25 == 0 or n == 953:
            sentence = EXTRA[2].format(n=n, o=rng.choice(OBJECTS))
        path.write_text(text.rstrip("\n") + " " + sentence + "\n", encoding="utf-8")


# --- plain Pagefind -----------------------------------------------------------------------------

PLAIN_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Pagefind</title>
<link rel="stylesheet" href="/{plain}/pagefind-ui.css"><script src="/{plain}/pagefind-ui.js"></script>
<script src="/{plain}/page.js" defer></script></head><body><div id="search"></div></body></html>
"""
#: Pagefind's own UI; on the page's thread (noWorker), like ours, so that the emulated network and CPU apply to
#: all of its work (DevTools emulation set on a page does not reach a worker's requests)
PLAIN_JS = 'new PagefindUI({element: "#search", bundlePath: "/%s/", showImages: false, noWorker: true});\n'


def build_plain(tree: Path, pages: list[tuple[str, Path]]) -> dict:
    """Plain Pagefind (its defaults, its UI) over *pages* (path in the bundle's site, file) into ``tree/pagefind-plain/``."""
    from portal.stages.search.site import executable

    site = Path(tempfile.mkdtemp(prefix=".plain-", dir=tree.parent))
    try:
        for rel, path in pages:
            dest = site / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            doc = path.read_text(encoding="utf-8").replace('<article class="post"', '<article class="post" data-pagefind-body', 1)
            dest.write_text(doc, encoding="utf-8")
        bundle = tree / PLAIN
        shutil.rmtree(bundle, ignore_errors=True)
        t0 = time.perf_counter()
        subprocess.run([str(executable()), "--site", str(site), "--output-path", str(bundle), "--silent"],
                       check=True, capture_output=True, timeout=3600)
        seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(site, ignore_errors=True)
    (bundle / "index.html").write_text(PLAIN_PAGE.format(plain=PLAIN), encoding="utf-8")
    (bundle / "page.js").write_text(PLAIN_JS % PLAIN, encoding="utf-8")
    return {"seconds": round(seconds, 1), "bytes": bundle_sizes(bundle)}


# --- the browser --------------------------------------------------------------------------------

OURS_QUERY = """q => new Promise(resolve => {
  const root = document.querySelector('[data-search]'), list = root.querySelector('[data-search-results]');
  const input = document.getElementById('search-q'), start = performance.now();
  const done = () => list.querySelector('.result') ||
      (root.dataset.state === 'done' && root.dataset.query === q);
  const obs = new MutationObserver(() => {
    if (!done()) return;
    obs.disconnect();
    const a = list.querySelector('.result .result-title a');
    window.__firstShown = a ? a.textContent : '';
    resolve(performance.now() - start);
  });
  obs.observe(root, {subtree: true, childList: true, attributes: true});
  input.value = q;
  input.form.requestSubmit();
})"""
#: what the page shows first once every result is in, and the layout shift of the whole visit (CLS's sum of
#: shifts without recent input; a query submitted by script is no input)
AFTER = """() => new Promise(resolve => {
  const a = document.querySelector('[data-search-results] .result .result-title a');
  let shift = 0;
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) shift += e.value;
    }).observe({type: 'layout-shift', buffered: true});
  } catch (e) {}
  setTimeout(() => resolve({first: a ? a.textContent : '', shift: shift}), 50);
})"""
#: a reader typing the query (150 ms a key): from the last key to the first result of the whole query
TYPED_SETUP = """() => {
  const root = document.querySelector('[data-search]'), input = document.getElementById('search-q');
  input.addEventListener('input', () => { window.__lastKey = performance.now(); window.__firstAt = 0; });
  new MutationObserver(() => {
    if (!window.__firstAt && root.dataset.resultsFor === input.value &&
        (root.querySelector('.result') || (root.dataset.state === 'done' && root.dataset.query === input.value)))
      window.__firstAt = performance.now();
  }).observe(root, {subtree: true, childList: true, attributes: true});
}"""
PLAIN_QUERY = """q => new Promise(resolve => {
  const input = document.querySelector('.pagefind-ui__search-input'), start = performance.now();
  const done = () => document.querySelector('.pagefind-ui__result-link') ||
      /0|No results|Không/.test((document.querySelector('.pagefind-ui__message') || {}).textContent || '') &&
      !document.querySelector('.pagefind-ui__loading');
  const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); resolve(performance.now() - start); } });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
})"""


def _is_search(url: str) -> bool:
    return any(part in url for part in ("/pagefind", "portal-search.json", "shards.json"))


def measure(browser, url: str, query: str, plain: bool, *, throttle: bool = True, typed: bool = False) -> dict:
    """Open *url* in a fresh context on the phone profile, submit (or type) *query*; bytes, requests, seconds."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    finished: list = []  # every request of the page and of its workers (Playwright's events include workers)
    context.on("requestfinished", lambda request: finished.append(request))
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", FAST_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    t0 = time.perf_counter()
    page.goto(url, timeout=180_000)
    if plain:
        page.wait_for_selector(".pagefind-ui__search-input", timeout=180_000)
        page.wait_for_timeout(500)
    else:
        page.wait_for_function("() => document.querySelector('[data-search]').dataset.state === 'done'", timeout=180_000)
    ready = time.perf_counter() - t0
    if typed:
        page.evaluate(TYPED_SETUP)
        page.locator("#search-q").press_sequentially(query, delay=150)
        page.wait_for_function("() => window.__firstAt > 0", timeout=180_000)
        ms = page.evaluate("() => window.__firstAt - window.__lastKey")
    else:
        ms = page.evaluate(PLAIN_QUERY if plain else OURS_QUERY, query)
    if plain:
        page.wait_for_load_state("networkidle", timeout=180_000)
    else:
        page.wait_for_function("q => { const r = document.querySelector('[data-search]');"
                               " return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query, timeout=180_000)
        page.wait_for_load_state("networkidle", timeout=180_000)
    after = {} if plain else page.evaluate(AFTER)
    first_shown = "" if plain or typed else page.evaluate("() => window.__firstShown || ''")
    shown = page.locator(".pagefind-ui__result" if plain else ".result").count()
    status = "" if plain else (page.text_content("[data-search-status]") or "")
    fetched = []
    for request in finished:  # bytes on the wire: the (encoded) body and the headers
        size = request.sizes()
        fetched.append((request.url, size["responseBodySize"] + size["responseHeadersSize"]))
    context.close()
    search = [(u, n) for u, n in fetched if _is_search(u)]
    return {
        "query": query, "plain": plain, "typed": typed, "results_shown": shown, "status": status.strip(),
        "search_bytes": sum(n for _, n in search), "search_requests": len(search),
        "page_bytes": sum(n for u, n in fetched if not _is_search(u)),
        "by_kind": _by_kind(search), "seconds_to_first_result": round(ms / 1000, 2),
        "seconds_page_ready": round(ready, 2),
        # ours, submitted: whether the first result on screen (a card, or Pagefind's) is still first at the end
        "first_shown": first_shown, "first_final": after.get("first", ""),
        "first_kept": (first_shown == after.get("first")) if first_shown else None,
        "layout_shift": round(after["shift"], 4) if "shift" in after else None,
    }


def _by_kind(fetched: list[tuple[str, int]]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for url, n in fetched:
        name = url.split("?")[0].rsplit("/", 2)
        kind = (name[-2] if name[-2] in ("index", "fragment", "filter") else
                "cards" if name[-2] == "cards" else
                "wasm" if "wasm." in name[-1] else "metadata" if name[-1].endswith(".pf_meta") else
                "javascript" if name[-1].endswith(".js") else "lists")
        kinds[kind] = kinds.get(kind, 0) + n
    return kinds


def measure_pages(output: Path, targets: list[tuple], queries: tuple[str, ...],
                  repeat: int = 1, throttle: bool = True, log=print) -> list[dict]:
    """Every query on every (label, site id, path, plain[, typed]) target; medians of *repeat* runs."""
    from playwright.sync_api import sync_playwright

    from portal.stages.preview import make_server

    os.environ["PORTAL_SERVE_QUIET"] = "1"
    sites = [p.name for p in output.iterdir() if p.is_dir() and not p.name.startswith(".")]  # links too (the large site)
    server = make_server(output, "127.0.0.1", 0, site_ids=sites)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for label, site, path, plain, *how in targets:
                for query in queries:
                    runs = [measure(browser, f"http://{site}.localhost:{port}{path}", query, plain, throttle=throttle,
                                    typed=bool(how and how[0])) for _ in range(repeat)]
                    row = dict(runs[0])
                    for key in ("seconds_to_first_result", "seconds_page_ready", "search_bytes"):
                        row[key] = statistics.median(r[key] for r in runs)
                    row["runs"] = [r["seconds_to_first_result"] for r in runs]
                    row["target"] = label
                    rows.append(row)
                    log(f"  {label:<24} {query!r:<22} {_kb(row['search_bytes']):>11} in {row['search_requests']:>3} requests,"
                        f" first result {row['seconds_to_first_result']:>5.2f} s ({row['results_shown']} shown)")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


# --- the run -----------------------------------------------------------------------------------

def _build(dest: Path, scale: Scale, log) -> tuple[Path, float]:
    if dest.exists():
        shutil.rmtree(dest)
    generate(dest, scale, REPO)
    enrich(dest)
    t0 = time.perf_counter()
    built = build(dest, now=None, jobs=os.cpu_count() or 1)
    if not built.ok:
        raise SystemExit("\n".join(str(p) for p in built.all_problems()))
    return dest / "output", time.perf_counter() - t0


def run(dest: Path, pages: int = 10_000, sites: int = 50, network_posts: int | None = None, *,
        browser: bool = True, repeat: int = 1, throttle: bool = True, queries: tuple[str, ...] = QUERIES,
        log=print) -> dict:
    dest = dest.resolve()
    report: dict = {"content_pages": pages, "network_sites": sites, "load_average": os.getloadavg(),
                    "profile": {"cpu_slowdown": CPU_SLOWDOWN, "network": FAST_3G} if throttle else "none"}

    # one large site
    output, seconds = _build(dest / "site", Scale(sites=1, posts=max(0, pages - 3), directives=0, languages=1), log)
    report["build_seconds"] = round(seconds, 1)
    tree = output / "tinh"
    log(f"built a site of {pages} content pages in {report['build_seconds']} s; indexing again to time it…")
    t0 = time.perf_counter()
    staged = site_index.stage_site(tree)
    stage_seconds = time.perf_counter() - t0
    work = Path(tempfile.mkdtemp(dir=dest))
    t0 = time.perf_counter()
    site_index.run_pagefind(staged, work / "pagefind", work)
    pagefind_seconds = time.perf_counter() - t0
    shutil.rmtree(work)
    bundle = tree / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    report.update({
        "indexed_pages": entry["languages"]["vi"]["page_count"],
        "index_seconds": {"stage": round(stage_seconds, 1), "pagefind_and_fragments": round(pagefind_seconds, 1),
                          "total": round(stage_seconds + pagefind_seconds, 1)},
        "bundle_bytes": bundle_sizes(bundle),
        "bundle_files": sum(1 for p in bundle.rglob("*") if p.is_file()),
    })
    report["plain_site"] = build_plain(tree, list(site_index.content_pages(tree)))

    # a network of many sites
    per_site = network_posts if network_posts is not None else max(10, pages // max(1, sites))
    net_output, seconds = _build(dest / "network", Scale(sites=sites, posts=per_site * sites,
                                                         directives=max(2, sites // 5), languages=1), log)
    report["network_build_seconds"] = round(seconds, 1)
    home = net_output / "tinh"
    network = load_network(dest / "network")
    own = [(f"{s.id}/{rel}", path) for s in network.sites for rel, path in site_index.content_pages(net_output / s.id)
           if s.id == network.home or not site_index._is_copy(path.read_bytes(), s.url, rel)]
    report["plain_network"] = build_plain(home, own)
    log(f"built a network of {sites} sites ({per_site * sites} posts) in {report['network_build_seconds']} s")

    if browser and Path(CHROMIUM).exists():
        # both outputs under one server: the site's folder is linked beside the network's sites
        link = net_output / "mot-trang"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(tree, target_is_directory=True)
        targets = [("site: ours", "mot-trang", "/tim-kiem/", False), ("site: ours, typed", "mot-trang", "/tim-kiem/", False, True),
                   ("site: plain Pagefind", "mot-trang", f"/{PLAIN}/", True),
                   ("network: ours", "tinh", "/tim-kiem-toan-tinh/", False),
                   ("network: ours, typed", "tinh", "/tim-kiem-toan-tinh/", False, True),
                   ("network: plain Pagefind", "tinh", f"/{PLAIN}/", True)]
        report["queries"] = measure_pages(net_output, targets, queries, repeat, throttle, log)
    else:
        report["queries"] = "not measured (no chromium)"
    (dest / "bench-search.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return report


def _kb(n: float) -> str:
    return f"{n / 1000:,.1f} kB" if n < 1_000_000 else f"{n / 1_000_000:,.2f} MB"


def print_report(report: dict, log=print) -> None:
    log(f"\nReaders' search: one site of {report['content_pages']:,} content pages ({report['indexed_pages']:,} indexed),"
        f" a network of {report['network_sites']} sites; load average {report['load_average'][0]:.2f}")
    s = report["index_seconds"]
    log(f"  index build time : {s['total']} s (staging {s['stage']} s + Pagefind and fragments {s['pagefind_and_fragments']} s);"
        f" plain Pagefind {report['plain_site']['seconds']} s; whole build {report['build_seconds']} s")
    b = report["bundle_bytes"]
    log(f"  index size       : {_kb(b['total'])} in {report['bundle_files']:,} files — "
        + ", ".join(f"{k} {_kb(v)}" for k, v in b.items() if k != "total")
        + f"; plain Pagefind {_kb(report['plain_site']['bytes']['total'])}")
    if not isinstance(report["queries"], list):
        log(f"  queries: {report['queries']}")
        return
    log("\n| page | query | search bytes | requests | first result (s) | results | first shown stays first | layout shift |"
        "\n|---|---|---|---|---|---|---|---|")
    for q in report["queries"]:
        kept = q.get("first_kept")
        log(f"| {q['target']} | `{q['query']}` | {_kb(q['search_bytes'])} | {q['search_requests']} | "
            f"{q['seconds_to_first_result']:.2f} | {q['results_shown']} | {'' if kept is None else 'yes' if kept else 'no'} | "
            f"{'' if q.get('layout_shift') is None else q['layout_shift']} |")
    log("(first shown stays first, and its layout shift: submitted queries; a typed query shows the results of"
        " what is typed so far before the last key)")
    log("\nbytes by kind (ours; cards: the card files, lists: the entry, portal-search.json and the page's other"
        " lists):" + "".join(
        f"\n  {q['target'].split(':')[0]}{', typed' if q.get('typed') else ''} {q['query']!r}: "
        + ", ".join(f"{k} {_kb(v)}" for k, v in q["by_kind"].items())
        for q in report["queries"] if not q["plain"]))


def main(dest: Path, *, pages: int = 10_000, sites: int = 50, keep: bool = False, browser: bool = True,
         repeat: int = 1) -> int:
    report = run(dest, pages, sites, browser=browser, repeat=repeat)
    print_report(report)
    print(f"\nfigures: {dest.resolve() / 'bench-search.json'}")
    if not keep:
        for name in ("site", "network"):
            shutil.rmtree(dest / name, ignore_errors=True)
    return 0
