"""The outreach checks ``portal audit`` runs (issue 16): a month without a press release, social accounts.

- **Press releases** (2024 plan task 3): every site with the press section publishes one release a month;
  each month from the first release up to the last finished month without one is a finding.
- **Social accounts** (2024 plan task 4): every portal has at least one Facebook or Zalo account in
  sites.yaml, and each account is named after the agency's full name (the site's ``name.vi``; for a commune
  or ward also "UBND …" / "Ủy ban nhân dân …"), which sites.yaml records as ``social: {facebook: {url, name}}``.

:func:`findings` returns plain records (site, item, path to fix, detail) that the documents issue's
``portal audit`` lists beside its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.model import catalogue, outreach
from portal.model.messages import _
from portal.model.sites import Network, Site
from portal.model.text import fold

#: the networks of the plan's rule (at least one of them)
REQUIRED_NETWORKS = ("facebook", "zalo")


@dataclass
class Finding:
    """Something to fix: ``site``, ``item`` (``press_release``, ``social_account``, ``social_name``), ``path``, ``detail``."""

    site: str
    item: str
    path: str
    detail: str


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def press_findings(network: Network, site: Site, now: dt.datetime) -> list[Finding]:
    """Each finished month since the site's first press release that has none."""
    if outreach.PRESS_CATEGORY not in site.section_slugs:
        return []
    posts, _problems, _inputs, _org = catalogue.read_site(network, site)  # never the globals of the site being built
    periods = set()
    for p in posts:
        if p.kind == "article" and not p.problems and p.category == outreach.PRESS_CATEGORY and p.lang == site.default_language and p.is_live(now):
            period = outreach.period_of(p.meta.get("period"))
            if period:
                periods.add(period)
    last = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    folder = f"content/sites/{site.id}/{outreach.PRESS_CATEGORY}/"
    if not periods:
        return [Finding(site.id, "press_release", folder, _("no press release yet — draft this month's: portal press draft --site {id} --month {month}",
                                                          id=site.id, month=f"{last[0]}-{last[1]:02d}"))]
    return [Finding(site.id, "press_release", folder, _("no press release for {month} — draft it: portal press draft --site {id} --month {month}",
                                                      month=f"{y}-{m:02d}", id=site.id))
            for y, m in _months(min(periods), last) if (y, m) not in periods]


def official_names(site: Site) -> set[str]:
    """The names the plan accepts for the site's accounts (folded for comparison)."""
    name = site.name("vi")
    names = {name}
    if site.kind in ("commune", "ward", "district"):
        names |= {f"UBND {name}", f"Ủy ban nhân dân {name}", f"UBND {name[0].lower()}{name[1:]}", f"Ủy ban nhân dân {name[0].lower()}{name[1:]}"}
    return {fold(n).lower() for n in names}


def social_findings(site: Site) -> list[Finding]:
    """No Facebook or Zalo account, or an account whose name is missing or is not the agency's full name."""
    found: list[Finding] = []
    if not any(n in site.social for n in REQUIRED_NETWORKS):
        found.append(Finding(site.id, "social_account", "sites.yaml", _("no Facebook or Zalo account — add social: {{facebook: {{url: https://…, name: \"{name}\"}}}}",
                                                                         name=site.name("vi"))))
    accepted = official_names(site)
    for network_name in sorted(site.social):
        name = site.social_names.get(network_name)
        if not name:
            found.append(Finding(site.id, "social_name", "sites.yaml", _("the {network} account's name is not recorded — write {network}: {{url: …, name: \"{name}\"}}",
                                                                         network=network_name, name=site.name("vi"))))
        elif fold(name).lower() not in accepted:
            found.append(Finding(site.id, "social_name", "sites.yaml", _("the {network} account is named '{given}', not the agency's full name '{name}' — rename the account",
                                                                         network=network_name, given=name, name=site.name("vi"))))
    return found


def findings(network: Network, now: dt.datetime, sites: list[str] | None = None) -> list[Finding]:
    """Every outreach finding of *sites* (default: all), in sites.yaml order."""
    catalogue.ensure_loaded(network, now)  # in a build, the directives it rendered: never read them again
    out: list[Finding] = []
    for site in network.sites:
        if sites and site.id not in sites:
            continue
        out += press_findings(network, site, now)
        out += social_findings(site)
    return out
