"""Pelican plugin: the static side of the interaction service (issue 15).

- ``/hoi-dap/gui-cau-hoi/`` (ask a question or send feedback), ``/hoi-dap/tra-cuu/`` (status by
  tracking code), ``/hoi-dap/khao-sat/`` (the site survey) and ``/hoi-dap/thong-ke/`` (monthly
  figures, read from ``data/interaction/<site>/<YYYY-MM>.json`` written by
  ``portal service export``) in the site's default language. Forms post to the service on the
  same origin (``/api/…``) and work without JavaScript.
- On every article, the rating block (the template's ``partials/interaction.html``).
- On each draft for comment (category ``du-thao``): its comment period and state from the drafts
  model (:mod:`portal.model.drafts`), the comment form while it is open, the
  approved comments (``data/interaction/<site>/gop-y/<draft>/*.json``, committed by the service
  on the board's branch) and, once closed, their count and the board's ``report``.
"""

from __future__ import annotations

import json
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from portal.model import catalogue, drafts

#: the pages this plugin writes, under the site's default language
PAGES = {
    "hoi-dap/gui-cau-hoi/index.html": "interaction/ask.html",
    "hoi-dap/tra-cuu/index.html": "interaction/lookup.html",
    "hoi-dap/khao-sat/index.html": "interaction/survey.html",
    "hoi-dap/thong-ke/index.html": "interaction/stats.html",
}
SURVEY = {
    "update_frequency": "Mức độ cập nhật thông tin thường xuyên",
    "ease_of_finding": "Mức độ dễ tìm kiếm thông tin",
    "speed": "Tốc độ tải trang",
    "layout": "Bố cục, trình bày dễ theo dõi",
    "support": "Sự hỗ trợ, giải đáp của cơ quan",
}


def _data_dir(settings: dict) -> Path:
    # PATH is content/sites/<id>; the project root is three levels up
    return Path(settings["PATH"]).parents[2] / "data" / "interaction" / settings.get("PORTAL_SITE_ID", "")


def monthly_figures(settings: dict) -> list[dict]:
    """The exported months of this site, newest first (files that do not parse are skipped)."""
    months = []
    for path in sorted(_data_dir(settings).glob("*.json"), reverse=True):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == 1:
            months.append(data)
    return months


def draft_comments(settings: dict, slug: str) -> list[dict]:
    """The approved comments of one draft, oldest first."""
    items = []
    for path in sorted((_data_dir(settings) / "gop-y" / slug).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            items.append({k: str(data.get(k) or "") for k in ("code", "part", "received", "approved", "author", "text")})
    return sorted(items, key=lambda c: (c["approved"], c["code"]))


def annotate_drafts(generator) -> None:
    """Give each draft for comment its period, state and approved comments (part of the page's key).

    The period and state come from the drafts model (:mod:`portal.model.drafts`, read by the
    catalogue into ``post.draft``): ``not_yet`` before the period, ``open`` within it, ``closed``
    after it (compiling, report published or adopted); ``report`` is the resolved address of the
    report on the comments.
    """
    settings = generator.settings
    now = settings.get("PORTAL_NOW")
    for article in generator.articles:
        if getattr(article.category, "slug", "") != drafts.CATEGORY:
            continue
        post = catalogue.CURRENT.get(article.source_path)
        draft = post.draft if post is not None else None
        state = "none"
        if draft is not None and now is not None and draft.comment_until is not None:
            key = drafts.state(draft, now.date()).key
            state = {"upcoming": "not_yet", "open": "open"}.get(key, "closed")
        comments = draft_comments(settings, article.slug)
        article.metadata["interaction"] = {
            "state": state, "from": draft.comment_from.isoformat() if draft and draft.comment_from else "",
            "until": draft.comment_until.isoformat() if draft and draft.comment_until else "",
            "agency": draft.agency if draft else "", "report": draft.report if draft else "",
            "comments": comments,
        }
        article.interaction = article.metadata["interaction"]


class InteractionPages(Generator):
    """Writes the interaction pages of a site, in its default language only."""

    def generate_output(self, writer) -> None:
        s = self.settings
        if s.get("DEFAULT_LANG") != s.get("PORTAL_DEFAULT_LANG", s.get("DEFAULT_LANG")) or not s.get("PORTAL_SITE_ID"):
            return
        extra = {"interaction_months": monthly_figures(s), "interaction_survey": SURVEY,
                 "interaction_sites": [{"id": x["id"], "names": x["names"]} for x in s.get("PORTAL_NETWORK", [])]}
        for save_as, template in PAGES.items():
            writer.write_file(save_as, self.get_template(template[:-5]), {**self.context, **extra},
                              relative_urls=False, url=save_as.removesuffix("index.html"))


def get_generators(pelican_object):
    return InteractionPages


def register() -> None:
    signals.article_generator_finalized.connect(annotate_drafts)
    signals.get_generators.connect(get_generators)
