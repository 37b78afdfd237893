"""Search indexes built after every site: the shared directives' bundle and the network index.

Both exist because Pagefind cannot add pages to a bundle, and holds every page of a
run in memory (about 0.2 MB a page: 31,000 pages took 5 GiB):

- **Shared directives.** A directive addressed to every portal is on all of them, so in
  every site's own bundle it would be indexed 150 times, and one new directive would
  re-index every site. Instead the provincial portal's copies (marked
  ``data-search-shared`` by the theme) are indexed once into ``pagefind-chi-dao/``, which
  is hard-linked into every site; a site's own bundle leaves them out, and its search
  page searches both bundles together (Pagefind's ``mergeIndex``). Directives for some
  sites only stay in those sites' own bundles. A site whose default language differs
  from the provincial portal's (its URLs differ) keeps them in its own bundle.
- **The network index** (``<home>/tim-kiem-toan-tinh/pagefind/``) is split into shards of
  consecutive sites (sites.yaml order), as many as the power of two that keeps them at
  most :data:`SHARD_PAGES` pages on average (copies of directives left out);
  ``shards.json`` lists them and the network search page merges them. Each shard's
  folder is named after the key of what it indexes, so a change in one site rebuilds
  one shard, and the list is switched by one rename.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from portal.model import i18n
from portal.model.errors import Problem
from portal.model.messages import _
from portal.model.sites import Network, Site
from portal.stages.output import OLD_PREFIX, TMP_PREFIX, Remover, make_public, swap_into_place
from portal.stages.search import bundle as bundle_files
from portal.stages.search import merge
from portal.stages.search.parsed import ParsedPages
from portal.stages.search.site import (
    BUNDLE,
    KIND_LABELS,
    NETWORK_PAGE,
    OWN,
    SHARED,
    SHARED_BUNDLE,
    VERSION,
    Identities,
    IndexResult,
    SearchIndexError,
    Staged,
    _digest,
    _is_copy,
    _link_tree,
    _read_key,
    content_pages,
    network_pages,
    pagefind_version,
    read_record,
    recorded_pages,
    run_pagefind,
    staged_page,
    tree_listing,
    update_tree,
    url_of,
    write_key,
)
from portal.stages.search.staging import assemble, language_code

SHARDS_FILE = "shards.json"
#: at most this many pages per shard of the network index (the shards hold between half
#: and all of it): Pagefind indexes 3,000 pages in about 600 MiB
SHARD_PAGES = 3000


@dataclass(frozen=True)
class Releases:
    """Sites read from their live release, not from ``output/`` (``portal build --target DIR`` copies into
    ``output/`` only the sites it builds and the provincial portal: :mod:`portal.stages.publish.seed`).

    *trees*: ``{site id: release folder}``, only ever read; *records*: the search stage record kept with
    each release (``{site id: record}``, :func:`portal.stages.search.site.read_record`'s shape).
    """

    trees: dict[str, Path] = field(default_factory=dict)
    records: dict[str, dict] = field(default_factory=dict)


def _tree(output: Path, site_id: str, releases: Releases | None = None) -> Path | None:
    """A site's built tree: ``output/<id>``, else its live release (read only), else None."""
    tree = output / site_id
    if tree.is_dir():
        return tree
    return releases.trees.get(site_id) if releases is not None else None


def uses_shared_index(network: Network, site: Site, lang: str) -> bool:
    """Whether *site* in *lang* searches the shared directives' bundle (its URLs equal the provincial portal's)."""
    home = network.home_site
    return lang in home.languages and site.default_language == home.default_language


# --- the shared directives -------------------------------------------------------------------

def index_shared(network: Network, output: Path, remover: Remover | None = None) -> IndexResult | None:
    """Index the provincial portal's copies of the directives for every site; link the bundle into every site.

    Returns None when the provincial portal has not been built. *remover*: removes the replaced bundles
    beside the rest of the build (else each is removed when replaced: one unlink per file, 150 bundles of
    about 1,000 files at the reference scale).
    """
    start = time.perf_counter()
    home = output / network.home
    if not home.is_dir():
        return None
    pages = recorded_pages(home, {SHARED})  # the home's record, else every page of it read
    trees = [output / s.id for s in network.sites if (output / s.id).is_dir()]
    files = _files_key(pages) if pages is not None else None
    if files is not None and all(_read_files_key(t / SHARED_BUNDLE) == files for t in trees):
        # the very files the bundle was built from (a build that did not render the provincial portal again)
        return IndexResult(pages=len(pages or ()), reused=True, seconds=time.perf_counter() - start)
    store = ParsedPages.open(network.root, network.home)
    staged = []
    for rel, path in content_pages(home, shared=True) if pages is None else pages:
        result = staged_page(store, rel, path)
        if result is not None:
            staged.append((rel, result))
    store.save(prune=False)
    if not staged:  # no directive for every site: no bundle (the search pages do not ask for one)
        for tree in trees:
            shutil.rmtree(tree / SHARED_BUNDLE, ignore_errors=True)
        return IndexResult(pages=0, reused=False, seconds=time.perf_counter() - start)
    key = _digest(staged)
    stale = [t for t in trees if _read_key(t / SHARED_BUNDLE) != key
             or (files is not None and _read_files_key(t / SHARED_BUNDLE) != files)]
    if not stale:
        return IndexResult(pages=len(staged), reused=True, seconds=time.perf_counter() - start)
    if all(_read_key(t / SHARED_BUNDLE) == key for t in stale):  # same text, new files: only the files' key
        for tree in stale:
            _write_files_key(tree / SHARED_BUNDLE, files)
        return IndexResult(pages=len(staged), reused=True, seconds=time.perf_counter() - start)
    changed = [t.name for t in stale]
    work = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}shared-search-", dir=output))
    try:
        built = work / SHARED_BUNDLE
        run_pagefind(staged, built, work, cards=False)  # the search pages show the cards of a site's own bundle
        write_key(built, key)
        _write_files_key(built, files)
        make_public(built)  # once: every site's copy is hard links to these files (folders made 0755)
        listing = tree_listing(built)
        identities = Identities()
        for tree in stale:
            bundle = tree / SHARED_BUNDLE
            if bundle.is_dir() and not bundle.is_symlink() and update_tree(built, listing, bundle, identities):
                continue  # the site's bundle, only what differs replaced
            tmp = tree / f"{TMP_PREFIX}{SHARED_BUNDLE}"
            shutil.rmtree(tmp, ignore_errors=True)
            _link_tree(built, tmp, listing)
            old = swap_into_place(tmp, tree / SHARED_BUNDLE, remove_old=remover is None, public=True)
            if remover is not None:
                remover.remove(old)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return IndexResult(pages=len(staged), reused=False, seconds=time.perf_counter() - start, changed=changed)


