"""List pages numbered from the oldest item, so that a new item rewrites one or two of them (issue 20.2).

Pelican numbers a list's pages from the newest item: one new post moves every item one
place and rewrites every page of the list (about 87 list pages of each site for one new
directive at the province's scale). Here a list of *n* items (newest first) is cut so
that old pages keep their items and their address:

- the **first page** (the list's own address, ``/tin-tuc/``) shows the newest *per_page* items;
- the items after them are cut into **archive pages** counted from the oldest:
  ``/tin-tuc/page/1/`` holds the oldest *per_page* items, ``page/2/`` the next ones, and the
  newest archive page holds what is left (1 to *per_page* items). Each page lists its items
  newest first.

A new item changes the first page and the newest archive page (the item that left the
first page goes there); when that page is full, a new archive page starts, and the
neighbours whose links name it change too. The links of a page (:attr:`ListPage.links`)
name the first page, the pages up to :data:`WINDOW` away and the oldest page, never the
number of pages, so an archive page's HTML depends only on its items and its neighbours.

The objects offer what Pelican's ``Paginator`` and ``Page`` offer the templates
(``object_list``, ``number``, ``url``, ``save_as``, ``has_previous()``, ``has_next()``,
``paginator.num_pages``, ``paginator.page(n)``): "previous" is the newer page and "next"
the older one, as on Pelican's pages.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: archive pages linked on each side of the current one
WINDOW = 2
#: the address pattern of archive pages (the project's PAGINATION_PATTERNS for pages ≥ 2 in Pelican's scheme)
ARCHIVE_URL = "{base_name}/page/{number}/"


@dataclass(frozen=True)
class Link:
    """One entry of a page's navigation: *number* (None: the first page), its *url*, whether it is *current*,
    or a *gap* (``…``) between two entries that are not neighbours."""

    number: int | None
    url: str
    current: bool = False
    gap: bool = False


class StableList:
    """One list (a section's, a tag's) cut into a first page and archive pages counted from the oldest.

    *items* newest first; *name* and *url* the first page's file and address (``tin-tuc/index.html``,
    ``tin-tuc/``); *per_page* ≥ 1. Page numbers: 0 is the first page, 1…:attr:`archive_pages` the archive
    pages (1 the oldest). Raises ValueError for *per_page* < 1.
    """

    def __init__(self, name: str, url: str, items: Sequence[Any], per_page: int):
        if per_page < 1:
            raise ValueError(f"per_page must be at least 1, not {per_page}")
        self.name, self.url, self.items, self.per_page = name, url, list(items), per_page
        directory, filename = os.path.split(name)
        self.base_name = directory if filename in ("index.htm", "index.html") else os.path.splitext(name)[0]
        self._oldest_first = self.items[per_page:][::-1]  # the archive pages' items, cut once per list
        self.archive_pages = -(-len(self._oldest_first) // per_page)  # ceil

    # what Pelican's Paginator offers the templates
    @property
    def num_pages(self) -> int:
        """Pages in all: the first page and the archive pages."""
        return 1 + self.archive_pages

    @property
    def count(self) -> int:
        return len(self.items)

    def numbers(self) -> list[int]:
        """Every page's number: 0 (the first page), then the archive pages from the newest."""
        return [0, *range(self.archive_pages, 0, -1)]

    def page(self, number: int) -> ListPage:
        """Page *number* (0: the first page); a number past the last archive page is an empty page, as
        Pelican's paginator gives (a theme written for Pelican's numbering asks for pages up to
        ``num_pages``, one more than the last archive page). Raises IndexError for a negative number."""
        if number < 0:
            raise IndexError(f"no page {number}")
        if number == 0:
            return ListPage(self, 0, self.items[:self.per_page], self.url, self.name)
        chunk = self._oldest_first[(number - 1) * self.per_page:number * self.per_page]  # empty past the end
        url = self.url_of(number)
        return ListPage(self, number, chunk[::-1], url, url + "index.html")

    def url_of(self, number: int) -> str:
        return self.url if number == 0 else ARCHIVE_URL.format(base_name=self.base_name, number=number)


class ListPage:
    """One page of a :class:`StableList`: its items (newest first), number, address and file."""

    def __init__(self, paginator: StableList, number: int, object_list: list[Any], url: str, save_as: str):
        self.paginator, self.number, self.object_list, self.url, self.save_as = paginator, number, object_list, url, save_as
        self.is_first = number == 0

    @property
    def newer(self) -> int | None:
        """The number of the page with the next newer items (None on the first page)."""
        if self.is_first:
            return None
        return 0 if self.number == self.paginator.archive_pages else self.number + 1

    @property
    def older(self) -> int | None:
        """The number of the page with the next older items (None on the oldest)."""
        if self.is_first:
            return self.paginator.archive_pages or None
        return self.number - 1 or None

    def has_previous(self) -> bool:
        return self.newer is not None

    def has_next(self) -> bool:
        return self.older is not None

    def previous_page_number(self) -> int | None:
        return self.newer

    def next_page_number(self) -> int | None:
        return self.older

    @property
    def links(self) -> list[Link]:
        """The navigation: the first page, archive pages from the newest shown within :data:`WINDOW` of this
        one (from the newest archive page on the first page), then the oldest; gaps between them."""
        p, last = self.paginator, self.paginator.archive_pages
        if last == 0:
            return []
        centre = last + 1 if self.is_first else self.number
        shown = [n for n in range(min(last, centre + WINDOW), max(1, centre - WINDOW) - 1, -1)]
        if shown[-1] != 1:
            shown.append(1)
        out = [Link(None, p.url, current=self.is_first)]
        previous = None
        for n in shown:
            if (previous is not None and previous - n > 1) or (previous is None and n != last):
                out.append(Link(None, "", gap=True))
            out.append(Link(n, p.url_of(n), current=n == self.number and not self.is_first))
            previous = n
        return out

    def signature(self) -> tuple:
        """What this page shows besides its items and the site's chrome: its number, address and links
        (part of its key for reuse: :func:`portal.stages.render.incremental.list_key`)."""
        return (self.number, self.url, self.newer, self.older, tuple((lk.number, lk.url, lk.current, lk.gap) for lk in self.links))
