"""Render one site with Pelican, in-process, one run per language.

Runs inside a worker process (see :mod:`portal.stages.build`): Pelican keeps process-wide
state (signals, log filters), so a process renders one site and exits.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from portal.model import catalogue, csp, i18n
from portal.model import media as media_model
from portal.model.errors import PostFailed, Problem
from portal.model.inputs import Inputs
from portal.model.links import short
from portal.model.messages import _
from portal.model.sections import menu_order
from portal.model.sites import Network, Site
from portal.stages.render import copies, filters, incremental, media, qr
from portal.stages.search import network as network_index
from portal.stages.search import site as search_site

SETTINGS_FILE = "pelicanconf.py"
#: the monthly scoring's data for the provincial portal's scoreboard pages (set by the build; see portal.score.board)
SCOREBOARD: Path | None = None
#: the contact page's URL path (``content/sites/<id>/pages/lien-he.md``), linked from every footer
CONTACT_PAGE = "lien-he/"
#: the site's default sharing card (Open Graph), drawn by portal.stages.render.media.card_image
CARD_IMAGE = "/theme/card.png"
SOCIAL_NAMES = {"facebook": "Facebook", "zalo": "Zalo", "youtube": "YouTube", "tiktok": "TikTok", "instagram": "Instagram"}


def lang_prefix(site: Site, lang: str) -> str:
    """'/' for the site's default language, '/en/' for the others."""
    return "/" if lang == site.default_language else f"/{lang}/"


def site_context(network: Network, site: Site, lang: str) -> dict[str, Any]:
    """What templates know about the site (plain data)."""
    home = network.home_site
    parent = network.site(site.parent) if site.parent else None
    return {
        "id": site.id, "kind": site.kind, "name": site.name(lang), "names": site.names,
        "display_name": network.display_name(site, lang), "short_name": network.short_name(site, lang),
        "public_services": network.public_services,
        "url": site.url, "languages": site.languages, "default_language": site.default_language,
        "contact": site.contact, "social": site.social,
        "description": site.description.get(lang) or site.description.get("vi", ""),
        "sections": [{"slug": s.slug, "name": s.name(lang)} for s in site.sections],
        "parent": {"id": parent.id, "name": parent.name(lang), "url": parent.url} if parent else None,
        "home": {"id": home.id, "name": home.name(lang), "url": home.url},
        "is_home": site.id == network.home,
        "owner": site.owner.get(lang) or site.owner.get("vi", ""),
        "responsible": _responsible(network, site, lang),
    }


def _responsible(network: Network, site: Site, lang: str) -> dict[str, str] | None:
    """The person responsible for the portal, the position in *lang* (vocabulary ``positions``)."""
    r = site.responsible
    if not r:
        return None
    term = network.legal.positions.find(r.get("position", ""))
    return {**r, "position": term.label(lang) if term else r.get("position", "")}


def _language_facts(site: Site, lang: str) -> dict[str, Any]:
    """What the header and footer of every page of one language link to, known before rendering.

    ``contact_page``: the root-relative URL of the contact page (``pages/lien-he.md``) in *lang*,
    or None; ``has_feed``: whether *lang* has posts, so that its Atom feed is not empty. Both are
    in the run's render key (a page reused by the incremental build shows the same footer).
    """
    prefix = "" if lang == site.default_language else f"{lang}/"
    contact = prefix + CONTACT_PAGE
    has_contact = any(urls.get(lang) == contact for urls in catalogue.ALTERNATES.values())
    return {"contact_page": "/" + contact if has_contact else None, "has_feed": bool(catalogue.LANG_SECTIONS.get(lang))}


