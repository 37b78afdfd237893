"""``portal search`` and ``portal similar``: the editors' index from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from portal.commands.common import root_of
from portal.stages.search.editor import LIKELY_DUPLICATE, EditorIndex, Hit


def print_hits(hits: list[Hit], *, similar: bool = False, out=print) -> None:
    for i, h in enumerate(hits, 1):
        where = ", ".join(x for x in (h.date[:10], h.site, h.category or h.kind, h.lang) if x)
        note = "  ← likely the same" if similar and h.score >= LIKELY_DUPLICATE else ""
        score = f"{h.score:.2f}" if similar else f"{h.score:6.2f}"
        out(f"{i:2}. {score}  {h.path}  ({where}){note}")
        out(f"    {h.title}")
        if not similar:
            out(f"    {h.excerpt}")


def run(root: Path, command: str, *, query: str = "", file: str = "", site: str | None = None, limit: int = 10,
        index_dir: str | None = None, update: bool = True, out=print, err=None) -> int:
    """``portal search`` and ``portal similar``: 0 with results, 1 with none, 2 for a wrong argument."""
    import sys
    from functools import partial

    from portal.model.sites import load_network

    err = err or partial(print, file=sys.stderr)

    network = load_network(root)
    if site is not None and site not in network:
        err(f"sites.yaml: no site '{site}' — pick one of the ids in sites.yaml")
        return 2
    index = EditorIndex.open(network, Path(index_dir) if index_dir else None, update=update)
    if index.stats.added or index.stats.updated or index.stats.removed or index.stats.rebuilt:
        err(f"editors' index {index.directory}: {index.stats}")
    if command == "similar":
        path = Path(file)
        if not path.is_file():
            err(f"{file}: no such file — give the path of a Markdown post")
            return 2
        hits = index.similar(path, site=site, limit=limit)
    else:
        hits = index.search(query, site=site, limit=limit)
    if not hits:
        err("nothing found" if command == "search" else "no similar post")
        return 1
    print_hits(hits, similar=command == "similar", out=out)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    return run(root_of(args), args.command, query=" ".join(getattr(args, "query", [])), file=getattr(args, "file", ""),
               site=args.site, limit=args.limit, index_dir=args.index, update=not args.no_update)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """search, similar."""
    for name, help_text in (("search", "search every content file (the editors' index): tones and đ optional"),
                            ("similar", "list the existing posts nearest to FILE, with a similarity score")):
        e = sub.add_parser(name, help=help_text)
        if name == "search":
            e.add_argument("query", nargs="+")
        else:
            e.add_argument("file")
        e.add_argument("--site", metavar="ID", help="only this site's content and the directives it receives")
        e.add_argument("--limit", type=int, default=10)
        e.add_argument("--index", metavar="DIR", help="index folder (default: ROOT/.cache/whoosh)")
        e.add_argument("--no-update", action="store_true", help="use the index as it is, without reading changed files")
        e.set_defaults(func=cmd_search)
