"""The scoreboard on the provincial portal: built from history by the real pipeline, read as HTML and in a real browser.

The pages are checked at phone and desktop widths for horizontal overflow and with axe-core
(from npm, installed by `make test`) for accessibility violations.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from portal.score.board import prepare

from ..conftest import REPO
from ..stages import test_search_browser
from ..validators import AXE_JS
from .history import make_history
from .test_months import NOW

browser = test_search_browser.browser  # the same fixture: Debian's chromium driven by Playwright


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, object]:
    """The history network's provincial portal built with its scoreboard (and the board's folder)."""
    from portal.stages.build import build

    base = tmp_path_factory.mktemp("scoreboard")
    root = make_history(base / "proj")
    board = prepare(root, base / "board", now=NOW)
    report = build(root, ["tinh"], output=base / "out", now=NOW, jobs=1, search=False, scoreboard=board.dest)
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    return root, base / "out" / "tinh", board


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_board_folder(built):
    root, _site, board = built
    # the network was set up in December 2025 (nothing published): its first month
    assert [m["month"] for m in board.months] == ["2025-12", "2026-01", "2026-02", "2026-03"]
    assert board.years == [2025, 2026] and board.computed == 4
    again = prepare(root, board.dest, now=NOW)
    assert again.computed == 0 and again.reused == 4, "a month computed with the same inputs is reused"
    trends = json.loads((board.dest / "2026-03" / "trends.json").read_text(encoding="utf-8"))
    assert trends["xa-mot"][1:] == [["2026-01", 83.3], ["2026-02", 56.3], ["2026-03", 33.9]]


def test_month_page(built):
    _root, site, _board = built
    html = read(site / "cham-diem/2026-03/index.html")
    assert '<html lang="vi">' in html and '<link rel="canonical" href="https://tinh.example.vn/cham-diem/2026-03/">' in html
    rows = [html.index(f'href="/cham-diem/2026-03/{s}/"') for s in ("tinh", "xa-hai", "xa-mot", "so-a")]
    assert rows == sorted(rows), "ranked: tinh, xa-hai, xa-mot, so-a"
    import re

    assert "<script" not in re.sub(r'<script type="application/ld\+json">[^<]*</script>', "",  # JSON-LD: data, not script
                                   html.replace('<script src="/theme/js/portal.js" defer></script>', ""))
    assert 'style="' not in html, "no inline styles (CSP)"
    for name in ("bieu-do-diem.svg", "bieu-do-xep-loai.svg", "bang-diem-2026-03.csv", "bang-diem-2026-03.xlsx", "bang-diem-2026-03.json"):
        assert (site / "cham-diem/2026-03" / name).is_file(), name
        assert f'href="{name}"' in html or f'src="{name}"' in html, name
    svg = read(site / "cham-diem/2026-03/bieu-do-diem.svg")
    assert "<script" not in svg and "Xã Một" in svg and "http://" not in svg.replace("http://www.w3.org", "").replace("http://purl.org", "").replace("http://creativecommons.org", "")
    assert "<caption" in html and "Số cổng theo xếp loại" in html, "the pages are in the portal's language"
    rows = list(csv.reader(read(site / "cham-diem/2026-03/bang-diem-2026-03.csv").splitlines()))
    assert rows[1][:3] == ["1", "tinh", "Cổng Thông tin điện tử tỉnh Thử"] and "100.0" in rows[1]


def test_detail_page(built):
    _root, site, _board = built
    html = read(site / "cham-diem/2026-03/xa-mot/index.html")
    assert "Đính chính tin sai số liệu sau phản ánh ngày 12/3" in html and "Nguyễn Văn An, Trưởng Ban Biên tập" in html
    assert 'href="https://xamot.example.vn/tin-tuc/xa-mot-trong-cay/"' in html, "each item links to its page"
    assert 'href="https://xamot.example.vn/van-ban/"' in html, "a stale section links to its list"
    assert 'src="bieu-do-xu-huong.svg"' in html and (site / "cham-diem/2026-03/xa-mot/bieu-do-xu-huong.svg").is_file()
    assert html.count('href="/cham-diem/2026-0') >= 3, "the trend table links every month"
    feb = read(site / "cham-diem/2026-02/xa-mot/index.html")
    assert "Hướng dẫn hồ sơ đất đai" in feb and "content/sites/so-a/tin-tuc/a2.md" in feb, "why a near-duplicate counts half"
    jan = read(site / "cham-diem/2026-01/xa-hai/index.html")
    assert "sites.yaml" in jan and "phone" in jan, "the missing phone number is named with the file to fix"


def test_index_year_and_directory(built):
    _root, site, _board = built
    index = read(site / "cham-diem/index.html")
    for m in ("2026-01", "2026-02", "2026-03"):
        assert f'href="/cham-diem/{m}/"' in index
    year = read(site / "cham-diem/nam/2026/index.html")
    assert year.index("Cổng Thông tin điện tử tỉnh Thử") < year.index("Xã Một") and "tong-ket-2026.xlsx" in year
    from openpyxl import load_workbook

    wb = load_workbook(site / "cham-diem/nam/2026/tong-ket-2026.xlsx")
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[2]][:5] == [1, "tinh", "Cổng Thông tin điện tử tỉnh Thử", "province", 64.2]
    assert 'href="/cham-diem/"' in read(site / "cac-cong-thanh-phan/index.html")


def test_an_approved_report_is_published_as_approved(built, tmp_path):
    root, _site, board = built
    approved = root / "scoring/reports/2026-02"
    approved.mkdir(parents=True)
    shutil.copy(board.dest / "2026-02" / "score.json", approved / "score.json")
    try:
        again = prepare(root, tmp_path / "board", now=NOW)
    finally:
        shutil.rmtree(root / "scoring/reports")
    status = {m["month"]: m["approved"] for m in again.months}
    assert status == {"2025-12": False, "2026-01": False, "2026-02": True, "2026-03": False}


def test_the_sample_networks_scoreboard_from_the_repositorys_history(tmp_path):
    from portal.score.compute import Inputs

    inputs = Inputs.read(REPO)
    if inputs.ledger.note:
        pytest.skip(f"no usable Git history in this checkout: {inputs.ledger.note}")
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    board = prepare(REPO, tmp_path / "board", now=now, inputs=inputs)
    nov = json.loads((board.dest / "2026-11" / "score.json").read_text(encoding="utf-8"))
    assert len(nov["sites"]) == 19 and all(s["items"] for s in nov["sites"]), "every sample portal published in November"
    assert [m["month"] for m in board.months][-1] == "2026-11"


# --- in a browser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(built):
    from portal.stages.preview import make_server

    _root, site, _board = built
    server = make_server(site.parent, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/cham-diem/2026-03/", "/cham-diem/2026-03/xa-mot/", "/cham-diem/nam/2026/", "/cham-diem/"])
@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_and_pass_axe(browser, served, path, width):
    if not AXE_JS.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed: make test installs it (make validators)")
        pytest.skip("axe-core is not installed (make validators)")
    # as readers get it, under the page's CSP: nothing overflows, the charts load, nothing from elsewhere, no CSP report
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    origins: set[str] = set()
    refused: list[str] = []
    page.on("request", lambda r: origins.add(r.url.split("/")[2]))
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"http://tinh.localhost:{served}{path}")
    page.wait_for_load_state("load")
    scroll, client = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    assert scroll <= client, f"{path} overflows at {width}px: {scroll} > {client}"
    for img in page.locator("img").all():  # the charts load lazily: bring each into view
        img.scroll_into_view_if_needed()
    page.wait_for_function("[...document.images].every(i => i.complete)", timeout=15000)
    broken = page.evaluate("[...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)")
    assert not broken, f"images that did not load: {broken}"
    assert origins == {f"tinh.localhost:{served}"}, f"requests to other origins: {origins}"
    assert not refused, refused
    context.close()
    # axe is injected, so the CSP is set aside for it
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"http://tinh.localhost:{served}{path}")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], violations
    context.close()
