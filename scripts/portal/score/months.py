"""Months in the network's time zone: ``YYYY-MM`` parsed, their bounds, the month of a moment."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from portal.model.errors import PortalError, Problem
from portal.model.messages import _

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; its bounds are midnight in the network's time zone (``Asia/Ho_Chi_Minh``)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str, where: str = "--month") -> Month:
        """``2026-11`` → Month(2026, 11); :class:`PortalError` for anything else."""
        m = _MONTH.match(str(text).strip())
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
            raise PortalError([Problem(where, None, _("'{value}' is not a month — write YYYY-MM, e.g. 2026-11", value=text))])
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, moment: dt.datetime, tz: ZoneInfo) -> Month:
        local = moment.astimezone(tz)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def plus(self, n: int) -> Month:
        i = self.year * 12 + self.month - 1 + n
        return Month(i // 12, i % 12 + 1)

    def start(self, tz: ZoneInfo) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1, tzinfo=tz)

    def end(self, tz: ZoneInfo) -> dt.datetime:
        """The first moment after the month (exclusive bound)."""
        return self.plus(1).start(tz)

    def index(self) -> int:
        return self.year * 12 + self.month


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from *first* to *last*, both included."""
    out: list[Month] = []
    m = first
    while m <= last:
        out.append(m)
        m = m.plus(1)
    return out
