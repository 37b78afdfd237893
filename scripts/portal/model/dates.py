"""Dates as editors write them in front matter: ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``, in the network's zone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from portal.model.messages import _

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2})[:h](\d{2}))?$")


def parse_date(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    """A front-matter date (``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``) in the network's zone."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=tz)
        except ValueError:
            return None
    return None


def date_hint(value: Any) -> str:
    """How to write *value* as a date: ``31/12/2026`` → ``viết 2026-12-31``, else the pattern."""
    if isinstance(value, str):
        m = _DMY.match(value.strip())
        if m:
            d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
            if 1 <= d <= 31 and 1 <= mo <= 12:
                iso = f"{y}-{mo:02d}-{d:02d}" + (f" {int(m.group(4)):02d}:{m.group(5)}" if m.group(4) else "")
                return _("write {iso} (year-month-day)", iso=iso)
    return _("write YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2026-12-31")


def end_of_day(value: dt.datetime) -> dt.datetime:
    """An ``expires`` date without a time means through the end of that day."""
    if value.hour == 0 and value.minute == 0:
        return value + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return value
