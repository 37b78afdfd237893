"""Drafts for comment (``category: du-thao``): the comment period, who drafts it, and what became of it.

Front matter (DESIGN.md, "Content")::

    comment_from: 2026-10-20
    comment_until: 2026-12-20       # at least documents.comment_days (default 30) after comment_from
    drafting_agency: Sở Khoa học và Công nghệ
    attachments:                    # at least one: the draft; also its submission, impact report…
      - {path: files/du-thao/du-thao-nghi-quyet.pdf, role: draft}
    report: files/du-thao/bao-cao-tiep-thu.pdf    # later: the report on the comments received
    adopted_as: 45/2026/NQ-HĐND                   # later: the document it became (anywhere in the network)

Its state (:func:`state`) is computed at build time: upcoming, open (with the days left),
closed — compiling the comments, report published, or adopted. A draft is never unpublished:
``expires`` is refused (:mod:`portal.model.content`); the scheduled build moves it along.
The legal minimum period comes from the Law on Promulgation of Legal Documents; the province
sets its own in sites.yaml (``documents.comment_days``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from portal.model.dates import parse_date
from portal.model.documents import NUMBER_RE
from portal.model.errors import Problem
from portal.model.links import short
from portal.model.messages import _
from portal.model.vocabulary import Legal

CATEGORY = "du-thao"
KEYS = {"comment_from", "comment_until", "drafting_agency", "attachments", "report", "adopted_as"}
REQUIRED = ("comment_from", "comment_until", "drafting_agency", "attachments")
#: state → the key of its label in the theme (portal.stages.render.listings)
STATES = ("upcoming", "open", "compiling", "reported", "adopted")


@dataclass
class Draft:
    """A draft's keys, read and checked."""

    comment_from: dt.date | None
    comment_until: dt.date | None
    agency: str
    report: str = ""          # the report's file (resolved to /files/… by the catalogue)
    adopted_as: str = ""      # a document number


@dataclass(frozen=True)
class State:
    """Where a draft is on *today*: ``key`` of :data:`STATES`, ``days_left`` while open (0 on the last day)."""

    key: str
    days_left: int = 0

    @property
    def is_open(self) -> bool:
        return self.key == "open"

    @property
    def closed(self) -> bool:
        return self.key in ("compiling", "reported", "adopted")


def _date(meta: dict[str, Any], key: str) -> dt.date | None:
    value = parse_date(meta.get(key), dt.UTC)
    return value.date() if value is not None else None


def read(meta: dict[str, Any], line: Any, legal: Legal, rel: str) -> tuple[Draft, list[Problem]]:
    """The :class:`Draft` of a post's front matter, and its problems (``rel:line``, with the fix)."""
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem(rel, line(key) if key in meta else 1, message))

    for key in REQUIRED:
        if meta.get(key) in (None, "", []):
            add(key, _("{key} is missing — a draft for comment needs {key}: {example}", key=key, example=_EXAMPLES[key]))
    start, until = _date(meta, "comment_from"), _date(meta, "comment_until")
    minimum = int(legal.setting("comment_days"))
    if start and until:
        if until < start:
            add("comment_until", _("comment_until ({until}) is before comment_from ({start}) — check the dates",
                                   until=until.isoformat(), start=start.isoformat()))
        elif (until - start).days + 1 < minimum:
            add("comment_until", _("the comment period is {days} days, shorter than the {minimum} days the law asks — set comment_until to {date} or later",
                                   days=(until - start).days + 1, minimum=minimum,
                                   date=(start + dt.timedelta(days=minimum - 1)).isoformat()))
    agency = meta.get("drafting_agency")
    if agency is not None and not isinstance(agency, str):
        add("drafting_agency", _("drafting_agency must be text — the agency that drafts it, e.g. drafting_agency: Sở Tư pháp"))
        agency = ""
    report = meta.get("report")
    if report is not None and not isinstance(report, str):
        add("report", _("report must be the report's file — write report: files/du-thao/bao-cao-tiep-thu.pdf"))
        report = ""
    adopted = meta.get("adopted_as")
    if adopted is not None and (not isinstance(adopted, str) or NUMBER_RE.match(adopted.strip()) is None):
        add("adopted_as", _("adopted_as must be the number of the document the draft became — e.g. adopted_as: 45/2026/NQ-HĐND"))
        adopted = ""
    if (report or adopted) and until is None:
        pass  # reported with the missing date above
    return Draft(start, until, (agency or "").strip(), (report or "").strip(), (adopted or "").strip()), problems


_EXAMPLES = {"comment_from": "2026-10-20", "comment_until": "2026-12-20", "drafting_agency": "Sở Tư pháp",
             "attachments": "[{path: files/du-thao/du-thao.pdf, role: draft}]"}


def state(draft: Draft, today: dt.date, *, adopted: bool = False) -> State:
    """The draft's state on *today*: upcoming, open (days left), then compiling, reported or adopted.

    *adopted*: its ``adopted_as`` names a document of the network (the catalogue resolves it).
    """
    if draft.comment_from and today < draft.comment_from:
        return State("upcoming")
    if draft.comment_until is None or today <= draft.comment_until:
        return State("open", (draft.comment_until - today).days if draft.comment_until else 0)
    if adopted:
        return State("adopted")
    if draft.report:
        return State("reported")
    return State("compiling")


def changes(draft: Draft) -> list[dt.date]:
    """The days on which a draft's state changes by itself (it opens, it closes)."""
    days = [draft.comment_from, draft.comment_until + dt.timedelta(days=1) if draft.comment_until else None]
    return sorted(d for d in days if d)


def shown(value: str) -> str:
    return short(value, 60)