def settings_for(network: Network, site: Site, lang: str, output: Path, now: dt.datetime,
                 search: bool = True) -> dict[str, Any]:
    """Pelican settings for one language of one site: pelicanconf.py plus the site's own. *search*: the build
    writes the search indexes (``portal build --no-search`` does not: the search page then asks for none of
    their files ahead, so a release of it links nothing missing)."""
    from pelican.settings import read_settings

    root = network.root
    p = lang_prefix(site, lang).lstrip("/")  # '' or 'en/'
    first = lang == site.default_language
    ctx = site_context(network, site, lang)
    if not first:  # another language lists only the sections written in it
        have = catalogue.LANG_SECTIONS.get(lang, set())
        ctx["sections"] = [s for s in ctx["sections"] if s["slug"] in have]
    by_slug = {s["slug"]: s for s in ctx["sections"]}
    ctx["menu"] = [by_slug[slug] for slug in menu_order(list(by_slug))]
    ctx.update(_language_facts(site, lang))
    override: dict[str, Any] = {
        "PATH": str(catalogue.site_dir(root, site.id)),
        "OUTPUT_PATH": str(output),
        "THEME": str(root / "themes" / "portal"),
        "PLUGIN_PATHS": [str(root / "plugins")],
        "SITEURL": "",
        "SITENAME": site.name(lang),
        "DEFAULT_LANG": lang,
        "TIMEZONE": network.timezone,
        "ARTICLE_PATHS": [""],
        "ARTICLE_EXCLUDES": [catalogue.PAGES_DIR, catalogue.FILES_DIR],
        "PAGE_PATHS": [catalogue.PAGES_DIR],
        "STATIC_PATHS": [],  # files/ are copied by copy_static, from the inputs check validated
        "IGNORE_FILES": [".*"],
        "THEME_STATIC_PATHS": ["static"] if first else [],
        "ARTICLE_URL": p + "{category}/{slug}/", "ARTICLE_SAVE_AS": p + "{category}/{slug}/index.html",
        "PAGE_URL": p + "{slug}/", "PAGE_SAVE_AS": p + "{slug}/index.html",
        "CATEGORY_URL": p + "{slug}/", "CATEGORY_SAVE_AS": p + "{slug}/index.html",
        "TAG_URL": p + "tag/{slug}/", "TAG_SAVE_AS": p + "tag/{slug}/index.html",
        "TAGS_URL": p + "tag/", "TAGS_SAVE_AS": p + "tag/index.html",
        "INDEX_SAVE_AS": p + "index.html",
        "PAGINATION_PATTERNS": [
            (1, "{url}", "{save_as}"),
            (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
        ],
        "DIRECT_TEMPLATES": ["index", "404", "portals", "search", "tags"] + (["search_network"] if ctx["is_home"] else []),
        "SEARCH_SAVE_AS": p + "tim-kiem/index.html",  # the search pages: see portal.stages.search.site
        "SEARCH_NETWORK_SAVE_AS": p + "tim-kiem-toan-tinh/index.html",
        "404_SAVE_AS": p + "404.html",
        "PORTALS_SAVE_AS": p + "cac-cong-thanh-phan/index.html",
        "FEED_DOMAIN": site.url,
        "FEED_ALL_ATOM": p + "feeds/all.atom.xml",
        "CATEGORY_FEED_ATOM": p + "feeds/{slug}.atom.xml",
        "JINJA_FILTERS": {
            "format_date": i18n.format_date,
            "format_datetime": i18n.format_datetime,
            "iso_date": i18n.iso_date,
            "local_href": filters.local_href,
            "tel_href": filters.tel_href,
            "picture": media.picture,
            "page_src": lambda url: media_model.page_src(url, network.media_url),
            "media_info": media.info_of,
        },
        "SITE": ctx,  # short names for templates
        "P": "/" + p,
        "PORTAL_SITE_ID": site.id,
        "PORTAL_SITE": ctx,
        "PORTAL_HOME": ctx["home"],
        "PORTAL_NETWORK": network.summary(),
        "PORTAL_LANG": lang,
        "PORTAL_HTML_LANG": i18n.HTML_LANG[lang],
        "PORTAL_LANG_PREFIX": "/" + p,
        "PORTAL_DEFAULT_LANG": site.default_language,
        "PORTAL_LANG_TAGS": i18n.HTML_LANG,
        "PORTAL_LANG_NAMES": i18n.NATIVE_NAMES,
        "PORTAL_SOCIAL_NAMES": SOCIAL_NAMES,
        "PORTAL_CSP": csp.POLICY,
        "PORTAL_CSP_SEARCH": csp.SEARCH_POLICY,
        "PORTAL_SEARCH": search,
        "PORTAL_PAGEFIND_WASM": search_site.wasm_file(i18n.HTML_LANG[lang]),
        "PORTAL_LANG_SECTIONS": {k: sorted(v) for k, v in catalogue.LANG_SECTIONS.items()},
        "PORTAL_SECTION_NAMES": {s.slug: s.name(lang) for s in site.sections},
        "PORTAL_NOW": now,
        "PORTAL_SHARED_INDEX_OK": network_index.uses_shared_index(network, site, lang),
        "PORTAL_TRANSLATIONS": str(root / "translations"),
        "PORTAL_MEDIA_URL": network.media_url,
        "PORTAL_CARD": CARD_IMAGE,
        "PORTAL_MIME": media_model.mime_type,
        "PORTAL_SIZES": {"column": media.SIZES, "gallery": media.GALLERY_SIZES},
        "PORTAL_CSP_EMBED": csp.policy(frame_src=sorted(network.embed_origins)),
        "PORTAL_SCOREBOARD": str(SCOREBOARD) if SCOREBOARD and ctx["is_home"] and first else "",
    }
    shown = {"lang": lang, "prefix": p, "sections": override["PORTAL_SECTION_NAMES"], "network_home": ctx["home"],
             "ctx_version": 2}
    override["PORTAL_RENDER_KEY"] = incremental.render_key(root, {"site": ctx, **shown})
    if copies.enabled() and not ctx["is_home"]:  # the shared directives' copies, from one template per shape
        plan = copies.sentinels(ctx, {"SITENAME": override["SITENAME"], "FEED_DOMAIN": override["FEED_DOMAIN"],
                                      "PORTAL_SITE_ID": override["PORTAL_SITE_ID"]})
        plan.shape = incremental.render_key(root, {"site": plan.context, "top": plan.top, **shown})
        plan.folder = copies.folder(root, incremental.code_key(str(root)))
        override["PORTAL_COPIES"] = plan
    settings = read_settings(str(root / SETTINGS_FILE), override=override)
    # Templates are compiled once per checkout, not once per site and language (keyed by their source).
    # Autoescape is on whatever pelicanconf.py says (issue 12.2): every value is HTML-escaped unless a
    # template marks it trusted (the sanitised body, JSON from |tojson, fragments rendered by these templates).
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True,
                                     "bytecode_cache": _bytecode_cache(str(root))}
    return settings


