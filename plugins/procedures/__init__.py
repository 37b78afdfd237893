"""Pelican plugin: administrative procedures — their data on each page, the table and its filter pages.

Each procedure (``post.procedure``, :mod:`portal.model.procedures`) gets
``article.metadata["procedure"]`` (:func:`portal.stages.render.legal.procedure_view`), with the
address of its record on the National Public Service Portal. ``/thu-tuc-hanh-chinh/`` is a table
(code, name, level, time limit, fee) sorted by name, with static filter pages
``linh-vuc/<field>/``, ``cap/<level>/``, ``co-quan/<agency>/`` (no JavaScript), in the site's
default language.
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from portal.model import catalogue
from portal.model import procedures as model
from portal.model.text import fold
from portal.stages.render import legal, listings

SECTION = model.CATEGORY
SEGMENTS = {v: k for k, v in model.FACETS.items()}


def annotate(generator) -> None:
    network = catalogue.NETWORK
    if generator.settings.get("PORTAL_SITE_ID") is None or network is None:
        return
    for article in generator.articles:
        if getattr(article.category, "slug", "") != SECTION:
            continue
        post = catalogue.CURRENT.get(article.source_path)
        if post is not None and post.procedure is not None:
            article.metadata["procedure"] = legal.procedure_view(post, network, generator.settings["PORTAL_LANG"])
            article.procedure = article.metadata["procedure"]


class ProcedurePages(Generator):
    def generate_output(self, writer) -> None:
        s = self.settings
        if not s.get("PORTAL_SITE") or s.get("DEFAULT_LANG") != s.get("PORTAL_DEFAULT_LANG") or SECTION not in s.get("PORTAL_SECTION_NAMES", {}):
            return
        articles = [a for a in self.context.get("articles", []) if a.category.slug == SECTION and "procedure" in a.metadata]
        articles.sort(key=lambda a: fold(str(a.title)).lower())
        pages, facets = listings.plan(SECTION, [(a, a.metadata["procedure"]) for a in articles], SEGMENTS)
        options = {facet: facets.options(facet) for facet in SEGMENTS}
        template = self.get_template("procedures")
        for listing in pages:
            writer.write_file(f"{listing.path}index.html", template, self.context, relative_urls=False,
                              paginated={"articles": [a for a, _v in listing.items]}, template_name="category",
                              url=listing.path, override_output=listing.facet == "", listing=listing, facets=options,
                              segments=SEGMENTS, category={"slug": SECTION, "name": s["PORTAL_SECTION_NAMES"][SECTION]})


def get_generators(pelican_object):
    return ProcedurePages


def register() -> None:
    signals.article_generator_finalized.connect(annotate)
    signals.get_generators.connect(get_generators)
