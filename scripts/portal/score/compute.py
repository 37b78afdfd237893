"""The scores of one month: every portal, every criterion of ``scoring.yaml``, from the repository's history.

:func:`score_month` returns the month as a JSON-ready ``dict`` (the same shape as the committed
report ``scoring/reports/YYYY-MM/score.json`` and what the scoreboard pages, the spreadsheets and
the CLI table are made from)::

    {"month": "2026-11", "provisional": false, "state": {"commit": …, "date": …}, "rubric": <digest>,
     "groups": [{id, name, points}], "criteria": [{id, group, name, points, measure}], "bands": […],
     "notes": [...],
     "sites": [{"site", "name", "kind", "parent", "rank", "total", "band", "earned", "measurable", "capped",
                "groups": {gid: {"points", "max", "measured"}},
                "criteria": {cid: {"points", "max", "status", "value", "target", "detail"}},
                "items": [{path, title, url, section, arrived, weight, reasons, criteria}],
                "stale": [{section, cadence, last}], "findings": [...], "documents": [...], "notices": [...],
                "adjustments": [...], "interaction": path | null, "hints": [{criterion, missing, sections}]}]}

How a total is made (the order matters and is the same for every portal):

1. each criterion's points (``status`` ``measured``), or no points when it is ``not-measured`` (the
   interaction export is missing) or ``not-applicable`` (e.g. no document issued this month, no
   English required of a commune) — never a silent zero;
2. the board's adjustments of a criterion (kept within 0 and its points);
3. the measured points over the points that could be measured, scaled to 100;
4. the adjustments of the total and the deductions, then kept within 0 and 100;
5. the cap of ``caps.nothing_published`` when the portal published nothing in the month;
6. rounded to one decimal (half up); the band from the total rounded to whole points; ranks with
   ties sharing a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from portal.model.content import parse_date
from portal.model.messages import _
from portal.model.sites import Network, Site, load_network
from portal.model.workdays import WorkingCalendar
from portal.score import adjustments as adjustments_mod
from portal.score import interaction, required
from portal.score import rubric as rubric_mod
from portal.score.items import Item, body_of, is_exempt_from_length, owner, read_item
from portal.score.ledger import Ledger, Tree
from portal.score.months import Month
from portal.score.rubric import Criterion, Rubric
from portal.score.similarity import Doc, nearest_earlier


def _round(value: float, places: str = "0.1") -> float:
    return float(Decimal(f"{value:.9f}").quantize(Decimal(places), rounding=ROUND_HALF_UP))  # 28.749999999999996 is 28.75


@dataclass
class Inputs:
    """What a month is scored from, read once and shared by the months of one run."""

    root: Path
    network: Network
    rubric: Rubric
    ledger: Ledger

    @classmethod
    def read(cls, root: Path | str) -> Inputs:
        root = Path(root).resolve()
        return cls(root=root, network=load_network(root), rubric=rubric_mod.load(root), ledger=Ledger.read(root))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.network.timezone)


def _when(item: Item) -> dt.datetime:
    """When an item reaches readers: its arrival on main, or its date if it was scheduled after that."""
    if item.date is not None and item.date > item.arrived:
        return item.date
    return item.arrived


def _item_json(item: Item, network: Network, tz: ZoneInfo) -> dict[str, Any]:
    return {"path": item.path, "title": item.title, "url": item.url(network), "section": item.category,
            "shared": item.shared, "arrived": item.arrived.astimezone(tz).isoformat(timespec="minutes"),
            "date": item.date.isoformat(timespec="minutes") if item.date else None,
            "words": item.words, "media": item.media, "weight": item.weight, "reasons": item.reasons,
            "duplicate_of": item.duplicate_of, "similarity": item.similarity, "criteria": list(item.counted_for)}


class _Month:
    """The state of one month's scoring (one instance per month)."""

    def __init__(self, inputs: Inputs, month: Month, now: dt.datetime):
        self.i = inputs
        self.month = month
        self.tz = inputs.tz
        self.start, self.end = month.start(self.tz), month.end(self.tz)
        self.provisional = now < self.end
        state = inputs.ledger.at(self.end)
        self.state = state
        self.tree = Tree(inputs.root, state.sha if state else None)
        self.network = self.tree.network(inputs.network)
        self.calendar = WorkingCalendar(inputs.network)  # Vietnam's holidays and sites.yaml's announced days off
        r = inputs.rubric
        self.window_start = month.plus(-r.window_months).start(self.tz)
        self.coverage_start = month.plus(-(r.longest_cadence() - 1)).start(self.tz)
        earliest = min(self.window_start, self.coverage_start)
        paths = [p for p in self.tree.files if owner(p, self.network)[0] is not None
                 and (a := inputs.ledger.first_seen.get(p)) is not None and a < self.end]
        self.tree.read_many(paths)
        self.items: list[Item] = []
        for path in paths:
            item = read_item(self.tree, path, self.network, inputs.ledger, self.tz, full=False)
            if item is None or _when(item) < earliest:
                continue
            if self.start <= _when(item) < self.end or any(self.start <= d < self.end for d in inputs.ledger.changed.get(path, ())):
                item = read_item(self.tree, path, self.network, inputs.ledger, self.tz) or item  # the month's: every key
            self.items.append(item)
        self.items.sort(key=lambda it: (_when(it), it.path))
        self.by_section: dict[tuple[str, str], list[Item]] = {}
        for it in self.items:
            if it.published:
                self.by_section.setdefault((it.site, it.category), []).append(it)
        self.counted = [it for it in self.items if it.published and self.start <= _when(it) < self.end]
        self._drafts_published()
        self._weights()

    def _drafts_published(self) -> None:
        """An item merged as a draft counts in the month it is first seen published."""
        prev_state = self.i.ledger.at(self.start)
        if prev_state is None:
            return
        changed = [it for it in self.items if it.published and _when(it) < self.start
                   and any(self.start <= d < self.end for d in self.i.ledger.changed.get(it.path, ()))]
        if not changed:
            return
        prev = Tree(self.i.root, prev_state.sha)
        for it in changed:
            before = read_item(prev, it.path, self.network, self.i.ledger, self.tz)
            if before is not None and not before.published:
                it.reasons.append({"kind": "was-draft", "text": _("published this month (it was a draft before)")})
                self.counted.append(it)

    def _weights(self) -> None:
        r = self.i.rubric
        docs = [Doc(it.path, it.site, (_when(it), it.path), f"{it.title}\n{body_of(self.tree, it)}")
                for it in self.items if it.published and _when(it) >= self.window_start]
        matches = nearest_earlier(docs, {it.path for it in self.counted}, r.threshold)
        for it in self.counted:
            m = matches.get(it.path)
            if m is not None:
                weight = r.same_site if m.site == it.site else r.other_site
                it.weight = min(it.weight, weight)
                it.duplicate_of, it.similarity = m.key, m.score
                it.reasons.append({"kind": "duplicate", "of": m.key, "similarity": m.score, "same_site": m.site == it.site,
                                   "text": (_("near-duplicate of {path} on the same portal (similarity {score})", path=m.key, score=f"{m.score:.2f}")
                                            if m.site == it.site else
                                            _("near-duplicate of {path} on another portal (similarity {score})", path=m.key, score=f"{m.score:.2f}"))})
            if not is_exempt_from_length(it, r.short_exempt):
                if it.words < r.none_below:
                    it.weight = 0.0
                    it.reasons.append({"kind": "very-short", "words": it.words,
                                       "text": _("very short: {words} words, fewer than {limit}", words=it.words, limit=r.none_below)})
                elif it.words < r.half_below:
                    it.weight = min(it.weight, 0.5)
                    it.reasons.append({"kind": "short", "words": it.words,
                                       "text": _("short: {words} words, fewer than {limit}", words=it.words, limit=r.half_below)})

    # --- one site ----------------------------------------------------------------------------

    def own(self, site: Site, *, shared: bool = True) -> list[Item]:
        """The site's items counted this month (for the provincial portal, with *shared*, the shared directives too)."""
        if not hasattr(self, "_own"):
            self._own: dict[str, list[Item]] = {}
            for it in self.counted:
                self._own.setdefault(it.site, []).append(it)
        return [it for it in self._own.get(site.id, []) if shared or not it.shared]

    def criterion(self, site: Site, crit: Criterion, findings: list[required.Finding],
                  export: interaction.Export | None, export_known: bool) -> dict[str, Any]:
        m = crit.measure
        res: dict[str, Any] = {"max": crit.points, "points": None, "status": "measured", "value": "", "target": None, "detail": {}}
        mine = self.own(site, shared=site.id == self.network.home)
        if m in ("items", "multimedia"):
            target = crit.target(site.kind)
            if m == "items":
                sections = set(crit.sections(site.kind))
                pool = [it for it in mine if it.category in sections and (not it.shared or crit.options.get("shared_directives"))]
            else:
                pool = [it for it in mine if it.media]
            count = sum(it.weight for it in pool)
            res.update(points=crit.points * min(1.0, count / target) if target else crit.points,
                       value=f"{count:g}/{target:g}", target=target, detail={"count": count, "items": [it.path for it in pool]})
            for it in pool:
                it.counted_for.append(crit.id)
        elif m == "coverage":
            res.update(self._coverage(site, crit))
        elif m == "documents_on_time":
            res.update(self._documents(site, crit, mine))
        elif m == "notices_on_time":
            res.update(self._notices(site, crit, mine))
        elif m in rubric_mod.INTERACTION_MEASURES:
            res.update(self._drafts(site, crit, export) if m == "drafts_consulted" else self._interaction(crit, export, export_known))
        elif m in rubric_mod.REQUIRED_MEASURES or m not in rubric_mod.MEASURES:
            mine_f = [f for f in findings if f.check == m]
            applies = m != "english" or site.kind in (crit.options.get("kinds") or [])
            if not applies:
                res.update(status="not-applicable", value=_("not required of a {kind}", kind=site.kind))
            else:
                ok = sum(1 for f in mine_f if f.ok)
                res.update(points=crit.points * (ok / len(mine_f)) if mine_f else crit.points,
                           value=f"{ok}/{len(mine_f)}" if mine_f else _("nothing to check"),
                           detail={"ok": ok, "checked": len(mine_f)})
        if res["points"] is not None:
            res["points"] = _round(res["points"], "0.01")
        return res

    def _coverage(self, site: Site, crit: Criterion) -> dict[str, Any]:
        r = self.i.rubric
        cadence: dict[str, int] = crit.options.get("cadence_months") or {"default": 1}
        exempt = set(crit.options.get("exempt") or [])
        stale: list[dict[str, Any]] = []
        sections = [s for s in site.section_slugs if s not in exempt]
        for slug in sections:
            mine = self.by_section.get((site.id, slug), [])
            months = int(cadence.get(slug, cadence.get("default", 1)))
            since = self.month.plus(-(months - 1)).start(self.tz)
            fresh = [it for it in mine if since <= _when(it) < self.end
                     and (it.weight > 0 if _when(it) >= self.start else
                          (is_exempt_from_length(it, r.short_exempt) or it.words >= r.none_below))]
            if not fresh:
                last = max((_when(it) for it in mine if _when(it) < self.end), default=None)
                stale.append({"section": slug, "cadence": months,
                              "last": str(Month.of(last, self.tz)) if last else None})
        per = float(crit.options.get("deduct_per_stale") or 0) or (crit.points / max(1, len(sections)))
        return {"points": max(0.0, crit.points - per * len(stale)), "value": f"{len(sections) - len(stale)}/{len(sections)}",
                "detail": {"sections": len(sections), "stale": stale}}

    def _documents(self, site: Site, crit: Criterion, mine: list[Item]) -> dict[str, Any]:
        sections = set(crit.sections(site.kind) or ["van-ban"])
        n = int(crit.options.get("working_days") or 0)
        rows: list[dict[str, Any]] = []
        for it in mine:
            if it.category not in sections or it.shared:
                continue
            issued = parse_date(it.meta.get("issued"), self.tz)
            if issued is None:
                rows.append({"path": it.path, "title": it.title, "issued": None, "on_time": None})
                continue
            deadline = self.calendar.add_working_days(issued.date(), n)
            published = it.arrived.astimezone(self.tz).date()
            rows.append({"path": it.path, "title": it.title, "issued": issued.date().isoformat(),
                         "published": published.isoformat(), "deadline": deadline.isoformat(),
                         "on_time": published <= deadline})
        assessed = [r for r in rows if r["on_time"] is not None]
        if not assessed:
            return {"status": "not-applicable", "value": _("no document with an issue date this month"), "detail": {"documents": rows}}
        ok = sum(1 for r in assessed if r["on_time"])
        return {"points": crit.points * ok / len(assessed), "value": f"{ok}/{len(assessed)}", "detail": {"documents": rows}}

    def _notices(self, site: Site, crit: Criterion, mine: list[Item]) -> dict[str, Any]:
        sections = set(crit.sections(site.kind) or ["thong-bao"])
        lead = dt.timedelta(days=float(crit.options.get("lead_days") or 0))
        rows: list[dict[str, Any]] = []
        for it in mine:
            if it.category not in sections:
                continue
            deadline = parse_date(it.meta.get("expires"), self.tz)
            if deadline is None:
                continue
            rows.append({"path": it.path, "title": it.title, "deadline": deadline.date().isoformat(),
                         "published": it.arrived.astimezone(self.tz).date().isoformat(),
                         "on_time": it.arrived <= deadline - lead})
        if not rows:
            return {"status": "not-applicable", "value": _("no notice with a deadline this month"), "detail": {"notices": rows}}
        ok = sum(1 for r in rows if r["on_time"])
        return {"points": crit.points * ok / len(rows), "value": f"{ok}/{len(rows)}", "detail": {"notices": rows}}

    def _drafts(self, site: Site, crit: Criterion, export: interaction.Export | None) -> dict[str, Any]:
        """Drafts whose comment period closed last month: open at least ``min_days`` days, with the board's report by now.

        Read from the drafts themselves (``du-thao``: ``comment_from``, ``comment_until``, ``report``, issue 14),
        so it is measured with or without the service's export; the export adds the comments received.
        """
        last = self.month.plus(-1)
        start, end = last.start(self.tz), last.end(self.tz)
        min_days = int(crit.options.get("min_days") or 30)
        comments = {d.get("draft"): d.get("comments") for d in (export.drafts if export else [])}
        rows: list[dict[str, Any]] = []
        for it in self.by_section.get((site.id, "du-thao"), []):
            until = parse_date(it.meta.get("comment_until"), self.tz)
            if until is None or not start <= until < end:
                continue
            since = parse_date(it.meta.get("comment_from"), self.tz) or it.arrived.astimezone(self.tz)
            days = (until.date() - since.date()).days + 1
            report = bool(it.meta.get("report"))
            rows.append({"path": it.path, "title": it.title, "comment_from": since.date().isoformat(),
                         "comment_until": until.date().isoformat(), "days": days, "report": report,
                         "comments": comments.get(it.slug), "ok": days >= min_days and report})
        if not rows:
            return {"status": "not-applicable", "value": _("no draft closed for comment last month"), "detail": {"drafts": []}}
        ok = sum(1 for r in rows if r["ok"])
        return {"points": crit.points * ok / len(rows), "value": f"{ok}/{len(rows)}", "detail": {"drafts": rows}}

    def _interaction(self, crit: Criterion, export: interaction.Export | None, known: bool) -> dict[str, Any]:
        if export is None:
            return {"status": "not-measured", "value": _("not measured: no interaction export for this month")}
        m = crit.measure
        if m == "questions_on_time":
            due = export.answered + export.overdue
            if due == 0:
                return {"status": "not-applicable", "value": _("no question due this month"), "detail": {"received": export.received}}
            return {"points": crit.points * export.answered_on_time / due, "value": f"{export.answered_on_time}/{due}",
                    "detail": {"received": export.received, "answered": export.answered, "on_time": export.answered_on_time,
                               "overdue": export.overdue, "average_days": export.average_days}}
        minimum = int(crit.options.get("min_ratings") or 1)
        if export.ratings_count < minimum or export.ratings_average is None:
            return {"status": "not-applicable", "value": _("{count} ratings, fewer than {minimum}", count=export.ratings_count, minimum=minimum)}
        avg = min(5.0, max(1.0, export.ratings_average))
        return {"points": crit.points * (avg - 1) / 4, "value": f"{avg:.2f}/5", "detail": {"count": export.ratings_count, "average": avg}}

    def site(self, site: Site, findings: list[required.Finding], adjustments: list[adjustments_mod.Adjustment]) -> dict[str, Any]:
        r = self.i.rubric
        export = interaction.load(self.i.root, site.id, self.month)
        criteria = {c.id: self.criterion(site, c, findings, export, export is not None) for c in r.criteria}
        applied: list[dict[str, Any]] = []
        for adj in adjustments:
            entry = adj.to_json()
            if adj.criterion:
                res = criteria[adj.criterion]
                if res["points"] is None:
                    entry["applied"] = False
                    entry["note"] = "criterion not measured: applied to the total"
                else:
                    before = res["points"]
                    res["points"] = _round(min(res["max"], max(0.0, before + adj.points)), "0.01")
                    entry["applied"] = res["points"] - before
                    res["adjusted"] = True
            applied.append(entry)
        earned = sum(c["points"] for c in criteria.values() if c["points"] is not None)
        measurable = sum(c["max"] for c in criteria.values() if c["points"] is not None)
        total = earned / measurable * 100 if measurable else 0.0
        for adj, entry in zip(adjustments, applied, strict=True):
            if not adj.criterion or entry.get("applied") is False:
                total += adj.points
                entry["applied"] = adj.points
        total = min(100.0, max(0.0, total))
        published = self.own(site, shared=site.id == self.network.home)
        capped = False
        if not published and r.nothing_published_cap is not None and total > r.nothing_published_cap:
            total, capped = r.nothing_published_cap, True
        total = _round(total)
        groups = {}
        for g in r.groups:
            cs = [criteria[c.id] for c in r.criteria_of(g.id)]
            measured = [c for c in cs if c["points"] is not None]
            groups[g.id] = {"points": _round(sum(c["points"] for c in measured), "0.01") if measured else None,
                            "max": g.points, "measurable": sum(c["max"] for c in measured),
                            "measured": bool(measured) and len(measured) == len(cs),
                            "status": "measured" if len(measured) == len(cs) else ("partly" if measured else
                                      ("not-measured" if any(c["status"] == "not-measured" for c in cs) else "not-applicable"))}
        items = [_item_json(it, self.network, self.tz) for it in published]
        hints = []
        for c in r.criteria:
            res = criteria[c.id]
            if c.measure in ("items", "multimedia") and res["points"] is not None and res["points"] < c.points:
                missing = math.ceil(res["target"] - res["detail"]["count"] - 1e-9)
                hints.append({"criterion": c.id, "missing": missing,
                              "sections": c.sections(site.kind) if c.measure == "items" else []})
            if c.measure == "coverage":
                hints += [{"criterion": c.id, "missing": 1, "sections": [s["section"]]} for s in res["detail"].get("stale", [])]
        return {
            "site": site.id, "name": site.name("vi"), "names": site.names, "kind": site.kind, "parent": site.parent,
            "url": site.url, "total": total, "band": r.band_of(total).id, "rank": 0,
            "earned": _round(earned, "0.01"), "measurable": measurable, "capped": capped,
            "groups": groups, "criteria": criteria, "items": items,
            "stale": criteria_detail(criteria, r, "coverage", "stale"),
            "documents": criteria_detail(criteria, r, "documents_on_time", "documents"),
            "notices": criteria_detail(criteria, r, "notices_on_time", "notices"),
            "findings": [f.to_json() for f in findings], "adjustments": applied,
            "interaction": export.path if export else None, "hints": hints,
        }


