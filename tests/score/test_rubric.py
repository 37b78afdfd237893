"""scoring.yaml and the adjustments files: the project's own are valid; bad input is a clear error at its line."""

from __future__ import annotations

import pytest

from portal.model.errors import PortalError
from portal.score import adjustments, rubric

from ..conftest import REPO
from .history import RUBRIC


def problems(text: str) -> list[str]:
    with pytest.raises(PortalError) as exc:
        rubric.parse(text)
    return [str(p) for p in exc.value.problems]


def test_the_projects_rubric_is_valid_and_follows_the_plan():
    r = rubric.load(REPO)
    assert [(g.id, g.points) for g in r.groups] == [("volume", 30), ("coverage", 25), ("timeliness", 15), ("interaction", 20),
                                                    ("required", 10)]
    assert sum(c.points for c in r.criteria) == 100
    assert [(b.id, b.min, b.max) for b in r.bands] == [("xuat-sac", 90, 100), ("tot", 80, 89), ("kha", 65, 79),
                                                       ("trung-binh", 50, 64), ("yeu", 0, 49)]
    assert r.criterion("news").target("department") == 15 and r.criterion("news").target("commune") == 8
    assert "phat-thanh" in r.criterion("news").sections("commune")  # radio bulletins count for communes
    assert r.band_of(89.5).id == "xuat-sac" and r.band_of(89.4).id == "tot" and r.band_of(0).id == "yeu"


def test_unknown_measure_and_key():
    text = RUBRIC.replace("measure: alt_text", "measure: alt_txt").replace("caps: {nothing_published: 30}",
                                                                         "caps: {nothing_published: 30}\nweigths: 1")
    found = problems(text)
    assert any(":19: criterion 'images-alt' has an unknown measure 'alt_txt' — did you mean 'alt_text'?" in p for p in found), found
    assert any(":25: unknown key 'weigths' in scoring.yaml" in p for p in found), found


def test_points_that_do_not_add_up():
    found = problems(RUBRIC.replace("points: 30, measure: items", "points: 25, measure: items"))
    assert found == ["scoring.yaml:4: the points of group 'volume''s criteria add up to 35, not its 40 — "
                     "change a criterion's points or the group's"]
    found = problems(RUBRIC.replace("{id: required, name: {vi: \"Bắt buộc\", en: \"Required\"}, points: 10}",
                                    "{id: required, name: {vi: \"Bắt buộc\", en: \"Required\"}, points: 15}"))
    assert "scoring.yaml:3: the groups' points add up to 105, not 100 — change them so that they do" in found


def test_band_overlap_and_gap():
    found = problems(RUBRIC.replace("{id: tot, name: {vi: \"Tốt\", en: \"Good\"}, min: 80, max: 89}",
                                    "{id: tot, name: {vi: \"Tốt\", en: \"Good\"}, min: 80, max: 90}"))
    assert found == ["scoring.yaml:27: band 'tot' (80–90) overlaps band 'xuat-sac' (90–100) on line 26 — "
                     "make the ranges meet without sharing a score"]
    found = problems(RUBRIC.replace("min: 65, max: 79", "min: 66, max: 79"))
    assert found == ["scoring.yaml:28: bands leave a gap between trung-binh (max 64) and kha (min 66) — start 'kha' at 65"]


def test_errors_are_in_vietnamese_by_default(monkeypatch):
    monkeypatch.setenv("PORTAL_LANG", "vi")
    found = problems(RUBRIC.replace("min: 65, max: 79", "min: 66, max: 79"))
    assert found[0].startswith("scoring.yaml:28: ") and "khoảng trống" in found[0]


ADJ = """\
approved_by: "Nguyễn Văn An"
adjustments:
  - site: xa-mot
    deduction: correction
    reason: "Đính chính"
  - site: xa-ba
    points: 2
    reason: "Sai tên"
  - site: so-a
    criterion: newz
    points: 2
    reason: "Thêm tin"
  - site: so-a
    points: -3
  - site: tinh
    deduction: bad-news
    reason: "x"
"""


def test_adjustments_errors_with_lines():
    r = rubric.parse(RUBRIC)
    with pytest.raises(PortalError) as exc:
        adjustments.parse(ADJ, "scoring/adjustments/2026-03.yaml", r, {"tinh", "so-a", "xa-mot", "xa-hai"})
    found = [str(p) for p in exc.value.problems]
    assert found == [
        "scoring/adjustments/2026-03.yaml:6: adjustment for site 'xa-ba', which is not in sites.yaml — did you mean 'xa-hai'?",
        "scoring/adjustments/2026-03.yaml:10: unknown criterion 'newz' — did you mean 'news'?",
        "scoring/adjustments/2026-03.yaml:13: adjustment for 'so-a' has no reason — add reason: \"why the board changes the score\"",
        "scoring/adjustments/2026-03.yaml:16: unknown deduction 'bad-news' — known: correction",
    ]
    ok = adjustments.parse(ADJ.split("  - site: xa-ba")[0], "x.yaml", r, {"xa-mot"})
    assert ok[0].points == -5 and ok[0].approved_by == "Nguyễn Văn An" and ok[0].reason == "Đính chính"


def test_an_adjustment_without_approver():
    r = rubric.parse(RUBRIC)
    with pytest.raises(PortalError) as exc:
        adjustments.parse("adjustments:\n  - {site: tinh, points: 1, reason: x}\n", "a.yaml", r, {"tinh"})
    assert [str(p) for p in exc.value.problems] == [
        "a.yaml:2: adjustment for 'tinh' names no approver — add approved_by: \"Họ và tên, chức vụ\" to it or to the file"]


def test_portal_check_reports_scoring_problems(tmp_path):
    import subprocess
    import sys

    from ..conftest import make_project, write

    root = make_project(tmp_path / "proj")
    write(root / "scoring.yaml", RUBRIC.replace("min: 65, max: 79", "min: 66, max: 79"))
    write(root / "scoring/adjustments/2026-13.yaml", "adjustments: []\n")
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(root), "check"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert "scoring.yaml:28: bands leave a gap" in res.stderr
    assert "scoring/adjustments/2026-13.yaml: '2026-13' is not a month — write YYYY-MM, e.g. 2026-11" in res.stderr
