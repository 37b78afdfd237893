"""The content of a build, read and validated once: each site's files and the shared directives.

The build's parent process reads the shared directives (and renders their Markdown)
once; forked workers inherit :data:`SHARED` and read only their own site into
:data:`CURRENT`. The Pelican plugins look posts up here instead of reading files again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from portal.model import attachments, documents, drafts, links, media, organisation, procedures
from portal.model.content import (
    Post,
    check_post,
    checked_memo,
    front_matter_memo,
    read_checked,
    read_post,
)
from portal.model.errors import Problem, did_you_mean
from portal.model.inputs import FILES_DIR, Inputs, list_inputs  # noqa: F401  (FILES_DIR: re-exported for the stages)
from portal.model.limits import DEFAULT, Limits
from portal.model.messages import _
from portal.model.sections import KINDS
from portal.model.sites import Network, Site
from portal.model.text import clean_name, slugify

#: absolute path → post, for the site being built in this process
CURRENT: dict[str, Post] = {}
#: set by a build worker: Pelican may then read nothing but the posts of CURRENT
BUILDING = False
#: the inputs of the site being built in this process (its static files are copied from here)
CURRENT_INPUTS: Inputs | None = None
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
#: every live legal document of the network (portal.model.registry), read once per build before forking
DOCUMENTS: documents.Registry | None = None
#: what :data:`SHARED` and :data:`DOCUMENTS` were read from: the network's sites.yaml, and the documents' time
#: (a process that reads another network, as the tests do, reads again: see :func:`ensure_loaded`)
LOADED_FROM: dict[str, object] = {}
#: the network of the build (set by load_site: the plugins read the vocabularies and settings from it)
NETWORK: Network | None = None
#: the organisation data of the site being built (content/sites/<id>/to-chuc.yaml), if it has one
ORGANISATION: organisation.Organisation | None = None


class Renderer(Protocol):
    """How the model gets Markdown rendered (the build and ``portal check`` pass
    :data:`portal.stages.render.cache.RENDERER`; without one, bodies are not rendered).

    ``render`` parses each post's body (setting ``post.rendered``, ``post.refs``,
    ``post.anchors`` and adding the body's problems to ``post.problems``); once the links
    are resolved, ``finish`` writes ``post.html`` from the resolved URLs (ref index → URL).
    """

    def render(self, root: Path, name: str, posts: list[Post], nesting: int) -> None: ...

    def finish(self, post: Post, urls: dict[int, str], embed_origins: frozenset[str]) -> None: ...


PAGES_DIR = "pages"


def site_dir(root: Path, site_id: str) -> Path:
    return root / "content" / "sites" / site_id


def shared_dir(root: Path) -> Path:
    return root / "content" / "shared"


#: where the parses of a site's front matters are kept between builds (:func:`portal.model.content.front_matter_memo`)
MEMO_DIR = Path(".cache") / "front-matter"


def memo_path(network: Network, site_id: str | None) -> Path:
    """The store of the front matters' parses of *site_id*'s posts (None: the shared directives')."""
    return network.root / MEMO_DIR / f"{site_id or '_shared'}.pickle.z"


#: where a site's posts are kept once read and validated (:func:`portal.model.content.checked_memo`)
CHECKED_DIR = Path(".cache") / "checked"


def checked_path(network: Network, site_id: str) -> Path:
    """The store of *site_id*'s checked posts (:func:`portal.model.content.checked_memo`)."""
    return network.root / CHECKED_DIR / f"{site_id}.pickle.z"


def site_inputs(network: Network, site_id: str) -> Inputs:
    """A site's inputs (:func:`portal.model.inputs.list_inputs`): what check, the hook and the build read."""
    return list_inputs(network.root, site_dir(network.root, site_id), network.limits)


def shared_inputs(network: Network) -> Inputs:
    """The shared directives' inputs; files are not published from content/shared/ (an error each)."""
    inputs = list_inputs(network.root, shared_dir(network.root), network.limits)
    for f in inputs.static:
        inputs.problems.append(Problem(f"content/shared/{f.name}", None, _(
            "files are not published from content/shared/ — put the file on the provincial portal (content/sites/{home}/files/) and link its https:// address",
            home=network.home)))
    inputs.static = []
    return inputs


def markdown_files(folder: Path, limits: Limits = DEFAULT) -> list[Path]:
    """The ``.md`` files :func:`portal.model.inputs.list_inputs` reads in *folder* (a site's, or content/shared/)."""
    return list_inputs(folder, folder, limits).markdown


def _finish(posts: Iterable[Post], *, sections: list[str] | None, languages: list[str],
            tz: ZoneInfo, default_language: str) -> list[Problem]:
    problems: list[Problem] = []
    for post in posts:
        check_post(post, sections, languages, tz, default_language)
        problems.extend(post.problems)
    return problems


def translation_problems(posts: list[Post], default_language: str) -> list[Problem]:
    """A translation needs its original, and keeps its original's category."""
    originals = {p.base: p for p in posts if p.lang == default_language}
    problems: list[Problem] = []
    for p in posts:
        if p.lang == default_language or (p.problems and not p.addressable):
            continue
        orig = originals.get(p.base)
        if orig is None:
            problems.append(Problem(p.rel, None, _("translation without its original — add {name}.md beside it, or rename the file",
                                                   name=Path(p.base).name)))
            continue
        for key in ("date", "slug", "category"):
            if key not in p.meta and key in orig.meta:
                p.meta[key] = orig.meta[key]
        if p.date is None:
            p.date = orig.date
        if p.expires is None:
            p.expires = orig.expires
        if p.kind == "article" and p.category != orig.category:
            problems.append(Problem(p.rel, p.line("category"), _("category '{category}' differs from the original's '{original}' — remove the key or make it match",
                                                                 category=links.short(p.category, 40), original=orig.category)))
        if p.shared and "audience" not in p.meta and "audience" in orig.meta:
            p.meta["audience"] = orig.meta["audience"]
        if orig.status != "published":  # a translation is never published before its original
            p.meta["status"] = orig.status
    return problems


def duplicate_problems(posts: Iterable[Post]) -> list[Problem]:
    """Two posts of one site (and language) that would have the same URL (slugs are folded and capped first)."""
    seen: dict[tuple[str, str], Post] = {}
    problems: list[Problem] = []
    for p in posts:
        if not p.addressable:
            continue
        key = (p.lang, p.url())
        other = seen.get(key)
        if other is not None:
            problems.append(Problem(p.rel, p.line("slug") if "slug" in p.lines else p.line("title"),
                                    _("URL /{url} is already used by {other} — give one of them another slug: (slug: …)",
                                      url=p.url(), other=other.rel)))
        else:
            seen[key] = p
    return problems


def tag_problems(posts: Iterable[Post]) -> list[Problem]:
    """Tags written differently that would share one tag page (``/tag/<slug>/``) after folding and capping."""
    seen: dict[tuple[str, str], tuple[str, Post]] = {}
    problems: list[Problem] = []
    for p in posts:
        if not p.addressable:
            continue
        for tag in p.meta.get("tags") or ():
            slug = slugify(tag)
            if not slug:
                continue
            key = (p.lang, slug)
            first = seen.setdefault(key, (tag, p))
            if first[0].casefold() != tag.casefold():  # the same words in another case are the same tag
                problems.append(Problem(p.rel, p.line("tags"), _("tag '{tag}' and tag '{other}' (in {file}) would share the page /tag/{slug}/ — write the tag the same way in both",
                                                                 tag=links.short(tag, 40), other=links.short(first[0], 40), file=first[1].rel, slug=slug)))
    return problems


def _content_rel(network: Network, post: Post) -> str:
    """The post's path relative to content/, NFC (as links resolve it). Kept per file: every site's link
    index names the ~1,000 shared directives, whose paths the parent process worked out once."""
    key = (post.path, network.root)
    found = _CONTENT_RELS.get(key)
    if found is None:
        found = _CONTENT_RELS[key] = clean_name(post.path.relative_to(network.root / "content").as_posix())
    return found


#: {(a post's file, its project): its path relative to content/} (:func:`_content_rel`)
_CONTENT_RELS: dict[tuple[Path, Path], str] = {}


def _prefix(lang: str, default: str) -> str:
    return "/" if lang == default else f"/{lang}/"


def link_index(network: Network, site: Site | None, inputs: Inputs, posts: list[Post], shared: list[Post]) -> links.LinkIndex:
    """What links of *site*'s posts (None: the shared directives) may resolve to."""
    from urllib.parse import quote

    default = site.default_language if site else network.default_language
    index = links.LinkIndex(base=f"sites/{site.id}" if site else "shared", embed_origins=network.embed_origins)
    if site is not None:
        index.origin = links.origin_of(site.url)
        for f in inputs.static:
            index.files[f"{index.base}/{f.name}"] = "/" + quote(f.name, safe=links.SAFE_PATH)
        for lang in site.languages:
            p = _prefix(lang, default)
            index.pages.update({p, f"{p}tim-kiem/", f"{p}cac-cong-thanh-phan/", f"{p}feeds/all.atom.xml", f"{p}sitemap.xml"})
            index.pages.update(f"{p}{s.slug}/" for s in site.sections)
            index.pages.update(f"{p}feeds/{s.slug}.atom.xml" for s in site.sections)
            if site.id == network.home:
                index.pages.add(f"{p}tim-kiem-toan-tinh/")
        if site.id == network.home:
            index.pages.add("/kiem-tra-thong-tin-bat-buoc/")
        if organisation.FILE in inputs.data:
            index.pages.update(f"{_prefix(lang, default)}{organisation.PAGE_SLUG}/" for lang in organisation.languages(site.languages))
        index.pages.add("/404.html")
    else:
        index.pages.update({"/", "/chi-dao-dieu-hanh/"})
    for p in posts:
        entry = _link_entry(network, p, default)
        if entry is not None:
            index.add_post(entry[0], entry[1])
            index.pages.update(entry[2])
    for p in shared:
        entry = _shared_link_entry(network, p, default)
        if entry is not None:
            index.add_post(entry[0], entry[1])
            index.pages.update(entry[2])
    return index


def _link_entry(network: Network, p: Post, default: str) -> tuple[str, links.Target, tuple[str, ...]] | None:
    """What a link index holds for the post *p* on a site whose default language is *default*: its path
    relative to content/, its target, its tags' pages; None when it has no address."""
    if not p.meta or not p.slug or (p.kind == "article" and not p.category):
        return None
    prefix = _prefix(p.lang or default, default)
    return (_content_rel(network, p), links.Target(prefix + p.url(), p.anchors, p.status == "draft"),
            tuple(f"{prefix}tag/{slugify(tag)}/" for tag in p.meta.get("tags") or ()))


def _shared_link_entry(network: Network, p: Post, default: str) -> tuple[str, links.Target, tuple[str, ...]] | None:
    """:func:`_link_entry` of a shared directive, made once per build and default language (in the parent
    before the workers fork: :func:`prepare_links`); every site's link index holds the ~1,000 directives."""
    key = (id(p), default)
    found = _SHARED_LINKS.get(key)
    if found is None or found[0] is not p:
        found = _SHARED_LINKS[key] = (p, _link_entry(network, p, default))
    return found[1]


#: {(id of a shared directive, default language): (the directive, its link entry)} for :data:`SHARED` (emptied
#: when the directives are read again: :func:`load_shared`)
_SHARED_LINKS: dict[tuple[int, str], tuple[Post, tuple[str, links.Target, tuple[str, ...]] | None]] = {}


def prepare_links(network: Network) -> None:
    """Make the shared directives' link entries for every default language of the sites (the workers inherit them)."""
    for default in {site.default_language for site in network.sites}:
        for p in SHARED:
            _shared_link_entry(network, p, default)


def _front_matter_links(network: Network, post: Post, index: links.LinkIndex) -> list[Problem]:
    """``image`` and ``attachments``: files of the site, resolved from the site's folder, rewritten to /files/…."""
    problems: list[Problem] = []
    base_source = f"{index.base}/_"  # front-matter paths are relative to the site's folder

    def one(value: str, line: int) -> str | None:
        url, msg = links.resolve(links.Ref(0, 0, value, "resource"), base_source, frozenset(), index)
        if msg is not None:
            problems.append(Problem(post.rel, line, msg))
            return None
        from urllib.parse import unquote

        return unquote(url or "")

    image = post.meta.get("image")
    if isinstance(image, str) and image:
        resolved = one(image, post.line("image"))
        if resolved is not None:
            post.meta["image"] = resolved
    attachments = post.meta.get("attachments")
    if isinstance(attachments, list):
        from portal.model.yamlio import LineList

        out = LineList()
        out.line, out.item_lines = getattr(attachments, "line", 0), []
        for i, item in enumerate(attachments):
            line = attachments.line_of(i) + 1 if hasattr(attachments, "line_of") else post.line("attachments")
            path = item.get("path") if isinstance(item, dict) else item
            if not isinstance(path, str) or not path:
                problems.append(Problem(post.rel, line, _("an attachment needs a path — write attachments: [files/qd-123.pdf]")))
                continue
            resolved = one(path, line)
            if resolved is not None:
                out.append({**item, "path": resolved} if isinstance(item, dict) else resolved)
                out.item_lines.append(line - 1)
        post.meta["attachments"] = out
    report = post.meta.get("report") if post.draft is not None else None
    if isinstance(report, str) and report:
        resolved = one(report, post.line("report"))
        if resolved is not None:
            post.draft.report = resolved
    problems += _media_links(network, post, one)
    return problems


def _media_links(network: Network, post: Post, one) -> list[Problem]:
    """The files of ``gallery``, ``infographic``, ``video`` and ``audio`` (:mod:`portal.model.media`).

    A file under the site's ``files/`` becomes its ``/files/…`` path; audio and video may instead be an
    address on ``network.media_url`` listed in ``media.yaml`` (kept as the address).
    """
    problems: list[Problem] = []
    manifest: dict[str, media.MediaEntry] | None = None
    for key, container, field_name, kind in media.file_refs(post.meta):
        value = str(container[field_name]).strip()
        line = post.line(key)
        if value.startswith(("https://", "http://")) and kind in ("audio", "video"):
            path = media.media_path(value, network.media_url)
            if path is None:
                problems.append(Problem(post.rel, line, _(
                    "'{target}' is not on the province's media origin ({origin}) — put the file under files/, or on network.media_url and list it in media.yaml",
                    target=links.short(value), origin=network.media_url or _("none: network.media_url is not set"))))
                continue
            if manifest is None:
                manifest = load_media_manifest(network.root)
            if path not in manifest:
                problems.append(Problem(post.rel, line, _(
                    "'{target}' is not listed in media.yaml — add it with its size and SHA-256: portal media add --from DIR {path}",
                    target=links.short(value), path=path)))
                continue
            container[field_name] = value
            continue
        resolved = one(value, line)
        if resolved is not None:
            container[field_name] = resolved
    return problems


_MANIFESTS: dict[tuple[str, int], dict[str, media.MediaEntry]] = {}


def load_media_manifest_from(settings: dict) -> dict[str, media.MediaEntry]:
    """The manifest of the project whose site a Pelican run renders (``PATH`` is content/sites/<id>)."""
    return load_media_manifest(Path(settings["PATH"]).parents[2])


def load_media_manifest(root: Path) -> dict[str, media.MediaEntry]:
    """``media.yaml`` of the project (read once per process and version; its problems are reported by ``portal check``)."""
    try:
        stamp = (root / media.MANIFEST_FILE).stat().st_mtime_ns
    except OSError:
        stamp = 0
    key = (str(root), stamp)
    if key not in _MANIFESTS:
        _MANIFESTS[key] = media.load_manifest(root)[0]
    return _MANIFESTS[key]


def resolve_links(network: Network, posts: list[Post], index: links.LinkIndex, render: Renderer) -> list[Problem]:
    """Resolve every body link and front-matter file of *posts*; write their HTML (``render.finish``)."""
    problems: list[Problem] = []
    for post in posts:
        if post.rendered is None:
            continue
        found: list[Problem] = []
        urls: dict[int, str] = {}
        source = _content_rel(network, post)
        for ref in post.refs:
            url, msg = links.resolve(ref, source, post.anchors, index, source_draft=post.status == "draft")
            if msg is not None:
                found.append(post.body_problem(ref.offset, msg))
            elif url is not None:
                urls[ref.index] = url
        found += _front_matter_links(network, post, index)
        post.problems.extend(found)
        problems.extend(found)
        render.finish(post, urls, network.embed_origins)
    return problems


def _render(network: Network, name: str, posts: list[Post], render: Renderer) -> list[Problem]:
    """Render the bodies of *posts* that were read; return the problems the renderer found."""
    readable = [p for p in posts if p.meta]
    before = {id(p): len(p.problems) for p in readable}
    render.render(network.root, name, readable, network.limits.nesting)
    return [pr for p in readable for pr in p.problems[before[id(p)]:]]


def load_site(network: Network, site: Site, *, render: Renderer | None = None) -> tuple[list[Post], list[Problem]]:
    """Read and validate every input of one site; with *render*, render and resolve the links of its posts.

    Returns (every post read, problems as ``path:LINE`` :class:`Problem` s). The inputs
    are those of :func:`site_inputs` (kept in :data:`CURRENT_INPUTS` for the build), the
    organisation data in :data:`ORGANISATION`.
    """
    global CURRENT_INPUTS, NETWORK, ORGANISATION
    NETWORK = network
    posts, problems, CURRENT_INPUTS, ORGANISATION = read_site(network, site, render=render)
    return posts, problems


def read_site(network: Network, site: Site, *, render: Renderer | None = None
              ) -> tuple[list[Post], list[Problem], Inputs, organisation.Organisation | None]:
    """:func:`load_site` without keeping anything in this module: (posts, problems, inputs, organisation).

    The organisation data is read with *render* only (its photos are files the build checks).
    """
    tz = ZoneInfo(network.timezone)
    folder = site_dir(network.root, site.id)
    inputs = site_inputs(network, site.id)
    problems: list[Problem] = list(inputs.problems)
    posts: list[Post] = []
    settings = repr((site.section_slugs, site.languages, network.timezone, site.default_language, network.limits))
    with front_matter_memo(memo_path(network, site.id)), checked_memo(checked_path(network, site.id), settings):
        for path in inputs.markdown:
            kind = "page" if path.relative_to(folder).parts[0] == PAGES_DIR else "article"
            posts.append(read_checked(path, network.root, site=site.id, kind=kind, tz=tz, limits=network.limits,
                                      sections=site.section_slugs, languages=site.languages,
                                      default_language=site.default_language))
    problems += [problem for post in posts for problem in post.problems]
    problems += translation_problems(posts, site.default_language)
    problems += read_legal(network, site, posts)
    mine = [p for p in posts if p.addressable]
    shared = [p for p in SHARED if site.id in AUDIENCES.get(p.rel, ())]
    problems += duplicate_problems([*shared, *mine]) if shared else duplicate_problems(mine)
    problems += tag_problems([*shared, *mine])
    org = None
    if render is not None:
        problems += _render(network, f"site-{site.id}", posts, render)
        index = link_index(network, site, inputs, posts, shared)
        problems += resolve_links(network, [p for p in posts if p.rendered is not None], index, render)
        problems += check_attachments(network, inputs, [p for p in posts if p.rendered is not None])
        org, org_problems = organisation.load(network, site, inputs)
        problems += org_problems
    return posts, problems, inputs, org


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
    if CURRENT_INPUTS is not None and organisation.FILE in CURRENT_INPUTS.data:  # pages made from to-chuc.yaml
        base = organisation.page_base(site_dir(NETWORK.root if NETWORK else Path("."), site.id))
        for lang in organisation.languages(site.languages):
            prefix = "" if lang == site.default_language else f"{lang}/"
            ALTERNATES.setdefault(base, {}).setdefault(lang, f"{prefix}{organisation.PAGE_SLUG}/")


def resolve_audience(post: Post, network: Network) -> tuple[set[str], list[Problem]]:
    """The ids of the sites that receive a shared directive (the home portal always does)."""
    raw = post.meta.get("audience")
    if raw is None:
        return set(network.ids), []
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list):
        return set(), [Problem(post.rel, post.line("audience"), _("audience must be a list of site ids and/or kinds — write audience: [commune, ward]"))]
    ids: set[str] = {network.home}
    problems: list[Problem] = []
    for item in items:
        if not isinstance(item, str):
            problems.append(Problem(post.rel, post.line("audience"),
                                    _("an audience item is not a site id or kind — write audience: [commune, ward] or site ids")))
        elif item in KINDS:
            ids.update(s.id for s in network.sites if s.kind == item)
        elif item in network:
            ids.add(item)
        else:
            problems.append(Problem(post.rel, post.line("audience"),
                                    _("audience names '{item}', which is neither a site id nor a kind — {hint}",
                                      item=links.short(item, 40), hint=did_you_mean(item, [*KINDS, *network.ids]))))
    return ids, problems


