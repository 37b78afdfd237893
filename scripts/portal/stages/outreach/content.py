"""What happened on a site in a period: its live news and the directives it received (read once, not rendered).

Shared by the press release draft (:mod:`.press`) and the radio script (:mod:`.radio`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.model import catalogue
from portal.model.content import Post
from portal.model.sites import Network, Site

#: the sections whose posts are news for the press and the radio (besides the directives)
NEWS_SECTIONS = ("chi-dao-dieu-hanh", "tin-tuc", "thong-bao", "van-ban")


@dataclass
class Item:
    """A post of the period: the post, whether it is a shared directive, its URL on the site."""

    post: Post
    shared: bool
    url: str


def items(network: Network, site: Site, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[Item]:
    """The site's live posts of :data:`NEWS_SECTIONS` and the directives it receives, dated in [start, end), oldest first."""
    catalogue.ensure_loaded(network, now)
    posts, _problems, _inputs, _org = catalogue.read_site(network, site)  # never the globals of the site being built
    found: list[Item] = []
    for p in [*posts, *(s for s in catalogue.SHARED if site.id in catalogue.AUDIENCES.get(s.rel, ()))]:
        if p.problems or p.kind != "article" or p.lang != site.default_language or not p.is_live(now):
            continue
        if p.category not in NEWS_SECTIONS or p.date is None or not start <= p.date < end:
            continue
        found.append(Item(p, p.shared, f"{site.url}/{p.url()}"))
    found.sort(key=lambda i: (i.post.date, i.post.rel))
    return found
