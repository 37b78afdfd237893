"""Pelican plugin: what the portal theme needs from a run.

- the theme's strings in the run's language (gettext catalogs compiled by Babel);
- the home page's blocks of what is new, in order (:func:`home_blocks`);
- Atom feeds readers and aggregators accept (issue 13.5): absolute links (pages themselves use
  root-relative links), ids from the site's URL (``tag:host,date:/path``, a shared directive's from
  its canonical copy, so it keeps one id across the network), ``xml:lang``, a section feed titled
  with the section's name, and no empty feed file (nothing links to one);
- a count of the files written, for the build summary.
"""

from __future__ import annotations

import datetime
import os
import re
from urllib.parse import urljoin, urlsplit

from pelican import signals

from portal.model import i18n

#: posts per home-page block: the portal's own news and notices, and the provincial portal's directions
HOME_ITEMS = 5
#: posts per home-page block of the other sections
HOME_ITEMS_OTHER = 3
#: the provincial directives on another portal's home page: a shorter block, after the portal's own news
HOME_DIRECTIVES_ELSEWHERE = 3
#: a portal's own news and notices come first on its home page
HOME_FIRST = ("tin-tuc", "thong-bao")
DIRECTIVES = "chi-dao-dieu-hanh"
written: list[str] = []


def install_translations(generator) -> None:
    settings = generator.settings
    env = getattr(generator, "env", None)
    if env is None or "PORTAL_TRANSLATIONS" not in settings:
        return
    env.install_gettext_translations(
        i18n.translations(settings["PORTAL_TRANSLATIONS"], settings["DEFAULT_LANG"]), newstyle=True
    )


def every_section_listed(generator) -> None:
    """A section with no posts yet still has its (empty) list page and feed: the nav never 404s."""
    from pelican.contents import Category

    site = generator.settings.get("PORTAL_SITE")
    if not site:
        return
    present = {cat.slug for cat, _ in generator.categories}
    for section in site["sections"]:
        if section["slug"] not in present:
            generator.categories.append((Category(section["slug"], generator.settings), []))


def home_blocks(generator) -> None:
    """The home page's blocks of what is new, in the order citizens look for them (issue 19.1).

    ``home_sections``: one entry per section with posts in this language (a block with nothing to
    show is not there), each ``{"slug", "articles", "lead", "more"}``: first the portal's own news and
    notices (up to :data:`HOME_ITEMS`, the first with its summary); then the directions
    (*chỉ đạo điều hành*): the provincial portal's own in full, on every other portal a shorter block
    of the provincial directives (:data:`HOME_DIRECTIVES_ELSEWHERE` and a link to all); then the
    other sections, :data:`HOME_ITEMS_OTHER` each, in the site's order.
    """
    site = generator.settings.get("PORTAL_SITE") or {}
    by_section: dict[str, list] = {}
    for article in generator.articles:  # newest first
        items = by_section.setdefault(article.category.slug, [])
        if len(items) < HOME_ITEMS:
            items.append(article)
    order = [s["slug"] for s in site.get("sections", ())] or list(by_section)
    first = [slug for slug in HOME_FIRST if slug in order]
    blocks = []
    for slug in [*first, DIRECTIVES, *(s for s in order if s not in (*first, DIRECTIVES))]:
        articles = by_section.get(slug)
        if not articles:
            continue
        if slug in first or (slug == DIRECTIVES and site.get("is_home")):
            blocks.append({"slug": slug, "articles": articles, "lead": True, "more": False})
        elif slug == DIRECTIVES:
            blocks.append({"slug": slug, "articles": articles[:HOME_DIRECTIVES_ELSEWHERE], "lead": False, "more": True})
        else:
            blocks.append({"slug": slug, "articles": articles[:HOME_ITEMS_OTHER], "lead": False, "more": False})
    generator.context["home_sections"] = blocks
    generator.context["section_articles"] = by_section


def render_fragments(generator) -> None:
    """Render the parts every page repeats (footer, section nav) once per run, not once per page."""
    from markupsafe import Markup

    env = getattr(generator, "env", None)
    site = generator.settings.get("PORTAL_SITE")
    if env is None or not site:
        return
    ctx = dict(generator.context)
    generator.context["FOOTER_HTML"] = Markup(env.get_template("partials/footer.html").render(ctx))
    nav = env.get_template("partials/nav.html")
    variants = {"": None, "index": None, **{s["slug"]: None for s in site["sections"]}}
    generator.context["NAV_HTML"] = {key: Markup(nav.render({**ctx, "current": key})) for key in variants}