def load_shared(network: Network, *, render: Renderer | None = None) -> list[Problem]:
    """Read and validate every shared directive once, into :data:`SHARED` (rendered with *render*).

    Returns the problems of every directive; a broken one is left out of :data:`SHARED`
    and its audience recorded in :data:`BROKEN_AUDIENCES` (see :func:`sites_blocked_by`).
    """
    tz = ZoneInfo(network.timezone)
    inputs = shared_inputs(network)
    with front_matter_memo(memo_path(network, None)):
        posts = [read_post(p, network.root, site=None, kind="article", tz=tz, limits=network.limits) for p in inputs.markdown]
    all_langs = sorted({lang for s in network.sites for lang in s.languages})
    problems = list(inputs.problems)
    problems += _finish(posts, sections=None, languages=all_langs, tz=tz, default_language=network.default_language)
    problems += translation_problems(posts, network.default_language)
    problems += read_legal(network, None, posts, resolve=False)
    for post in posts:
        if post.problems:
            continue
        ids, aud_problems = resolve_audience(post, network)
        post.problems.extend(aud_problems)
        problems.extend(aud_problems)
        AUDIENCES[post.rel] = ids
    problems += duplicate_problems(posts)
    if render is not None:
        problems += _render(network, "shared", posts, render)
        index = link_index(network, None, inputs, posts, [])
        problems += resolve_links(network, [p for p in posts if p.rendered is not None], index, render)
    SHARED.clear()
    _SHARED_LINKS.clear()
    LOADED_FROM.clear()
    LOADED_FROM["shared"] = str(network.path)
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


