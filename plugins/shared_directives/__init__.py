"""Pelican plugin: the provincial portal's shared directives on every portal of their audience.

The directives are read and rendered once per build (:data:`portal.model.catalogue.SHARED`);
each site's run adds those of its audience to its articles before categories, tags,
feeds and the home page are made, at ``/chi-dao-dieu-hanh/<slug>/``. Outside the
provincial portal each copy carries a canonical link and a source line to the
provincial portal's copy.
"""

from __future__ import annotations

from pelican import signals
from pelican.contents import Article
from pelican.utils import order_content

from portal.model import catalogue
from portal.stages.render.metadata import directive_canonical, is_published, pelican_metadata


def add_directives(generator) -> None:
    settings = generator.settings
    site_id = settings.get("PORTAL_SITE_ID")
    if site_id is None:
        return
    home = settings["PORTAL_HOME"]
    prefix = settings["PORTAL_LANG_PREFIX"]
    added = []
    shared_index = settings.get("PORTAL_SHARED_INDEX_OK", False)
    for post in catalogue.SHARED:
        if site_id not in catalogue.AUDIENCES.get(post.rel, ()) or not is_published(post, settings):
            continue
        meta = pelican_metadata(post, settings)
        meta["shared"] = True
        meta["source_site"] = home["id"]
        # an imported directive names its source as canonical (portal import-feed, issue 16.6)
        meta["canonical"] = directive_canonical(post, home["url"], prefix)
        meta["portal_audience"] = post.meta.get("audience") if isinstance(post.meta.get("audience"), list) else None
        meta["search_shared"] = shared_index and post.rel in catalogue.FOR_ALL
        article = Article(post.html, metadata=meta, settings=settings,
                          source_path=str(post.path), context=generator.context)
        added.append(article)
    generator.context["PORTAL_SHARED_INDEX"] = any(a.metadata["search_shared"] for a in added)
    if added:
        generator.articles = order_content(generator.articles + added, settings["ARTICLE_ORDER_BY"])


def register() -> None:
    signals.article_generator_pretaxonomy.connect(add_directives)
