"""The data of the scoreboard pages: every complete month of the repository's history, its charts, the years.

``portal build`` calls :func:`prepare` before building the provincial portal; the ``scoreboard``
Pelican plugin turns what it writes into the portal's pages (``/cham-diem/…``). The folder
(default ``.cache/scoreboard``, never published as it is) holds::

    index.json                       {"months": [{month, approved, provisional, notes}], "years": [2026], "latest": "2026-11", "note"}
    <YYYY-MM>/score.json .csv .xlsx  the month (score.json as portal.score.compute makes it)
    <YYYY-MM>/scores.svg bands.svg   its charts
    <YYYY-MM>/trends.json            site → [[month, total or null], …] (the twelve months up to it)
    <YYYY-MM>/<site>/trend.svg       a portal's twelve months
    nam/<YYYY>/year.json .csv .xlsx  the yearly review, and averages.svg

A month the board approved — its report merged into ``scoring/reports/<YYYY-MM>/score.json`` by the
monthly pull request — is published as approved, from that file; every other complete month is
computed from history and shown as provisional. Months already computed with the same inputs (the
main line's state at the month's end, scoring.yaml, the adjustments, the interaction exports) are
reused from the folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.model.messages import _
from portal.score import adjustments, charts, interaction
from portal.score.compute import Inputs, score_month
from portal.score.months import Month, months_between
from portal.score.report import JSON_NAME, name_of, write_month, write_year
from portal.score.review import review_year
from portal.score.rubric import REPORTS_DIR

#: bump when the computation changes: every cached month is computed again
CODE_VERSION = "1"
DEFAULT_DIR = Path(".cache") / "scoreboard"
TREND_MONTHS = 12
MAX_MONTHS = 36


@dataclass
class Board:
    dest: Path
    months: list[dict[str, Any]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    computed: int = 0
    reused: int = 0
    note: str | None = None


def _digest(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None


def month_key(inputs: Inputs, month: Month) -> str:
    """What a month's figures depend on: the state at its end, the rubric, its adjustments and exports."""
    tz = inputs.tz
    state = inputs.ledger.at(month.end(tz))
    exports = sorted((str(p.relative_to(inputs.root)), _file_digest(p))
                     for p in (inputs.root / interaction.DATA_DIR).glob(f"*/{month}.json"))
    return _digest(CODE_VERSION, state.sha if state else None, inputs.rubric.digest,
                   _file_digest(adjustments.path_of(inputs.root, month)), exports)


def approved_report(root: Path, month: Month) -> dict[str, Any] | None:
    """The report of *month* the board approved (``scoring/reports/YYYY-MM/score.json``, merged by the monthly pull request)."""
    path = root / REPORTS_DIR / str(month) / JSON_NAME
    if not path.is_file():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    report["approved"] = True
    return report


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _charts(report: dict[str, Any], folder: Path, trends: dict[str, list[list[Any]]]) -> None:
    bands = report["bands"]
    _write_if_changed(folder / "scores.svg", charts.scores(
        report["sites"], bands, _("Scores of the portals, {month}", month=report["month"]), _("points out of 100")))
    counts = [(b["id"], name_of(bands, b["id"]), sum(1 for s in report["sites"] if s["band"] == b["id"])) for b in bands]
    _write_if_changed(folder / "bands.svg", charts.distribution(counts, bands, _("Portals per band, {month}", month=report["month"]),
                                                                _("portals")))
    for s in report["sites"]:
        points = [(m, v) for m, v in trends.get(s["site"], [])]
        key = _digest(points, bands, s["name"])
        stamp = folder / s["site"] / "trend.key"
        if stamp.exists() and stamp.read_text() == key and (folder / s["site"] / "trend.svg").exists():
            continue
        _write_if_changed(folder / s["site"] / "trend.svg", charts.trend(
            points, bands, _("{portal}: twelve months", portal=s["name"]), _("points out of 100")))
        stamp.write_text(key)


def prepare(root: Path | str, dest: Path | str | None = None, *, now: dt.datetime | None = None,
            inputs: Inputs | None = None) -> Board:
    """Write the scoreboard's data for every complete month into *dest* (default ROOT/.cache/scoreboard).

    Raises :class:`~portal.model.errors.PortalError` when scoring.yaml, an adjustments file or an
    interaction export is invalid. Without usable history (not a Git checkout, a shallow clone)
    the index says why and lists no month.
    """
    inputs = inputs or Inputs.read(root)
    dest = Path(dest) if dest else inputs.root / DEFAULT_DIR
    dest.mkdir(parents=True, exist_ok=True)
    board = Board(dest=dest, note=inputs.ledger.note)
    now = now or dt.datetime.now(inputs.tz)
    first_seen = inputs.ledger.first()
    reports: dict[str, dict[str, Any]] = {}
    if first_seen is not None:
        last = Month.of(now, inputs.tz).plus(-1)
        first = max(Month.of(first_seen, inputs.tz), last.plus(-(MAX_MONTHS - 1)))
        for month in months_between(first, last):
            folder = dest / str(month)
            approved = inputs.root / REPORTS_DIR / str(month) / JSON_NAME
            report = approved_report(inputs.root, month)
            if report is not None:
                key = _digest("approved", _file_digest(approved))
            else:
                key = month_key(inputs, month)
                report = None
            stamp = folder / "key"
            if stamp.exists() and stamp.read_text() == key and (folder / JSON_NAME).exists():
                report = json.loads((folder / JSON_NAME).read_text(encoding="utf-8"))
                board.reused += 1
            else:
                if report is None:
                    report = score_month(inputs, month, now=now)
                    report["approved"] = False
                if folder.exists():
                    shutil.rmtree(folder)
                write_month(report, folder)
                if report["approved"]:
                    for name in ("score.csv", "score.xlsx"):  # the board's own files, as approved
                        src = approved.parent / name
                        if src.is_file():
                            shutil.copyfile(src, folder / name)
                stamp.write_text(key)
                board.computed += 1
            reports[str(month)] = report
    names = sorted(reports)
    for m in names:
        window = [x for x in names if x <= m][-TREND_MONTHS:]
        trends = {s["site"]: [[x, next((t["total"] for t in reports[x]["sites"] if t["site"] == s["site"]), None)] for x in window]
                  for s in reports[m]["sites"]}
        _write_if_changed(dest / m / "trends.json", json.dumps(trends, ensure_ascii=False, sort_keys=True))
        _charts(reports[m], dest / m, trends)
    years = sorted({int(m[:4]) for m in names})
    for year in years:
        review = review_year(year, [reports[m] for m in names], inputs.rubric.review_below)
        folder = dest / "nam" / str(year)
        write_year(review, folder)
        _write_if_changed(folder / "averages.svg", charts.scores(
            [{"name": e["name"], "total": e["average"], "band": e["band"]} for e in review["sites"]], review["bands"],
            _("Average scores of the portals, {year}", year=year), _("points out of 100")))
    for stale in dest.iterdir():  # months no longer in the history (a rewritten main line)
        if stale.is_dir() and stale.name[:4].isdigit() and stale.name not in reports:
            shutil.rmtree(stale)
    board.months = [{"month": m, "approved": reports[m].get("approved", False), "provisional": reports[m].get("provisional", False),
                     "notes": reports[m].get("notes", []), "sites": len(reports[m]["sites"])} for m in names]
    board.years = years
    index = {"months": board.months, "years": years, "latest": names[-1] if names else None, "note": board.note}
    _write_if_changed(dest / "index.json", json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return board
