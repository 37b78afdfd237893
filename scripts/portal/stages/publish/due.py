"""Scheduled publishing: which sites a rebuild now would change, compared with what was last published.

A post dated in the future is published by the first build after its date, and one
past ``expires`` disappears. Rather than trusting clocks, :func:`due` compares, for
every post of every site (and every shared directive of its audience), whether it is
live now with whether its page is in the site's last published release (the current
release of a target folder, or the tip of its publication branch).

A legal document's status and a draft's state change with the days too (it comes into
force, it ends, a document that replaces it comes into force; a comment period opens,
counts down, closes): a site is also due when such a day came between its last publish
(the release's time, or the branch tip's commit time) and now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import git

from portal.model import catalogue, documents, drafts
from portal.model.catalogue import markdown_files, resolve_audience, shared_dir, site_dir, translation_problems
from portal.model.content import Post, read_post, validate
from portal.model.messages import _
from portal.model.sites import Network, Site, load_network
from portal.stages import repository

Published = Callable[[str], set[str] | None]  # site id → paths of its published release, None: never published
#: (optional, as ``published.when``) site id → when its release was published, None: unknown
PublishedAt = Callable[[str], dt.datetime | None]


def _read(network: Network, folder: Path, site: Site | None, tz: ZoneInfo) -> list[Post]:
    posts = []
    for path in markdown_files(folder):
        parts = path.relative_to(folder).parts
        if site is not None and parts[0] == catalogue.FILES_DIR:
            continue
        kind = "page" if site is not None and parts[0] == catalogue.PAGES_DIR else "article"
        post = read_post(path, network.root, site=site.id if site else None, kind=kind, tz=tz)
        if site is None:
            langs = sorted({lang for s in network.sites for lang in s.languages})
            validate(post, sections=None, languages=langs, tz=tz, default_language=network.default_language)
        else:
            validate(post, sections=site.section_slugs, languages=site.languages, tz=tz, default_language=site.default_language)
        posts.append(post)
    translation_problems(posts, site.default_language if site else network.default_language)
    return [p for p in posts if not p.problems]


def page_path(site: Site, post: Post) -> str:
    prefix = "" if post.lang == site.default_language else f"{post.lang}/"
    return f"{prefix}{post.url()}index.html"


def due(root: Path | str, published: Published, now: dt.datetime | None = None) -> dict[str, list[str]]:
    """Site id → why a rebuild now would change it (posts come due or expired since its last publish)."""
    network = load_network(root)
    tz = ZoneInfo(network.timezone)
    now = now or dt.datetime.now(tz)
    shared = _read(network, shared_dir(network.root), None, tz)
    audiences = {p.rel: resolve_audience(p, network)[0] for p in shared}
    result: dict[str, list[str]] = {}
    for site in network.sites:
        pages = published(site.id)
        if pages is None:
            result[site.id] = [_("never published")]
            continue
        mine = _read(network, site_dir(network.root, site.id), site, tz)
        theirs = [p for p in shared if site.id in audiences[p.rel] and p.lang in site.languages]
        reasons = []
        for post in [*mine, *theirs]:
            path = page_path(site, post)
            live, there = post.is_live(now), path in pages
            if live and not there:
                reasons.append(_("{path} is due (dated {date})", path=post.rel, date=f"{post.date:%Y-%m-%d %H:%M}") if post.date
                               else _("{path} is due", path=post.rel))
            elif there and not live:
                reasons.append(_("{path} is no longer live (expired {date})", path=post.rel, date=f"{post.expires:%Y-%m-%d}")
                               if post.expires and post.expires < now else _("{path} is no longer live", path=post.rel))
        when = getattr(published, "when", None)
        last = when(site.id) if when is not None else None
        if last is not None:
            reasons += status_changes(network, [*mine, *theirs], last, now)
        if reasons:
            result[site.id] = reasons
    return result


def status_changes(network: Network, posts: list[Post], since: dt.datetime, now: dt.datetime) -> list[str]:
    """Why pages of *posts* show another status or state now than at *since* (documents and drafts)."""
    registry = catalogue.DOCUMENTS if catalogue.DOCUMENTS is not None else catalogue.load_documents(network, now)
    legal = network.legal
    reasons: list[str] = []
    for post in posts:
        if post.kind != "article" or post.lang != network.default_language or not post.is_live(now):
            continue
        days: list[dt.date] = []
        if documents.is_document(post.meta, post.category):
            doc, _problems = documents.read(post.meta, post.line, legal, post.rel, post.category)
            days += documents.status_changes(doc, registry.incoming.get(post.rel, []), legal)
        if post.category == drafts.CATEGORY:
            draft, _problems = drafts.read(post.meta, post.line, legal, post.rel)
            days += drafts.changes(draft)
            if drafts.state(draft, now.date()).is_open:
                days.append(now.date())  # the days left change every day
        changed = sorted(d for d in days if since.date() < d <= now.date())
        if changed:
            reasons.append(_("{path}: its status changes on {date}", path=post.rel, date=changed[-1].isoformat()))
    return reasons


def from_target(target_dir: Path | str) -> Published:
    from portal.stages.publish.target import Target

    target = Target(target_dir)

    def published(site_id: str) -> set[str] | None:
        current = target.current(site_id)
        return set(target.read_manifest(site_id, current)) if current else None

    def when(site_id: str) -> dt.datetime | None:
        """The time in the current release's id (``20261122T020000123456Z-…``, portal.stages.publish.target)."""
        current = target.current(site_id)
        try:
            return dt.datetime.strptime(current.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC) if current else None
        except ValueError:
            return None

    published.when = when  # type: ignore[attr-defined]
    return published


def from_branch(root: Path | str, name: str) -> Published:
    pr = repository.require_repo(root, "portal due --branch")

    def published(site_id: str) -> set[str] | None:
        try:
            out = pr.git.ls_tree("-r", "--name-only", "-z", f"refs/heads/{name}/{site_id}")
        except git.GitCommandError:
            return None
        return {p for p in out.split("\0") if p}

    def when(site_id: str) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(pr.git.log("-1", "--format=%cI", f"refs/heads/{name}/{site_id}").strip())
        except (git.GitCommandError, ValueError):
            return None

    published.when = when  # type: ignore[attr-defined]
    return published
