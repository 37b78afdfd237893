"""The network's legal documents, read once per build: what relations resolve to and statuses depend on.

A document's status depends on documents anywhere in the network (a provincial decision
replaced by a department's; a commune plan amended by the province's), so before any site
is built the parent process reads every site's ``van-ban/`` folder (documents live there,
:mod:`portal.model.documents`) and the numbered shared directives into one
:class:`~portal.model.documents.Registry`; forked workers inherit it. Only the front matter is
read (no Markdown is rendered), and only live documents in a site's default language count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from portal.model import documents
from portal.model.content import Post, read_post, validate
from portal.model.inputs import list_inputs
from portal.model.sites import Network, Site


def _prefix(lang: str, default: str) -> str:
    return "/" if lang == default else f"/{lang}/"


def record_of(network: Network, site: Site | None, post: Post) -> documents.Record | None:
    """The registry's record of a validated *post* of *site* (None: the provincial portal's shared directive)."""
    if not documents.is_document(post.meta, post.category):
        return None
    doc, _problems = documents.read(post.meta, post.line, network.legal, post.rel, post.category)
    if not doc.number:
        return None
    owner = site or network.home_site
    url = _prefix(post.lang, owner.default_language) + post.url()
    return documents.Record(site.id if site else None, post.rel, url, owner.url + url, post.title, doc, post.category)


def site_documents(network: Network, site: Site, now: dt.datetime) -> Iterable[documents.Record]:
    """The live documents of *site*'s ``van-ban/`` folder, in its default language."""
    tz = ZoneInfo(network.timezone)
    folder = network.root / "content" / "sites" / site.id / documents.FOLDER
    for path in list_inputs(network.root, folder, network.limits, static_dir=None).markdown:
        post = read_post(path, network.root, site=site.id, kind="article", tz=tz, limits=network.limits)
        validate(post, sections=site.section_slugs, languages=site.languages, tz=tz, default_language=site.default_language)
        if post.problems or post.lang != site.default_language or not post.is_live(now):
            continue
        record = record_of(network, site, post)
        if record is not None:
            yield record


def scan(network: Network, shared: list[Post], now: dt.datetime) -> documents.Registry:
    """Every live document of the network: each site's ``van-ban/`` and the numbered shared directives (*shared*)."""
    registry = documents.Registry()
    for site in network.sites:
        for record in site_documents(network, site, now):
            registry.add(record)
    for post in shared:
        if post.lang == network.default_language and not post.problems and post.is_live(now):
            record = record_of(network, None, post)
            if record is not None:
                registry.add(record)
    registry.link(network.legal)
    return registry
