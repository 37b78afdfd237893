"""``portal cms``: write each portal's web editor (Decap CMS) into ``output/<id>/admin/`` (issue 18)."""

from __future__ import annotations

import argparse
from pathlib import Path

from portal.commands.common import root_of, say
from portal.model.errors import PortalError, Problem
from portal.model.messages import _


def cmd_cms(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.stages import cms

    root = root_of(args)
    network = load_network(root)
    unknown = [s for s in args.site or () if s not in network]
    if unknown:
        raise PortalError([Problem("sites.yaml", None, _("no site '{id}' — pick one of the ids in sites.yaml", id=s)) for s in unknown])
    output = Path(args.output) if args.output else root / "output"
    if not cms.bundle_files(root):
        say(_("Decap CMS is not installed ({path}): run npm ci (make serve does) — the admin pages are written without it",
              path=cms.BUNDLE_DIR))
    ids = args.site or [s for s in network.ids if (output / s).is_dir()]  # default: the sites built there
    for site_id in ids:
        cms.write(network, network.site(site_id), output / site_id / cms.ADMIN, root=root, serve_port=args.serve_port)
    say(_("web editor written for {n} site(s) under {output}/<id>/admin/", n=len(ids), output=output))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """cms."""
    p = sub.add_parser("cms", help="write each portal's web editor (Decap CMS) into output/<id>/admin/")
    p.add_argument("--site", action="append", metavar="ID", help="only this site (repeatable; default: every site built in the output)")
    p.add_argument("--output", metavar="DIR", help="the built sites' folder (default: output)")
    p.add_argument("--serve-port", type=int, default=8000, metavar="PORT",
                   help="the port of make serve / portal service run, where the local backend answers (default 8000)")
    p.set_defaults(func=cmd_cms)
