"""``portal synth``, ``bench`` and ``bench-search``: synthetic networks and the benchmarks."""

from __future__ import annotations

import argparse
from pathlib import Path

from portal.commands.common import err, out, root_of


def cmd_synth(args: argparse.Namespace) -> int:
    from portal.bench.synth import Scale, generate, generate_history

    scale = Scale.preset(args.preset)
    for key in ("sites", "posts", "directives", "languages"):
        if getattr(args, key) is not None:
            setattr(scale, key, getattr(args, key))
    if args.history:
        dest = Path(args.dest)
        if dest.exists() and any(dest.iterdir()):
            err.print(f"{dest} is not empty: --history writes a new Git repository into an empty or new folder")
            return 2
        generate_history(dest, scale, root_of(args), months=args.history)
        out.print(f"wrote a synthetic network of {scale.sites} sites and {scale.posts} posts with {args.history} months of merges "
                  f"into the Git repository {dest}; score it with: portal --root {dest} score --month YYYY-MM")
        return 0
    dest = generate(Path(args.dest), scale, root_of(args))
    out.print(f"wrote a synthetic network of {scale.sites} sites, {scale.posts} posts, "
              f"{scale.directives} directives into {dest}; build it with: portal --root {dest} build")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from portal.bench.harness import cli_run

    return cli_run(args, root_of(args), out, err)


def cmd_bench_search(args: argparse.Namespace) -> int:
    from portal.bench.search import main

    return main(Path(args.dest), pages=args.pages, sites=args.sites, keep=args.keep, browser=not args.no_browser,
                repeat=args.repeat)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """synth, bench."""
    g = sub.add_parser("synth", help="write a synthetic network (for benchmarks) into DEST")
    g.add_argument("dest")
    g.add_argument("--preset", default="small", choices=["tiny", "small", "reference"])
    g.add_argument("--sites", type=int)
    g.add_argument("--posts", type=int)
    g.add_argument("--directives", type=int)
    g.add_argument("--languages", type=int)
    g.add_argument("--history", type=int, metavar="MONTHS", help="a Git repository with MONTHS months of merges, varied by site (for portal score)")
    g.set_defaults(func=cmd_synth)

    m = sub.add_parser("bench", help="measure our builds against Hugo and naive Pelican on a synthetic network")
    m.add_argument("--scale", "--preset", dest="scale", default="reference", choices=["tiny", "small", "reference"])
    m.add_argument("--sites", type=int)
    m.add_argument("--posts", type=int)
    m.add_argument("--directives", type=int)
    m.add_argument("--languages", type=int, help="languages of the provincial portal (1-5)")
    m.add_argument("--jobs", type=int, help="worker processes for every tool (default: the number of cores)")
    m.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    m.add_argument("--repeat", type=int, default=3, help="runs of each row, interleaved; the row reports their median (default 3)")
    m.add_argument("--dir", help="work folder (default: TMPDIR/portal-bench; emptied first, removed after unless --keep)")
    m.add_argument("--timeout", type=float, default=7200, help="seconds allowed to each measured command (default 7200)")
    m.add_argument("--skip", action="append", metavar="PART", help="leave out hugo, naive, incremental, scaling or score (repeatable)")
    m.add_argument("--keep", action="store_true", help="keep the generated networks and outputs")
    m.add_argument("--reuse", action="store_true",
                   help="use the network an earlier --keep run generated in --dir at the same scale (reset to as generated); the work folder stays for the next --reuse; the outputs of the peers and of the rows nothing builds on are removed as without it, unless --keep")
    m.add_argument("--readme", metavar="PATH", help="regenerate the figures' table in PATH (between its bench-table markers)")
    m.add_argument("--from-json", metavar="PATH", help="with --readme: regenerate the table from this report, without running")
    m.set_defaults(func=cmd_bench)


def add_search_bench(sub: argparse._SubParsersAction) -> None:
    """bench-search."""
    bs = sub.add_parser("bench-search", help="a site of N pages and a network of S sites: index time and size, and each "
                        "query's bytes, requests and time to first result on a phone profile, ours and plain Pagefind")
    bs.add_argument("dest", nargs="?", default=".cache/bench-search")
    bs.add_argument("--pages", type=int, default=10_000, help="content pages of the large site (default 10,000)")
    bs.add_argument("--sites", type=int, default=50, help="sites of the network (default 50)")
    bs.add_argument("--repeat", type=int, default=1, help="runs of each query (medians are reported)")
    bs.add_argument("--keep", action="store_true", help="keep the generated project")
    bs.add_argument("--no-browser", action="store_true", help="build and size the indexes only (no chromium)")
    bs.set_defaults(func=cmd_bench_search)
