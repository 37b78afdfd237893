"""What every command shares: the consoles, the project root, the publication options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def root_of(args: argparse.Namespace) -> Path:
    """The project checkout a command acts on: ``--root`` or the current directory."""
    return Path(args.root).resolve() if args.root else Path.cwd()


def say(*lines: str) -> None:
    """Lines for the person at the terminal (standard error: standard output stays machine-readable)."""
    for line in lines:
        print(line, file=sys.stderr)


def target_or_branch(p: argparse.ArgumentParser) -> None:
    """``--target DIR`` or ``--branch NAME``: where releases are published (publish, rollback, due)."""
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--target", metavar="DIR", help="the publication folder: DIR/<id>/current → DIR/<id>/releases/<release>/")
    g.add_argument("--branch", metavar="NAME", help="publish into the Git branches NAME/<id> of this repository instead")
