"""Scoring months of a real Git history (tests/score/history.py): exact figures per criterion, band and rank.

The figures below are worked out by hand from the history and its rubric (history.RUBRIC):
a total is the measured points over the points that could be measured, brought to 100, then
the adjustments, the cap, rounding half up to one decimal.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from portal.score.compute import Inputs, score_month
from portal.score.months import Month
from portal.score.review import review_year

from .history import make_history

NOW = dt.datetime(2026, 4, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_history(tmp_path_factory.mktemp("history") / "proj")


@pytest.fixture(scope="module")
def months(repo: Path) -> dict[str, dict]:
    inputs = Inputs.read(repo)
    return {str(m): score_month(inputs, m, now=NOW) for m in (Month(2026, 1), Month(2026, 2), Month(2026, 3))}


def site(report: dict, sid: str) -> dict:
    return next(s for s in report["sites"] if s["site"] == sid)


def points(report: dict, sid: str) -> dict[str, float | None]:
    return {c: v["points"] for c, v in site(report, sid)["criteria"].items()}


def names(report: dict, sid: str) -> list[str]:
    return [i["path"].rsplit("/", 1)[-1] for i in site(report, sid)["items"]]


def test_january(months):
    jan = months["2026-01"]
    # xa-mot: 4 news of 4 (30), 1 document of 2 (5), chi-dao-dieu-hanh stale (30 - 10), its decision published
    # 2 working days after issue (10), interaction not measured, contacts and alt text (5 + 5): 75 of 90 → 83.3
    assert points(jan, "xa-mot") == {"news": 30.0, "documents": 5.0, "sections": 20.0, "documents-on-time": 10.0,
                                     "questions": None, "contacts": 5.0, "images-alt": 5.0}
    assert sorted(names(jan, "xa-mot")) == ["n1.md", "n2.md", "n3.md", "n4.md", "qd-1.md"]
    # the province: 1 news of 2 (15), the shared directive is its document (5): 50 of 80 → 62.5
    assert points(jan, "tinh")["news"] == 15.0 and points(jan, "tinh")["documents"] == 5.0
    assert names(jan, "tinh") == ["t1.md", "ct-1.md"]
    # so-a: its picture has no image_alt (0 of 5); xa-hai published nothing and lacks a phone number
    assert points(jan, "so-a")["images-alt"] == 0.0
    assert points(jan, "xa-hai") == {"news": 0.0, "documents": 0.0, "sections": 0.0, "documents-on-time": None,
                                     "questions": None, "contacts": 0.0, "images-alt": 5.0}
    ranking = [(s["rank"], s["site"], s["total"], s["band"]) for s in jan["sites"]]
    assert ranking == [(1, "xa-mot", 83.3, "tot"), (2, "tinh", 62.5, "trung-binh"), (3, "so-a", 37.5, "yeu"),
                       (4, "xa-hai", 6.3, "yeu")]


def test_february(months):
    feb = months["2026-02"]
    items = {i["path"].rsplit("/", 1)[-1]: i for i in site(feb, "xa-mot")["items"]}
    # back-dated to 15 January, merged 3 February: it counts in February, at full weight
    assert items["n5.md"]["weight"] == 1.0 and items["n5.md"]["date"].startswith("2026-01-15")
    # so-a's a2 reposted: a near-duplicate of another portal's item counts half
    assert items["n6.md"]["weight"] == 0.5
    dup = items["n6.md"]["reasons"][0]
    assert dup["kind"] == "duplicate" and dup["of"].endswith("so-a/tin-tuc/a2.md") and not dup["same_site"] and dup["similarity"] >= 0.8
    assert items["n7.md"]["weight"] == 0.0 and items["n7.md"]["reasons"][0]["kind"] == "very-short"
    assert items["n8.md"]["weight"] == 0.5 and items["n8.md"]["reasons"][0]["kind"] == "short"
    assert points(feb, "xa-mot")["news"] == 15.0  # (1 + 0.5 + 0 + 0.5) of 4
    # xa-hai: h2 repeats h1 on the same portal (nothing); its decision came 23 days after issue (late)
    h = {i["path"].rsplit("/", 1)[-1]: i["weight"] for i in site(feb, "xa-hai")["items"]}
    assert h == {"h1.md": 1.0, "h2.md": 0.0, "qd-3.md": 1.0}
    assert points(feb, "xa-hai")["documents-on-time"] == 0.0
    # so-a: issued Friday 13 February, Tết (16–20 February) is not working days: 2 working days end on the 24th
    doc = site(feb, "so-a")["documents"][0]
    assert doc == {"path": "content/sites/so-a/van-ban/qd-2.md", "title": "Quyết định ban hành quy chế", "issued": "2026-02-13",
                   "published": "2026-02-23", "deadline": "2026-02-24", "on_time": True}
    # the province published nothing: 30 of 90 (its questions answered on time) is 33.3, capped at 30
    tinh = site(feb, "tinh")
    assert tinh["capped"] and tinh["total"] == 30.0 and points(feb, "tinh")["questions"] == 10.0
    ranking = [(s["rank"], s["site"], s["total"], s["band"]) for s in feb["sites"]]
    assert ranking == [(1, "so-a", 58.3, "trung-binh"), (2, "xa-mot", 56.3, "trung-binh"), (3, "xa-hai", 41.7, "yeu"),
                       (4, "tinh", 30.0, "yeu")]


def test_march_rename_adjustments_and_interaction(months):
    mar = months["2026-03"]
    # n1.md moved to n1-moi.md in March: the same item, which reached main in January
    assert names(mar, "xa-mot") == ["n9.md"]
    # xa-mot: questions 3 of 4 on time (7.5), van-ban stale since January (cadence 2), a deduction of 5 for a correction
    xa = site(mar, "xa-mot")
    assert points(mar, "xa-mot")["questions"] == 7.5
    assert [(s["section"], s["last"]) for s in xa["stale"]] == [("chi-dao-dieu-hanh", None), ("van-ban", "2026-01")]
    assert xa["adjustments"] == [{"site": "xa-mot", "points": -5.0, "reason": "Đính chính tin sai số liệu sau phản ánh ngày 12/3",
                                  "approved_by": "Nguyễn Văn An, Trưởng Ban Biên tập", "criterion": None,
                                  "deduction": "correction", "applied": -5.0}]
    assert xa["total"] == 33.9  # 35 of 90 = 38.9, less 5
    # so-a published nothing; the board added 3 points to its news: 23 of 80 = 28.75 → 28.8 (under the cap)
    so = site(mar, "so-a")
    assert so["criteria"]["news"]["points"] == 3.0 and so["adjustments"][0]["reason"] == "Ba tin đăng qua hệ thống cũ"
    assert so["total"] == 28.8 and not so["capped"]
    ranking = [(s["rank"], s["site"], s["total"], s["band"]) for s in mar["sites"]]
    assert ranking == [(1, "tinh", 100.0, "xuat-sac"), (2, "xa-hai", 40.6, "yeu"), (3, "xa-mot", 33.9, "yeu"),
                       (4, "so-a", 28.8, "yeu")]


def test_a_missing_interaction_export_is_not_measured_not_zero(months):
    jan = months["2026-01"]
    q = site(jan, "xa-mot")["criteria"]["questions"]
    assert q["status"] == "not-measured" and q["points"] is None and "not measured" in q["value"]
    group = site(jan, "xa-mot")["groups"]["interaction"]
    assert group["points"] is None and group["status"] == "not-measured"
    assert site(jan, "xa-mot")["measurable"] == 90.0 and site(jan, "xa-mot")["interaction"] is None
    assert any("interaction not measured" in n for n in jan["notes"]) and jan["not_measured"] == ["xa-mot", "tinh", "so-a", "xa-hai"]
    assert site(months["2026-03"], "xa-mot")["interaction"] == "data/interaction/xa-mot/2026-03.json"


def test_scoring_is_deterministic_and_ignores_the_working_tree(repo, months):
    # an uncommitted, back-dated post in the working tree changes nothing: only what reached main counts
    extra = repo / "content/sites/xa-hai/tin-tuc/chua-duyet.md"
    extra.write_text("---\ntitle: Chưa duyệt\ndate: 2026-01-10\ncategory: tin-tuc\n---\n" + "chữ " * 100 + "\n", encoding="utf-8")
    try:
        again = score_month(Inputs.read(repo), Month(2026, 1), now=NOW)
    finally:
        extra.unlink()
    assert json.dumps(again, sort_keys=True) == json.dumps(months["2026-01"], sort_keys=True)


def test_the_running_month_is_provisional_and_says_what_to_publish(repo):
    report = score_month(Inputs.read(repo), Month(2026, 3), now=dt.datetime(2026, 3, 25, tzinfo=dt.UTC))
    assert report["provisional"]
    hints = site(report, "xa-mot")["hints"]
    assert {"criterion": "news", "missing": 3, "sections": ["tin-tuc"]} in hints
    assert {"criterion": "sections", "missing": 1, "sections": ["van-ban"]} in hints


def test_yearly_review(months):
    review = review_year(2026, list(months.values()), "kha")
    by = {e["site"]: e for e in review["sites"]}
    assert [(e["site"], e["average"]) for e in review["sites"]] == [("tinh", 64.2), ("xa-mot", 57.8), ("so-a", 41.5), ("xa-hai", 29.5)]
    assert by["tinh"]["change"] == 37.5 and by["xa-mot"]["change"] == -49.4
    assert review["most_improved"] == ["tinh", "xa-hai"]
    assert review["best_per_kind"] == {"province": "tinh", "commune": "xa-mot", "department": "so-a"}
    assert by["tinh"]["below"] == ["2026-01", "2026-02"] and by["xa-mot"]["below"] == ["2026-02", "2026-03"]
