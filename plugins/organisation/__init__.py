"""Pelican plugin: the organisation page from ``to-chuc.yaml`` (units, officials, contacts), in Vietnamese and English.

The data (:mod:`portal.model.organisation`, read by the catalogue into
:data:`portal.model.catalogue.ORGANISATION`) fills the page ``/co-cau-to-chuc/`` of each language
the site publishes it in: the site's default language, and English where the site has it
(Decree 42/2022 art. 7.2: organisation and contacts in English). A written page
``pages/co-cau-to-chuc[.en].md`` gives the title and an introduction; without one the page is
made from the data alone. Positions are shown translated (vocabulary ``positions``).
"""

from __future__ import annotations

from pelican import signals
from pelican.contents import Page

from portal.model import catalogue, organisation


def add_organisation(generator) -> None:
    settings = generator.settings
    org = catalogue.ORGANISATION
    if org is None or settings.get("PORTAL_SITE_ID") is None:
        return
    lang = settings["PORTAL_LANG"]
    view = org.view(lang)
    page = next((p for p in generator.pages if p.slug == organisation.PAGE_SLUG), None)
    if page is None and lang not in organisation.languages(settings["PORTAL_SITE"]["languages"]):
        return
    if page is None:
        base = organisation.page_base(settings["PATH"])
        meta = {"title": organisation.PAGE_TITLES.get(lang, organisation.PAGE_TITLES["en"]), "slug": organisation.PAGE_SLUG,
                "lang": lang, "status": "published", "portal_base": base}
        if catalogue.ALTERNATES.get(base):
            meta["alternates"] = catalogue.ALTERNATES[base]
        page = Page("", metadata=meta, settings=settings, source_path=f"{settings['PATH']}/{organisation.FILE}#{lang}",
                    context=generator.context)
        generator.pages.append(page)
    page.metadata["organisation"] = view
    page.organisation = view


def register() -> None:
    signals.page_generator_finalized.connect(add_organisation)
