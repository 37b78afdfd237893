"""Build orchestration: validate, parse shared content once, render each site in a worker.

Each site is rendered into a temporary folder beside ``output/<id>/`` and moved into
place only when it succeeded: a failing site keeps its previous output, the other
sites still build, and every problem is reported.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.connection
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from portal.model import catalogue, i18n
from portal.model.errors import PortalError, Problem
from portal.model.links import short
from portal.model.messages import _
from portal.model.sites import Network, load_network
from portal.stages import history, repository
from portal.stages.directory import write_directory
from portal.stages.output import TMP_PREFIX, Remover, clean_leftovers, default_jobs, swap_into_place, write_build_record
from portal.stages.render import changes
from portal.stages.render.cache import RENDERER
from portal.stages.search import network as network_index
from portal.stages.search import site as site_index


@dataclass
class SiteResult:
    site: str
    ok: bool
    pages: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rendered: int = 0   # posts' and pages' files rendered (lists, feeds, home not counted)
    reused: int = 0     # … and linked unchanged from the previous build
    replaced: str | None = None  # the site's previous tree, left for the parent to remove (output.Remover)


@dataclass
class BuildReport:
    results: list[SiteResult]
    problems: list[Problem]  # problems not tied to one site's build (shared directives)
    seconds: float
    shared_parse_seconds: float
    peak_rss_mb: float
    notes: list[str] = field(default_factory=list)  # said once (e.g. Git history not used)
    #: wall seconds of the search indexes built after every site (the shared directives' bundle, the network's shards)
    search_after_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.ok for r in self.results)

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results)

    def all_problems(self) -> list[Problem]:
        seen: set[Problem] = set()
        out: list[Problem] = []
        for p in [*self.problems, *(p for r in self.results for p in r.problems)]:
            if p not in seen:
                seen.add(p)
                out.append(p)
        return out


#: development: a folder where each site's worker writes its cProfile data (``<id>.prof``)
#: and the parent the work after every site (``after-sites.prof``)
PROFILE_ENV = "PORTAL_PROFILE"

# State inherited by forked workers (set by build() before the pool starts).
_NETWORK: Network | None = None
_OUTPUT: Path | None = None
_NOW: dt.datetime | None = None
_REPARSE_SHARED = False
_FULL = False
_SEARCH = True
_PROVENANCE: dict[str, object] = {}
#: in a worker: set to 1 when the site's output is being swapped in (the parent then lets it finish)
_SWAPPING = None


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_one(site_id: str) -> SiteResult:
    """Worker: read, validate and render one site, then move it into output/."""
    start = time.perf_counter()
    try:
        result = _build_one(site_id)
    except Exception as exc:  # never let one site take the whole build down
        text = str(exc)
        result = SiteResult(site=site_id, ok=False, problems=[
            Problem(f"content/sites/{site_id}", None, _("internal error while building: {error}: {detail} — please report it",
                                                        error=type(exc).__name__, detail=short(text, 200)))])
    result.seconds = time.perf_counter() - start
    result.peak_rss_mb = _peak_rss_mb()
    return result


def _build_one(site_id: str) -> SiteResult:
    assert _NETWORK is not None and _OUTPUT is not None and _NOW is not None
    from portal.stages.render.site import render_site

    network, site = _NETWORK, _NETWORK.site(site_id)
    result = SiteResult(site=site_id, ok=False)
    try:
        posts, problems = catalogue.load_site(network, site, render=RENDERER)
    except OSError as exc:
        problems = [Problem(f"content/sites/{site_id}", None, _("cannot be read ({reason}) — check the folder's permissions", reason=exc.strerror))]
        posts = []
    if problems:
        result.problems = problems
    else:
        catalogue.CURRENT.clear()
        catalogue.CURRENT.update({str(p.path): p for p in posts})
        catalogue.BUILDING = True
        catalogue.index_languages(site, posts, _NOW)
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{site_id}-", dir=_OUTPUT))
        except OSError as exc:
            result.problems = [Problem(str(_OUTPUT), None, _("cannot write the output folder ({reason}) — check its permissions", reason=exc.strerror))]
            return result
        try:
            if _REPARSE_SHARED:  # benchmark only: what parse-once saves
                catalogue.load_shared(network, render=RENDERER)
            changes.start()
            pages, problems, warnings = render_site(network, site, tmp, _NOW, previous=None if _FULL else _OUTPUT / site_id,
                                                    search=_SEARCH)
            result.pages, result.problems, result.warnings = pages, problems, warnings
            from portal.stages.render import incremental

            result.rendered, result.reused = incremental.stats["rendered"], incremental.stats["reused"]
            if not problems:  # /changes.json: what this build adds, changes and removes against the site's last build
                changes.finish(tmp, _OUTPUT / site_id, site_id, _PROVENANCE.get("commit"))  # type: ignore[arg-type]
            if not problems and _SEARCH:  # the search index is built before the swap: a failure keeps the old site
                problems = result.problems = site_index.index_site_problems(network, site, tmp, _OUTPUT / site_id,
                                                                            incremental.shared)
            if not problems:
                write_build_record(tmp, {**_PROVENANCE, "search": _SEARCH})  # publish checks it against HEAD
                if _SWAPPING is not None:  # from here on the parent lets the swap finish
                    _SWAPPING.value = 1
                old = swap_into_place(tmp, _OUTPUT / site_id, remove_old=False)
                result.replaced = str(old) if old is not None else None
                result.ok = True
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return result


def _worker(site_id: str, conn, swapping) -> None:
    """A forked worker: build one site, send the result, exit. Its own process group, so a
    timeout ends it with everything it started (Pagefind)."""
    global _SWAPPING
    os.setpgid(0, 0)
    _SWAPPING = swapping
    try:
        profile_dir = os.environ.get(PROFILE_ENV)
        if profile_dir:  # development: one cProfile file per site's worker
            import cProfile

            profiler = cProfile.Profile()
            result = profiler.runcall(build_one, site_id)
            profiler.dump_stats(str(Path(profile_dir) / f"{site_id}.prof"))
        else:
            result = build_one(site_id)
    except BaseException as exc:  # pragma: no cover - build_one catches everything it can
        result = SiteResult(site=site_id, ok=False, problems=[Problem(f"content/sites/{site_id}", None, str(type(exc).__name__))])
    try:
        conn.send(result)
    finally:
        conn.close()


def run_sites(sites: Sequence[str], jobs: int, timeout: float, output: Path) -> Iterator[SiteResult]:
    """Build *sites* in at most *jobs* forked workers, one process per site; yield each result as it ends.

    A site whose build takes longer than *timeout* seconds (``network.limits.build_seconds``)
    is ended with its process group and fails with a message naming it; its temporary tree
    is removed and its previous output kept; the other sites still build. A worker that dies
    without a result fails its site the same way.
    """
    ctx = multiprocessing.get_context("fork")
    queue = list(sites)
    running: dict[str, tuple[multiprocessing.process.BaseProcess, object, float, object]] = {}
    try:
        yield from _schedule(ctx, queue, running, jobs, timeout, output)
    finally:  # interrupted (Ctrl-C): the workers are in their own process groups, end them
        for site_id, (proc, _r, _t, _s) in running.items():
            _end(proc)
            _remove_leftovers(output, site_id)


def _schedule(ctx, queue: list[str], running: dict, jobs: int, timeout: float, output: Path) -> Iterator[SiteResult]:
    while queue or running:
        while queue and len(running) < jobs:
            site_id = queue.pop(0)
            receiver, sender = ctx.Pipe(duplex=False)
            swapping = ctx.Value("i", 0, lock=False)
            proc = ctx.Process(target=_worker, args=(site_id, sender, swapping), daemon=False)
            proc.start()
            sender.close()
            running[site_id] = (proc, receiver, time.monotonic(), swapping)
        ready = multiprocessing.connection.wait([r for _p, r, _t, _s in running.values()], timeout=0.5)
        now = time.monotonic()
        for site_id, (proc, receiver, started, swapping) in list(running.items()):
            result: SiteResult | None = None
            if receiver in ready:
                try:
                    result = receiver.recv()
                except (EOFError, OSError):
                    result = SiteResult(site=site_id, ok=False, problems=[Problem(f"content/sites/{site_id}", None, _(
                        "the build of site '{id}' stopped without a result (out of memory?) — its previous output is kept", id=site_id))])
                proc.join()
            elif now - started > timeout and not swapping.value:
                _end(proc)
                _remove_leftovers(output, site_id)
                result = SiteResult(site=site_id, ok=False, seconds=now - started, problems=[Problem(f"content/sites/{site_id}", None, _(
                    "the build of site '{id}' took longer than {seconds} s (network.limits.build_seconds) and was stopped — its previous output is kept; look for a very large or complex post",
                    id=site_id, seconds=int(timeout)))])
            elif not proc.is_alive() and receiver not in ready and not receiver.poll():
                proc.join()
                result = SiteResult(site=site_id, ok=False, problems=[Problem(f"content/sites/{site_id}", None, _(
                    "the build of site '{id}' stopped without a result (out of memory?) — its previous output is kept", id=site_id))])
            if result is not None:
                receiver.close()
                del running[site_id]
                yield result


def _end(proc) -> None:
    """End a worker and every process it started."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.join()


