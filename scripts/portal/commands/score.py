"""``portal score``: the monthly scoring of every portal (issue 17), as a table, JSON, CSV, XLSX or files."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.table import Table

from portal.commands.common import err, out, root_of
from portal.model.errors import PortalError, Problem
from portal.model.messages import _

FORMATS = ("table", "json", "csv", "md", "xlsx")


def _now(args: argparse.Namespace, tz: ZoneInfo) -> dt.datetime:
    if not args.at:
        return dt.datetime.now(tz)
    try:
        return dt.datetime.fromisoformat(args.at).replace(tzinfo=tz)
    except ValueError:
        raise PortalError([Problem("--at", None, _("'{value}' is not a time — write 'YYYY-MM-DD HH:MM'", value=args.at))]) from None


def _site_table(report: dict, site: dict) -> None:
    from portal.score.report import name_of

    out.print(f"[bold]{site['name']}[/] ({site['site']}, {site['kind']}) — {report['month']}: "
              f"[bold]{site['total']:g}[/] ({name_of(report['bands'], site['band'])}), {_('rank')} {site['rank']}/{len(report['sites'])}"
              + (f" — [yellow]{_('provisional: the month is not over')}[/]" if report.get("provisional") else ""))
    t = Table(title=_("Criteria"))
    for col in (_("Criterion"), _("Points"), _("Out of"), _("Measured")):
        t.add_column(col)
    for c in report["criteria"]:
        r = site["criteria"][c["id"]]
        pts = "—" if r["points"] is None else f"{r['points']:g}"
        status = "" if r["status"] == "measured" else f" [dim]({r['status']})[/]"
        t.add_row(name_of(report["criteria"], c["id"]), pts, f"{c['points']:g}", f"{r['value']}{status}")
    out.print(t)
    if site["hints"]:
        out.print(f"[bold]{_('To reach the targets this month:')}[/]")
        for h in site["hints"]:
            crit = name_of(report["criteria"], h["criterion"])
            out.print("  • " + _("{criterion}: publish {count} more item(s) in {sections}", criterion=crit, count=h["missing"],
                                 sections=", ".join(h["sections"]) or _("any section, with a picture, audio or video")))
    for f in site["findings"]:
        if not f["ok"]:
            out.print(f"  [red]✗[/] {f['path']}: {f['detail']}")
    for a in site["adjustments"]:
        out.print(f"  {_('adjustment')} {a['points']:+g}: {a['reason']} ({_('approved by')} {a['approved_by']})")


def _wide():
    """A console wide enough for the table when the output is a pipe or a narrow terminal."""
    from rich.console import Console

    return out if out.width >= 120 else Console(file=out.file, width=140, highlight=False, force_terminal=out.is_terminal)


def _table(report: dict) -> None:
    from portal.score.report import name_of

    title = _("Monthly scoring of the portals") + f" — {report['month']}"
    if report.get("provisional"):
        title += f" ({_('provisional: the month is not over')})"
    t = Table(title=title)
    t.add_column("#", justify="right")
    t.add_column(_("Portal"))
    for g in report["groups"]:
        t.add_column(f"{name_of(report['groups'], g['id'])} ({g['points']:g})", justify="right")
    t.add_column(_("Total"), justify="right")
    t.add_column(_("Band"))
    for s in report["sites"]:
        t.add_row(str(s["rank"]), s["name"], *["—" if s["groups"][g["id"]]["points"] is None else f"{s['groups'][g['id']]['points']:g}"
                                               for g in report["groups"]],
                  f"[bold]{s['total']:g}[/]", name_of(report["bands"], s["band"]))
    _wide().print(t)
    for note in report.get("notes", []):
        err.print(f"[yellow]{_('note')}:[/] {note}")


def cmd_score(args: argparse.Namespace) -> int:
    from portal.score import report as report_mod
    from portal.score.compute import Inputs, score_month
    from portal.score.months import Month

    root = root_of(args)
    inputs = Inputs.read(root)
    now = _now(args, inputs.tz)
    if inputs.ledger.note:
        raise PortalError([Problem("git", None, _("cannot score: {why}", why=inputs.ledger.note))])
    unknown = [s for s in args.site or () if s not in inputs.network]
    if unknown:
        raise PortalError([Problem("sites.yaml", None, _("no site '{site}' — pick one of the ids in sites.yaml", site=s)) for s in unknown])
    fmt = args.format or ("table" if not args.output else None)
    if args.year:
        return _year(args, inputs, now, fmt)
    month = Month.parse(args.month) if args.month else Month.of(now, inputs.tz)
    if not args.month and not args.at:  # the running month, today: portal audit's findings take over the checks it makes
        from portal.score import required

        required.register(required.audit_findings)
    report = score_month(inputs, month, now=now)  # every portal: the ranks are the network's
    if args.site:
        report["sites"] = [s for s in report["sites"] if s["site"] in args.site]
    def table() -> None:
        if fmt == "md":
            sys.stdout.write(report_mod.summary(report))
        elif args.site:
            for s in report["sites"]:
                _site_table(report, s)
        else:
            _table(report)

    _emit(args, fmt, report, report_mod.write_month, "score.json, score.csv, score.xlsx, README.md", report_mod.month_rows, table)
    return 0


def _emit(args: argparse.Namespace, fmt: str | None, data: dict, write, files: str, rows, table) -> None:
    """The files (--output), then stdout in the format asked: json, csv, or *table* (table, md)."""
    from portal.score import report as report_mod

    if fmt == "xlsx" and not args.output:
        raise PortalError([Problem("--format", None, _("xlsx is a file — give --output DIR"))])
    if args.output:
        dest = write(data, Path(args.output))
        err.print(_("wrote {files} into {dest}", files=files, dest=str(dest)))
    if fmt == "json":
        print(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    elif fmt == "csv":
        head, found = rows(data)
        sys.stdout.write(report_mod.csv_text(head, found))
    elif fmt in ("table", "md"):
        table()


def _year(args: argparse.Namespace, inputs, now: dt.datetime, fmt: str | None) -> int:
    from portal.score import report as report_mod
    from portal.score.board import approved_report
    from portal.score.compute import score_month
    from portal.score.months import Month
    from portal.score.review import review_year

    year = args.year
    last = min(Month(year, 12), Month.of(now, inputs.tz).plus(-1))
    months = [Month(year, m) for m in range(1, last.month + 1)] if last.year == year else []
    first = inputs.ledger.first()
    if first is not None:
        months = [m for m in months if m >= Month.of(first, inputs.tz)]
    if not months:
        raise PortalError([Problem("--year", None, _("no complete month of {year} in the history to review", year=year))])
    reports = [approved_report(inputs.root, m) or score_month(inputs, m, now=now) for m in months]
    review = review_year(year, reports, inputs.rubric.review_below)

    def table() -> None:
        t = Table(title=_("Yearly review {year}", year=year) + f" ({', '.join(review['months'])})")
        for col in ("#", _("Portal"), _("Average"), _("Band"), _("Change"), _("Months below")):
            t.add_column(col)
        for e in review["sites"]:
            t.add_row(str(e["rank"]), e["name"], f"{e['average']:g}", report_mod.name_of(review["bands"], e["band"]),
                      f"{e['change']:+g}", ", ".join(e["below"]))
        _wide().print(t)
        out.print(_("Most improved: {sites}", sites=", ".join(review["most_improved"]) or "—"))
        out.print(_("Best of each kind: {sites}", sites=", ".join(f"{k}: {v}" for k, v in review["best_per_kind"].items())))

    _emit(args, fmt, review, report_mod.write_year, "year.json, year.csv, year.xlsx", report_mod.year_rows, table)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """score."""
    s = sub.add_parser("score", help="score every portal for a month (or review a year) from Git history and scoring.yaml")
    when = s.add_mutually_exclusive_group()
    when.add_argument("--month", metavar="YYYY-MM", help="the month to score (default: the running month: where each portal stands)")
    when.add_argument("--year", type=int, metavar="YYYY", help="the yearly review: averages, most improved, best of each kind, months below the band")
    s.add_argument("--site", action="append", metavar="ID", help="only this portal, with the detail behind each criterion (repeatable)")
    s.add_argument("--format", choices=FORMATS, help="table (default), json, csv, md (the pull request's summary), xlsx (with --output)")
    s.add_argument("--output", metavar="DIR", help="also write score.json, score.csv, score.xlsx and README.md (year.* with --year) into DIR")
    s.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_score)
