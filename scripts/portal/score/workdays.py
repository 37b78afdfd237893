"""Working days in Vietnam: Monday to Friday, less the public holidays (``holidays``' Vietnam calendar).

The government's yearly announced days off can be added with *extra_days_off*; the interaction
service (issue 15) adds a per-year override list in sites.yaml, which this will read then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: dt.date, extra_days_off: Iterable[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year) and day not in set(extra_days_off)


def add_working_days(start: dt.date, n: int, extra_days_off: Iterable[dt.date] = ()) -> dt.date:
    """The day *n* working days after *start* (``n = 0``: *start* itself).

    >>> add_working_days(dt.date(2026, 4, 24), 3)   # a Friday; 27 and 30 April, 1 May are days off
    datetime.date(2026, 5, 4)
    """
    extra = set(extra_days_off)
    day = start
    left = n
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra):
            left -= 1
    return day
