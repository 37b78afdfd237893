"""Pelican plugin: JSON Feeds, the podcast feed, JSON-LD and the items of /changes.json (issue 16.6, 16.2).

Per language run of a site:

- ``feeds/all.json`` and ``feeds/<section>.json`` (JSON Feed 1.1 with the ``_portal`` extension,
  :mod:`portal.stages.render.syndication`), for the site's 50 newest posts and each section that
  has posts (a section without posts has no feed, as with Atom);
- in the default language of a site whose radio bulletins have audio: ``feeds/podcast.xml`` (RSS 2.0,
  iTunes and Podcasting 2.0 tags) and its cover ``theme/podcast.png`` (1400×1400);
- ``jsonld(item)`` for the templates (schema.org metadata of a post or page);
- every post and page in :data:`portal.stages.render.changes.ITEMS`, with the version of its JSON
  Feed item, for ``/changes.json`` (written once every language has run).
"""

from __future__ import annotations

import os
from pathlib import Path

from pelican import signals

from portal.model import outreach
from portal.stages.render import changes, incremental, media, syndication

FEED_ITEMS = 50
PODCAST = "feeds/podcast.xml"
PODCAST_COVER = "theme/podcast.png"
_state: dict[str, list] = {"articles": [], "pages": []}
#: what a post's record in ``/changes.json`` is made of (kept with its page's key in the build's manifest)
_RECORD = ("id", "url", "title", "version")


def context(generator) -> None:
    settings = generator.settings
    if not settings.get("PORTAL_SITE"):
        return
    generator.context["jsonld"] = lambda item: syndication.json_ld(item, settings)
    generator.context["page_jsonld"] = lambda path, name: syndication.page_json_ld(settings, path, name)
    generator.context["og_locale"] = syndication.og_locale
    generator.context.setdefault("PORTAL_PODCAST", None)  # decided once the articles are read (has_podcast)


def collect(generators) -> None:
    _state["articles"], _state["pages"] = [], []
    for gen in generators:
        _state["articles"].extend(getattr(gen, "articles", []))
        _state["pages"].extend(getattr(gen, "pages", []))


def has_podcast(generator) -> None:
    """Whether this run writes the podcast feed (the template links it from the radio section)."""
    s = generator.settings
    podcast = s.get("PORTAL_LANG") == s.get("PORTAL_DEFAULT_LANG") and any(
        a.metadata.get("radio") for a in generator.articles if a.category.slug == outreach.RADIO_CATEGORY)
    generator.context["PORTAL_PODCAST"] = "/" + PODCAST if podcast else None


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write(pelican) -> None:
    s = pelican.settings
    site = s.get("PORTAL_SITE")
    if not site:
        return
    prefix = s["PORTAL_LANG_PREFIX"]  # '/' or '/en/'
    run_key = s.get("PORTAL_RENDER_KEY")
    articles = sorted(_state["articles"], key=lambda a: a.date, reverse=True)
    entries: dict[int, dict] = {}

    def entry(item) -> dict:
        """A post's feed item, made once: the feeds take the newest, the change list the others' versions."""
        found = entries.get(id(item))
        if found is None:
            found = entries[id(item)] = syndication.feed_item(item, s)
        return found

    def write_feed(items: list, rel: str, title: str, home: str) -> None:
        """One JSON feed at *rel* (under the output), linked from the last build when its entries' pages are."""
        key = incremental.feed_key(run_key, f"json|{rel}|{title}|{home}", items) if run_key else None
        if incremental.reuse(rel, key, Path(pelican.output_path), count=False):
            return
        feed = syndication.json_feed([entry(a) for a in items], s, "/" + rel, title, home)
        _write(os.path.join(pelican.output_path, rel), syndication.dumps(feed))

    if articles:
        write_feed(articles[:FEED_ITEMS], f"{prefix.lstrip('/')}feeds/all.json", s["SITENAME"], prefix)
    names = s.get("PORTAL_SECTION_NAMES", {})
    by_section: dict[str, list] = {}
    for a in articles:
        by_section.setdefault(a.category.slug, []).append(a)
    for slug, items in by_section.items():
        write_feed(items[:FEED_ITEMS], f"{prefix.lstrip('/')}feeds/{slug}.json",
                   f"{s['SITENAME']} - {names.get(slug, slug)}", f"{prefix}{slug}/")
    radio = [a for a in by_section.get(outreach.RADIO_CATEGORY, []) if a.metadata.get("radio")]
    if radio and s.get("PORTAL_LANG") == s.get("PORTAL_DEFAULT_LANG"):
        from portal_theme import tag_uri  # the Atom entries' ids: one id per episode, whatever feed carries it

        title = f"{names.get(outreach.RADIO_CATEGORY, outreach.RADIO_CATEGORY)} - {s['SITENAME']}"
        media.cover_image(Path(s["PATH"]).parents[2], Path(pelican.output_path) / PODCAST_COVER,
                          s["SITENAME"], names.get(outreach.RADIO_CATEGORY, ""))
        xml = syndication.podcast(radio, s, "/" + PODCAST, "/" + PODCAST_COVER, title, tag_uri)
        _write(os.path.join(pelican.output_path, PODCAST), xml)
    feed_url = f"{site['url']}{prefix}feeds/all.json"
    for item in [*articles, *_state["pages"]]:
        # what the change list says of a post: kept with its page's key, made again only when that changed
        name = f"changes:{item.save_as or item.source_path}"
        key = incremental.page_key(run_key, item) if run_key else None
        record = incremental.recall(name, key)
        if not (isinstance(record, dict) and all(isinstance(record.get(f), str) for f in _RECORD)):
            made = entry(item)
            record = {"id": made["id"], "url": made["url"], "title": made["title"],
                      "version": syndication.item_version(made)}
        incremental.remember(name, key, record)
        at = record["id"] if record["id"] not in changes.ITEMS else record["url"]
        changes.ITEMS[at] = {"url": record["url"], "title": record["title"], "language": s["PORTAL_LANG"],
                             "version": record["version"], "feed": feed_url}


def register() -> None:
    signals.article_generator_finalized.connect(has_podcast)
    signals.generator_init.connect(context)
    signals.all_generators_finalized.connect(collect)
    signals.finalized.connect(write)
