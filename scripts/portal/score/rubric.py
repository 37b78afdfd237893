"""``scoring.yaml``: the monthly scoring rubric as data — groups, criteria, targets per kind, bands.

The default rubric at the project's root follows the 2024 content plan's task 12 (the provincial
board scores every portal each month, out of 100) and the rubrics other provinces publish:
volume 30, coverage 25, timeliness 15, interaction 20, required items 10. Every problem is
reported at once as ``scoring.yaml:LINE: what is wrong — how to fix it`` (Vietnamese by default,
through :func:`portal.model.messages._`), like ``sites.yaml``.

Shape (every key is checked; see the file itself for the full default)::

    version: 1
    basis: {vi: "…", en: "…"}            # the legal basis, shown on the scoreboard
    groups:   [{id, name: {vi, en}, points}]                 # points add up to 100
    criteria: [{id, group, name, points, measure, …}]        # points add up to their group's
    similarity: {threshold, window_months, same_site, other_site}
    short_items: {none_below, half_below, exempt_sections}
    deductions: [{id, name, points}]                          # what adjustments may deduct
    caps: {nothing_published: 40}
    bands: [{id, name, min, max}]                             # whole points, 0–100, no gap, no overlap
    review: {below: kha}                                      # the yearly review lists months below it
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.model import yamlio
from portal.model.errors import PortalError, Problem, did_you_mean
from portal.model.messages import _
from portal.model.sections import CATALOG, KINDS
from portal.model.sites import _Checker as SitesChecker
from portal.model.text import nfc

FILENAME = "scoring.yaml"
ADJUSTMENTS_DIR = Path("scoring") / "adjustments"
REPORTS_DIR = Path("scoring") / "reports"

TOP_KEYS = {"version", "basis", "groups", "criteria", "similarity", "short_items", "deductions", "caps", "bands", "review"}
GROUP_KEYS = {"id", "name", "points"}
COMMON_KEYS = {"id", "group", "name", "points", "measure", "note"}
#: measure → the keys it takes besides the common ones (each measure is one function of portal.score.compute)
MEASURES: dict[str, set[str]] = {
    "items": {"sections", "sections_by_kind", "target", "shared_directives"},
    "multimedia": {"target"},
    "coverage": {"cadence_months", "deduct_per_stale", "exempt"},
    "documents_on_time": {"sections", "working_days"},
    "notices_on_time": {"sections", "lead_days"},
    "questions_on_time": set(),
    "drafts_consulted": {"min_days"},
    "satisfaction": {"min_ratings"},
    "english": {"kinds", "pages", "max_days_behind"},
    "contacts": {"fields"},
    "links": set(),
    "alt_text": set(),
    "attachments": set(),
}
#: measures fed by the interaction service's monthly export (issue 15)
INTERACTION_MEASURES = {"questions_on_time", "drafts_consulted", "satisfaction"}
#: measures fed by the required-items findings (portal.score.required; `portal audit`, issue 14)
REQUIRED_MEASURES = {"english", "contacts", "links", "alt_text", "attachments"}
SIMILARITY_KEYS = {"threshold", "window_months", "same_site", "other_site"}
SHORT_KEYS = {"none_below", "half_below", "exempt_sections"}
DEDUCTION_KEYS = {"id", "name", "points"}
CAP_KEYS = {"nothing_published"}
BAND_KEYS = {"id", "name", "min", "max"}
REVIEW_KEYS = {"below"}
CONTACT_FIELDS = {"address", "phone", "email", "fax", "hotline", "spokesperson"}


class _Named:
    id: str
    names: dict[str, str]

    def name(self, lang: str = "vi") -> str:
        """Its name in *lang*, else in Vietnamese, else its id."""
        return self.names.get(lang) or self.names.get("vi") or self.id


@dataclass(frozen=True)
class Group(_Named):
    id: str
    names: dict[str, str]
    points: float


@dataclass(frozen=True)
class Criterion(_Named):
    """One criterion: ``points`` at most, measured by ``measure`` with its ``options``."""

    id: str
    group: str
    names: dict[str, str]
    points: float
    measure: str
    options: dict[str, Any]
    line: int = 0

    def target(self, kind: str) -> float:
        """The monthly target for a site of *kind* (``target: {commune: 8, default: 10}``)."""
        t = self.options.get("target") or {}
        return float(t.get(kind, t.get("default", 0)))

    def sections(self, kind: str) -> list[str]:
        by_kind = self.options.get("sections_by_kind") or {}
        return list(by_kind.get(kind, self.options.get("sections") or []))


@dataclass(frozen=True)
class Deduction(_Named):
    id: str
    names: dict[str, str]
    points: float


@dataclass(frozen=True)
class Band(_Named):
    id: str
    names: dict[str, str]
    min: int
    max: int


@dataclass
class Rubric:
    """The validated rubric. ``digest`` identifies its text (cached scores are keyed by it)."""

    version: int
    basis: dict[str, str]
    groups: list[Group]
    criteria: list[Criterion]
    threshold: float = 0.8
    window_months: int = 3
    same_site: float = 0.0
    other_site: float = 0.5
    none_below: int = 40
    half_below: int = 120
    short_exempt: list[str] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    nothing_published_cap: float | None = None
    bands: list[Band] = field(default_factory=list)
    review_below: str = ""
    digest: str = ""

    def criterion(self, cid: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == cid), None)

    def group(self, gid: str) -> Group | None:
        return next((g for g in self.groups if g.id == gid), None)

    def deduction(self, did: str) -> Deduction | None:
        return next((d for d in self.deductions if d.id == did), None)

    def band_of(self, score: float) -> Band:
        """The band of a score: rounded to whole points (half up), then ``min ≤ points ≤ max``."""
        whole = math.floor(score + 0.5)
        for b in self.bands:
            if b.min <= whole <= b.max:
                return b
        return self.bands[-1]

    def band(self, bid: str) -> Band | None:
        return next((b for b in self.bands if b.id == bid), None)

    def criteria_of(self, gid: str) -> list[Criterion]:
        return [c for c in self.criteria if c.group == gid]

    def longest_cadence(self) -> int:
        months = [1]
        for c in self.criteria:
            if c.measure == "coverage":
                months += [int(v) for v in (c.options.get("cadence_months") or {}).values()]
        return max(months)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def as_number(value: Any) -> float | None:
    """A number written in YAML (read as the text written, ``"30"``, ``"-2.5"``), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value.strip())
    return None