def _remove_leftovers(output: Path, site_id: str) -> None:
    """Remove the temporary trees of *site_id* (``.building-<id>-<random>``; the random part has no '-')."""
    prefix = f"{TMP_PREFIX}{site_id}-"
    for entry in output.glob(f"{prefix}*"):
        if "-" not in entry.name[len(prefix):]:
            shutil.rmtree(entry, ignore_errors=True)


def _preload_codes(network: Network) -> None:
    """The QR codes every copy of a shared directive prints, drawn once here for every site's worker."""
    from portal.stages.render import qr
    from portal.stages.render.metadata import shared_code_urls

    qr.preload(network.root, shared_code_urls(network))


def _prune_copies(network: Network) -> None:
    """The copies' templates of another theme or code are never read again (portal.stages.render.copies);
    the search parses of copies of other code or older than a month (portal.stages.search.parsed)."""
    from portal.stages.render import copies, incremental
    from portal.stages.search import parsed

    copies.prune(network.root, incremental.code_key(str(network.root)))
    parsed.prune_copies(network.root)


def _prune_stages() -> None:
    """Pagefind's input pages left in memory by workers killed at their timeout (portal.stages.search.site)."""
    from portal.stages.search import site as site_index

    site_index.prune_stages()


def _preload() -> None:
    """Import Pelican and what it renders with once, in the parent: every forked worker inherits them.

    That is every module of :mod:`portal.stages.render` (the plugins import them) and the stages the
    provincial portal's pages read (the audit, the outreach audit): a worker importing them itself spent
    about 40 ms a site, compiling them where bytecode is not written (``PYTHONDONTWRITEBYTECODE``).
    The plugins are the checkout's, not this package's: :func:`_preload_plugins` imports them.
    """
    import importlib
    import pkgutil

    import jinja2.ext  # noqa: F401
    import markdown_it  # noqa: F401
    import nh3  # noqa: F401
    import pelican
    import pelican.generators
    import pelican.readers
    import pelican.writers  # noqa: F401

    from portal.stages import render as render_stage
    from portal.stages.render import site as render  # noqa: F401

    for module in pkgutil.iter_modules(render_stage.__path__, f"{render_stage.__name__}."):
        importlib.import_module(module.name)
    for name in ("portal.stages.audit", "portal.stages.outreach.audit", "portal.stages.outreach.content"):
        importlib.import_module(name)


