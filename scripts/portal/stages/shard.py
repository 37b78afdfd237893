"""Sharded builds: N CI runners each build a deterministic, cost-balanced share of the sites.

``portal build --shard K/N`` builds shard K (1-based) of N; ``portal assemble PART...``
merges the shards' output folders into one ``output/``.

The cost of a site is an estimate of its build time: its content files, plus the
shared directives (and their translations) it receives, plus a fixed overhead per
language run (a Pelican run, list pages, feeds, the theme's static files). Sites are
assigned greedily, the most expensive first, each to the shard with the least cost
so far (longest-processing-time first; ties go to the lower shard, and sites of equal
cost keep their sites.yaml order), so the split depends only on sites.yaml and the
content, never on the machine or the order of the file system.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.model import catalogue
from portal.model.content import read_post
from portal.model.errors import PortalError, Problem
from portal.model.messages import _
from portal.model.sites import Network
from portal.stages.directory import write_directory
from portal.stages.output import default_jobs, swap_into_place
from portal.stages.search.network import after_sites

#: Fixed cost of one language run of a site, in "content files" (measured: a Pelican run
#: of an empty site costs about as much as rendering a few dozen posts).
RUN_OVERHEAD = 25

_SHARD_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → ``(2, 4)``; K counts from 1."""
    m = _SHARD_RE.match(text or "")
    if not m:
        raise PortalError([Problem("--shard", None, _("'{text}' is not K/N — write e.g. --shard 2/4 (shard 2 of 4, counting from 1)", text=str(text)[:20]))])
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 1 <= k <= n:
        raise PortalError([Problem("--shard", None, _("shard {k}/{n} does not exist — K must be between 1 and N, and N at least 1", k=k, n=n))])
    return k, n


def site_costs(network: Network) -> dict[str, int]:
    """Estimated build cost of every site (see the module's docstring)."""
    root = network.root
    costs = {s.id: len(catalogue.markdown_files(catalogue.site_dir(root, s.id))) + RUN_OVERHEAD * len(s.languages)
             for s in network.sites}
    langs = {s.id: set(s.languages) for s in network.sites}
    tz = ZoneInfo(network.timezone)
    audiences: dict[str, set[str]] = {}
    translations = []
    for path in catalogue.markdown_files(catalogue.shared_dir(root)):
        post = read_post(path, root, site=None, kind="article", tz=tz)
        if post.lang:  # a translation: the audience of its original, among sites in that language
            translations.append(post)
            continue
        ids = catalogue.resolve_audience(post, network)[0] if post.meta else set(network.ids)
        audiences[post.base] = ids
    for post in translations:
        ids = audiences.get(post.base, set(network.ids))
        audiences[post.rel] = {s for s in ids if post.lang in langs[s]}
    for ids in audiences.values():
        for s in ids:
            costs[s] += 1
    return costs


def assign(ids: Sequence[str], costs: dict[str, int], n: int) -> list[list[str]]:
    """Split *ids* into *n* shards by longest-processing-time first; each shard keeps *ids*' order."""
    order = {s: i for i, s in enumerate(ids)}
    loads = [0] * n
    shards: list[list[str]] = [[] for _ in range(n)]
    for s in sorted(ids, key=lambda s: (-costs[s], order[s])):
        k = min(range(n), key=lambda i: (loads[i], i))
        shards[k].append(s)
        loads[k] += costs[s]
    return [sorted(shard, key=order.__getitem__) for shard in shards]


def shard_sites(network: Network, k: int, n: int, among: Iterable[str] | None = None) -> list[str]:
    """The sites of shard *k* of *n* (1-based), among the given ids (default: all)."""
    ids = list(dict.fromkeys(among)) if among else network.ids
    unknown = [s for s in ids if s not in network]
    if unknown:
        raise PortalError([Problem("sites.yaml", None, f"no site '{s}' — pick one of the ids in sites.yaml") for s in unknown])
    costs = site_costs(network)
    return assign(ids, costs, n)[k - 1]


@dataclass
class AssembleReport:
    sites: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    search_problems: list[Problem] = field(default_factory=list)  # the sites are in place; an index is not

    @property
    def ok(self) -> bool:
        return not self.problems


def index_network(network: Network, output: Path) -> list[Problem]:
    """The search indexes built after every site (the shared directives' bundle and the
    network-wide index, :mod:`portal.stages.search.network`), over the assembled ``output/``.

    Runs once, in the final job, after every shard's sites are in place.
    """
    return after_sites(network, output, default_jobs())


def assemble(network: Network, parts: Sequence[Path], output: Path, *, allow_missing: bool = False,
             search: bool = True) -> AssembleReport:
    """Move (or copy) each part's ``<id>/`` folders into *output*; every site must come from exactly one part."""
    report = AssembleReport()
    found: dict[str, Path] = {}
    for part in parts:
        if not part.is_dir():
            report.problems.append(Problem(str(part), None, "is not a folder — pass the output folders of the shard jobs"))
            continue
        for entry in sorted(part.iterdir()):
            if not entry.is_dir() or entry.name not in network:
                continue  # index.html, leftovers of an interrupted build, sites no longer in sites.yaml
            if entry.name in found:
                report.problems.append(Problem(str(entry), None, f"site '{entry.name}' is also in {found[entry.name]} — "
                                                                 "each site must come from one shard: build every shard with the same N"))
                continue
            found[entry.name] = entry
    report.missing = [s for s in network.ids if s not in found]
    if report.missing and not allow_missing:
        report.problems.append(Problem("output", None, f"{len(report.missing)} site(s) missing from the shards: "
                                                       f"{', '.join(report.missing)} — did a shard job fail? (--allow-missing keeps going)"))
    if report.problems:
        return report

    output.mkdir(parents=True, exist_ok=True)
    for site in network.ids:
        src = found.get(site)
        if src is None:
            continue
        staged = output / f".assembling-{site}"
        if staged.exists():
            shutil.rmtree(staged)
        try:
            src.rename(staged)  # same file system: a move
        except OSError:
            shutil.copytree(src, staged, symlinks=True)
        swap_into_place(staged, output / site)
        report.sites.append(site)
    write_directory(network, output)
    if search:
        report.search_problems = index_network(network, output)
    return report