def as_bool(value: Any) -> bool | None:
    """``true``/``false`` as YAML 1.2 writes them (any case), or None."""
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(str(value).strip().lower()) if isinstance(value, str) else None


class _Checker(SitesChecker):
    """sites.yaml's checker (problems at their lines, unknown keys, mappings), and what a rubric adds."""

    def number(self, value: Any, line: int, what: str, *, minimum: float = 0, maximum: float | None = None) -> float | None:
        value = as_number(value)
        if value is None:
            self.add(line, _("{what} must be a number — write e.g. {what}: 5", what=what))
            return None
        if value < minimum or (maximum is not None and value > maximum):
            limit = f"{minimum}–{maximum}" if maximum is not None else f"≥ {minimum}"
            self.add(line, _("{what} is {value}, outside {limit} — give a number in that range",
                             what=what, value=value, limit=limit))
            return None
        return float(value)

    def names(self, value: Any, line: int, what: str) -> dict[str, str]:
        if isinstance(value, str) and value.strip():
            return {"vi": nfc(value.strip())}
        if isinstance(value, dict) and isinstance(value.get("vi"), str) and value["vi"].strip():
            return {str(k): nfc(str(v).strip()) for k, v in value.items() if isinstance(v, str)}
        self.add(line, _("{what} has no Vietnamese name — add name: {{vi: \"…\", en: \"…\"}}", what=what))
        return {}

    def slugs(self, value: Any, line: int, what: str) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(line, _("{what} must be a list of section slugs — write [tin-tuc, van-ban]", what=what))
            return []
        for i, slug in enumerate(value):
            if slug not in CATALOG:
                self.add(value.line_of(i) if isinstance(value, yamlio.LineList) else line,
                         _("unknown section '{slug}' in {what} — {hint}", slug=slug, what=what,
                           hint=did_you_mean(slug, CATALOG)))
        return list(value)

    def per_kind(self, value: Any, line: int, what: str, check) -> dict[str, Any]:
        data = self.mapping(value, line, what)
        if data is None:
            return {}
        result: dict[str, Any] = {}
        for key, v in data.items():
            if key != "default" and key not in KINDS:
                self.add(data.line_of(key), _("unknown kind '{kind}' in {what} — {hint}", kind=key, what=what,
                                              hint=did_you_mean(str(key), [*KINDS, "default"])))
                continue
            checked = check(v, data.line_of(key), f"{what}.{key}")
            if checked is not None:
                result[str(key)] = checked
        return result