def _files_key(pages: list[tuple[str, Path]]) -> str | None:
    """The identity of the files of the shared directives' pages (path, inode, size, time): unchanged when the
    provincial portal's pages are the ones the last build staged (linked, not rendered again); None if one is gone."""
    h = hashlib.sha1()
    try:
        for rel, path in pages:
            st = path.stat()
            h.update(f"{rel} {st.st_ino} {st.st_size} {st.st_mtime_ns}\n".encode())
    except OSError:
        return None
    return h.hexdigest()


#: in a shared bundle, the build's bookkeeping (not published): the :func:`_files_key` it was built from
FILES_KEY_FILE = ".portal-search-files"


def _read_files_key(bundle: Path) -> str | None:
    try:
        return (bundle / FILES_KEY_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _write_files_key(bundle: Path, files: str | None) -> None:
    """Written anew and renamed: the bundle's files are hard links shared with other trees and releases."""
    if files is None or not bundle.is_dir():
        return
    tmp = bundle / f".{FILES_KEY_FILE}.tmp"
    tmp.write_text(files + "\n", encoding="utf-8")
    os.replace(tmp, bundle / FILES_KEY_FILE)


# --- the network index -----------------------------------------------------------------------

def _page_count(bundle: Path) -> int:
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())


def _shard_weight(bundle: Path) -> int:
    """A site's pages in the network index: its own (recorded by the site's build), else all it indexes."""
    own = network_pages(bundle)
    return _page_count(bundle) if own is None else own


def plan_shards(network: Network, output: Path, budget: int | None = None, releases: Releases | None = None) -> list[list[Site]]:
    """Consecutive groups of sites, as many as the power of two that keeps them at most *budget* pages on average.

    The number of shards changes only when the network's pages double or halve, so a
    change in one site leaves the other shards as they were. *releases*: sites read from their live release.
    """
    budget = budget or SHARD_PAGES
    trees = {s.id: _tree(output, s.id, releases) for s in network.sites}
    sites = [s for s in network.sites if trees[s.id] is not None]
    if not sites:
        return []
    home = trees.get(network.home)
    total = (sum(_shard_weight(trees[s.id] / BUNDLE) for s in sites)  # type: ignore[operator]
             + (_page_count(home / SHARED_BUNDLE) if home is not None else 0))
    k = 1
    while k * budget < total and k < len(sites):
        k *= 2
    size = math.ceil(len(sites) / k)
    return [sites[i:i + size] for i in range(0, len(sites), size)]


