"""Lighthouse on the built sample network (issue 19.6): ≥ 95 in performance, accessibility, best practices
and SEO on the home page, an article and the search page with a query, mobile profile, CLS 0 on search.

Lighthouse is the npm package pinned in package.json (``make test`` installs it with ``make validators``);
it drives Debian's chromium (``CHROME_PATH``) against the sample served on 127.0.0.1 at a free port, with
its default mobile profile (a Moto G Power, 412×823, simulated slow 4G and a 4× slower CPU). It needs no
internet: the Lighthouse 12 audits of these four categories read only the page and its own origin (its
robots.txt, source maps), Sentry error reporting is off (``--no-enable-error-reporting``) and chromium runs
without its background, component-update, sync and safe-browsing requests (:data:`CHROME_FLAGS`); the test
checks that every request of each run went to the local server.

Performance is timed on a shared machine: a page gets up to :data:`ATTEMPTS` runs and its best
performance score counts (the other three categories do not depend on timing and must pass on every run).
Marked slow (a run takes 20-60 s): ``make test`` runs it, ``pytest -m 'not slow'`` leaves it out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import REPO
from .test_output_browser import _first, served_sample  # noqa: F401  (the served sample network)
from .test_search_browser import CHROMIUM

pytestmark = pytest.mark.slow

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = 0.95
ATTEMPTS = 3
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-first-run",
                "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-quic"]


def lighthouse(url: str, dest: Path) -> dict:
    """One Lighthouse run (mobile, the four categories) of *url*; its report (LHR)."""
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={dest}",
           "--only-categories=" + ",".join(CATEGORIES), "--no-enable-error-reporting", "--max-wait-for-load=60000",
           "--chrome-flags=" + " ".join(CHROME_FLAGS)]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0 and dest.is_file(), f"lighthouse failed ({res.returncode}): {res.stderr[-2000:]}"
    return json.loads(dest.read_text(encoding="utf-8"))


def scores(report: dict) -> dict[str, float]:
    return {k: report["categories"][k]["score"] for k in CATEGORIES}


def failing(report: dict) -> list[str]:
    """The audits that cost points, for the failure message."""
    out = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                out.append(f"{key}/{ref['id']}: {audit['score']} {audit.get('displayValue', '')}")
    return out


@pytest.fixture(scope="module")
def tool():
    if not (LIGHTHOUSE.exists() and Path(CHROMIUM).exists() and shutil.which("node")):
        if os.environ.get("CI"):
            pytest.fail("Lighthouse or chromium is not installed: make test installs them (make validators, make chromium)")
        pytest.skip("Lighthouse is not installed (make validators) or chromium is missing")
    return LIGHTHOUSE


def _pages(out: Path) -> list[tuple[str, str]]:
    article = _first(out / "bac-ninh" / "tin-tuc")
    assert article
    return [("home", "/"), ("article", f"/tin-tuc/{article}/"), ("search", "/tim-kiem/?q=ke+hoach")]


def test_lighthouse_scores_on_a_phone(tool, served_sample, tmp_path: Path):  # noqa: F811
    out, port = served_sample
    origin = f"http://bac-ninh.localhost:{port}"
    results: dict[str, dict[str, float]] = {}
    problems: list[str] = []
    for kind, path in _pages(out):
        best: dict | None = None
        for attempt in range(ATTEMPTS):
            report = lighthouse(origin + path, tmp_path / f"{kind}-{attempt}.json")
            got = scores(report)
            assert report["configSettings"]["formFactor"] == "mobile" and report["configSettings"]["screenEmulation"]["mobile"]
            assert not report.get("runtimeError"), report.get("runtimeError")
            # no request left the machine: every one the page made went to the local server
            requests = report["audits"]["network-requests"]["details"]["items"]
            others = {urlsplit(r["url"]).netloc for r in requests if urlsplit(r["url"]).scheme in ("http", "https")} - {urlsplit(origin).netloc}
            assert requests and not others, f"{kind}: requests to other hosts {others}"
            errored = [a["id"] for a in report["audits"].values() if a.get("scoreDisplayMode") == "error"]
            assert not errored, f"{kind}: audits that could not run: {errored}"
            low = [k for k in CATEGORIES if k != "performance" and got[k] < MINIMUM]
            assert not low, f"{kind}: {got} — {failing(report)}"
            if kind == "search":  # no layout shift while the results come, in every run
                cls = report["audits"]["cumulative-layout-shift"]["numericValue"]
                assert cls == 0, f"search page CLS {cls}: {report['audits'].get('layout-shifts', {}).get('details')}"
            if best is None or got["performance"] > scores(best)["performance"]:
                best = report
            if got["performance"] >= MINIMUM:
                break
        assert best is not None
        results[kind] = scores(best)
        if results[kind]["performance"] < MINIMUM:
            problems.append(f"{kind}: performance {results[kind]['performance']} in {ATTEMPTS} runs — {failing(best)}")
    print("Lighthouse (mobile):", json.dumps(results))
    assert not problems, "\n".join(problems)
