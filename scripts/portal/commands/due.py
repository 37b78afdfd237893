"""``portal due``: which published sites a rebuild now would change (scheduled posts, expiry)."""

from __future__ import annotations

import argparse
import json

from portal.commands.common import root_of, say, target_or_branch
from portal.model.errors import PortalError, Problem
from portal.model.messages import _


def cmd_due(args: argparse.Namespace) -> int:
    from portal.stages.publish.due import due, from_branch, from_target

    root = root_of(args)
    published = from_branch(root, args.branch) if args.branch else from_target(args.target)
    at = None
    if args.at:
        from zoneinfo import ZoneInfo

        from portal.model.content import parse_date
        from portal.model.sites import load_network

        at = parse_date(args.at, ZoneInfo(load_network(root).timezone))
        if at is None:
            raise PortalError([Problem("portal due", None, _("--at '{value}' is not a date — write YYYY-MM-DD or 'YYYY-MM-DD HH:MM'", value=args.at))])
    result = due(root, published, now=at)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for site in result:
            print(site)
        if not args.quiet:
            for site, reasons in result.items():
                say(f"  {site}: {'; '.join(reasons[:3])}" + (" …" if len(reasons) > 3 else ""))
            say(_("{count} site(s) due for a rebuild", count=len(result)) if result else _("nothing due: every published site is up to date"))
    return 0 if result else 1


def add_commands(sub: argparse._SubParsersAction) -> None:
    """due."""
    p = sub.add_parser("due", help="exit 0 when a rebuild now would change a published site (scheduled posts, expiry)")
    p.add_argument("--since-last-publish", action="store_true", required=True,
                   help="compare with each site's last published release")
    target_or_branch(p)
    p.add_argument("--at", metavar="DATE", help="as if it were then ('YYYY-MM-DD HH:MM', network time; default: now)")
    p.add_argument("--json", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_due)