#: what :func:`_preload_plugins` imported: ((plugins folder, code key), module names)
_PLUGINS_LOADED: tuple[tuple[str, str], list[str]] | None = None


def _preload_plugins(root: Path) -> None:
    """Import the project's Pelican plugins (``pelicanconf.py``'s ``PLUGINS``) once, in the parent, with
    Pelican's own loader: in a worker, Pelican takes a plugin already in ``sys.modules``. Each worker
    compiled the 16 plugins again (about 25 ms a site where bytecode is not written).

    Plugins imported earlier from another folder or other code (another project in the same process, a
    test's edited plugin: :func:`portal.stages.render.incremental.code_key`) are dropped first. A plugin that
    cannot be imported, or settings that cannot be read, are left to Pelican in the worker, which reports
    them as it always has.
    """
    global _PLUGINS_LOADED
    from pelican.plugins._utils import load_legacy_plugin
    from pelican.settings import read_settings

    from portal.stages.render import incremental

    plugins = str(root / "plugins")
    key = (plugins, incremental.code_key(str(root)))
    if _PLUGINS_LOADED is not None:
        if _PLUGINS_LOADED[0] == key:
            return
        for name in _PLUGINS_LOADED[1]:
            sys.modules.pop(name, None)
    _PLUGINS_LOADED = (key, [])
    try:
        names = [n for n in read_settings(str(root / "pelicanconf.py")).get("PLUGINS") or ()
                 if isinstance(n, str) and n not in sys.modules]
    except Exception:  # the workers' Pelican reads the file and says what is wrong with it
        return
    for name in names:
        try:
            load_legacy_plugin(name, [plugins])
        except Exception:
            sys.modules.pop(name, None)
            continue
        _PLUGINS_LOADED[1].append(name)


