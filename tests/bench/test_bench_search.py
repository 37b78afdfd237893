"""portal bench-search at small scale: it runs end to end, ours and plain Pagefind, site and network (no timing assertions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.bench import search as bench_search


def test_bench_search_smoke(tmp_path: Path):
    if not Path(bench_search.CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    lines: list[str] = []
    report = bench_search.run(tmp_path / "b", pages=40, sites=3, network_posts=6, throttle=False,
                              queries=("quy hoach", "953/KH-UBND", "zzqxw khong co"), log=lines.append)
    assert report["indexed_pages"] == 40
    assert report["bundle_bytes"]["total"] > 0 and report["plain_site"]["bytes"]["total"] > 0
    rows = report["queries"]
    assert {r["target"] for r in rows} == {"site: ours", "site: ours, typed", "site: plain Pagefind", "network: ours",
                                           "network: ours, typed", "network: plain Pagefind"}
    for r in rows:
        assert r["search_bytes"] > 0 and r["search_requests"] > 0, r
    ours = {(r["target"], r["query"]): r for r in rows if not r["plain"]}
    assert ours[("site: ours, typed", "quy hoach")]["results_shown"] > 0
    assert ours[("site: ours", "quy hoach")]["results_shown"] > 0
    assert ours[("network: ours", "quy hoach")]["results_shown"] > 0
    assert ours[("site: ours", "zzqxw khong co")]["results_shown"] == 0
    bench_search.print_report(report, log=lines.append)
    assert any("| site: ours | `quy hoach` |" in line for line in lines)
    assert (tmp_path / "b" / "bench-search.json").is_file()
