"""``portal codeowners``: write (or check) .github/CODEOWNERS from sites.yaml."""

from __future__ import annotations

import argparse
import sys

from portal.commands.common import root_of
from portal.model.messages import _


def cmd_codeowners(args: argparse.Namespace) -> int:
    from portal.model import codeowners
    from portal.model.sites import load_network

    network = load_network(root_of(args))
    if args.check:
        problems = codeowners.stale_problems(network)
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    path = codeowners.write(network)
    if not args.quiet:
        print(_("wrote {path} ({count} portals); commit it", path=path.relative_to(network.root), count=len(network.sites)))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """codeowners."""
    p = sub.add_parser("codeowners", help="write .github/CODEOWNERS from sites.yaml (board sign-off rules)")
    p.add_argument("--check", action="store_true", help="only report whether it is stale (exit 1)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_codeowners)