def build(
    root: Path | str,
    sites: Sequence[str] | None = None,
    *,
    jobs: int | None = None,
    output: Path | str | None = None,
    now: dt.datetime | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[SiteResult], None] | None = None,
    reparse_shared: bool = False,
    full: bool = False,
    search: bool = True,
    seed_from: Path | str | None = None,
    seed_branch: str | None = None,
    with_home: bool = False,
    scoreboard: Path | str | None = None,
) -> BuildReport:
    """Build *sites* (default: all) of the project at *root* into *output* (default root/output).

    *seed_from* (a publish target folder): every site without an output starts from its
    current release there (:func:`portal.stages.publish.seed.seed_output`), so a build of
    some sites on a fresh clone produces complete sites; *seed_branch* (a ``--branch`` name):
    the same from the branches NAME/<id> (:func:`~portal.stages.publish.seed.seed_from_branches`).
    Either brings back the bookkeeping kept with the release, so only what changed is rendered. *with_home*: when the provincial
    portal has no output, build it too (the shared directives' bundle is made from its
    pages); not for a shard of a sharded build (``portal assemble`` makes the bundles).
    *scoreboard* is the folder of the monthly scoring's data (``portal.score.board``): the
    provincial portal's ``scoreboard`` plugin publishes its pages from it.
    """
    global _NETWORK, _OUTPUT, _NOW, _REPARSE_SHARED, _FULL, _SEARCH, _PROVENANCE
    start = time.perf_counter()
    network = load_network(root)
    unknown = [s for s in sites or () if s not in network]
    if unknown:
        raise PortalError([Problem("sites.yaml", None, _("no site '{id}' — pick one of the ids in sites.yaml", id=s)) for s in unknown])
    selected = list(dict.fromkeys(sites)) if sites else network.ids
    out = Path(output) if output else network.root / "output"
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out)
        os.rmdir(probe)
    except OSError as exc:
        raise PortalError([Problem(str(out), None, _("cannot write the output folder ({reason}) — check its permissions or pass --output DIR", reason=exc.strerror))]) from None
    clean_leftovers(out)
    notes: list[str] = []
    releases = None
    if seed_from is not None:
        from portal.stages.publish.seed import release_trees, seed_output

        # Some sites: only those and the provincial portal are copied; the indexes after every site read the
        # others where they are published. Every site: all of them (each one's pages are reused).
        seeded = seed_output(network, out, seed_from, only={*selected, network.home} if sites else None)
        releases = release_trees(network, out, seed_from)
        if seeded:
            notes.append(_("{count} site(s) taken from the last release in {target} before building", count=len(seeded), target=seed_from))
    if seed_branch is not None:
        from portal.stages.publish.seed import seed_from_branches

        seeded = seed_from_branches(network, out, seed_branch)
        if seeded:
            notes.append(_("{count} site(s) taken from the branches {branch}/<id> before building", count=len(seeded), branch=seed_branch))
    if with_home and search and sites and network.home not in selected and not (out / network.home).is_dir():
        selected.append(network.home)  # the shared directives' bundle is made from the provincial portal's pages
        notes.append(_("{site} built too: the shared directives' search bundle is made from its pages", site=network.home))
    i18n.compile_catalogs(network.root / "translations")
    from portal.stages.render import incremental

    incremental.code_key.cache_clear()  # the theme, plugins or catalogs may have changed since this process last built

    t0 = time.perf_counter()
    shared_problems = catalogue.load_shared(network, render=RENDERER)
    catalogue.load_documents(network, now or catalogue.now_in(network))  # the network's documents: relations and status
    _preload_codes(network)
    catalogue.prepare_links(network)  # every site's link index holds the shared directives: made once here
    _prune_copies(network)
    _prune_stages()
    shared_seconds = time.perf_counter() - t0
    history_note = history.prepare(network.root, selected if sites else None)  # one git log pass, before forking
    _PROVENANCE = repository.provenance(network.root)
    blocked = catalogue.sites_blocked_by(network, shared_problems)

    _NETWORK, _OUTPUT, _REPARSE_SHARED, _FULL, _SEARCH = network, out.resolve(), reparse_shared, full, search
    _NOW = now or catalogue.now_in(network)
    results: list[SiteResult] = []
    to_build = [s for s in selected if s not in blocked]
    for s in selected:
        if s in blocked:
            results.append(SiteResult(site=s, ok=False, problems=[Problem("content/shared", None, _("site '{id}' not built: a shared directive for this site has errors (listed above)", id=s))]))
    if on_start:
        on_start(len(selected))
    for r in results:
        if on_result:
            on_result(r)
    n_jobs = max(1, min(jobs or default_jobs(), len(to_build) or 1))
    after_jobs = max(1, jobs or default_jobs())  # the network's shards, however few sites were built
    _preload()
    _preload_plugins(network.root)
    from portal.stages.render import site as render

    render.SCOREBOARD = Path(scoreboard).resolve() if scoreboard else None
    # One fresh process per site: Pelican's process-wide state never leaks between sites.
    remover = Remover()  # the sites' replaced trees are removed beside the build, not in their workers
    try:
        for r in run_sites(to_build, n_jobs, network.limits.build_seconds, out):
            remover.remove(r.replaced)
            results.append(r)
            if on_result:
                on_result(r)
        after_start = time.perf_counter()
        changed: set[str] = set()
        if search:  # after every site: see portal.stages.search.network
            if os.environ.get(PROFILE_ENV):
                import cProfile

                profiler = cProfile.Profile()
                shared_problems += profiler.runcall(network_index.after_sites, network, out, after_jobs, notes, changed, releases, remover)
                profiler.dump_stats(str(Path(os.environ[PROFILE_ENV]) / "after-sites.prof"))
            else:
                shared_problems += network_index.after_sites(network, out, after_jobs, notes, changed, releases, remover)
        after_seconds = time.perf_counter() - after_start if search else 0.0
        built = {r.site for r in results if r.ok}
        for site_id in sorted(changed - built):
            # A tree the indexes after every site changed (the provincial portal's network index, after a post in
            # a commune): it now holds what this commit makes, so `portal publish --since` sends it out too.
            if (out / site_id / "index.html").is_file():
                write_build_record(out / site_id, {**_PROVENANCE, "search": search})
        write_directory(network, out)
    finally:
        remover.wait()
    order = {s: i for i, s in enumerate(selected)}
    results.sort(key=lambda r: order[r.site])
    peak = max([r.peak_rss_mb for r in results] + [_peak_rss_mb()])
    return BuildReport(results=results, problems=shared_problems, seconds=time.perf_counter() - start,
                       shared_parse_seconds=shared_seconds, peak_rss_mb=peak,
                       notes=([history_note] if history_note else []) + notes, search_after_seconds=after_seconds)
