"""Monthly figures per portal, without personal data: ``data/interaction/<site>/<YYYY-MM>.json``.

The build reads them for each portal's statistics page; the monthly scoring (issue 17) reads
them too. Schema (``schema: 1``; README, "The interaction service")::

    {"schema": 1, "site": "tien-du", "month": "2026-11",
     "questions": {"received": 12, "answered": 10, "answered_on_time": 9, "overdue": 1, "open": 3,
                   "average_days": 6.2, "forwarded_out": 1, "duplicates": 0, "rejected": 0},
     "ratings": {"count": 40, "average": 4.1, "distribution": {"1": 1, …, "5": 20},
                 "by_section": {"tin-tuc": {"count": 30, "average": 4.2, "distribution": {…}}, …}},
     "survey": {"responses": 5, "questions": {"update_frequency": {"count": 5, "average": 3.8}, …}},
     "drafts": [{"draft": "slug", "title": "…", "comments": 3, "approved": 2, "rejected": 1}]}

Definitions: *received* — questions whose (confirmed) receipt date is in the month, counted
for the board that must answer them; *answered* — questions approved in the month;
*answered_on_time* — of those, approved on or before their deadline; *average_days* —
working days from receipt to approval of those answered; *overdue* — questions still
unanswered at the end of the month (or now, for the current month) whose deadline has
passed; *open* — questions still unanswered then. Ratings and survey responses are those
given in the month. The files are written only when their content changes (no timestamps),
so an unchanged month does not rebuild the site.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.model.sites import Network
from portal.model.workdays import WorkingCalendar
from portal.service.models import SURVEY_QUESTIONS, Comment, Question, Rating, SurveyResponse

SCHEMA = 1
EXPORT_DIR = Path("data") / "interaction"


def month_bounds(month: str, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """``2026-11`` → [1 Nov 00:00, 1 Dec 00:00) in the network's zone. Raises ValueError."""
    start_day = dt.date.fromisoformat(f"{month}-01")
    end_day = (start_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (dt.datetime.combine(start_day, dt.time(), tz), dt.datetime.combine(end_day, dt.time(), tz))


def _scores(values: list[int]) -> dict:
    dist = {str(i): 0 for i in range(1, 6)}
    for v in values:
        dist[str(v)] += 1
    return {"count": len(values), "average": round(sum(values) / len(values), 2) if values else None,
            "distribution": dist}


def figures(db: Session, network: Network, site: str, month: str, now: dt.datetime) -> dict:
    """The month's figures of *site* (see the module's schema)."""
    tz = ZoneInfo(network.timezone)
    cal = WorkingCalendar(network)
    start, end = month_bounds(month, tz)
    cut = min(end, now)  # the state "at the end of the month", or now for the current month
    cut_day = (cut - dt.timedelta(microseconds=1)).astimezone(tz).date()

    qs = list(db.scalars(select(Question).where(Question.site == site, Question.state != "unconfirmed")))
    received = [q for q in qs if start <= q.received_at < end]
    answered = [q for q in qs if q.approved_at is not None and start <= q.approved_at < end]
    on_time = [q for q in answered if q.due is None or q.approved_at.astimezone(tz).date() <= q.due]
    days = [cal.working_days_between(q.received_at.astimezone(tz).date(), q.approved_at.astimezone(tz).date())
            for q in answered]
    still_open = [q for q in qs if q.received_at < cut and q.state not in ("duplicate", "rejected")
                  and (q.approved_at is None or q.approved_at >= cut)]
    overdue = [q for q in still_open if q.due is not None and q.due < cut_day]
    forwarded = db.scalars(select(Question).where(Question.forwarded_from == site,
                                                  Question.forwarded_at >= start, Question.forwarded_at < end)).all()

    ratings = list(db.scalars(select(Rating).where(Rating.site == site, Rating.created_at >= start,
                                                   Rating.created_at < end)))
    by_section: dict[str, list[int]] = defaultdict(list)
    for r in ratings:
        by_section[r.section or "-"].append(r.score)
    survey = list(db.scalars(select(SurveyResponse).where(SurveyResponse.site == site,
                                                          SurveyResponse.created_at >= start,
                                                          SurveyResponse.created_at < end)))
    comments = list(db.scalars(select(Comment).where(Comment.site == site, Comment.state != "unconfirmed",
                                                     Comment.received_at >= start, Comment.received_at < end)))
    drafts: dict[str, dict] = {}
    for c in comments:
        d = drafts.setdefault(c.draft, {"draft": c.draft, "title": c.draft_title, "comments": 0, "approved": 0,
                                        "rejected": 0})
        d["comments"] += 1
        if c.state in ("approved", "published"):
            d["approved"] += 1
        elif c.state == "rejected":
            d["rejected"] += 1
    return {
        "schema": SCHEMA, "site": site, "month": month,
        "questions": {
            "received": len(received), "answered": len(answered), "answered_on_time": len(on_time),
            "overdue": len(overdue), "open": len(still_open),
            "average_days": round(sum(days) / len(days), 1) if days else None,
            "forwarded_out": len(forwarded),
            "duplicates": sum(1 for q in received if q.state == "duplicate"),
            "rejected": sum(1 for q in received if q.state == "rejected"),
        },
        "ratings": {**_scores([r.score for r in ratings]),
                    "by_section": {k: _scores(v) for k, v in sorted(by_section.items())}},
        "survey": {"responses": len(survey), "questions": {
            key: {"count": len(vals), "average": round(sum(vals) / len(vals), 2) if vals else None}
            for key in SURVEY_QUESTIONS
            for vals in [[getattr(s, key) for s in survey if getattr(s, key) is not None]]}},
        "drafts": [drafts[k] for k in sorted(drafts)],
    }


def export_month(db: Session, network: Network, month: str, now: dt.datetime, root: Path | None = None,
                 sites: list[str] | None = None) -> list[Path]:
    """Write every site's (or *sites*') figures for *month*; return the files that changed."""
    base = (root or network.root) / EXPORT_DIR
    changed = []
    for site in sites or network.ids:
        text = json.dumps(figures(db, network, site, month, now), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        path = base / site / f"{month}.json"
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        changed.append(path)
    return changed