def read_legal(network: Network, site: Site | None, posts: list[Post], *, resolve: bool = True) -> list[Problem]:
    """Read the legal keys of each valid post: a document's, a draft's, a procedure's (into ``post.document``…).

    A van-ban document must be in the site's ``van-ban/`` folder; with *resolve*, its relations
    and a draft's ``adopted_as`` must name documents of the network (:data:`DOCUMENTS`, read
    on first use by :func:`load_documents`).
    """
    problems: list[Problem] = []
    legal = network.legal
    default = site.default_language if site else network.default_language
    for post in posts:
        if not post.meta or post.kind != "article" or post.lang != default:
            continue
        found: list[Problem] = []
        category = post.category
        if documents.is_document(post.meta, category):
            post.document, found = documents.read(post.meta, post.line, legal, post.rel, category)
            if category == documents.CATEGORY and site is not None:
                parts = post.path.relative_to(site_dir(network.root, site.id)).parts
                if parts[0] != documents.FOLDER:
                    found.append(Problem(post.rel, post.line("category"), _(
                        "a legal document lives in the site's van-ban/ folder — move the file to content/sites/{site}/van-ban/",
                        site=site.id)))
        if category == drafts.CATEGORY:
            post.draft, more = drafts.read(post.meta, post.line, legal, post.rel)
            found += more
        elif category == procedures.CATEGORY:
            post.procedure, more = procedures.read(post.meta, post.line, legal, post.rel)
            found += more
        if resolve and not found:
            found += _resolve_references(network, site, post)
        post.problems.extend(found)
        problems.extend(found)
    originals = {p.base: p for p in posts if p.lang == default}
    for post in posts:  # a translation shows its original's document, draft or procedure
        orig = originals.get(post.base) if post.lang != default else None
        if orig is not None:
            post.document, post.draft, post.procedure = orig.document, orig.draft, orig.procedure
    return problems


