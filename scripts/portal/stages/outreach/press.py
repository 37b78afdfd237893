"""``portal press draft --month YYYY-MM``: the month's press release, drafted for the board to edit (issue 16.1).

The draft lists the month's directives and news of the site (the provincial portal by default),
each with its link, as a Markdown post ``status: draft`` in the press section
(``content/sites/<id>/thong-tin-bao-chi/thong-tin-bao-chi-thang-MM-YYYY.md``): the board edits the
text, names the spokesperson and the briefing, sets ``status: published`` and merges it. Links are to
the posts' files (``../tin-tuc/….md``, ``../../../shared/….md``), so they resolve as ``portal check``
resolves every link. 2024 plan task 3; plan 953 row 5.
"""

from __future__ import annotations

import calendar
import datetime as dt
import posixpath
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.model import catalogue, outreach, yamlio
from portal.model.errors import PortalError, Problem
from portal.model.messages import _
from portal.model.sites import Network, Site
from portal.stages.outreach.content import items


def month_range(month: str, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """``2026-11`` → [1 Nov 2026 00:00, 1 Dec 2026 00:00) in *tz*; PortalError when it is not a month."""
    period = outreach.period_of(month)
    if period is None:
        raise PortalError([Problem("portal press draft", None, _("--month '{value}' is not a month — write YYYY-MM, e.g. 2026-11", value=month))])
    year, m = period
    start = dt.datetime(year, m, 1, tzinfo=tz)
    end = dt.datetime(year + (m == 12), m % 12 + 1, 1, tzinfo=tz)
    return start, end


def _md_text(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def draft(network: Network, site: Site, month: str, now: dt.datetime) -> tuple[str, str]:
    """(project-relative path, Markdown text) of the draft press release of *site* for *month*.

    Raises PortalError when the site has no press section or the month is not ``YYYY-MM``.
    """
    if outreach.PRESS_CATEGORY not in site.section_slugs:
        raise PortalError([Problem("sites.yaml", site.line, _("site '{id}' has no section {section} — add it to the site's sections to publish press releases",
                                                               id=site.id, section=outreach.PRESS_CATEGORY))])
    tz = ZoneInfo(network.timezone)
    start, end = month_range(month, tz)
    found = items(network, site, start, end, now)
    last_day = calendar.monthrange(start.year, start.month)[1]
    label = f"{start.month:02d}/{start.year}"
    folder = f"content/sites/{site.id}/{outreach.PRESS_CATEGORY}"
    rel = f"{folder}/thong-tin-bao-chi-thang-{start.month:02d}-{start.year}.md"
    meta = {
        "title": f"Thông tin báo chí tháng {label}: hoạt động chỉ đạo, điều hành của {site.name('vi')}",
        "date": now.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        "category": outreach.PRESS_CATEGORY,
        "status": "draft",
        "summary": f"Những nội dung chỉ đạo, điều hành và hoạt động nổi bật từ ngày 01/{label} đến ngày {last_day}/{label}.",
        "tags": ["thông tin báo chí"],
        "period": f"{start.year}-{start.month:02d}",
        "spokesperson": site.contact.get("spokesperson") or "Họ tên, chức vụ người phát ngôn",
    }
    lines = ["<!-- Bản nháp do portal press draft tạo: Ban Biên tập biên tập lại nội dung, ghi người phát ngôn, "
             "ngày họp báo (briefing_date), rồi đổi status thành published. -->", "",
             f"{site.name('vi')} cung cấp cho các cơ quan báo chí thông tin về hoạt động chỉ đạo, điều hành tháng {label}.", ""]
    groups = (("Chỉ đạo, điều hành", [i for i in found if i.shared or i.post.category == "chi-dao-dieu-hanh"]),
              ("Văn bản mới ban hành", [i for i in found if not i.shared and i.post.category == "van-ban"]),
              ("Tin tức, thông báo", [i for i in found if not i.shared and i.post.category in ("tin-tuc", "thong-bao")]))
    for heading, group in groups:
        if not group:
            continue
        lines += [f"## {heading}", ""]
        for i in group:
            target = catalogue.shared_dir(network.root) / i.post.path.name if i.shared else i.post.path
            link = posixpath.relpath(target.relative_to(network.root).as_posix(), folder)
            when = i.post.date.strftime("%d/%m/%Y") if i.post.date else ""
            summary = str(i.post.meta.get("summary") or "").strip()
            lines.append(f"- [{_md_text(i.post.title)}]({link}) ({when})" + (f": {_md_text(summary)}" if summary else ""))
        lines.append("")
    if not found:
        lines += ["## Chỉ đạo, điều hành", "", "Trong tháng không có văn bản chỉ đạo, tin tức mới trên cổng.", ""]
    lines += ["## Thông tin liên hệ", "",
              f"Cơ quan báo chí cần thêm thông tin xin liên hệ Ban Biên tập {site.name('vi')}"
              + (f", điện thoại {site.contact['phone']}" if site.contact.get("phone") else "")
              + (f", thư điện tử {site.contact['email']}" if site.contact.get("email") else "") + ".", ""]
    return rel, f"---\n{yamlio.front_matter(meta)}\n---\n" + "\n".join(lines)


def write_draft(root: Path, rel: str, text: str, *, force: bool = False) -> Path:
    """Write the draft; refuses to overwrite an existing file unless *force*."""
    path = root / rel
    if path.exists() and not force:
        raise PortalError([Problem(rel, None, _("already exists — edit it, or pass --force to write the draft again"))])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
