"""Working days: deadlines for answers, days taken, on time or late (the interaction service, the monthly scoring).

A working day is Monday to Friday that is not a public holiday of Vietnam (the ``holidays``
library's ``VN`` calendar, with its substituted days off) and not one of the government's
announced days off in ``sites.yaml`` (``network.days_off``); a Saturday or Sunday listed in
``network.make_up_days`` is a working day. A question received on day D counts from the next
working day: its deadline is the N-th working day after D (N = the site's ``answer_days``,
default 10, per the province's rules implementing Decree 42/2022 art. 8).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from portal.model.sites import Network

#: a question is "due soon" when its deadline is at most this many working days away
DUE_SOON_DAYS = 2


class WorkingCalendar:
    """The network's working days. Dates are calendar dates in the network's time zone."""

    def __init__(self, network: Network):
        self.network = network
        self.tz = ZoneInfo(network.timezone)
        self._years: set[int] = set()

    @cached_property
    def _public(self) -> holidays.HolidayBase:
        return holidays.country_holidays("VN")

    @cached_property
    def _off(self) -> set[dt.date]:
        return {d for days in self.network.days_off.values() for d in days}

    @cached_property
    def _on(self) -> set[dt.date]:
        return {d for days in self.network.make_up_days.values() for d in days}

    def is_working_day(self, day: dt.date) -> bool:
        """Mon–Fri, not a public holiday nor an announced day off; or an announced make-up day."""
        if day in self._on:
            return True
        if day.weekday() >= 5 or day in self._off:
            return False
        return day not in self._public

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The calendar date of an aware *moment* in the network's time zone."""
        return moment.astimezone(self.tz).date()

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The *days*-th working day after *start* (*start* itself not counted); days ≥ 1."""
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def deadline(self, received: dt.datetime, site: str) -> dt.date:
        """The date by which *site*'s board must answer a question received at *received*."""
        return self.add_working_days(self.local_date(received), self.network.answer_days_of(site))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after *start* up to and including *end* (0 when end ≤ start)."""
        n, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                n += 1
        return n

    def due_soon(self, due: dt.date, today: dt.date) -> bool:
        """Not yet late, and at most :data:`DUE_SOON_DAYS` working days left."""
        return today <= due and self.working_days_between(today, due) <= DUE_SOON_DAYS
