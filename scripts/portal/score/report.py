"""The month's and the year's figures as files for the board: JSON (other tools), CSV and XLSX (openpyxl).

:func:`write_month` writes ``score.json``, ``score.csv``, ``score.xlsx`` and ``README.md`` (the
summary a pull request shows) into a folder; :func:`write_year` writes ``year.json``, ``year.csv``
and ``year.xlsx``. Column headings are in the language of messages (Vietnamese by default). The
files are the same bytes for the same figures (the spreadsheet's dates are the month's end).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from portal.model.messages import _

JSON_NAME, CSV_NAME, XLSX_NAME, SUMMARY_NAME = "score.json", "score.csv", "score.xlsx", "README.md"
YEAR_JSON, YEAR_CSV, YEAR_XLSX = "year.json", "year.csv", "year.xlsx"


def name_of(entries: list[dict[str, Any]], key: str, lang: str = "vi") -> str:
    e = next((x for x in entries if x["id"] == key), None)
    return (e["names"].get(lang) or e["names"].get("vi") or key) if e else key


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def month_rows(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The ranked table: one row per portal, its groups, criteria, total and band."""
    head = [_("Rank"), _("Portal id"), _("Portal"), _("Kind"), _("Scored by")]
    head += [f"{name_of(report['groups'], g['id'])} ({g['points']:g})" for g in report["groups"]]
    head += [_("Total"), _("Band"), _("Items counted"), _("Stale sections"), _("Not measured")]
    head += [f"{c['id']} ({c['points']:g})" for c in report["criteria"]]
    rows = []
    for s in report["sites"]:
        not_measured = [c for c, v in s["criteria"].items() if v["status"] == "not-measured"]
        row: list[Any] = [s["rank"], s["site"], s["name"], s["kind"], s["parent"] or ""]
        row += [s["groups"][g["id"]]["points"] for g in report["groups"]]
        row += [s["total"], name_of(report["bands"], s["band"]), sum(i["weight"] for i in s["items"]),
                ", ".join(x["section"] for x in s["stale"]), ", ".join(not_measured)]
        row += [s["criteria"][c["id"]]["points"] for c in report["criteria"]]
        rows.append(row)
    return head, rows