def _labels(network: Network, site: Site, lang: str) -> dict[str, str]:
    tr = i18n.translations(str(network.root / "translations"), lang)
    return {"site": site.name(lang), "kind": tr.gettext(KIND_LABELS.get(site.kind, site.kind))}


def _network_candidates(network: Network, tree: Path, site: Site, record: dict | None = None) -> list[tuple[str, Path]]:
    """The pages of a site that may go into the network index.

    From the site's record (*record*, else the one in its bundle): its own pages (and on the
    provincial portal the directives for every site), without reading the copies every site
    has; else every content page.
    """
    pages = recorded_pages(tree, {OWN, SHARED} if site.id == network.home else {OWN}, record)
    return list(content_pages(tree)) if pages is None else pages


def _built(output: Path, sites: list[Site], releases: Releases | None) -> Iterator[tuple[Site, Path, dict | None]]:
    """(site, its built tree, the record kept with its live release when the tree is that release's) of the
    *sites* that have a tree (:func:`_tree`)."""
    for site in sites:
        tree = _tree(output, site.id, releases)
        if tree is not None:
            yield site, tree, releases.records.get(site.id) if releases is not None and tree != output / site.id else None


def stage_sites(network: Network, output: Path, sites: list[Site], releases: Releases | None = None) -> list[tuple[str, Staged]]:
    """The content pages of *sites*, once each, with site and kind filters and absolute URLs.

    A copy of a shared directive (its canonical link points at the provincial portal)
    is left out: the provincial portal's own copy is in its shard. *releases*: sites read
    from their live release.
    """
    staged = []
    for site, tree, record in _built(output, sites, releases):
        store = ParsedPages.open(network.root, site.id)
        labels: dict[str, dict[str, str]] = {}
        for rel, path in _network_candidates(network, tree, site, record):
            raw = path.read_bytes()
            if _is_copy(raw, site.url, rel):
                continue
            parsed = store.parsed(rel, raw)
            if parsed is None:
                continue
            if parsed.lang not in labels:
                labels[parsed.lang] = _labels(network, site, parsed.lang)
            label = labels[parsed.lang]
            # The page's URL is /<site id>/<path>: the search page turns it into the site's own
            # address from sites.yaml. The site's name is searched (a query naming a place or an
            # agency ranks its own pages first) but shown from sites.yaml, never from the index.
            result = assemble(parsed, filters={"site": label["site"], "kind": label["kind"]}, meta={"site": label["site"]})
            staged.append((f"{site.id}/{rel}", result))
        store.save(prune=False)
    return staged


