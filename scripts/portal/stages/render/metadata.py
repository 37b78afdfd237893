"""Turn a parsed :class:`~portal.model.content.Post` into the metadata Pelican expects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import escape
from pelican.contents import Author, Category, Tag
from pelican.utils import SafeDatetime

from portal.model import catalogue
from portal.model.content import Post, parse_date
from portal.model.text import slugify
from portal.stages import history

PASS_THROUGH = ("image", "image_alt", "number", "doc_type", "issuer", "signer", "attachments", "order",
                # issue 16: multimedia, radio bulletins, press releases, imported directives, a procedure's code
                "gallery", "infographic", "video", "audio", "duration", "priority", "period", "spokesperson",
                "source_id", "code")


def _safe(value: dt.datetime) -> SafeDatetime:
    return SafeDatetime(value.year, value.month, value.day, value.hour, value.minute,
                        value.second, tzinfo=value.tzinfo)


def _tag(name: str, settings: dict) -> Tag:
    """A tag whose address is the portal's slug (folded, capped: the one checked for collisions)."""
    tag = Tag(name, settings)
    tag.slug = slugify(name) or tag.slug
    return tag


#: the run's sections, tags and authors, one object per name: Pelican's readers make one per post, and each
#: slugifies its name again on first use (150,000 times at the reference scale, the same few names in every
#: site). Made for the settings in :data:`_WRAPPERS_FOR`; other settings (another run) start them again.
_WRAPPERS: dict[tuple[type, str], Any] = {}
_WRAPPERS_FOR: list[dict] = []


def _wrapper(kind: type, name: str, settings: dict) -> Any:
    """The run's one :class:`~pelican.contents.Category`, :class:`~pelican.contents.Tag` (its slug the
    portal's: :func:`_tag`) or :class:`~pelican.contents.Author` named *name* under *settings*. Nothing in
    the project or Pelican changes such an object after it is made; they compare by slug either way."""
    if not _WRAPPERS_FOR or _WRAPPERS_FOR[0] is not settings:
        _WRAPPERS.clear()
        _WRAPPERS_FOR[:] = [settings]
    found = _WRAPPERS.get((kind, name))
    if found is None:
        found = _WRAPPERS[(kind, name)] = _tag(name, settings) if kind is Tag else kind(name, settings)
    return found


def is_published(post: Post, settings: dict) -> bool:
    """Live now (not draft, due, not expired) and written in this run's language."""
    return post.lang == settings["DEFAULT_LANG"] and post.is_live(settings["PORTAL_NOW"])


def pelican_metadata(post: Post, settings: dict) -> dict[str, Any]:
    """Metadata for Pelican; status 'skip' keeps a post out of this run entirely."""
    meta: dict[str, Any] = {"title": post.title, "slug": post.slug, "lang": post.lang,
                            "status": "published" if is_published(post, settings) else "skip"}
    if post.date is not None:
        meta["date"] = _safe(post.date)
    if post.kind == "article":
        meta["category"] = _wrapper(Category, post.category, settings)
    if post.meta.get("summary"):  # text: escaped once, as HTML for Pelican's feeds and as Markup for the templates
        meta["summary"] = escape(post.meta["summary"])
    tags = post.meta.get("tags") or []
    if tags:
        meta["tags"] = [_wrapper(Tag, t, settings) for t in tags]
    if post.meta.get("author"):
        meta["authors"] = [_wrapper(Author, post.meta["author"], settings)]
    for key in PASS_THROUGH:
        if post.meta.get(key) not in (None, "", []):
            meta[key] = post.meta[key]
    tz = post.date.tzinfo if post.date else dt.UTC
    for key in ("issued", "effective", "briefing_date", "broadcast"):
        value = parse_date(post.meta.get(key), tz)  # type: ignore[arg-type]
        if value is not None:
            meta[key] = _safe(value)
    if post.expires is not None:
        meta["expires"] = _safe(post.expires)
    meta["portal_base"] = post.base
    alternates = catalogue.ALTERNATES.get(post.base)
    if alternates:
        meta["alternates"] = alternates
    rev = history.HISTORY.get(post.rel)  # from Git: the last content commit and the merge that published it
    if rev is not None:
        meta["source_commit"] = rev.commit  # for a <meta>, never shown to citizens
        updated = rev.updated.astimezone(tz) if rev.updated is not None else None
        # "Updated" is shown, put in the feeds' <updated> and the sitemap's <lastmod> only when a later
        # commit changed what the file says, on a later day than the post's date (issue 13.6)
        if updated is not None and (post.date is None or updated.date() > post.date.date()):
            meta["modified"] = _safe(updated)
        if rev.merge is not None and rev.merge.is_merge:  # "approved": only a real merge is a sign-off
            meta["merge"] = {"sha": rev.merge.sha, "date": _safe(rev.merge.date.astimezone(tz))}
    return meta


def directive_canonical(post: Post, home_url: str, prefix: str) -> str:
    """The canonical address of a shared directive's copies: the provincial portal's page of it
    (*home_url* without a trailing slash; *prefix* the run's language folder, ``""`` or ``"en/"``),
    or the source an imported directive names (``canonical:``, ``portal import-feed``)."""
    return post.meta.get("canonical") or f"{home_url}/{prefix.lstrip('/')}{post.url()}"


def shared_code_urls(network: Any) -> list[str]:
    """The addresses printed as QR codes on the copies of the shared directives of *network* (a
    :class:`portal.model.sites.Network`, after :func:`portal.model.catalogue.load_shared`): each
    directive's canonical address in its language (:func:`directive_canonical`)."""
    home = network.home_site
    urls = []
    for post in catalogue.SHARED:
        prefix = "" if post.lang == home.default_language else f"{post.lang}/"
        urls.append(directive_canonical(post, home.url, prefix))
    return urls
