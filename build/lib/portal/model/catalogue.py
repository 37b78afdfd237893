"""The content of a build, read and validated once: each site's files and the shared directives.

The build's parent process reads the shared directives (and renders their Markdown)
once; forked workers inherit :data:`SHARED` and read only their own site into
:data:`CURRENT`. The Pelican plugins look posts up here instead of reading files again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.model.content import Post, read_post, validate
from portal.model.errors import Problem, did_you_mean
from portal.model.sections import KINDS
from portal.model.sites import Network, Site

#: absolute path → post, for the site being built in this process
CURRENT: dict[str, Post] = {}
#: every valid shared directive of this build, rendered
SHARED: list[Post] = []
#: site id → the shared directives it receives (filled with SHARED)
AUDIENCES: dict[str, set[str]] = {}
#: for the site being built: base path → {lang: URL path of that language's version}
ALTERNATES: dict[str, dict[str, str]] = {}
#: for the site being built: language → sections that have live posts in it
LANG_SECTIONS: dict[str, set[str]] = {}
#: rel paths of the shared directives addressed to every site (searched in one shared index)
FOR_ALL: set[str] = set()
#: rel path of a broken shared directive → the sites it was meant for
BROKEN_AUDIENCES: dict[str, set[str]] = {}

#: renders the Markdown of valid posts into ``post.html``: (project root, cache name, posts) → None.
#: The build passes :func:`portal.stages.render.cache.render_posts`; checking passes none.
Renderer = Callable[[Path, str, list[Post]], None]

PAGES_DIR = "pages"
FILES_DIR = "files"


def site_dir(root: Path, site_id: str) -> Path:
    return root / "content" / "sites" / site_id


def shared_dir(root: Path) -> Path:
    return root / "content" / "shared"


def markdown_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.md")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _finish(posts: Iterable[Post], *, sections: list[str] | None, languages: list[str],
            tz: ZoneInfo, default_language: str) -> list[Problem]:
    problems: list[Problem] = []
    for post in posts:
        validate(post, sections=sections, languages=languages, tz=tz, default_language=default_language)
        problems.extend(post.problems)
    return problems


def translation_problems(posts: list[Post], default_language: str) -> list[Problem]:
    """A translation needs its original, and keeps its original's category."""
    originals = {p.base: p for p in posts if p.lang == default_language}
    problems: list[Problem] = []
    for p in posts:
        if p.lang == default_language or p.problems:
            continue
        orig = originals.get(p.base)
        if orig is None:
            problems.append(Problem(p.rel, None, f"translation without its original — add {Path(p.base).name}.md beside it, or rename the file"))
            continue
        for key in ("date", "slug", "category"):
            if key not in p.meta and key in orig.meta:
                p.meta[key] = orig.meta[key]
        if p.date is None:
            p.date = orig.date
        if p.expires is None:
            p.expires = orig.expires
        if p.kind == "article" and p.category != orig.category:
            problems.append(Problem(p.rel, p.line("category"), f"category '{p.category}' differs from the original's '{orig.category}' — remove the key or make it match"))
        if p.shared and "audience" not in p.meta and "audience" in orig.meta:
            p.meta["audience"] = orig.meta["audience"]
        if orig.status != "published":  # a translation is never published before its original
            p.meta["status"] = orig.status
    return problems


def duplicate_problems(posts: Iterable[Post]) -> list[Problem]:
    """Two posts of one site (and language) that would have the same URL."""
    seen: dict[tuple[str, str], Post] = {}
    problems: list[Problem] = []
    for p in posts:
        if p.problems:
            continue
        key = (p.lang, p.url())
        other = seen.get(key)
        if other is not None:
            problems.append(Problem(p.rel, p.line("slug") if "slug" in p.meta else p.line("title"),
                                    f"URL /{p.url()} is already used by {other.rel} — give one of them another slug: (slug: …)"))
        else:
            seen[key] = p
    return problems


def load_site(network: Network, site: Site, *, render: Renderer | None = None) -> tuple[list[Post], list[Problem]]:
    """Read and validate every file of one site; with *render*, render the Markdown of the valid ones.

    Returns (every post read, problems as ``path:LINE`` :class:`Problem` s). Raises
    ``OSError`` when the site's folder cannot be read.
    """
    tz = ZoneInfo(network.timezone)
    folder = site_dir(network.root, site.id)
    posts: list[Post] = []
    for path in markdown_files(folder):
        rel_parts = path.relative_to(folder).parts
        if rel_parts[0] == FILES_DIR:
            continue
        kind = "page" if rel_parts[0] == PAGES_DIR else "article"
        posts.append(read_post(path, network.root, site=site.id, kind=kind, tz=tz))
    problems = _finish(posts, sections=site.section_slugs, languages=site.languages, tz=tz,
                       default_language=site.default_language)
    problems += translation_problems(posts, site.default_language)
    mine = [p for p in posts if not p.problems]
    shared = [p for p in SHARED if site.id in AUDIENCES.get(p.rel, ())]
    problems += duplicate_problems([*shared, *mine]) if shared else duplicate_problems(mine)
    if render is not None:
        render(network.root, f"site-{site.id}", mine)
    return posts, problems


