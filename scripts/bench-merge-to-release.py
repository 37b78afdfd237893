"""Time from a one-post merge to a switched release, against a full build (the figure in the issue's note).

    .venv/bin/python scripts/bench-merge-to-release.py --preset small      # a synthetic network (portal synth)
    .venv/bin/python scripts/bench-merge-to-release.py --from DIR          # a copy of a project (sites.yaml + content/)

In a temporary Git repository: a full build and a first publish; then a post is added to one
commune on a branch and merged with --no-ff, and ``portal build --since HEAD~1`` plus
``portal publish --target T --since HEAD~1`` are timed (each a fresh process, as CI runs them),
with the previous output present (a persistent publisher) and without it (a fresh CI clone).

The CI flow (issue 20), ``--repeat N`` times interleaved, each on a fresh ``git clone`` and its own
copy of the target (hard links): ``portal build --since HEAD~1 --target T'`` and ``portal publish``,
with the state restored as ``.github/workflows/publish.yml`` does (``.cache/`` of the last build,
the bookkeeping kept with the releases) and without it (no ``.cache/``, releases without
bookkeeping: how a fresh clone built before). Medians, with the load average at each run's start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PORTAL = [sys.executable, "-m", "portal.cli"]
ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.vn",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.vn"}


def sh(args: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    if res.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{res.stdout}\n{res.stderr}")
    return time.perf_counter() - t0


def runs(items: list[tuple[float, float]]) -> str:
    """``12.3 s @ load 4.1, …``: each run and the 1-minute load average at its start."""
    return ", ".join(f"{t:.2f} s @ load {load:.1f}" for t, load in items)


def ci_flow(work: Path, root: Path, target: Path, site: str, mode: str, n: int, jobs: int) -> tuple[float, float, float, int]:
    """A fresh runner: clone, restore the state (*mode* "state") or not, build --since HEAD~1 --target and publish.

    Returns (build s, publish s, load average at the start, posts' and pages' files the build rendered of *site*).
    """
    run = work / f"ci-{mode}-{n}"
    clone, copy = run / "clone", run / "www"
    run.mkdir()
    subprocess.run(["cp", "-al", str(target), str(copy)], check=True)
    log = copy / "publish-log.jsonl"
    if log.exists():  # appended to in place: not shared with the original
        data = log.read_bytes()
        log.unlink()
        log.write_bytes(data)
    sh(["git", "clone", "-q", str(root), str(clone)], work)
    if mode == "state":
        if (root / ".cache").is_dir():
            shutil.copytree(root / ".cache", clone / ".cache", symlinks=True)
    else:  # the releases as they were kept before issue 20: without the build's bookkeeping
        for manifest in copy.glob("*/manifests/*.json"):
            data = json.loads(manifest.read_text(encoding="utf-8"))
            data.pop("state", None)
            manifest.unlink()
            manifest.write_text(json.dumps(data), encoding="utf-8")
    load = os.getloadavg()[0]
    b = sh([*PORTAL, "build", "--since", "HEAD~1", "--target", str(copy), "--jobs", str(jobs), "-q"], clone)
    p = sh([*PORTAL, "publish", "--target", str(copy), "--since", "HEAD~1", "-q"], clone)
    rendered = json.loads((clone / "output" / site / ".portal-manifest.json").read_text(encoding="utf-8")).get("rendered", [])
    shutil.rmtree(run, ignore_errors=True)
    return b, p, load, len(rendered)


def main() -> None:
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--preset", choices=["tiny", "small", "reference"])
    g.add_argument("--from", dest="source", help="a project folder to copy (sites.yaml and content/)")
    for key in ("sites", "posts", "directives"):
        ap.add_argument(f"--{key}", type=int, help=f"with --preset: override its number of {key}")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the full build and of each CI flow (interleaved)")
    ap.add_argument("--flows", default="state,no-state", help="the CI flows to run: state (as publish.yml), no-state (before issue 20)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    root, target = work / "repo", work / "www"
    if args.preset:
        scale = [x for k in ("sites", "posts", "directives") if getattr(args, k) for x in (f"--{k}", str(getattr(args, k)))]
        sh([*PORTAL, "synth", str(root), "--preset", args.preset, *scale], REPO)
        for name in ("themes", "plugins", "translations", "pelicanconf.py"):  # real files, not links, in Git
            (root / name).unlink()
            if (REPO / name).is_dir():  # what Git has: a runner's checkout has no compiled catalog
                shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
            else:
                shutil.copy(REPO / name, root / name)
    else:
        src = Path(args.source)
        root.mkdir(parents=True)
        for name in ("themes", "plugins", "translations"):
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
        shutil.copy(REPO / "pelicanconf.py", root)
        shutil.copy(src / "sites.yaml", root)
        shutil.copytree(src / "content", root / "content")
    (root / ".gitignore").write_text("output/\n.cache/\n*.mo\n__pycache__/\n", encoding="utf-8")
    sh(["git", "init", "-q", "-b", "main"], root)
    sh(["git", "add", "-A"], root)
    sh(["git", "commit", "-q", "-m", "network"], root)
    posts = len(list((root / "content").rglob("*.md")))
    sites = len([p for p in (root / "content/sites").iterdir() if p.is_dir()])

    fulls = []
    for _ in range(args.repeat):  # cold: no output, no .cache
        shutil.rmtree(root / "output", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        load = os.getloadavg()[0]
        fulls.append((sh([*PORTAL, "build", "--jobs", str(args.jobs), "-q"], root), load))
    full = statistics.median(t for t, _ in fulls)
    first_publish = sh([*PORTAL, "publish", "--target", str(target), "-q"], root)

    from ruamel.yaml import YAML

    network = YAML(typ="safe").load((root / "sites.yaml").read_text(encoding="utf-8"))
    site = next(s["id"] for s in network["sites"] if s["kind"] in ("commune", "ward"))
    sh(["git", "checkout", "-q", "-b", "bai-moi"], root)
    sh([*PORTAL, "new", "--site", site, "--category", "tin-tuc", "Bài mới để đo thời gian xuất bản"], root)
    new = root / "content" / "sites" / site / "tin-tuc" / "bai-moi-de-do-thoi-gian-xuat-ban.md"
    new.write_text(new.read_text(encoding="utf-8").split("<!--")[0] + "Nội dung bài mới.\n", encoding="utf-8")  # an untouched post is an error
    sh(["git", "add", "-A"], root)
    sh(["git", "commit", "-q", "-m", "Bài mới"], root)
    sh(["git", "checkout", "-q", "main"], root)
    sh(["git", "merge", "-q", "--no-ff", "-m", "Merge bai-moi", "bai-moi"], root)

    flows: dict[str, list[tuple[float, float, float, int]]] = {m: [] for m in args.flows.split(",") if m in ("state", "no-state")}
    for n in range(args.repeat):
        for mode in flows:
            flows[mode].append(ci_flow(work, root, target, site, mode, n, args.jobs))

    build_since = sh([*PORTAL, "build", "--since", "HEAD~1", "--jobs", str(args.jobs), "-q"], root)
    publish_since = sh([*PORTAL, "publish", "--target", str(target), "--since", "HEAD~1", "-q"], root)
    merge_to_release = build_since + publish_since
    shutil.rmtree(root / "output")  # as in a fresh CI clone: no previous build to reuse pages from
    build_fresh = sh([*PORTAL, "build", "--since", "HEAD~1", "--jobs", str(args.jobs), "-q"], root)
    print(f"network: {sites} sites, {posts} Markdown files ({args.preset or args.source}); jobs={args.jobs}")
    print(f"full build:                      {full:7.2f} s  (median; runs: {runs(fulls)})")
    print(f"first publish (all sites):       {first_publish:7.2f} s")
    print(f"portal build --since HEAD~1:     {build_since:7.2f} s  (site {site})")
    print(f"portal publish --since HEAD~1:   {publish_since:7.2f} s")
    print(f"merge → switched release:        {merge_to_release:7.2f} s = {merge_to_release / full:.1%} of a full build")
    print(f"  the same from a fresh clone:    {build_fresh + publish_since:7.2f} s = {(build_fresh + publish_since) / full:.1%}"
          f" (build --since without a previous output: {build_fresh:.2f} s)")
    for mode, label in (("state", "state restored (publish.yml)"), ("no-state", "no state (before issue 20)")):
        rows = flows.get(mode)
        if not rows:
            continue
        total = statistics.median(b + p for b, p, _, _ in rows)
        print(f"CI flow, fresh clone, {label:28s} {total:7.2f} s = {total / full:.1%} of a full build "
              f"(build {statistics.median(b for b, _, _, _ in rows):.2f} s + publish {statistics.median(p for _, p, _, _ in rows):.2f} s; "
              f"pages rendered {rows[0][3]}; runs: {runs([(b + p, ld) for b, p, ld, _ in rows])})")
    if args.keep:
        print(f"kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
