"""Pelican plugin: the press releases' monthly archive (issue 16.1; 2024 plan task 3).

For a site with the press section (``thong-tin-bao-chi``), in its default language:
``/thong-tin-bao-chi/theo-thang/`` lists the releases by the month they cover (``period``), newest
first, each with its briefing date and spokesperson. The section's own feeds (Atom and JSON Feed)
are written like every section's.
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from portal.model import outreach


def months(articles) -> list[dict]:
    """``[{"period": "2026-11", "year": 2026, "month": 11, "releases": [...]}]``, newest month first."""
    groups: dict[str, list] = {}
    for a in articles:
        if a.category.slug == outreach.PRESS_CATEGORY and not getattr(a, "shared", False):
            period = outreach.period_of(a.metadata.get("period"))
            key = f"{period[0]}-{period[1]:02d}" if period else a.date.strftime("%Y-%m")
            groups.setdefault(key, []).append(a)
    return [{"period": k, "year": int(k[:4]), "month": int(k[5:]), "releases": sorted(v, key=lambda a: a.date, reverse=True)}
            for k, v in sorted(groups.items(), reverse=True)]


class PressArchive(Generator):
    def generate_output(self, writer) -> None:
        s = self.settings
        site = s.get("PORTAL_SITE")
        if not site or s.get("DEFAULT_LANG") != s.get("PORTAL_DEFAULT_LANG"):
            return
        if not any(x["slug"] == outreach.PRESS_CATEGORY for x in site["sections"]):
            return
        path = f"{outreach.PRESS_CATEGORY}/{outreach.PRESS_ARCHIVE}/"
        writer.write_file(path + "index.html", self.get_template("press_archive"),
                          {**self.context, "press_months": months(self.context.get("articles") or [])},
                          relative_urls=False, url=path)


def get_generators(pelican_object):
    return PressArchive


def register() -> None:
    signals.get_generators.connect(get_generators)