def criteria_detail(criteria: dict[str, dict], r: Rubric, measure: str, key: str) -> list:
    out: list = []
    for c in r.criteria:
        if c.measure == measure:
            out += criteria[c.id].get("detail", {}).get(key, [])
    return out


def rank(sites: list[dict[str, Any]]) -> None:
    """Ranks by total, highest first; equal totals share a rank (1, 2, 2, 4); the order of sites.yaml breaks ties in the list."""
    order = {s["site"]: i for i, s in enumerate(sites)}
    sites.sort(key=lambda s: (-s["total"], order[s["site"]]))
    prev, prev_rank = None, 0
    for i, s in enumerate(sites, 1):
        if s["total"] != prev:
            prev, prev_rank = s["total"], i
        s["rank"] = prev_rank


def score_month(inputs: Inputs, month: Month, *, now: dt.datetime | None = None,
                sites: list[str] | None = None) -> dict[str, Any]:
    """Score *month* for every site (or *sites*); see the module's docstring for the shape.

    Raises :class:`~portal.model.errors.PortalError` for an invalid adjustments file or interaction export.
    """
    now = now or dt.datetime.now(inputs.tz)
    state = _Month(inputs, month, now)
    rub = inputs.rubric
    net = state.network
    adjs = adjustments_mod.load(inputs.root, month, rub, set(net.ids) | set(inputs.network.ids))
    month_items: dict[str, list[Item]] = {}
    for it in state.items:
        if state.start <= _when(it) < state.end or any(state.start <= d < state.end for d in inputs.ledger.changed.get(it.path, ())):
            month_items.setdefault(it.site, []).append(it)
    ctx = required.Context(network=net, month=month, tz=state.tz, tree=state.tree, ledger=inputs.ledger, rubric=rub,
                           end=state.end, month_items=month_items)
    found = required.findings(ctx)
    chosen = [s for s in net.sites if sites is None or s.id in sites]
    results = [state.site(s, found.get(s.id, []), [a for a in adjs if a.site == s.id]) for s in chosen]
    rank(results)
    notes = []
    if inputs.ledger.note:
        notes.append(inputs.ledger.note)
    missing = [s["site"] for s in results if s["interaction"] is None]
    if missing and any(c.measure in rubric_mod.INTERACTION_MEASURES for c in rub.criteria):
        notes.append(_("interaction not measured: no export of the interaction service for this month — the totals are computed over the criteria measured")
                     if len(missing) == len(results) else
                     _("interaction not measured for {count} portals (no export): their totals are computed over the criteria measured",
                       count=len(missing)))
    return {
        "month": str(month), "provisional": state.provisional,
        "state": {"commit": state.state.sha if state.state else None,
                  "date": state.state.date.astimezone(state.tz).isoformat(timespec="minutes") if state.state else None},
        "rubric": rub.digest,
        "basis": rub.basis,
        "groups": [{"id": g.id, "names": g.names, "points": g.points} for g in rub.groups],
        "criteria": [{"id": c.id, "group": c.group, "names": c.names, "points": c.points, "measure": c.measure} for c in rub.criteria],
        "bands": [{"id": b.id, "names": b.names, "min": b.min, "max": b.max} for b in rub.bands],
        "notes": notes,
        "not_measured": missing,
        "sites": results,
    }