def csv_text(head: list[str], rows: list[list[Any]]) -> str:
    """A table as CSV text (a header row, then the rows; empty cells for None)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def _xlsx(path: Path, sheets: list[tuple[str, list[str], list[list[Any]]]], when: dt.datetime) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for title, head, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(head)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(["" if v is None else v for v in row])
        ws.freeze_panes = "A2"
        for i, h in enumerate(head, 1):
            width = max([len(str(h))] + [len(str(r[i - 1])) for r in rows[:200] if i - 1 < len(r)])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
    naive = when.replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = naive
    wb.properties.creator = "portal score"
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    _stable_zip(tmp, path, naive)


def _stable_zip(src: Path, dest: Path, when: dt.datetime) -> None:
    """Rewrite a zip with a fixed date on every entry and in its properties (openpyxl stamps the time of saving)."""
    import re

    stamp = (max(1980, when.year), when.month, when.day, 0, 0, 0)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + iso + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)
    src.unlink()


def _month_end(month: str) -> dt.datetime:
    y, m = (int(x) for x in month.split("-"))
    return dt.datetime(y + (m == 12), m % 12 + 1, 1)


def summary(report: dict[str, Any]) -> str:
    """The month in Markdown: what the board reads in the pull request."""
    lines = [f"# {_('Monthly scoring of the portals')}: {report['month']}", ""]
    if report.get("provisional"):
        lines += [f"> {_('Provisional: the month is not over.')}", ""]
    for note in report.get("notes", []):
        lines += [f"> {note}", ""]
    lines += [f"| {_('Rank')} | {_('Portal')} | " + " | ".join(name_of(report["groups"], g["id"]) for g in report["groups"])
              + f" | {_('Total')} | {_('Band')} |",
              "|---:|---|" + "---:|" * len(report["groups"]) + "---:|---|"]
    for s in report["sites"]:
        groups = " | ".join(_fmt(s["groups"][g["id"]]["points"]) if s["groups"][g["id"]]["points"] is not None else "—"
                            for g in report["groups"])
        lines.append(f"| {s['rank']} | {s['name']} | {groups} | **{s['total']:g}** | {name_of(report['bands'], s['band'])} |")
    adjusted = [(s, a) for s in report["sites"] for a in s["adjustments"]]
    if adjusted:
        lines += ["", f"## {_('Adjustments by the board')}", ""]
        lines += [f"- {s['name']}: {a['points']:+g} — {a['reason']} ({_('approved by')} {a['approved_by']})" for s, a in adjusted]
    state = report.get("state") or {}
    lines += ["", _("Computed from the main branch at {commit} ({date}) with scoring.yaml {rubric}.",
                    commit=(state.get("commit") or "")[:10], date=state.get("date") or "", rubric=report["rubric"][:10])]
    return "\n".join(lines) + "\n"


def write_month(report: dict[str, Any], dest: Path | str) -> Path:
    """score.json, score.csv, score.xlsx and README.md of a month into *dest* (created)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / JSON_NAME).write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    head, rows = month_rows(report)
    (dest / CSV_NAME).write_text(csv_text(head, rows), encoding="utf-8")
    items_head = [_("Portal id"), _("File"), _("Title"), _("Section"), _("Reached the main branch"), _("Weight"), _("Why"), _("Criteria")]
    items = [[s["site"], i["path"], i["title"], i["section"], i["arrived"], i["weight"],
              "; ".join(r["text"] for r in i["reasons"]), ", ".join(i["criteria"])] for s in report["sites"] for i in s["items"]]
    crit_head = [_("Portal id"), _("Criterion"), _("Points"), _("Out of"), _("Status"), _("Measured")]
    crits = [[s["site"], c["id"], s["criteria"][c["id"]]["points"], c["points"], s["criteria"][c["id"]]["status"],
              s["criteria"][c["id"]]["value"]] for s in report["sites"] for c in report["criteria"]]
    adj_head = [_("Portal id"), _("Points"), _("Criterion"), _("Deduction"), _("Reason"), _("Approved by")]
    adjs = [[s["site"], a["points"], a["criterion"] or "", a["deduction"] or "", a["reason"], a["approved_by"]]
            for s in report["sites"] for a in s["adjustments"]]
    _xlsx(dest / XLSX_NAME, [(_("Scoreboard"), head, rows), (_("Criteria"), crit_head, crits),
                             (_("Items"), items_head, items), (_("Adjustments"), adj_head, adjs)], _month_end(report["month"]))
    (dest / SUMMARY_NAME).write_text(summary(report), encoding="utf-8")
    return dest


def year_rows(review: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    head = [_("Rank"), _("Portal id"), _("Portal"), _("Kind"), _("Average"), _("Band"), _("Change"), _("Months below")]
    head += review["months"]
    rows = [[e["rank"], e["site"], e["name"], e["kind"], e["average"], name_of(review["bands"], e["band"]), e["change"],
             ", ".join(e["below"])] + [e["months"].get(m) for m in review["months"]] for e in review["sites"]]
    return head, rows


def write_year(review: dict[str, Any], dest: Path | str) -> Path:
    """year.json, year.csv and year.xlsx of a yearly review into *dest* (created)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / YEAR_JSON).write_text(json.dumps(review, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    head, rows = year_rows(review)
    (dest / YEAR_CSV).write_text(csv_text(head, rows), encoding="utf-8")
    last = review["months"][-1] if review["months"] else f"{review['year']}-12"
    _xlsx(dest / YEAR_XLSX, [(_("Yearly review"), head, rows)], _month_end(last))
    return dest