def shard_key(network: Network, output: Path, sites: list[Site], releases: Releases | None = None) -> str:
    """What a shard depends on: its sites' names, kinds, URLs and bundle keys, and the catalogs (their
    sources: a compiled ``.mo`` is not in Git, and a stray one would rebuild every shard on CI's state)."""
    h = hashlib.sha1(f"network {VERSION} pagefind {pagefind_version()}\n".encode())
    for site in sites:
        tree = _tree(output, site.id, releases) or output / site.id
        h.update(f"{site.id} {site.kind} {site.url} {sorted(site.names.items())} {_read_key(tree / BUNDLE)}\n".encode())
        if site.id == network.home:
            h.update(f"shared {_read_key(tree / SHARED_BUNDLE)}\n".encode())
    for path in sorted((network.root / "translations").glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po")):
        h.update(path.read_bytes())
    return h.hexdigest()


def _read_shards(folder: Path) -> list[str]:
    try:
        names = json.loads((folder / SHARDS_FILE).read_text(encoding="utf-8"))
        return [n.rstrip("/") for n in names if isinstance(n, str)]
    except (OSError, ValueError, TypeError):
        return []


def missing_sites(network: Network, output: Path, releases: Releases | None = None) -> list[str]:
    """The sites of sites.yaml that have no output yet, nor a live release in *releases* (the network index
    would leave them out)."""
    return [s.id for s in network.sites if _tree(output, s.id, releases) is None]


def shard_sources(network: Network, output: Path, sites: list[Site], releases: Releases | None = None) -> list[merge.Source]:
    """The bundles a shard of *sites* is merged from (:mod:`.merge`): each site's own pages from its bundle, and on
    the provincial portal the shared directives' bundle. Raises :class:`merge.CannotMerge` for a site without
    its record (which pages are its own). *releases*: sites read from their live release."""
    sources = []
    for site, tree, record in _built(output, sites, releases):
        record = record if record is not None else read_record(tree / BUNDLE)
        if record is None:
            raise merge.CannotMerge(f"{site.id}: no search record in its bundle")
        kinds = {OWN, SHARED} if site.id == network.home else {OWN}
        own = {url_of(rel) for rel, r in record.items() if r[4] == OWN}
        for folder, urls in [(tree / BUNDLE, own)] + ([(tree / SHARED_BUNDLE, None)] if SHARED in kinds else []):
            if not (folder / merge.ENTRY).is_file():
                if folder.name == SHARED_BUNDLE and not any(r[4] == SHARED for r in record.values()):
                    continue  # no directive for every site: no shared bundle
                raise merge.CannotMerge(f"{site.id}: no {folder.name}/")
            langs = merge.read_entry(folder)["languages"]
            sources.append(merge.Source(folder, site.id, urls, {lang: _labels(network, site, language_code(lang)) for lang in langs}))
    return sources


def build_shard(network: Network, output: Path, folder: Path, name: str, site_ids: list[str],
                releases: Releases | None = None, jobs: int = 1) -> int:
    """Build the shard *name* of the sites *site_ids* into ``folder/name``; returns its pages (0: none, no shard).

    Merged from the sites' bundles (:func:`merge.merge_shard`, with *jobs* processes for its words: every page
    indexed once); when one cannot be merged (a bundle of an older version), by Pagefind over the sites'
    pages staged again.
    """
    work = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{name}-", dir=folder))
    sites = [network.site(i) for i in site_ids]
    try:
        try:
            pages = merge.merge_shard(shard_sources(network, output, sites, releases), work / BUNDLE, work, jobs)
        except Exception as exc:  # any bundle that cannot be merged (CannotMerge, a damaged file's
            # cbor2 or zlib error): the shard is built the slow way, from the pages, and the build goes on
            logging.getLogger(__name__).warning("shard %s built with Pagefind, not merged: %s: %s", name, type(exc).__name__, exc)
            shutil.rmtree(work / BUNDLE, ignore_errors=True)
            staged = stage_sites(network, output, sites, releases)
            if staged:
                run_pagefind(staged, work / BUNDLE, work, cards=False)
            pages = len(staged)
        if not pages:  # sites without content pages yet: no shard
            return 0
        shutil.rmtree(folder / name, ignore_errors=True)  # an incomplete shard of an interrupted build
        (work / BUNDLE).rename(folder / name)
        return pages
    finally:
        shutil.rmtree(work, ignore_errors=True)


#: what the forked shard workers inherit (:func:`_build_shards`): the network, the output, the folder, the releases
_SHARDS: tuple[Network, Path, Path, Releases | None] | None = None


def _shard_in_worker(name: str, site_ids: list[str]) -> int:
    assert _SHARDS is not None
    network, output, folder, releases = _SHARDS
    return build_shard(network, output, folder, name, site_ids, releases)


def _build_shards(network: Network, output: Path, folder: Path, todo: list[tuple[str, list[str]]], jobs: int,
                  releases: Releases | None = None) -> dict[str, int]:
    """Build the shards of *todo* (``(name, site ids)``), *jobs* at a time; returns each one's pages.

    Several at a time in forked processes: a shard's staging, fragments and chunks are Python
    (one core a process), only Pagefind itself runs beside it. A shard whose process fails raises
    its error here; the shards already built stay in *folder* for the next build.
    """
    global _SHARDS
    workers = max(1, min(jobs, len(todo)))
    if workers == 1 or not hasattr(os, "fork"):  # one shard (one post's merge): its words in every job
        return {name: build_shard(network, output, folder, name, ids, releases, jobs) for name, ids in todo}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _SHARDS = (network, output, folder, releases)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {name: pool.submit(_shard_in_worker, name, ids) for name, ids in todo}
            return {name: future.result() for name, future in futures.items()}
    except BrokenProcessPool as exc:
        raise SearchIndexError(f"a shard's process stopped without a result (out of memory?): {exc}") from None
    finally:
        _SHARDS = None


def index_network(network: Network, output: Path, jobs: int = 1, releases: Releases | None = None) -> IndexResult | None:
    """Build the shards whose sites changed, then switch ``shards.json`` to the new list.

    Returns None when the provincial portal has not been built (nothing to attach it to),
    or when a site has no output nor a live release in *releases* (a build of some sites on
    a fresh clone): a network index without it would be published as the whole network's;
    the one there stays.
    """
    start = time.perf_counter()
    page = output / network.home / NETWORK_PAGE
    if not page.is_dir() or missing_sites(network, output, releases):
        return None
    folder = page / BUNDLE
    if folder.is_dir() and not (folder / SHARDS_FILE).is_file():
        shutil.rmtree(folder)  # a bundle of the unsharded layout
    folder.mkdir(exist_ok=True)
    for leftover in [*folder.glob(f"{TMP_PREFIX}*"), *page.glob(f"{OLD_PREFIX}*")]:
        shutil.rmtree(leftover, ignore_errors=True)
    shards = [(f"{i}-{shard_key(network, output, group, releases)[:16]}", group)
              for i, group in enumerate(plan_shards(network, output, releases=releases))]
    todo = [(name, group) for name, group in shards if not (folder / name / "pagefind.js").is_file()]
    built = _build_shards(network, output, folder, [(name, [s.id for s in group]) for name, group in todo], jobs, releases)
    pages = sum(built.values())
    empty = {name for name, n in built.items() if n == 0}
    names = [name for name, _ in shards if name not in empty]
    # What the page needs to write its queries, for every shard at once (one file, not one a shard).
    infos = [bundle_files.read_info(folder / n) for n in names]
    # The cards of every shard's words in one set of files: a query asks for one file a word, not one a shard.
    cards = bundle_files.read_info(folder).get("cards")
    if todo or not isinstance(cards, dict) or cards.get("shards") != names or not (folder / bundle_files.CARDS_DIR).is_dir():
        with bundle_files.paused_gc():
            buckets = bundle_files.write_cards(folder / bundle_files.CARDS_DIR, [folder / n for n in names])
        cards = {"buckets": buckets, "shards": names}
    bundle_files.write_info(folder, [s for info in infos for s in info.get("frequent", [])],
                            capped=sorted({w for info in infos for w in info.get("capped", [])}), cards=cards)
    switched = _read_shards(folder) != names
    if switched:
        tmp = folder / f"{TMP_PREFIX}{SHARDS_FILE}"
        tmp.write_text(json.dumps([f"{n}/" for n in names]) + "\n", encoding="utf-8")
        os.replace(tmp, folder / SHARDS_FILE)
    for entry in folder.iterdir():  # shards of earlier builds
        if entry.is_dir() and entry.name not in names and entry.name != bundle_files.CARDS_DIR:
            shutil.rmtree(entry, ignore_errors=True)
    return IndexResult(pages=pages, reused=not todo and not switched, seconds=time.perf_counter() - start,
                       changed=[] if not todo and not switched else [network.home])


# --- after every site --------------------------------------------------------------------------

def after_sites(network: Network, output: Path, jobs: int = 1, notes: list[str] | None = None,
                changed: set[str] | None = None, releases: Releases | None = None,
                remover: Remover | None = None) -> list[Problem]:
    """The shared directives' bundle, then the network index; a failure keeps the published ones.

    *notes* gets a line when the network index is left as it was because some sites have
    no output (``portal build --target DIR`` takes them from the last release). *changed* gets
    the sites whose trees were written (the provincial portal's, when its network index changed:
    it must be published with the sites that changed it, though it was not built). *releases*:
    the sites read from their live release (never written: the shared bundle goes into the trees
    of ``output/`` only, and those are the sites a change of the shared directives builds). *remover*:
    removes the replaced shared bundles beside the network index (:class:`~portal.stages.output.Remover`).
    """
    problems = []
    missing = missing_sites(network, output, releases)
    if missing and notes is not None and (output / network.home / NETWORK_PAGE).is_dir():
        notes.append(_("network search index not rebuilt: {count} site(s) have no output ({sites}) — build every site, "
                       "or build with --target DIR to take them from the last release",
                       count=len(missing), sites=", ".join(missing[:5]) + ("…" if len(missing) > 5 else "")))
    try:
        shared = index_shared(network, output, remover)
        if shared is not None and changed is not None:
            changed.update(shared.changed)
    except (OSError, ValueError, subprocess.SubprocessError, SearchIndexError) as exc:
        problems.append(Problem(f"output/*/{SHARED_BUNDLE}", None,
                                _("shared directives' search index failed: {reason} — the previous one stays; build again", reason=exc)))
    try:
        whole = index_network(network, output, jobs, releases)
        if whole is not None and changed is not None:
            changed.update(whole.changed)
    except (OSError, ValueError, subprocess.SubprocessError, SearchIndexError) as exc:
        problems.append(Problem(f"output/{network.home}/{NETWORK_PAGE}/{BUNDLE}", None,
                                _("network search index failed: {reason} — the previous network index stays; build again",
                                  reason=exc)))
    return problems
