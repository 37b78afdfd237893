"""Pelican plugin: ``sitemap.xml`` per language tree and ``robots.txt`` at the site root.

Every value is XML-escaped; ``<lastmod>`` is the date the page shows (its "Updated" date when it
shows one). A shared directive is listed only by the provincial portal (its canonical copy).
"""

from __future__ import annotations

import os
from xml.sax.saxutils import escape

from pelican import signals

_items: list = []


def reset(pelican) -> None:
    _items.clear()


def collect(generators) -> None:
    _items.clear()
    for gen in generators:
        _items.extend(getattr(gen, "articles", []))
        _items.extend(getattr(gen, "pages", []))


def write(pelican) -> None:
    settings = pelican.settings
    site = settings.get("PORTAL_SITE")
    if not site:
        return
    base = site["url"]
    prefix = settings["PORTAL_LANG_PREFIX"]
    tags = settings["PORTAL_LANG_TAGS"]

    def links(alternates: dict[str, str]) -> str:
        if len(alternates) < 2:
            return ""
        return "".join(
            f'<xhtml:link rel="alternate" hreflang="{tags[lang]}" href="{escape(base + "/" + url)}"/>'
            for lang, url in sorted(alternates.items())
        )

    homes = {lang: ("" if lang == site["default_language"] else f"{lang}/") for lang in site["languages"]}
    rows = [f"<url><loc>{escape(base + prefix)}</loc>{links(homes)}</url>"]
    for item in _items:
        if getattr(item, "shared", False) and item.metadata.get("source_site") != site["id"]:
            continue  # the provincial portal's copy is the one to index
        # the date the page shows: "Updated" when it shows one (metadata 'modified', see
        # portal.stages.render.metadata), else its date (issue 13.5)
        date = getattr(item, "modified", None) or getattr(item, "date", None)
        lastmod = f"<lastmod>{date.date().isoformat()}</lastmod>" if date and date.year < 9000 else ""
        alternates = item.metadata.get("alternates") or {}
        rows.append(f"<url><loc>{escape(base + '/' + item.url)}</loc>{lastmod}{links(alternates)}</url>")
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
           + "\n".join(rows) + "\n</urlset>\n")
    out = os.path.join(pelican.output_path, prefix.lstrip("/"))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sitemap.xml"), "w", encoding="utf-8") as f:
        f.write(xml)
    if prefix == "/":
        sitemaps = [f"Sitemap: {base}/sitemap.xml"] + [
            f"Sitemap: {base}/{lang}/sitemap.xml" for lang in site["languages"][1:]
        ]
        with open(os.path.join(pelican.output_path, "robots.txt"), "w", encoding="utf-8") as f:
            f.write("User-agent: *\nAllow: /\nDisallow: /404.html\n" + "\n".join(sitemaps) + "\n")


def register() -> None:
    signals.initialized.connect(reset)
    signals.all_generators_finalized.connect(collect)
    signals.finalized.connect(write)
