"""``portal bench-search``: the readers' search at the scale of a large portal.

Generates one site of N content pages (10,000 by default) with :mod:`portal.bench.synth`,
builds it, then reports:

- the index build time (staging the pages for Pagefind, and Pagefind itself), measured
  again on the built site without reusing the bundle;
- the size of the bundle, by kind of file;
- the bytes a reader's first query fetches: measured in Debian's chromium (Playwright's
  network events) on the real search page, served on 127.0.0.1, split into the page
  itself and the search bundle; without chromium, the fixed part is computed from disk.

The figures also go to ``DEST/bench-search.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from portal.bench.synth import Scale, generate
from portal.stages.build import build
from portal.stages.search import site as site_index

REPO = Path(__file__).resolve().parents[3]
QUERIES = ("quy hoach", "dau tu cong")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def bundle_sizes(bundle: Path) -> dict[str, int]:
    """Bytes of the bundle by kind of file."""
    sizes = {"index chunks": _size(bundle / "index"), "fragments": _size(bundle / "fragment"),
             "filters": _size(bundle / "filter") if (bundle / "filter").exists() else 0,
             "metadata": sum(p.stat().st_size for p in bundle.glob("*.pf_meta")),
             "wasm": sum(p.stat().st_size for p in bundle.glob("wasm.*")),
             "javascript": sum(p.stat().st_size for p in bundle.glob("*.js"))}
    sizes["total"] = _size(bundle)
    return sizes


def measure_first_queries(output: Path, site: str, queries: tuple[str, ...]) -> list[dict]:
    """Open the search page in chromium and type each query in a fresh tab: bytes fetched."""
    from playwright.sync_api import sync_playwright

    from portal.stages.preview import make_server

    os.environ["PORTAL_SERVE_QUIET"] = "1"
    server = make_server(output, "127.0.0.1", 0)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for query, typed in [(q, False) for q in queries] + [(queries[0], True)]:
                page = browser.new_page()
                fetched: list[tuple[str, int]] = []

                def record(response, fetched=fetched):
                    try:
                        fetched.append((response.url, len(response.body())))
                    except Exception:  # a response without a body (redirect)
                        fetched.append((response.url, 0))

                page.on("response", record)
                start = time.perf_counter()
                page.goto(f"http://{site}.localhost:{port}/tim-kiem/")
                page.wait_for_function("document.querySelector('[data-search]').dataset.state === 'done'"
                                       " || document.querySelector('[data-search-status]').textContent !== ''")
                loaded = len(fetched)
                if typed:  # a reader typing, 8 characters a second: searches as they type
                    page.locator("#search-q").press_sequentially(query, delay=125)
                else:
                    page.fill("#search-q", query)
                page.wait_for_function("q => { const r = document.querySelector('[data-search]');"
                                       " return r.dataset.state === 'done' && r.dataset.query === q; }",
                                       arg=query, timeout=60000)
                seconds = time.perf_counter() - start
                count = page.locator(".result").count()
                status = page.text_content("[data-search-status]")
                bundle = [(u, n) for u, n in fetched if "/pagefind/" in u]
                results.append({
                    "query": query, "typed": typed, "status": status, "results_shown": count,
                    "page_bytes": sum(n for u, n in fetched[:loaded] if "/pagefind/" not in u),
                    "bundle_bytes": sum(n for _, n in bundle), "bundle_requests": len(bundle),
                    "by_kind": _by_kind(bundle), "seconds_to_results": round(seconds, 2),
                })
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return results


def _by_kind(fetched: list[tuple[str, int]]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for url, n in fetched:
        name = url.split("/pagefind/", 1)[1].split("?")[0]
        kind = name.split("/")[0] if "/" in name else ("wasm" if name.startswith("wasm") else
                                                       "metadata" if name.endswith(".pf_meta") else name)
        kinds[kind] = kinds.get(kind, 0) + n
    return kinds


def fixed_first_query_bytes(bundle: Path, lang: str = "vi") -> dict[str, int]:
    """Without a browser: what every first query loads before its index chunks and fragments."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"][lang]
    wasm = bundle / f"wasm.{entry['wasm'] or 'unknown'}.pagefind"
    parts = {"pagefind.js": (bundle / "pagefind.js").stat().st_size,
             "pagefind-worker.js": (bundle / "pagefind-worker.js").stat().st_size,
             "pagefind-entry.json": (bundle / "pagefind-entry.json").stat().st_size,
             "wasm": wasm.stat().st_size,
             "metadata": (bundle / f"pagefind.{entry['hash']}.pf_meta").stat().st_size,
             "filters (all, for the filter list)": sum(p.stat().st_size for p in (bundle / "filter").glob(f"{lang}_*"))}
    parts["total"] = sum(parts.values())
    return parts


