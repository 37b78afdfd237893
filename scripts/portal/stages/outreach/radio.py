"""``portal radio script --site ID --week YYYY-Www``: the week's news as a reading script for the commune radio (issue 16.2).

The reverse flow of 2024 plan task 9: the portal's news and the directives the site received that
week become plain text for the announcer — a greeting, then each item (its date, title, summary and
text without markup, links, tables or images), and a closing line. Headings are read as sentences;
numbers and dates are left as written.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from zoneinfo import ZoneInfo

from portal.model.errors import PortalError, Problem
from portal.model.messages import _
from portal.model.sites import Network, Site
from portal.stages.outreach.content import items
from portal.stages.render import markdown

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
WIDTH = 72


def week_range(week: str, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """``2026-W47`` → [Monday 00:00, next Monday 00:00) of that ISO week in *tz*."""
    m = _WEEK.match(week.strip())
    if m is None:
        raise PortalError([Problem("portal radio script", None, _("--week '{value}' is not an ISO week — write YYYY-Www, e.g. 2026-W47", value=week))])
    try:
        monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise PortalError([Problem("portal radio script", None, _("--week '{value}' does not exist — weeks run from W01 to W52 or W53", value=week))]) from None
    start = dt.datetime.combine(monday, dt.time(0), tz)
    return start, start + dt.timedelta(days=7)


def _plain(body: str) -> list[str]:
    """Paragraphs of a Markdown body as the announcer reads them."""
    text = markdown.to_text(body)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if p]


def script(network: Network, site: Site, week: str, now: dt.datetime) -> str:
    """The reading script of *site* for ISO *week* (plain text, lines of at most 72 characters)."""
    tz = ZoneInfo(network.timezone)
    start, end = week_range(week, tz)
    found = items(network, site, start, end, now)
    last = (end - dt.timedelta(days=1)).date()
    out = [f"KỊCH BẢN PHÁT THANH — {site.name('vi').upper()}",
           f"Tuần {start.isocalendar().week} năm {start.isocalendar().year}: từ ngày {start:%d/%m/%Y} đến ngày {last:%d/%m/%Y}",
           f"Nguồn: {site.url}/", "", f"Kính thưa bà con, mời bà con nghe tin tức trên Cổng Thông tin điện tử {site.name('vi')} trong tuần qua.", ""]
    if not found:
        out += ["Trong tuần không có tin mới trên cổng thông tin.", ""]
    for n, i in enumerate(found, start=1):
        p = i.post
        kind = "Chỉ đạo của tỉnh" if i.shared else "Tin"
        out.append(f"{n}. {kind} ngày {p.date:%d/%m/%Y}: {p.title}")
        summary = str(p.meta.get("summary") or "").strip()
        if summary:
            out += textwrap.wrap(summary, WIDTH)
        for para in _plain(p.body):
            out.append("")
            out += textwrap.wrap(para, WIDTH)
        out += [f"(Chi tiết: {i.url})", ""]
    out += ["Bà con xem đầy đủ các tin trên Cổng Thông tin điện tử của xã. Bản tin xin dừng tại đây.", ""]
    return "\n".join(out)
