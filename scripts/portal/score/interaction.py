"""The interaction service's monthly export (issue 15), as the scoring reads it.

``portal service export --month YYYY-MM`` writes ``data/interaction/<site>/<YYYY-MM>.json`` (no
personal data; its schema is the service's, README "The monthly export", ``schema: 1``). The scoring
reads these fields of it, and nothing else::

    {"schema": 1, "site": "xa-mot", "month": "2026-11",
     "questions": {"received": 12, "answered": 10, "answered_on_time": 9, "overdue": 2, "average_days": 4.5, …},
     "ratings": {"count": 37, "average": 4.2, …},
     "drafts": [{"draft": "du-thao-quy-hoach", "comments": 14, …}]}

``questions``: ``answered`` in the month, ``answered_on_time`` of them by their deadline, ``overdue``
still unanswered past it at the month's end (so questions on time score ``answered_on_time /
(answered + overdue)``). ``ratings``: the month's satisfaction ratings, 1 to 5. ``drafts``: the
comments received per draft (by its slug), shown beside the drafts criterion, which is read from
the drafts themselves.

A site without the file is "not measured": the report says so, and its total is computed over the
criteria that were measured (never a silent zero). A file that cannot be read is an error naming it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.model.errors import PortalError, Problem
from portal.model.messages import _
from portal.score.months import Month

DATA_DIR = Path("data") / "interaction"


@dataclass(frozen=True)
class Export:
    """The fields of one site's export that the scoring uses."""

    path: str
    received: int
    answered: int
    answered_on_time: int
    overdue: int
    average_days: float | None
    drafts: list[dict[str, Any]]
    ratings_count: int
    ratings_average: float | None


def path_of(root: Path | str, site: str, month: Month) -> Path:
    return Path(root) / DATA_DIR / site / f"{month}.json"


def _int(data: dict, key: str, rel: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PortalError([Problem(rel, None, _("'{key}' must be a whole number ≥ 0, not {value} — export the month again "
                                                "(portal service export)", key=key, value=json.dumps(value)))])
    return value


def load(root: Path | str, site: str, month: Month) -> Export | None:
    """The export of *site* for *month*, or None when there is none (not measured)."""
    path = path_of(root, site, month)
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise PortalError([Problem(rel, None, _("cannot be read as JSON ({error}) — export the month again (portal service export)",
                                                error=str(exc)))]) from None
    if not isinstance(data, dict):
        raise PortalError([Problem(rel, None, _("must be a JSON object — export the month again (portal service export)"))])
    q = data.get("questions") or {}
    r = data.get("ratings") or {}
    if data.get("schema", 1) != 1:
        raise PortalError([Problem(rel, None, _("schema {schema} is not known — this portal reads schema 1 (portal service export)",
                                                schema=json.dumps(data.get("schema"))))])
    drafts = [d for d in data.get("drafts") or [] if isinstance(d, dict)]
    avg = r.get("average")
    return Export(path=rel, received=_int(q, "received", rel), answered=_int(q, "answered", rel),
                  answered_on_time=_int(q, "answered_on_time", rel), overdue=_int(q, "overdue", rel),
                  average_days=float(q["average_days"]) if isinstance(q.get("average_days"), (int, float)) else None,
                  drafts=drafts, ratings_count=_int(r, "count", rel),
                  ratings_average=float(avg) if isinstance(avg, (int, float)) and not isinstance(avg, bool) else None)