def tag_uri(url: str, date: datetime.date | datetime.datetime) -> str:
    """An Atom id (RFC 4151 tag URI) for the page at absolute *url*, first published on *date*.

    ``https://bacninh.gov.vn/tin-tuc/a/`` on 2 March 2026 → ``tag:bacninh.gov.vn,2026-03-02:/tin-tuc/a/``.
    """
    parts = urlsplit(url)
    day = date.date() if isinstance(date, datetime.datetime) else date
    return f"tag:{parts.hostname},{day.isoformat()}:{parts.path or '/'}"


#: (the articles list, site URL, {absolute URL: canonical}) of the language run being written: every feed of a
#: run reads the same map (built once, not once per feed: Pelican's ``url`` is costly, issue 20)
_CANONICALS: list = [None, "", {}]


def _canonicals(articles: list, base: str) -> dict[str, str | None]:
    """``{absolute URL of each article: its canonical link or None}`` for the run's *articles* (built once per run)."""
    if _CANONICALS[0] is not articles or _CANONICALS[1] != base:  # the list is kept alive here: its id is never reused
        _CANONICALS[:] = [articles, base, {_join(base, a.url): a.metadata.get("canonical") for a in articles}]
    return _CANONICALS[2]


#: a relative address that ``urljoin`` only appends to a base ending in "/": folders and a file name of
#: letters, digits and ``%_~.-``, no segment starting with a dot (no ``.`` or ``..``), no query or fragment
_PLAIN_PATH = re.compile(r"(?:[\w%~-][\w%~.-]*/)*(?:[\w%~-][\w%~.-]*)?\Z")


def _join(base: str, url: str) -> str:
    """``urljoin(base, url)`` for *base* ending in "/": appended when *url* is plain (:data:`_PLAIN_PATH`), as
    a post's address is (urljoin parses both: 1,200 of them a run)."""
    return base + url if _PLAIN_PATH.match(url) else urljoin(base, url)


def feed_metadata(context, feed) -> None:
    """Absolute links, ids, language and title of a feed and its entries, before Pelican writes it."""
    base = context.get("PORTAL_SITE", {}).get("url", "")
    if not base:
        return
    base += "/"
    prefix = context.get("PORTAL_LANG_PREFIX", "/")
    self_url = feed.feed.get("feed_url") or urljoin(base, prefix)
    name = os.path.basename(urlsplit(self_url).path).removesuffix(".atom.xml")
    sections = context.get("PORTAL_SECTION_NAMES", {})
    if name in sections:  # a section's feed: its name, and its list page as the feed's web page
        feed.feed["title"] = f"{context['SITENAME']} - {sections[name]}"
        feed.feed["link"] = urljoin(base, prefix.lstrip("/") + name + "/")
    else:
        feed.feed["link"] = urljoin(base, prefix.lstrip("/"))
    feed.feed["id"] = self_url  # each feed its own id
    feed.feed["language"] = context.get("PORTAL_HTML_LANG") or feed.feed.get("language")
    canonical = _canonicals(context.get("articles") or [], base)
    for item in feed.items:
        item["link"] = urljoin(base, item["link"])
        item["unique_id"] = tag_uri(canonical.get(item["link"]) or item["link"], item["pubdate"])


def drop_empty_feed(path, context=None, feed=None) -> None:
    """A feed without entries is not kept: no page links to it (see the theme's base and category templates)."""
    if feed is not None and not feed.items and path and os.path.isfile(path):
        os.remove(path)


def stable_empty_feed(context, feed) -> None:
    """An empty feed's <updated> would be the wall clock: take the newest post instead, so an unchanged site rebuilds byte-identical (publish compares trees)."""
    if not feed.items:
        dates = [a.date for a in context.get("articles") or () if getattr(a, "date", None)]
        newest = max(dates) if dates else datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        feed.latest_post_date = lambda: newest


def count_written(path, context=None) -> None:
    if path.endswith(".html"):
        written.append(path)


def register() -> None:
    signals.generator_init.connect(install_translations)
    signals.article_generator_finalized.connect(home_blocks)
    signals.article_generator_finalized.connect(every_section_listed)
    signals.article_generator_finalized.connect(render_fragments)
    signals.feed_generated.connect(feed_metadata)
    signals.feed_generated.connect(stable_empty_feed)
    signals.feed_written.connect(drop_empty_feed)
    signals.content_written.connect(count_written)
