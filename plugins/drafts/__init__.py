"""Pelican plugin: drafts for comment — each draft's period and state, and the home page's "Open for comment" block.

Each draft (``post.draft``, :mod:`portal.model.drafts`) gets ``article.metadata["draft"]``
(:func:`portal.stages.render.legal.draft_view`): upcoming, open with the days left, then
compiling, report published or adopted (with a link to the document it became). The home
page lists the drafts open for comment (``open_drafts``), soonest closing first, while there
are any. A draft is never unpublished: the scheduled build moves its state along.
"""

from __future__ import annotations

from pelican import signals

from portal.model import catalogue
from portal.model import drafts as drafts_model
from portal.stages.render import legal


def annotate(generator) -> None:
    settings = generator.settings
    site_id = settings.get("PORTAL_SITE_ID")
    network = catalogue.NETWORK
    if site_id is None or network is None:
        return
    site = network.site(site_id)
    today = settings["PORTAL_NOW"].date()
    open_drafts = []
    for article in generator.articles:
        if getattr(article.category, "slug", "") != drafts_model.CATEGORY:
            continue
        post = catalogue.CURRENT.get(article.source_path)
        if post is None or post.draft is None:
            continue
        view = legal.draft_view(post, network, site, catalogue.DOCUMENTS, today, settings["PORTAL_LANG"])
        article.metadata["draft"] = view
        article.draft = view
        if view["open"]:
            open_drafts.append(article)
    open_drafts.sort(key=lambda a: (a.metadata["draft"]["until"] or today, a.title))
    generator.context["open_drafts"] = open_drafts


def register() -> None:
    signals.article_generator_finalized.connect(annotate)
