"""The ``portal`` command: a thin parser that dispatches to :mod:`portal.commands`."""

from __future__ import annotations

import argparse
import sys

from portal.commands import audit, bench, build, codeowners, due, git, new, outreach, score, search, service
from portal.model.errors import PortalError


def parser() -> argparse.ArgumentParser:
    """Every verb, in the order ``portal --help`` lists them."""
    ap = argparse.ArgumentParser(prog="portal", description="Build, check and serve the provincial portal network.")
    ap.add_argument("--root", help="the project checkout to act on (default: the current directory)")
    sub = ap.add_subparsers(dest="command", required=True)
    build.add_commands(sub)        # build, assemble, check, serve
    bench.add_commands(sub)        # synth, bench
    git.add_commands(sub)          # plan, publish, rollback
    due.add_commands(sub)
    codeowners.add_commands(sub)
    new.add_commands(sub)
    git.add_diff_command(sub)
    search.add_commands(sub)       # search, similar
    bench.add_search_bench(sub)    # bench-search
    service.add_commands(sub)      # service run|migrate|create-user|list|export|purge|bench
    score.add_commands(sub)        # score
    outreach.add_commands(sub)     # press draft, radio script, import-feed, notify, media add
    audit.add_commands(sub)        # audit
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except PortalError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