def _criterion_options(c: _Checker, raw: Any, cid: str, measure: str) -> dict[str, Any]:
    where = f"criterion '{cid}'"
    opts: dict[str, Any] = {}
    line = raw.line_of
    if "sections" in raw:
        opts["sections"] = c.slugs(raw["sections"], line("sections"), f"{where}.sections")
    if "sections_by_kind" in raw:
        opts["sections_by_kind"] = c.per_kind(raw["sections_by_kind"], line("sections_by_kind"), f"{where}.sections_by_kind",
                                              lambda v, ln, w: c.slugs(v, ln, w))
    if "target" in raw:
        opts["target"] = c.per_kind(raw["target"], line("target"), f"{where}.target",
                                    lambda v, ln, w: c.number(v, ln, w, minimum=0.001))
        if not opts["target"]:
            c.add(line("target"), _("{where} has no target — give target: {{commune: 8, default: 10}}", where=where))
    elif measure in ("items", "multimedia"):
        c.add(raw.line, _("{where} has no target — give target: {{commune: 8, default: 10}}", where=where))
    if measure == "items" and not opts.get("sections") and not opts.get("sections_by_kind"):
        c.add(raw.line, _("{where} counts items but names no sections — add sections: [tin-tuc]", where=where))
    if "shared_directives" in raw:
        flag = as_bool(raw["shared_directives"])
        if flag is None:
            c.add(line("shared_directives"), _("{what} must be true or false", what=f"{where}.shared_directives"))
        opts["shared_directives"] = flag is True
    if "cadence_months" in raw:
        cad = c.mapping(raw["cadence_months"], line("cadence_months"), f"{where}.cadence_months") or {}
        opts["cadence_months"] = {}
        for slug, v in cad.items():
            if slug != "default" and slug not in CATALOG:
                c.add(cad.line_of(slug), _("unknown section '{slug}' in {what} — {hint}", slug=slug,
                                           what=f"{where}.cadence_months", hint=did_you_mean(str(slug), CATALOG)))
                continue
            n = c.number(v, cad.line_of(slug), f"{where}.cadence_months.{slug}", minimum=1, maximum=24)
            if n is not None:
                if n != int(n):
                    c.add(cad.line_of(slug), _("{what} must be a whole number of months", what=f"{where}.cadence_months.{slug}"))
                opts["cadence_months"][str(slug)] = int(n)
        if "default" not in opts["cadence_months"]:
            c.add(line("cadence_months"), _("{where}.cadence_months has no default — add default: 3", where=where))
    elif measure == "coverage":
        c.add(raw.line, _("{where} has no cadence_months — add cadence_months: {{default: 3, tin-tuc: 1}}", where=where))
    if "deduct_per_stale" in raw:
        opts["deduct_per_stale"] = c.number(raw["deduct_per_stale"], line("deduct_per_stale"), f"{where}.deduct_per_stale", minimum=0)
    if "exempt" in raw:
        opts["exempt"] = c.slugs(raw["exempt"], line("exempt"), f"{where}.exempt")
    for key, lo, hi in (("working_days", 0, 60), ("lead_days", 0, 60), ("min_days", 1, 365),
                        ("min_ratings", 1, 100000), ("max_days_behind", 0, 365)):
        if key in raw:
            opts[key] = c.number(raw[key], line(key), f"{where}.{key}", minimum=lo, maximum=hi)
    if "kinds" in raw:
        kinds = raw["kinds"]
        if not isinstance(kinds, list) or any(k not in KINDS for k in kinds):
            c.add(line("kinds"), _("{what} must be a list of kinds — use {kinds}", what=f"{where}.kinds", kinds=", ".join(KINDS)))
        else:
            opts["kinds"] = list(kinds)
    if "pages" in raw:
        pages = raw["pages"]
        if not isinstance(pages, list) or not all(isinstance(p, str) and p for p in pages):
            c.add(line("pages"), _("{what} must be a list of page slugs — write [co-cau-to-chuc, lien-he]", what=f"{where}.pages"))
        else:
            opts["pages"] = list(pages)
    if "fields" in raw:
        fields = raw["fields"]
        if not isinstance(fields, list) or any(f not in CONTACT_FIELDS for f in fields):
            c.add(line("fields"), _("{what} must be a list of contact fields — use {fields}", what=f"{where}.fields",
                                    fields=", ".join(sorted(CONTACT_FIELDS))))
        else:
            opts["fields"] = list(fields)
    return opts


