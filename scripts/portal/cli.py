"""The ``portal`` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .errors import PortalError

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve() if args.root else Path.cwd()


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    root = _root(args)
    sites = args.site or None
    if getattr(args, "since", None):  # only what the change affects (plan rules: portal plan)
        from .git_cli import planned_sites

        sites = planned_sites(root, args.since, args.site)
        if not sites:
            err.print(f"nothing to build: no site is affected by the changes since {args.since}")
            return 0
    show = not args.quiet and err.is_terminal
    progress = Progress(TextColumn("[bold]Dựng cổng[/]"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), TimeElapsedColumn(), console=err, disable=not show)
    task = None

    def on_start(total: int) -> None:
        nonlocal task
        task = progress.add_task("", total=total)

    def on_result(r) -> None:
        progress.update(task, advance=1, description=r.site + ("" if r.ok else " ✗"))

    if getattr(args, "shard", None):
        from .shard import parse_shard, shard_sites
        from .sites import load_network

        k, n = parse_shard(args.shard)
        sites = shard_sites(load_network(root), k, n, among=sites)
        if not sites:
            out.print(f"shard {k}/{n} has no sites (there are fewer sites than shards): nothing to build")
            return 0
    with progress:
        report = build(root, sites, jobs=args.jobs, output=args.output,
                       on_start=on_start, on_result=on_result, full=getattr(args, "full", False),
                       search=not getattr(args, "no_search", False))
    if not args.quiet:
        table = Table(title=f"{len(report.results)} sites, {report.pages} pages, {report.seconds:.1f} s")
        table.add_column("site")
        table.add_column("pages", justify="right")
        table.add_column("seconds", justify="right")
        table.add_column("result")
        for r in report.results:
            table.add_row(r.site, str(r.pages), f"{r.seconds:.2f}", "ok" if r.ok else "[red]FAILED[/]")
        out.print(table)
        out.print(f"shared directives parsed once in {report.shared_parse_seconds:.2f} s; "
                  f"peak memory {report.peak_rss_mb:.0f} MiB")
    for note in report.notes:
        err.print(f"[yellow]note:[/] {note}")
    problems = report.all_problems()
    if problems:
        err.print(f"[red]{len(problems)} problem(s); the failed sites keep their previous output:[/]")
        for p in problems:
            print(p, file=sys.stderr)
    return 0 if report.ok else 1


def cmd_assemble(args: argparse.Namespace) -> int:
    from .shard import assemble
    from .sites import load_network

    root = _root(args)
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
    from .check import check
    from .sites import load_network

    network = load_network(_root(args))
    problems = check(network, [Path(p) for p in args.paths] or None)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        err.print(f"[red]{len(problems)} problem(s)[/]")
        return 1
    if not args.quiet:
        out.print(f"ok: sites.yaml ({len(network.sites)} sites) and content are valid")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    root = _root(args)
    output = Path(args.output) if args.output else root / "output"
    if not args.no_build:
        args.site, args.jobs, args.quiet = [], None, False
        status = cmd_build(args)
        if status and not output.exists():
            return status
    serve(output, args.bind, args.port)
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from .synth import Scale, generate

    scale = Scale.preset(args.preset)
    for key in ("sites", "posts", "directives", "languages"):
        if getattr(args, key) is not None:
            setattr(scale, key, getattr(args, key))
    dest = generate(Path(args.dest), scale, _root(args))
    out.print(f"wrote a synthetic network of {scale.sites} sites, {scale.posts} posts, "
              f"{scale.directives} directives into {dest}; build it with: portal --root {dest} build")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import cli_run

    return cli_run(args, _root(args), out, err)


def cmd_search(args: argparse.Namespace) -> int:
    from .editor_index import run

    return run(_root(args), args.command, query=" ".join(getattr(args, "query", [])), file=getattr(args, "file", ""),
               site=args.site, limit=args.limit, index_dir=args.index, update=not args.no_update)


def cmd_bench_search(args: argparse.Namespace) -> int:
    from .bench_search import main

    return main(Path(args.dest), pages=args.pages, keep=args.keep, browser=not args.no_browser)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="portal", description="Build, check and serve the provincial portal network.")
    ap.add_argument("--root", help="the project checkout to act on (default: the current directory)")
    sub = ap.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build sites into output/")
    b.add_argument("--site", action="append", metavar="ID", help="build only this site (repeatable)")
    b.add_argument("--since", metavar="REV", help="build only the sites affected by the changes since REV (see portal plan)")
    b.add_argument("--jobs", type=int, help="worker processes (default: the number of cores)")
    b.add_argument("--output", help="output folder (default: ROOT/output)")
    b.add_argument("--no-search", action="store_true", help="skip the Pagefind indexes (benchmarks; previews)")
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

    g = sub.add_parser("synth", help="write a synthetic network (for benchmarks) into DEST")
    g.add_argument("dest")
    g.add_argument("--preset", default="small", choices=["tiny", "small", "reference"])
    g.add_argument("--sites", type=int)
    g.add_argument("--posts", type=int)
    g.add_argument("--directives", type=int)
    g.add_argument("--languages", type=int)
    g.set_defaults(func=cmd_synth)

    m = sub.add_parser("bench", help="measure our builds against Hugo and naive Pelican on a synthetic network")
    m.add_argument("--scale", "--preset", dest="scale", default="reference", choices=["tiny", "small", "reference"])
    m.add_argument("--sites", type=int)
    m.add_argument("--posts", type=int)
    m.add_argument("--directives", type=int)
    m.add_argument("--languages", type=int, help="languages of the provincial portal (1-5)")
    m.add_argument("--jobs", type=int, help="worker processes for every tool (default: the number of cores)")
    m.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    m.add_argument("--dir", help="work folder (default: TMPDIR/portal-bench; emptied first, removed after unless --keep)")
    m.add_argument("--timeout", type=float, default=7200, help="seconds allowed to each measured command (default 7200)")
    m.add_argument("--skip", action="append", metavar="PART", help="leave out hugo, naive, incremental or scaling (repeatable)")
    m.add_argument("--keep", action="store_true", help="keep the generated networks and outputs")
    m.set_defaults(func=cmd_bench)

    from .git_cli import add_commands  # plan, publish, rollback, due, codeowners, new, diff

    add_commands(sub)

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

    bs = sub.add_parser("bench-search", help="build and index a site of N content pages; report time, size, bytes")
    bs.add_argument("dest", nargs="?", default=".cache/bench-search")
    bs.add_argument("--pages", type=int, default=10_000)
    bs.add_argument("--keep", action="store_true", help="keep the generated project")
    bs.add_argument("--no-browser", action="store_true", help="compute the first query's bytes without chromium")
    bs.set_defaults(func=cmd_bench_search)
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