def run(dest: Path, pages: int = 10_000, *, browser: bool = True, log=print) -> dict:
    dest = dest.resolve()
    if dest.exists():
        shutil.rmtree(dest)
    t0 = time.perf_counter()
    generate(dest, Scale(sites=1, posts=max(0, pages - 3), directives=0, languages=1), REPO)  # + 3 pages per site
    report: dict = {"content_pages": pages, "generate_seconds": round(time.perf_counter() - t0, 1)}
    log(f"generated {pages} content pages in {report['generate_seconds']} s; building…")

    t0 = time.perf_counter()
    built = build(dest, now=None, jobs=1)
    report["build_seconds"] = round(time.perf_counter() - t0, 1)
    if not built.ok:
        raise SystemExit("\n".join(str(p) for p in built.all_problems()))
    tree = dest / "output" / "tinh"
    log(f"built (render + index + network index) in {report['build_seconds']} s; indexing again to time it…")

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
        "index_seconds": {"stage": round(stage_seconds, 1), "pagefind": round(pagefind_seconds, 1),
                          "total": round(stage_seconds + pagefind_seconds, 1)},
        "bundle_bytes": bundle_sizes(bundle),
        "bundle_files": sum(1 for p in bundle.rglob("*") if p.is_file()),
        "first_query_fixed_bytes": fixed_first_query_bytes(bundle),
    })
    if browser and Path(CHROMIUM).exists():
        report["first_queries"] = measure_first_queries(dest / "output", "tinh", QUERIES)
    else:
        report["first_queries"] = "not measured (no chromium): see first_query_fixed_bytes"
    (dest / "bench-search.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return report


def _kb(n: int) -> str:
    return f"{n / 1024:,.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.2f} MiB"


def print_report(report: dict, log=print) -> None:
    log(f"\nReaders' search, one site of {report['content_pages']:,} content pages ({report['indexed_pages']:,} indexed)")
    s = report["index_seconds"]
    log(f"  index build time : {s['total']} s (staging {s['stage']} s + Pagefind {s['pagefind']} s); "
        f"whole build {report['build_seconds']} s")
    b = report["bundle_bytes"]
    log(f"  index size       : {_kb(b['total'])} in {report['bundle_files']:,} files — "
        + ", ".join(f"{k} {_kb(v)}" for k, v in b.items() if k != "total"))
    fixed = report["first_query_fixed_bytes"]
    log(f"  fixed first-query cost (from disk): {_kb(fixed['total'])} — "
        + ", ".join(f"{k} {_kb(v)}" for k, v in fixed.items() if k != "total"))
    if isinstance(report["first_queries"], list):
        for q in report["first_queries"]:
            how = "typed letter by letter" if q.get("typed") else "pasted"
            log(f"  first query {q['query']!r} ({how}): {_kb(q['bundle_bytes'])} from the search bundle in "
                f"{q['bundle_requests']} requests (" + ", ".join(f"{k} {_kb(v)}" for k, v in q["by_kind"].items())
                + f"), plus {_kb(q['page_bytes'])} for the page itself; {q['results_shown']} results shown "
                f"in {q['seconds_to_results']} s — {q['status']}")
    else:
        log(f"  first query: {report['first_queries']}")


def main(dest: Path, *, pages: int = 10_000, keep: bool = False, browser: bool = True) -> int:
    report = run(dest, pages, browser=browser)
    print_report(report)
    print(f"\nfigures: {dest.resolve() / 'bench-search.json'}")
    if not keep:
        for name in ("content", "output", ".cache"):
            shutil.rmtree(dest / name, ignore_errors=True)
    return 0