def _bands(c: _Checker, value: Any, line: int) -> list[Band]:
    if not isinstance(value, list) or not value:
        c.add(line, _("bands must be a list of {{id, name, min, max}} — e.g. {{id: tot, name: {{vi: Tốt}}, min: 80, max: 89}}"))
        return []
    placed: list[tuple[Band, int]] = []
    broken = False
    for i, raw in enumerate(value):
        bline = value.line_of(i) if isinstance(value, yamlio.LineList) else line
        if not isinstance(raw, dict):
            c.add(bline, _("a band must be a mapping {{id, name, min, max}}"))
            broken = True
            continue
        c.unknown_keys(raw, BAND_KEYS, "a band")
        bid = raw.get("id")
        if not isinstance(bid, str) or not bid:
            c.add(bline, _("a band has no id — add id: tot"))
            broken = True
            continue
        lo = c.number(raw.get("min"), raw.line_of("min"), f"band '{bid}'.min", minimum=0, maximum=100)
        hi = c.number(raw.get("max"), raw.line_of("max"), f"band '{bid}'.max", minimum=0, maximum=100)
        if lo is None or hi is None:
            broken = True
            continue
        if lo != int(lo) or hi != int(hi):
            c.add(bline, _("band '{band}' must have whole-point limits (scores are banded rounded to whole points)", band=bid))
            broken = True
            continue
        if lo > hi:
            c.add(raw.line_of("min"), _("band '{band}' has min {min} above max {max} — swap them", band=bid, min=int(lo), max=int(hi)))
            broken = True
            continue
        band = Band(bid, c.names(raw.get("name"), raw.line_of("name"), f"band '{bid}'"), int(lo), int(hi))
        for other, oline in placed:
            if other.id == bid:
                c.add(bline, _("band '{band}' is listed twice (first on line {line}) — give each band its own id", band=bid, line=oline))
                broken = True
            elif band.min <= other.max and other.min <= band.max:
                c.add(bline, _("band '{band}' ({min}–{max}) overlaps band '{other}' ({omin}–{omax}) on line {line} — "
                               "make the ranges meet without sharing a score",
                               band=bid, min=band.min, max=band.max, other=other.id, omin=other.min, omax=other.max, line=oline))
                broken = True
        placed.append((band, bline))
    ordered = sorted(placed, key=lambda bl: bl[0].min)
    if ordered and not broken:
        if ordered[0][0].min != 0 or ordered[-1][0].max != 100:
            c.add(line, _("bands must cover every score from 0 to 100 — they cover {lo}–{hi}", lo=ordered[0][0].min, hi=ordered[-1][0].max))
        for (a, _aline), (b, bline) in itertools.pairwise(ordered):
            if b.min != a.max + 1:
                c.add(bline, _("bands leave a gap between {a} (max {amax}) and {b} (min {bmin}) — start '{b}' at {next}",
                               a=a.id, amax=a.max, b=b.id, bmin=b.min, next=a.max + 1))
    return [b for b, _line in sorted(placed, key=lambda bl: -bl[0].min)]


