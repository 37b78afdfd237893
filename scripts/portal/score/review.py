"""The yearly review (plan 2024, task 13): averages, the most improved, the best of each kind, the months below a band.

:func:`review_year` takes the month reports of one year (``score_month``'s dicts, or the committed
``score.json`` files) and returns::

    {"year": 2026, "months": ["2026-01", …], "below": "kha",
     "sites": [{"site", "name", "kind", "rank", "average", "band", "months": {"2026-01": 81.5, …},
                "first", "last", "change", "below": ["2026-03", …]}],
     "most_improved": [site ids, best first], "best_per_kind": {kind: site id}}

The average is over the months the portal was scored; ``change`` is its last scored month's total
less its first's (the most improved have the largest change; at most five are named).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MOST_IMPROVED = 5


def _round(value: float) -> float:
    return float(Decimal(f"{value:.9f}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _band(bands: Sequence[dict[str, Any]], score: float) -> str:
    whole = int(Decimal(str(score)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    for b in bands:
        if b["min"] <= whole <= b["max"]:
            return b["id"]
    return bands[-1]["id"] if bands else ""


def review_year(year: int, months: Sequence[dict[str, Any]], below: str = "") -> dict[str, Any]:
    """The review of *year* from its month reports (in any order; other years' are ignored)."""
    reports = sorted((m for m in months if m["month"].startswith(f"{year:04d}-")), key=lambda m: m["month"])
    bands = reports[-1]["bands"] if reports else []
    limit = next((b["min"] for b in bands if b["id"] == below), None)
    sites: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for rep in reports:
        for s in rep["sites"]:
            entry = sites.get(s["site"])
            if entry is None:
                entry = sites[s["site"]] = {"site": s["site"], "name": s["name"], "kind": s["kind"], "url": s.get("url", ""),
                                            "months": {}, "below": []}
                order.append(s["site"])
            entry.update(name=s["name"], kind=s["kind"])
            entry["months"][rep["month"]] = s["total"]
            if limit is not None and int(Decimal(str(s["total"])).quantize(Decimal("1"), rounding=ROUND_HALF_UP)) < limit:
                entry["below"].append(rep["month"])
    for entry in sites.values():
        totals = list(entry["months"].values())
        entry["average"] = _round(sum(totals) / len(totals))
        entry["band"] = _band(bands, entry["average"])
        entry["first"], entry["last"] = totals[0], totals[-1]
        entry["change"] = _round(totals[-1] - totals[0])
    ranked = sorted(sites.values(), key=lambda e: (-e["average"], order.index(e["site"])))
    prev, prev_rank = None, 0
    for i, e in enumerate(ranked, 1):
        if e["average"] != prev:
            prev, prev_rank = e["average"], i
        e["rank"] = prev_rank
    improved = sorted((e for e in ranked if len(e["months"]) > 1 and e["change"] > 0),
                      key=lambda e: (-e["change"], order.index(e["site"])))
    best: dict[str, str] = {}
    for e in ranked:
        best.setdefault(e["kind"], e["site"])
    return {"year": year, "months": [r["month"] for r in reports], "below": below, "bands": bands,
            "groups": reports[-1]["groups"] if reports else [],
            "sites": ranked, "most_improved": [e["site"] for e in improved[:MOST_IMPROVED]], "best_per_kind": best}
