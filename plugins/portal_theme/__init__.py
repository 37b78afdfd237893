"""Pelican plugin: what the portal theme needs from a run.

- the theme's strings in the run's language (gettext catalogs compiled by Babel);
- the home page's blocks: latest directives and the latest posts of each section;
- absolute links in the Atom feeds (pages themselves use root-relative links);
- a count of the files written, for the build summary.
"""

from __future__ import annotations

import datetime
from urllib.parse import urljoin

from pelican import signals

from portal.model import i18n

HOME_ITEMS = 5
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
    by_section: dict[str, list] = {}
    for article in generator.articles:  # newest first
        items = by_section.setdefault(article.category.slug, [])
        if len(items) < HOME_ITEMS:
            items.append(article)
    generator.context["section_articles"] = by_section
    generator.context["latest_directives"] = by_section.get("chi-dao-dieu-hanh", [])


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


def absolute_feed_links(context, feed) -> None:
    base = context.get("PORTAL_SITE", {}).get("url", "")
    if not base:
        return
    base += "/"
    feed.feed["link"] = urljoin(base, context.get("PORTAL_LANG_PREFIX", "/"))
    feed.feed["id"] = feed.feed["link"]
    for item in feed.items:
        item["link"] = urljoin(base, item["link"])
        if item.get("unique_id"):
            item["unique_id"] = urljoin(base, item["unique_id"])


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
    signals.feed_generated.connect(absolute_feed_links)
    signals.feed_generated.connect(stable_empty_feed)
    signals.content_written.connect(count_written)
