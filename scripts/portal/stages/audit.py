"""``portal audit``: what the law requires on every portal, checked site by site.

For each site and each required item of ``legal.yaml`` (``required:``; Decree 42/2022/NĐ-CP
art. 4, art. 7.2 for English, the Law on Access to Information art. 17 for disclosure), the
audit says whether it is **present**, **stale** (nothing new within the item's cadence,
sites.yaml ``audit.cadence``) or **missing**, and which file or folder to fix. It reads the
content as the build does (:func:`portal.model.catalogue.load_site`, without rendering), so an
item that a broken post would provide counts only once the post is valid.

The same findings feed the board's page on the provincial portal (plugins/audit_page) and,
through :func:`findings_for_scoring`, the monthly scoring's required items.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.model import catalogue, documents, drafts, organisation, procedures
from portal.model.content import Post
from portal.model.messages import _
from portal.model.sites import Network, Site
from portal.stages.outreach import audit as outreach_audit

PRESENT, STALE, MISSING = "present", "stale", "missing"
#: item → the section whose live posts provide it (items not listed here are checked from data)
SECTIONS = {
    "documents": documents.CATEGORY, "procedures": procedures.CATEGORY, "plans": "quy-hoach-ke-hoach",
    "budget": "ngan-sach-thong-ke", "procurement": "du-an-dau-thau", "questions": "hoi-dap", "drafts": drafts.CATEGORY,
}
#: the page that lists the information a portal discloses (Law on Access to Information art. 17)
DISCLOSURE_PAGE = "danh-muc-thong-tin-cong-khai"


@dataclass
class Finding:
    """One required item on one site: ``state`` (present, stale, missing), ``path`` to fix, ``detail``,
    how many posts provide it and the date of the newest."""

    site: str
    item: str
    state: str
    path: str
    detail: str
    count: int = 0
    latest: dt.date | None = None
    basis: str = ""

    @property
    def ok(self) -> bool:
        return self.state == PRESENT

    def to_json(self) -> dict[str, Any]:
        return {"site": self.site, "item": self.item, "state": self.state, "path": self.path, "detail": self.detail,
                "count": self.count, "latest": self.latest.isoformat() if self.latest else None, "basis": self.basis}


@dataclass
class Report:
    """The audit of some sites on ``today``: their findings, in sites.yaml and legal.yaml order."""

    today: dt.date
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)
    #: warnings of the outreach checks (issue 16: a month without a press release, social accounts), which
    #: ``--strict`` does not count: :func:`portal.stages.outreach.audit.findings`
    outreach: list[outreach_audit.Finding] = field(default_factory=list)

    def counts(self, site: str) -> dict[str, int]:
        found = self.findings.get(site, [])
        return {s: sum(1 for f in found if f.state == s) for s in (PRESENT, STALE, MISSING)}

    @property
    def missing(self) -> int:
        return sum(self.counts(s)[MISSING] for s in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {"date": self.today.isoformat(), "items": self.items,
                "sites": [{"site": s, **self.counts(s), "findings": [f.to_json() for f in found]} for s, found in self.findings.items()],
                "outreach": [{"site": f.site, "item": f.item, "path": f.path, "detail": f.detail} for f in self.outreach]}


def _applies(item: Any, site: Site) -> bool:
    return not item.kinds or site.kind in item.kinds


def _live(posts: Iterable[Post], now: dt.datetime, lang: str) -> list[Post]:
    return [p for p in posts if p.kind == "article" and not p.problems and p.lang == lang and p.is_live(now)]


def audit_site(network: Network, site: Site, now: dt.datetime) -> list[Finding]:
    """The findings of one site (reads its content once, without rendering)."""
    legal = network.legal
    posts, _problems, inputs, _org = catalogue.read_site(network, site)
    live = _live(posts, now, site.default_language)
    org, _org_problems = organisation.load(network, site, inputs)
    folder = f"content/sites/{site.id}"
    today = now.date()
    found: list[Finding] = []
    for key, item in legal.required.items():
        if not _applies(item, site):
            continue

        def add(state: str, path: str, detail: str, count: int = 0, latest: dt.date | None = None,
                key: str = key, item: Any = item) -> None:
            found.append(Finding(site.id, key, state, path, detail, count, latest, legal.basis_text(item.basis)))

        section = SECTIONS.get(key)
        if section is not None:
            if section not in site.section_slugs:
                add(MISSING, "sites.yaml", _("the site has no section {section} — add it to the site's sections", section=section))
                continue
            items = [p for p in live if p.category == section]
            if key == "documents":
                items = [p for p in items if p.meta.get("attachments")]
            elif key == "procedures":
                items = [p for p in items if p.procedure is not None]
            where = f"{folder}/{section}/"
            if not items:
                add(MISSING, where, _("nothing published yet — add posts under {path}", path=where))
                continue
            latest = max(p.date for p in items if p.date).date()
            age = (today - latest).days
            if age > item.cadence:
                add(STALE, where, _("the newest is {days} days old (due every {cadence} days) — publish what is new under {path}",
                                    days=age, cadence=item.cadence, path=where), len(items), latest)
            else:
                add(PRESENT, where, _("{n} published, the newest on {date}", n=len(items), date=latest.isoformat()), len(items), latest)
            continue
        data = f"{folder}/{organisation.FILE}"
        if key == "organisation":
            if org is None or not org.units:
                add(MISSING, data, _("no organisation data — write {path} with the units and their officials", path=data))
            else:
                add(PRESENT, data, _("{n} units", n=len(org.units)), len(org.units))
        elif key == "contacts":
            people = org.officials if org else []
            reachable = [p for p in people if p.phone or p.email]
            leaders = any(u.leaders and u.officials for u in org.units) if org else False
            if not reachable or not leaders:
                add(MISSING, data, _("no leaders with their phone or e-mail — list them in {path} (a unit with leaders: true)", path=data))
            else:
                add(PRESENT, data, _("{n} officials with a phone or e-mail", n=len(reachable)), len(reachable))
        elif key == "english":
            if "en" not in site.languages:
                add(MISSING, "sites.yaml", _("the site is not published in English — add en to its languages in sites.yaml"))
            elif org is None:
                add(MISSING, data, _("no organisation data to show in English — write {path} with English names", path=data))
            elif org.missing_english():
                add(STALE, data, _("without English: {names} — add en: to their names and profiles in {path}",
                                   names=", ".join(org.missing_english()[:5]), path=data))
            else:
                add(PRESENT, data, _("organisation and contacts in English"))
        elif key == "disclosure":
            page = f"{folder}/{catalogue.PAGES_DIR}/{DISCLOSURE_PAGE}.md"
            has_page = any(p.kind == "page" and Path(p.base).name == DISCLOSURE_PAGE and not p.problems for p in posts)
            has_contact = org is not None and org.information_contact is not None
            if has_page and has_contact:
                add(PRESENT, page, _("the list and the contact for requests are published"))
            elif not has_page:
                add(MISSING, page, _("no list of the information disclosed — write {path}", path=page))
            else:
                add(MISSING, data, _("no contact for information requests — add information_contact to {path}", path=data))
    return found


def audit(network: Network, now: dt.datetime, sites: Iterable[str] | None = None) -> Report:
    """The audit of *sites* (default: every site) on *now*."""
    wanted = set(sites) if sites else None
    report = Report(now.date(), items=list(network.legal.required))
    catalogue.ensure_loaded(network, now)
    for site in network.sites:
        if wanted is None or site.id in wanted:
            report.findings[site.id] = audit_site(network, site, now)
    report.outreach = outreach_audit.findings(network, now, sorted(wanted) if wanted else None)
    return report


# --- what the board reads ---------------------------------------------------------------------------

STATE_MARK = {PRESENT: "✓", STALE: "~", MISSING: "✗"}


def state_label(state: str) -> str:
    return {PRESENT: _("present"), STALE: _("stale"), MISSING: _("missing")}[state]


def markdown(report: Report, network: Network, lang: str = "vi") -> str:
    """The report as Markdown: the network summary table, then each site's items with the path to fix."""
    legal = network.legal
    items = report.items
    lines = [_("# Required information on the portals ({date})", date=report.today.isoformat()), "",
             _("✓ present · ~ stale (not updated within its cadence) · ✗ missing"), "",
             "| " + _("portal") + " | " + " | ".join(legal.required[i].short(lang) for i in items) + " | ✓ | ~ | ✗ |",
             "|" + "---|" * (len(items) + 4)]
    for site_id, found in report.findings.items():
        by = {f.item: f for f in found}
        c = report.counts(site_id)
        marks = [STATE_MARK[by[i].state] if i in by else "–" for i in items]
        lines.append(f"| {site_id} | " + " | ".join(marks) + f" | {c[PRESENT]} | {c[STALE]} | {c[MISSING]} |")
    for site_id, found in report.findings.items():
        lines += ["", f"## {network.site(site_id).name(lang)} ({site_id})", "",
                  "| " + _("item") + " | " + _("state") + " | " + _("where to fix") + " | " + _("detail") + " |", "|---|---|---|---|"]
        for f in found:
            lines.append(f"| {legal.required[f.item].label(lang)} | {state_label(f.state)} | `{f.path}` | {f.detail.replace('|', '/')} |")
    if report.outreach:
        lines += ["", _("## Outreach: press releases and social accounts (warnings)"), ""]
        lines += [f"- {f.site}: {f.detail} (`{f.path}`)" for f in report.outreach]
    return "\n".join(lines) + "\n"


def findings_for_scoring(report: Report) -> dict[str, list[dict[str, Any]]]:
    """The audit as the monthly scoring's required-items findings: site → ``{check, ok, state, path, detail, line}``.

    ``check`` is the required item's key (``documents``, ``contacts``, ``english``…): a scoring
    source (portal.score, issue 17) registers a function returning these, and takes over the
    checks of the same names.
    """
    return {site: [{"check": f.item, "ok": f.ok, "state": f.state, "path": f.path, "detail": f.detail, "line": None}
                   for f in found] for site, found in report.findings.items()}


def dumps(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"


#: where the board's page is published on the provincial portal (plugins/audit_page)
PAGE_PATH = "kiem-tra-thong-tin-bat-buoc/"
