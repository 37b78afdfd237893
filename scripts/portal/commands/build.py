"""``portal build``, ``assemble``, ``check`` and ``serve``: the sites built, checked and previewed."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from portal.commands.common import err, out, root_of
from portal.model.messages import _


def cmd_build(args: argparse.Namespace) -> int:
    from portal.stages.build import build

    root = root_of(args)
    sites = args.site or None
    if getattr(args, "since", None):  # only what the change affects (plan rules: portal plan)
        from portal.commands.git import planned_sites

        sites = planned_sites(root, args.since, args.site)
        if not sites:
            err.print(_("nothing to build: no site is affected by the changes since {rev}", rev=args.since))
            return 0
    show = not args.quiet and err.is_terminal
    progress = Progress(TextColumn("[bold]" + _("Building") + "[/]"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), TimeElapsedColumn(), console=err, disable=not show)
    task = None

    def on_start(total: int) -> None:
        nonlocal task
        task = progress.add_task("", total=total)

    def on_result(r) -> None:
        progress.update(task, advance=1, description=r.site + ("" if r.ok else " ✗"))

    if getattr(args, "shard", None):
        from portal.model.sites import load_network
        from portal.stages.shard import parse_shard, shard_sites

        k, n = parse_shard(args.shard)
        sites = shard_sites(load_network(root), k, n, among=sites)
        if not sites:
            out.print(_("shard {k}/{n} has no sites (there are fewer sites than shards): nothing to build", k=k, n=n))
            return 0
    scoreboard = _scoreboard(root, sites, quiet=args.quiet, output=Path(args.output) if args.output else None,
                             with_home=not getattr(args, "shard", None) and not getattr(args, "no_search", False))
    with progress:
        report = build(root, sites, jobs=args.jobs, output=args.output,
                       on_start=on_start, on_result=on_result, full=getattr(args, "full", False),
                       search=not getattr(args, "no_search", False), seed_from=getattr(args, "target", None),
                       seed_branch=getattr(args, "branch", None),
                       with_home=not getattr(args, "shard", None), scoreboard=scoreboard)
    if not args.quiet:
        table = Table(title=_("{n} sites, {pages} pages, {seconds} s", n=len(report.results), pages=report.pages,
                                seconds=f"{report.seconds:.1f}"))
        table.add_column(_("site"))
        table.add_column(_("pages"), justify="right")
        table.add_column(_("seconds"), justify="right")
        table.add_column(_("result"))
        for r in report.results:
            table.add_row(r.site, str(r.pages), f"{r.seconds:.2f}", _("ok") if r.ok else _("[red]FAILED[/]"))
        out.print(table)
        out.print(_("shared directives parsed once in {seconds} s; peak memory {mib} MiB",
                    seconds=f"{report.shared_parse_seconds:.2f}", mib=f"{report.peak_rss_mb:.0f}"))
        if report.search_after_seconds:
            out.print(_("search indexes after every site (shared directives, network): {seconds} s",
                        seconds=f"{report.search_after_seconds:.1f}"))
    for note in report.notes:
        err.print(_("[yellow]note:[/] {note}", note=note))
    problems = report.all_problems()
    if problems:
        err.print(_("[red]{n} problem(s); the failed sites keep their previous output:[/]", n=len(problems)))
        for p in problems:
            print(p, file=sys.stderr)
    return 0 if report.ok else 1


def _scoreboard(root: Path, sites: list[str] | None, *, quiet: bool, output: Path | None = None,
                with_home: bool = False) -> Path | None:
    """The monthly scoring's data for the provincial portal's scoreboard pages, when it is built (issue 17).

    It is built when named, when every site is, and (*with_home*) when the build adds it because it has no output.
    """
    from portal.model.sites import load_network

    if not (root / "scoring.yaml").is_file():
        return None
    network = load_network(root)
    out = output or network.root / "output"
    if sites is not None and network.home not in sites and not (with_home and not (out / network.home).is_dir()):
        return None
    from portal.score.board import prepare

    board = prepare(root)  # an invalid scoring.yaml or adjustments file stops the build (exit 2), like sites.yaml
    if board.note and not quiet:
        err.print(f"[yellow]note:[/] scoreboard: {board.note}")
    return board.dest


def cmd_assemble(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.stages.shard import assemble

    root = root_of(args)
    network = load_network(root)
    output = Path(args.output) if args.output else root / "output"
    report = assemble(network, [Path(p) for p in args.parts], output, allow_missing=args.allow_missing,
                      search=not args.no_search)
    for p in report.problems + report.search_problems:
        print(p, file=sys.stderr)
    if not report.ok:
        err.print("[red]not assembled: nothing in the output folder was changed[/]")
        return 1
    if report.search_problems:
        err.print("[red]assembled, but a search index failed: the previous one stays; assemble again[/]")
        return 1
    out.print(f"assembled {len(report.sites)} sites into {output}"
              + (f"; missing: {', '.join(report.missing)}" if report.missing else ""))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.stages.check import check

    network = load_network(root_of(args))
    problems = check(network, [Path(p) for p in args.paths] or None)
    if not args.paths or any(Path(p).name == "scoring.yaml" or "scoring" in Path(p).parts for p in args.paths):
        from portal.score.adjustments import check_files

        problems += check_files(network)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        err.print(_("[red]{n} problem(s)[/]", n=len(problems)))
        return 1
    if not args.quiet:
        out.print(_("ok: sites.yaml ({n} sites) and content are valid", n=len(network.sites)))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.stages.preview import serve

    root = root_of(args)
    output = Path(args.output) if args.output else root / "output"
    if not args.no_build:
        args.site, args.jobs, args.quiet = [], None, False
        status = cmd_build(args)
        if status and not output.exists():
            return status
    serve(output, args.bind, args.port, network=load_network(root))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """build, assemble, check, serve."""
    b = sub.add_parser("build", help="build sites into output/")
    b.add_argument("--site", action="append", metavar="ID", help="build only this site (repeatable)")
    b.add_argument("--since", metavar="REV", help="build only the sites affected by the changes since REV (see portal plan)")
    b.add_argument("--jobs", type=int, help="worker processes (default: the number of cores)")
    b.add_argument("--output", help="output folder (default: ROOT/output)")
    b.add_argument("--no-search", action="store_true", help="skip the Pagefind indexes (benchmarks; previews)")
    seed = b.add_mutually_exclusive_group()
    seed.add_argument("--target", metavar="DIR", help="a publish target: every site without an output starts from its current "
                   "release there (a build of some sites on a fresh clone then makes complete sites)")
    seed.add_argument("--branch", metavar="NAME", help="like --target, from the branches NAME/<id> that portal publish "
                   "--branch NAME wrote (fetch them first)")
    b.add_argument("--full", action="store_true", help="render every page again (default: reuse unchanged pages)")
    b.add_argument("--shard", metavar="K/N", help="build only shard K of N: a deterministic, cost-balanced share of the sites (for N CI runners)")
    b.add_argument("-q", "--quiet", action="store_true")
    b.set_defaults(func=cmd_build)

    a = sub.add_parser("assemble", help="merge the output folders of sharded builds into one output/")
    a.add_argument("parts", nargs="+", metavar="PART", help="output folders of `portal build --shard K/N`")
    a.add_argument("--output", help="output folder (default: ROOT/output)")
    a.add_argument("--allow-missing", action="store_true", help="assemble even if some sites are in no part")
    a.add_argument("--no-search", action="store_true", help="skip the shared directives' and the network search index")
    a.set_defaults(func=cmd_assemble)

    c = sub.add_parser("check", help="validate sites.yaml and content without building")
    c.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: everything)")
    c.add_argument("-q", "--quiet", action="store_true")
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("serve", help="build, then serve every site at http://<id>.localhost:PORT/")
    s.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    s.add_argument("--bind", default="127.0.0.1")
    s.add_argument("--output")
    s.add_argument("--no-build", action="store_true", help="serve what is in output/ as it is")
    s.set_defaults(func=cmd_serve)