def index_languages(site: Site, posts: list[Post], now: dt.datetime) -> None:
    """Which language versions of each post are live on *site*, for hreflang and the switcher."""
    ALTERNATES.clear()
    LANG_SECTIONS.clear()
    shared = [p for p in SHARED if site.id in AUDIENCES.get(p.rel, ())]
    for p in [*posts, *shared]:
        if p.problems or p.lang not in site.languages or not p.is_live(now):
            continue
        prefix = "" if p.lang == site.default_language else f"{p.lang}/"
        ALTERNATES.setdefault(p.base, {})[p.lang] = prefix + p.url()
        if p.kind == "article":
            LANG_SECTIONS.setdefault(p.lang, set()).add(p.category)


def resolve_audience(post: Post, network: Network) -> tuple[set[str], list[Problem]]:
    """The ids of the sites that receive a shared directive (the home portal always does)."""
    raw = post.meta.get("audience")
    if raw is None:
        return set(network.ids), []
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list):
        return set(), [Problem(post.rel, post.line("audience"), "audience must be a list of site ids and/or kinds — write audience: [commune, ward]")]
    ids: set[str] = {network.home}
    problems: list[Problem] = []
    for item in items:
        if not isinstance(item, str):
            problems.append(Problem(post.rel, post.line("audience"),
                                    f"audience item {item!r} is not a site id or kind — write audience: [commune, ward] or site ids"))
        elif item in KINDS:
            ids.update(s.id for s in network.sites if s.kind == item)
        elif item in network:
            ids.add(item)
        else:
            problems.append(Problem(post.rel, post.line("audience"),
                                    f"audience names {item!r}, which is neither a site id nor a kind — {did_you_mean(str(item), [*KINDS, *network.ids])}"))
    return ids, problems


def load_shared(network: Network, *, render: Renderer | None = None) -> list[Problem]:
    """Read and validate every shared directive once, into :data:`SHARED` (rendered with *render*).

    Returns the problems of every directive; a broken one is left out of :data:`SHARED`
    and its audience recorded in :data:`BROKEN_AUDIENCES` (see :func:`sites_blocked_by`).
    """
    tz = ZoneInfo(network.timezone)
    posts = [read_post(p, network.root, site=None, kind="article", tz=tz) for p in markdown_files(shared_dir(network.root))]
    all_langs = sorted({lang for s in network.sites for lang in s.languages})
    problems = _finish(posts, sections=None, languages=all_langs, tz=tz, default_language=network.default_language)
    problems += translation_problems(posts, network.default_language)
    for post in posts:
        if post.problems:
            continue
        ids, aud_problems = resolve_audience(post, network)
        post.problems.extend(aud_problems)
        problems.extend(aud_problems)
        AUDIENCES[post.rel] = ids
    problems += duplicate_problems(posts)
    SHARED.clear()
    BROKEN_AUDIENCES.clear()
    FOR_ALL.clear()
    everyone = set(network.ids)
    bad = {p.path for p in problems}
    for post in posts:
        if post.rel in bad:
            ids, aud_problems = resolve_audience(post, network) if post.meta else (set(), [True])
            if not aud_problems:
                BROKEN_AUDIENCES[post.rel] = ids
        else:
            SHARED.append(post)
            if AUDIENCES.get(post.rel) == everyone:
                FOR_ALL.add(post.rel)
    if render is not None:
        render(network.root, "shared", SHARED)
    return problems


def sites_blocked_by(network: Network, problems: list[Problem]) -> set[str]:
    """Sites that must not build because a shared directive meant for them is broken.

    Publishing them without it would silently drop a directive; the audience of a
    broken file is taken from its front matter where it can be read, else every site.
    """
    broken = {p.path for p in problems}
    if not broken:
        return set()
    blocked: set[str] = set()
    for rel in broken:
        blocked |= BROKEN_AUDIENCES.get(rel, set(network.ids))
    return blocked


def now_in(network: Network) -> dt.datetime:
    return dt.datetime.now(ZoneInfo(network.timezone))
