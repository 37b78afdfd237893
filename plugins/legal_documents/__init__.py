"""Pelican plugin: legal documents — the detail pages' data, the /van-ban/ table, its filter pages, open data.

- Each document (a post with ``post.document``, see :mod:`portal.model.documents`) gets its view
  in ``article.metadata["document"]`` (:func:`portal.stages.render.legal.document_view`): the
  computed status, relations both ways, attachments, JSON-LD, facets and the index-only search
  text. Computed at build time from :data:`portal.model.catalogue.DOCUMENTS` (the whole network).
- ``/van-ban/`` is a table of the site's documents sorted by date issued (newest first),
  paginated like every list; ``/van-ban/loai/<type>/``, ``co-quan/<issuer>/``,
  ``linh-vuc/<field>/``, ``nam/<year>/``, ``hieu-luc/<status>/`` list those of one value, as plain
  pages (no JavaScript). Written in the site's default language.
- ``/van-ban/index.json`` and ``/van-ban/index.csv``: the same table as open data.
"""

from __future__ import annotations

import os

from pelican import signals
from pelican.generators import Generator

from portal.model import catalogue
from portal.model import documents as docs_model
from portal.stages.render import legal, listings

SECTION = docs_model.CATEGORY


def _today(settings):
    return settings["PORTAL_NOW"].date()


def annotate(generator) -> None:
    """Give each document of this run its view (part of its page's key)."""
    settings = generator.settings
    site_id = settings.get("PORTAL_SITE_ID")
    network = catalogue.NETWORK
    if site_id is None or network is None:
        return
    site = network.site(site_id)
    shared = {str(p.path): p for p in catalogue.SHARED}  # once a run: a look-up per copy was a scan of them all
    for article in generator.articles:
        post = catalogue.CURRENT.get(article.source_path) or shared.get(article.source_path)
        if post is None or post.document is None or not post.document.number:
            continue
        view = legal.document_view(post, network, site, catalogue.DOCUMENTS, _today(settings), settings["PORTAL_LANG"])
        article.metadata["document"] = view
        article.document = view


def issued_order(item) -> tuple:
    view = item.metadata["document"]
    return (view["issued"] or item.date.date(), item.date, view["number"])


class DocumentPages(Generator):
    """The table of documents, its filter pages and its open data (default language only)."""

    def generate_output(self, writer) -> None:
        s = self.settings
        site = s.get("PORTAL_SITE")
        if not site or s.get("DEFAULT_LANG") != s.get("PORTAL_DEFAULT_LANG") or SECTION not in s.get("PORTAL_SECTION_NAMES", {}):
            return
        articles = [a for a in self.context.get("articles", []) if a.category.slug == SECTION and "document" in a.metadata]
        articles.sort(key=issued_order, reverse=True)
        pairs = [(a, a.metadata["document"]) for a in articles]
        pages, facets = listings.plan(SECTION, pairs, legal.DOCUMENT_FACETS)
        template = self.get_template("documents")
        statuses = [v["slug"] for v in catalogue.NETWORK.legal.statuses.values()] if catalogue.NETWORK else []
        options = {
            "doc_type": facets.options("doc_type"), "issuer": facets.options("issuer"), "field": facets.options("field"),
            "year": facets.options("year", order=lambda y: -int(y)),
            "status": facets.options("status", order=lambda slug: statuses.index(slug) if slug in statuses else 99),
        }
        for listing in pages:
            writer.write_file(f"{listing.path}index.html", template, self.context, relative_urls=False,
                              paginated={"articles": [a for a, _view in listing.items]}, template_name="category",
                              url=listing.path, override_output=listing.facet == "",
                              listing=listing, facets=options, segments=legal.DOCUMENT_FACETS,
                              category={"slug": SECTION, "name": s["PORTAL_SECTION_NAMES"][SECTION]})
        rows = legal.export_rows(pairs, site["url"])
        out = os.path.join(self.output_path, SECTION)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "index.json"), "w", encoding="utf-8") as f:
            f.write(legal.export_json(rows, site["id"]))
        with open(os.path.join(out, "index.csv"), "w", encoding="utf-8", newline="") as f:
            f.write(legal.export_csv(rows))


def get_generators(pelican_object):
    return DocumentPages


def register() -> None:
    signals.article_generator_finalized.connect(annotate)
    signals.get_generators.connect(get_generators)
