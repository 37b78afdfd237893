"""Tables with static filter pages: a section's items by facet, each page paginated, no JavaScript needed.

``/van-ban/`` lists every document; ``/van-ban/loai/quyet-dinh/``, ``/van-ban/nam/2026/``…
list those of one value of one facet. Each item's view carries its ``facets``
(``{facet: [{"slug", "label"}]}``, :mod:`portal.stages.render.legal`); :func:`plan` groups the
items into the pages to write, and the filters each page shows (value, label, count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Listing:
    """One page to write (with its later pages): ``path`` (``van-ban/loai/quyet-dinh/``), its items in
    order, the ``facet`` and ``value`` it filters on (none for the whole list) and the value's label."""

    path: str
    items: list[Any]
    facet: str = ""
    value: str = ""
    label: str = ""


@dataclass
class Facets:
    """Every facet's values (slug → label, count), in the order given."""

    values: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def options(self, facet: str, order: Callable[[str], Any] | None = None) -> list[dict[str, Any]]:
        found = self.values.get(facet, {})
        keys = sorted(found, key=order) if order else sorted(found, key=lambda s: found[s]["label"])
        return [{"slug": s, **found[s]} for s in keys]


def plan(section: str, items: list[tuple[Any, dict[str, Any]]], segments: dict[str, str]) -> tuple[list[Listing], Facets]:
    """The pages of *section*: the whole list, then one per facet value (*segments*: facet → path segment).

    *items* are (article, view) pairs already in the list's order.
    """
    facets = Facets({facet: {} for facet in segments})
    groups: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        view = item[1]
        for facet in segments:
            for value in view["facets"].get(facet, []):
                if not value["slug"]:
                    continue
                entry = facets.values[facet].setdefault(value["slug"], {"label": value["label"], "count": 0})
                entry["count"] += 1
                groups.setdefault((facet, value["slug"]), []).append(item)
    listings = [Listing(f"{section}/", list(items))]
    for (facet, slug), group in groups.items():
        label = facets.values[facet][slug]["label"]
        listings.append(Listing(f"{section}/{segments[facet]}/{slug}/", group, facet, slug, label))
    return listings, facets


def paths(section: str, items: list[tuple[Any, dict[str, Any]]], segments: dict[str, str]) -> set[str]:
    """The root-relative addresses of the filter pages *items* give (for the link index)."""
    return {"/" + listing.path for listing in plan(section, items, segments)[0]}
