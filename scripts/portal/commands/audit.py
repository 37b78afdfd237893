"""``portal audit``: per site, each item the law requires — present, stale or missing — with the path to fix."""

from __future__ import annotations

import argparse
import sys

from portal.commands.common import root_of, say
from portal.model.errors import PortalError, Problem
from portal.model.messages import _


def cmd_audit(args: argparse.Namespace) -> int:
    from portal.model.catalogue import now_in
    from portal.model.sites import load_network
    from portal.stages import audit

    network = load_network(root_of(args))
    unknown = [s for s in args.site or () if s not in network]
    if unknown:
        raise PortalError([Problem("sites.yaml", None, _("no site '{id}' — pick one of the ids in sites.yaml", id=s)) for s in unknown])
    now = now_in(network)
    if args.at:
        import datetime as dt

        try:
            now = dt.datetime.combine(dt.date.fromisoformat(args.at), dt.time(12), now.tzinfo)
        except ValueError:
            raise PortalError([Problem("portal audit", None, _("--at '{value}' is not a date — write YYYY-MM-DD", value=args.at))]) from None
    report = audit.audit(network, now, args.site or None)
    sys.stdout.write(audit.dumps(report) if args.format == "json" else audit.markdown(report, network))
    if report.missing:
        say(_("{n} required item(s) missing", n=report.missing))
    return 1 if args.strict and report.missing else 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """audit."""
    p = sub.add_parser("audit", help="what the law requires on every portal: present, stale or missing, and where to fix it")
    p.add_argument("--site", action="append", metavar="ID", help="audit only this site (repeatable)")
    p.add_argument("--format", choices=("md", "json"), default="md", help="Markdown tables (default) or JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when a required item is missing (for CI)")
    p.add_argument("--at", metavar="DATE", help="as on that day (YYYY-MM-DD; default: today)")
    p.set_defaults(func=cmd_audit)