def load_documents(network: Network, now: dt.datetime | None = None) -> documents.Registry:
    """Read the network's documents into :data:`DOCUMENTS` (after :func:`load_shared`)."""
    from portal.model import registry

    global DOCUMENTS
    now = now or now_in(network)
    DOCUMENTS = registry.scan(network, SHARED, now)
    LOADED_FROM["documents"] = (str(network.path), now)
    return DOCUMENTS


def ensure_loaded(network: Network, now: dt.datetime) -> None:
    """Read the shared directives and the documents of *network* at *now* unless this process already holds
    exactly those (:data:`SHARED`, :data:`DOCUMENTS`): what a command outside the build (``portal audit``,
    the scoring) calls before reading sites."""
    if LOADED_FROM.get("shared") != str(network.path):
        load_shared(network)
    if DOCUMENTS is None or LOADED_FROM.get("documents") != (str(network.path), now):
        load_documents(network, now)


def _resolve_references(network: Network, site: Site | None, post: Post) -> list[Problem]:
    registry = DOCUMENTS if DOCUMENTS is not None else load_documents(network)
    problems: list[Problem] = []
    refs = list(post.document.references) if post.document is not None else []
    if post.draft is not None and post.draft.adopted_as:
        refs.append(documents.Reference("adopted_as", post.draft.adopted_as, line=post.line("adopted_as")))
    for ref in refs:
        if ref.url:
            continue
        _target, why = registry.find(ref, network.legal, near=site.id if site else None,
                                     issuer=post.document.issuer if post.document is not None else None)
        if why == "missing":
            problems.append(Problem(post.rel, ref.line or post.line("relations"), _(
                "{number} names no document published on the network's portals — check the number; for a document published elsewhere give its address: {{number: …, issuer: …, url: https://…}}",
                number=links.short(ref.number, 40))))
        elif why == "ambiguous":
            problems.append(Problem(post.rel, ref.line or post.line("relations"), _(
                "{number} is the number of documents of several issuers — say which: {{number: {number}, issuer: …}}",
                number=links.short(ref.number, 40))))
    return problems


def check_attachments(network: Network, inputs: Inputs, posts: list[Post]) -> list[Problem]:
    """Each document's and draft's attachments: a role, a file within the size limit, a PDF with text.

    A van-ban document and a draft need at least one (already reported as missing when absent).
    """
    problems: list[Problem] = []
    static = inputs.static_names
    originals = {p.base: p for p in posts if "attachments" in p.meta}
    for post in posts:
        if "attachments" not in post.meta and post.base in originals:  # a translation: its original's files
            post.attachments = originals[post.base].attachments
        items = post.meta.get("attachments")
        if not isinstance(items, list) or not items:
            continue
        legal_post = post.document is not None or post.draft is not None
        role = "draft" if post.draft is not None else "full_text"

        def line(i: int, items: list = items, post: Post = post) -> int:
            return items.line_of(i) + 1 if hasattr(items, "line_of") else post.line("attachments")

        post.attachments, found = attachments.check(post.rel, items, line, static, network.legal, network.root,
                                                    default_role=role, need_text=legal_post)
        post.problems.extend(found)
        problems.extend(found)
    return problems


def now_in(network: Network) -> dt.datetime:
    return dt.datetime.now(ZoneInfo(network.timezone))