def parse(text: str, rel: str = FILENAME) -> Rubric:
    """Validate the text of a rubric; raise :class:`PortalError` listing every problem at ``rel:LINE``."""
    c = _Checker(rel)
    try:
        data = yamlio.load(nfc(text))
    except yamlio.YamlError as exc:
        raise PortalError([Problem(rel, exc.line, exc.message)]) from None
    if not isinstance(data, dict):
        raise PortalError([Problem(rel, 1, _("must be a mapping with groups, criteria and bands — see README.md, \"Monthly scoring\""))])
    c.unknown_keys(data, TOP_KEYS, FILENAME)
    version = data.get("version", "1")
    if str(version) != "1":
        c.add(data.line_of("version"), _("version {version} is not known — this portal reads version 1", version=version))
    basis = c.names(data.get("basis"), data.line_of("basis"), "basis") if "basis" in data else {}

    groups: list[Group] = []
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        c.add(data.line_of("groups") if "groups" in data else 1, _("groups must be a non-empty list of {{id, name, points}}"))
        raw_groups = []
    group_lines: dict[str, int] = {}
    for i, raw in enumerate(raw_groups):
        gline = raw_groups.line_of(i)
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            c.add(gline, _("a group must be a mapping with an id — write - {{id: volume, name: {{vi: …}}, points: 30}}"))
            continue
        c.unknown_keys(raw, GROUP_KEYS, f"group '{raw['id']}'")
        if raw["id"] in group_lines:
            c.add(gline, _("group '{group}' is listed twice (first on line {line}) — list it once", group=raw["id"], line=group_lines[raw["id"]]))
            continue
        group_lines[raw["id"]] = gline
        pts = c.number(raw.get("points"), raw.line_of("points"), f"group '{raw['id']}'.points", minimum=0, maximum=100)
        if pts is not None:
            groups.append(Group(raw["id"], c.names(raw.get("name"), raw.line_of("name"), f"group '{raw['id']}'"), pts))
    if groups and len(groups) == len(raw_groups) and not c.problems:
        total = sum(g.points for g in groups)
        if abs(total - 100) > 1e-9:
            c.add(data.line_of("groups"), _("the groups' points add up to {total}, not 100 — change them so that they do",
                                            total=_num(total)))

    criteria: list[Criterion] = []
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        c.add(data.line_of("criteria") if "criteria" in data else 1, _("criteria must be a non-empty list of {{id, group, name, points, measure}}"))
        raw_criteria = []
    seen: dict[str, int] = {}
    known_groups = {g.id for g in groups}
    for i, raw in enumerate(raw_criteria):
        cline = raw_criteria.line_of(i)
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            c.add(cline, _("a criterion must be a mapping with an id — write - {{id: news, group: volume, …}}"))
            continue
        cid = raw["id"]
        if cid in seen:
            c.add(cline, _("criterion '{criterion}' is listed twice (first on line {line}) — give each its own id", criterion=cid, line=seen[cid]))
            continue
        seen[cid] = cline
        measure = raw.get("measure")
        if measure not in MEASURES:
            c.add(raw.line_of("measure"), _("criterion '{criterion}' has an unknown measure '{measure}' — {hint}",
                                            criterion=cid, measure=str(measure), hint=did_you_mean(str(measure), MEASURES)))
            continue
        c.unknown_keys(raw, COMMON_KEYS | MEASURES[measure], f"criterion '{cid}' (measure {measure})")
        group = raw.get("group")
        if group not in known_groups:
            c.add(raw.line_of("group"), _("criterion '{criterion}' names group '{group}', which is not in groups — {hint}",
                                          criterion=cid, group=str(group), hint=did_you_mean(str(group), known_groups or {"volume"})))
        pts = c.number(raw.get("points"), raw.line_of("points"), f"criterion '{cid}'.points", minimum=0, maximum=100)
        options = _criterion_options(c, raw, cid, measure)
        criteria.append(Criterion(cid, str(group), c.names(raw.get("name"), raw.line_of("name"), f"criterion '{cid}'"),
                                  pts or 0, measure, options, cline))
    for g in groups:
        total = sum(cr.points for cr in criteria if cr.group == g.id)
        if criteria and len(criteria) == len(raw_criteria) and abs(total - g.points) > 1e-9:
            c.add(group_lines[g.id], _("the points of group '{group}''s criteria add up to {total}, not its {points} — "
                                       "change a criterion's points or the group's", group=g.id, total=_num(total), points=_num(g.points)))

    rubric = Rubric(version=1, basis=basis, groups=groups, criteria=criteria)
    sim = c.mapping(data.get("similarity"), data.line_of("similarity"), "similarity")
    if sim is not None:
        c.unknown_keys(sim, SIMILARITY_KEYS, "similarity")
        for key, lo, hi in (("threshold", 0.05, 1), ("window_months", 0, 24), ("same_site", 0, 1), ("other_site", 0, 1)):
            if key in sim:
                v = c.number(sim[key], sim.line_of(key), f"similarity.{key}", minimum=lo, maximum=hi)
                if v is not None:
                    setattr(rubric, key, int(v) if key == "window_months" else v)
    short = c.mapping(data.get("short_items"), data.line_of("short_items"), "short_items")
    if short is not None:
        c.unknown_keys(short, SHORT_KEYS, "short_items")
        for key in ("none_below", "half_below"):
            if key in short:
                v = c.number(short[key], short.line_of(key), f"short_items.{key}", minimum=0, maximum=10000)
                if v is not None:
                    setattr(rubric, key, int(v))
        if rubric.none_below > rubric.half_below:
            c.add(short.line, _("short_items.none_below ({none}) is above half_below ({half}) — an item cannot count nothing "
                                "at more words than it counts half", none=rubric.none_below, half=rubric.half_below))
        if "exempt_sections" in short:
            rubric.short_exempt = c.slugs(short["exempt_sections"], short.line_of("exempt_sections"), "short_items.exempt_sections")
    raw_ded = data.get("deductions") or []
    if not isinstance(raw_ded, list):
        c.add(data.line_of("deductions"), _("deductions must be a list of {{id, name, points}}"))
        raw_ded = []
    for i, raw in enumerate(raw_ded):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            c.add(raw_ded.line_of(i), _("a deduction must be a mapping with an id — write - {{id: correction, name: {{vi: …}}, points: 5}}"))
            continue
        c.unknown_keys(raw, DEDUCTION_KEYS, f"deduction '{raw['id']}'")
        if rubric.deduction(raw["id"]):
            c.add(raw_ded.line_of(i), _("deduction '{deduction}' is listed twice — list it once", deduction=raw["id"]))
            continue
        pts = c.number(raw.get("points"), raw.line_of("points"), f"deduction '{raw['id']}'.points", minimum=0, maximum=100)
        rubric.deductions.append(Deduction(raw["id"], c.names(raw.get("name"), raw.line_of("name"), f"deduction '{raw['id']}'"), pts or 0))
    caps = c.mapping(data.get("caps"), data.line_of("caps"), "caps")
    if caps is not None:
        c.unknown_keys(caps, CAP_KEYS, "caps")
        if "nothing_published" in caps:
            rubric.nothing_published_cap = c.number(caps["nothing_published"], caps.line_of("nothing_published"),
                                                    "caps.nothing_published", minimum=0, maximum=100)
    if "bands" not in data:
        c.add(1, _("bands are missing — add bands: [{{id: xuat-sac, name: {{vi: Xuất sắc}}, min: 90, max: 100}}, …]"))
    else:
        rubric.bands = _bands(c, data["bands"], data.line_of("bands"))
    review = c.mapping(data.get("review"), data.line_of("review"), "review")
    if review is not None:
        c.unknown_keys(review, REVIEW_KEYS, "review")
        below = review.get("below")
        if below is not None and not rubric.band(str(below)):
            c.add(review.line_of("below"), _("review.below names band '{band}', which is not in bands — {hint}",
                                             band=str(below), hint=did_you_mean(str(below), [b.id for b in rubric.bands])))
        rubric.review_below = str(below or "")
    if c.problems:
        raise PortalError(c.problems)
    rubric.digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return rubric


def _num(value: float) -> str:
    return f"{value:g}"


def load(root: Path | str) -> Rubric:
    """The rubric of the project at *root* (``scoring.yaml``); :class:`PortalError` when missing or invalid."""
    path = Path(root) / FILENAME
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PortalError([Problem(FILENAME, None, _("not found in {root} — the monthly scoring needs its rubric; "
                                                     "copy the project's scoring.yaml", root=str(root)))]) from None
    except UnicodeDecodeError as exc:
        raise PortalError([Problem(FILENAME, None, _("is not UTF-8 ({reason}) — save it as UTF-8", reason=exc.reason))]) from None
    return parse(text)