@lru_cache(maxsize=4)
def _bytecode_cache(root: str) -> Any:
    from jinja2 import FileSystemBytecodeCache

    folder = Path(root) / ".cache" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


class _Collect(logging.Handler):
    """Keeps Pelican's warnings and errors of a run, so a failed site says why."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            msg += f" ({record.exc_info[1]})"
        msg = short(msg, 300)
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(msg)


def copy_static(output: Path, inputs: Inputs | None) -> list[Problem]:
    """Copy the site's files (``files/…``, names in NFC) into *output*, never through a symbolic link."""
    problems: list[Problem] = []
    if inputs is None:
        return problems
    for f in inputs.static:
        dest = output / f.name
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(f.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, 1024 * 1024)
            os.chmod(dest, 0o644)
        except OSError as exc:
            problems.append(Problem(str(f.path), None, _("cannot be copied ({reason}) — check the file", reason=exc.strerror)))
    return problems


def _post_problem(path: str, exc: BaseException, root: Path) -> Problem:
    post = catalogue.CURRENT.get(path)
    rel = post.rel if post is not None else (Path(path).relative_to(root).as_posix() if Path(path).is_relative_to(root) else path)
    text = str(exc).replace(str(root) + "/", "")
    text = short(text, 200)
    return Problem(rel, post.line("title") if post is not None else None,
                   _("this post could not be built ({error}: {detail}) — check its title, slug and text, and report it if they look fine",
                     error=type(exc).__name__, detail=text))


def render_site(network: Network, site: Site, output: Path, now: dt.datetime,
                previous: Path | None = None, search: bool = True) -> tuple[int, list[Problem], list[str]]:
    """Render every language of *site* into *output*; return (pages written, problems, warnings).

    Pages whose inputs did not change since *previous* (the last good build) are reused. *search*: the
    build writes the search indexes (:func:`settings_for`).
    """
    import pelican
    from pelican import log as pelican_log

    pelican_log.console.quiet = True
    handler = _Collect()
    logger = logging.getLogger("pelican")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    problems: list[Problem] = []
    rel = f"content/sites/{site.id}"
    incremental.start(previous, network.root)
    qr.open_cache(network.root, site.id)
    try:
        problems += media.prepare(network.root, catalogue.CURRENT_INPUTS, output)  # image sizes, audio durations
        media.card_image(network.root, output / CARD_IMAGE.lstrip("/"), site.name(site.default_language),
                         site.url.split("://", 1)[-1])
        for lang in site.languages:
            settings = settings_for(network, site, lang, output, now, search)
            pelican.Pelican(settings).run()
        problems += copy_static(output, catalogue.CURRENT_INPUTS)
        incremental.finish(output)
        qr.save_cache()
    except PostFailed as exc:  # one post: its file and line
        problems.append(_post_problem(exc.path, exc.cause, network.root))
    except Exception as exc:  # a template or plugin failure: report it, keep the old output
        text = str(exc)
        problems.append(Problem(rel, None, _("rendering failed: {error}: {detail} — please report it",
                                             error=type(exc).__name__, detail=short(text, 200))))
    finally:
        logger.removeHandler(handler)
    for message in handler.errors:  # Pelican names the source file of a post it could not process
        path = next((p for p in catalogue.CURRENT if p in message), None)
        if path is not None:
            problems.append(_post_problem(path, RuntimeError(message.replace(path, "").strip(" :\n")), network.root))
        else:
            problems.append(Problem(rel, None, _("Pelican: {message}", message=message)))
    theme_plugin = sys.modules.get("portal_theme")  # loaded by Pelican from PLUGIN_PATHS
    return len(getattr(theme_plugin, "written", ())), problems, handler.warnings
