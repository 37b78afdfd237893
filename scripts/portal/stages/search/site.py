"""Readers' search: a Pagefind index per site (every language) and one for the whole network.

A site's content pages (posts, pages, documents: the templates put a search record in
their ``<head>``, ``partials/search_record.html``; lists, tags and pagination have none)
are indexed with the Pagefind binary that ``pagefind[extended]`` ships, into
``<site>/pagefind/``. Each page's ``<html lang>`` puts it into its language's index
(Chinese and Japanese are segmented by the extended build). This runs in the site's
worker on the freshly rendered tree, before it is swapped into place, so a failure keeps
the published site as it was.

Pagefind never reads a published page: it indexes pages that
:mod:`portal.stages.search.staging` makes from the page's trusted record and its body's
text (Vietnamese as syllable pairs, :mod:`portal.stages.search.vietnamese`), and
:mod:`portal.stages.search.bundle` then puts what readers see (the original text and
fields) into the bundle's fragments.

A site's copies of the directives addressed to every portal are not in its own bundle
but in one shared bundle, and the network-wide index is split into shards: both are
built after every site (:mod:`portal.stages.search.network`). Every bundle records a key of
what it was built from and is reused (hard-linked) when nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from portal.model.errors import Problem
from portal.model.messages import _
from portal.model.sites import Network, Site
from portal.stages.output import DIR_MODE, link_or_copy
from portal.stages.publish.manifest import file_hash
from portal.stages.search import bundle as bundle_files
from portal.stages.search import staging, vietnamese
from portal.stages.search.parsed import ParsedPages
from portal.stages.search.staging import RecordError, Staged, assemble, page_language, stage

__all__ = ["RecordError", "Staged", "assemble", "page_language", "stage"]

BUNDLE = "pagefind"                       # <site>/pagefind/
SHARED_BUNDLE = "pagefind-chi-dao"        # <site>/pagefind-chi-dao/: directives for every site (portal.stages.search.network)
NETWORK_PAGE = "tim-kiem-toan-tinh"       # <home>/tim-kiem-toan-tinh/ (page) and .../pagefind/ (bundle)
KEY_FILE = ".portal-search-key"
VERSION = "6"                             # bump when staging changes: every bundle is rebuilt
#: files of the Pagefind bundle that the portal does not use (it has its own UI, and runs the search in the page)
UNUSED = ("pagefind-worker.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")
#: the kinds of portal as the theme names them (msgids of portals.html)
KIND_LABELS = {"province": "Provincial portal", "department": "Departments and agencies", "district": "Districts",
               "ward": "Wards", "commune": "Communes"}
TIMEOUT = 3600

_RECORD_MARK = b'id="search-record"'
_CANONICAL_RE = re.compile(r'<link rel="canonical" href="([^"]+)"')

class SearchIndexError(Exception):
    """Pagefind could not build a bundle (its message says why)."""


@dataclass
class IndexResult:
    pages: int
    reused: bool
    seconds: float
    #: the sites whose trees this step wrote into (after every site: the shared bundle's, the network index's)
    changed: list[str] = field(default_factory=list)


def executable() -> Path:
    """The Pagefind binary (extended build: CJK segmentation) from the pagefind[extended] wheel."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:  # pragma: no cover - the dependency is pinned in pyproject.toml
        raise SearchIndexError("pagefind[extended] is not installed — run make setup") from exc
    return Path(get_executable())


def pagefind_version() -> str:
    from importlib.metadata import version

    return version("pagefind_bin_extended")


# Languages Pagefind stems (its "Multilingual search" documentation, Pagefind 1.x): a bundle's
# WebAssembly file is ``wasm.<language>.pagefind`` for these and ``wasm.unknown.pagefind`` for others.
STEMMED = frozenset("ar hy eu ca da nl en fi fr de el hi hu id ga it lt ne no pt ro ru sr es sv ta tr yi".split())


def wasm_file(html_lang: str) -> str:
    """The name of the WebAssembly file Pagefind loads for pages in *html_lang* (``"vi"`` →
    ``"wasm.unknown.pagefind"``, ``"en"`` → ``"wasm.en.pagefind"``); the search page preloads it."""
    base = html_lang.lower().split("-")[0]
    return f"wasm.{base if base in STEMMED else 'unknown'}.pagefind"


# --- what Pagefind sees: see portal.stages.search.staging ------------------------------------

def _head(raw: bytes) -> bytes:
    """The part of a page before its ``<body>`` (where the search record is)."""
    at = raw.find(b"<body")
    return raw if at < 0 else raw[:at]


def _is_content(raw: bytes) -> bool:
    """Whether a page has a search record in its head (a post, page or document)."""
    return _RECORD_MARK in _head(raw)


def _is_shared(raw: bytes) -> bool:
    """Whether a page is a directive for every site (its record says ``"shared": true``: the shared bundle)."""
    try:
        record = staging.read_record(_head(raw).decode("utf-8", "replace"))
    except RecordError:
        return False
    return bool(record and record.get("shared"))


def _html_names(tree: Path) -> list[str]:
    """The path relative to *tree* of every HTML page of a site, sorted as paths sort (folder by folder);
    not the bundles nor hidden folders. Plain strings: a site's build lists some 2,000 pages."""
    skip = {BUNDLE, SHARED_BUNDLE}
    found: list[str] = []
    stack = [("", str(tree))]
    while stack:  # as os.walk classifies (a link to a folder is a folder, never entered), without a relpath a folder
        prefix, top = stack.pop()
        try:
            entries = list(os.scandir(top))
        except OSError:  # as os.walk: a folder that cannot be listed is left out
            continue
        for entry in entries:
            name = entry.name
            if not prefix and name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if name not in skip and not entry.is_symlink():  # the bundles (thousands of files) are not walked
                    stack.append((f"{prefix}{name}/", entry.path))
            elif name.endswith(".html"):
                found.append(prefix + name)
    found.sort(key=lambda r: r.split("/"))
    return found


def _html_pages(tree: Path) -> Iterator[tuple[str, Path]]:
    """(path relative to *tree*, file) of every HTML page of a site (:func:`_html_names`)."""
    for rel in _html_names(tree):
        yield rel, tree / rel


def content_pages(tree: Path, shared: bool | None = None) -> Iterator[tuple[str, Path]]:
    """(path relative to *tree*, file) of every page marked for the index, sorted.

    *shared* False leaves out the copies of directives indexed in the shared bundle
    (``data-search-shared``), True keeps only those, None keeps every page.
    """
    for rel, path in _html_pages(tree):
        raw = path.read_bytes()
        if _is_content(raw) and (shared is None or _is_shared(raw) == shared):
            yield rel, path


def url_of(rel: str) -> str:
    """``tin-tuc/x/index.html`` → ``/tin-tuc/x/``."""
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


# --- running Pagefind -------------------------------------------------------------------

def _combine(digests: Iterable[tuple[str, str]]) -> str:
    """A bundle's key from (path, digest of its staged text) of every page it indexes."""
    h = hashlib.sha1(f"portal-search {VERSION} pagefind {pagefind_version()}\n".encode())
    for rel, digest in digests:
        h.update(f"{rel}\0{digest}\0".encode())
    return h.hexdigest()


def _text_digest(staged: Staged) -> str:
    """What a page's bundle depends on: what Pagefind indexes of it and what readers see of it."""
    h = hashlib.sha1(staged.html.encode())
    h.update(json.dumps(staged.display, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def _digest(items: Iterable[tuple[str, Staged]]) -> str:
    return _combine((rel, _text_digest(staged)) for rel, staged in items)


def _read_key(bundle: Path) -> str | None:
    """What *bundle* was built from: its key file, or (a bundle taken from a published release) its info file."""
    try:
        return (bundle / KEY_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        key = bundle_files.read_info(bundle).get("key")
        return key if isinstance(key, str) and key else None


def write_key(bundle: Path, key: str, **more: object) -> None:
    """Record what *bundle* was built from (the build's key file, and the published info file)."""
    (bundle / KEY_FILE).write_text(key + "\n", encoding="utf-8")
    bundle_files.write_info(bundle, key=key, **more)


def tree_listing(src: Path) -> tuple[list[str], list[str]]:
    """(folders, files) under *src*, as paths relative to it, each folder before what it holds: what
    :func:`_link_tree` makes, listed once when one tree is linked into many (the shared directives' bundle
    into every site). Symbolic links are listed as files and never followed into."""
    folders: list[str] = []
    files: list[str] = []
    for top, dirs, names in os.walk(src):
        rel = os.path.relpath(top, src)
        base = "" if rel == "." else rel + os.sep
        folders += [base + d for d in sorted(dirs)]
        files += [base + n for n in sorted(names)]
    return folders, files


def _link_tree(src: Path, dest: Path, listing: tuple[list[str], list[str]] | None = None) -> None:
    """Copy *src* to *dest* with hard links (the files of a bundle are never changed in place), from
    *listing* (:func:`tree_listing`) when given. Folders are made 0755; a linked file keeps its mode (it is
    the same file), a copied one (another file system) its source's."""
    folders, files = listing if listing is not None else tree_listing(src)
    for folder in ("", *folders):
        path = os.path.join(dest, folder)
        os.mkdir(path)
        os.chmod(path, DIR_MODE)
    source, target = str(src), str(dest)
    for rel in files:
        link_or_copy(os.path.join(source, rel), os.path.join(target, rel))


class Identities:
    """The hash of files' bytes (:func:`portal.stages.publish.manifest.file_hash`), each file read once by its (device, inode) however many trees link it: the
    shared directives' bundle is the same files, hard-linked, in every site."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], str] = {}
        self._fixed: dict[str, str] = {}

    def of_fixed(self, path: str) -> str:
        """:meth:`of` a file that does not change while this object lives (the bundle just built), by its path."""
        found = self._fixed.get(path)
        if found is None:
            found = self._fixed[path] = self.of(path, os.stat(path))
        return found

    def of(self, path: str, st: os.stat_result) -> str:
        key = (st.st_dev, st.st_ino)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = file_hash(Path(path))
        return found


#: the files of a bundle that name the others (its entry, the build's key files): an update in place
#: (:func:`update_tree`) replaces them after every other file
_NAMES_OTHERS = ("pagefind-entry.json", KEY_FILE, bundle_files.INFO_FILE)


def update_tree(built: Path, listing: tuple[list[str], list[str]], dest: Path, identities: Identities) -> bool:
    """Make the folder *dest* hold exactly *built*'s files (*listing*: :func:`tree_listing`) as hard links,
    touching only what differs: a file whose bytes differ from *dest*'s file of that name is linked aside and
    renamed over it (each name is always a whole file: never written into, as the file may also be in a
    release), a missing one linked, one *built* does not have removed; the entry and key files last.

    A new directive changes a few dozen of the shared bundle's ~1,500 files; linking a fresh copy into every
    site, and removing the old one, was 235,000 links and as many unlinks at the reference scale (issue 20).
    Returns False, having changed nothing, when *dest* holds anything but files and folders (a symbolic
    link, a device) or a file where *built* has a folder or the reverse: the caller links a fresh copy then.
    """
    folders, files = listing
    present: dict[str, os.stat_result] = {}
    present_dirs: set[str] = set()
    stack = [("", str(dest))]
    while stack:  # one lstat a file (its inode), none a folder: the kind comes with the listing
        base, top = stack.pop()
        with os.scandir(top) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    present_dirs.add(base + entry.name)
                    stack.append((f"{base}{entry.name}{os.sep}", entry.path))
                    continue
                st = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(st.st_mode):
                    return False
                present[base + entry.name] = st
    wanted_dirs, wanted = set(folders), set(files)
    if wanted_dirs & present.keys() or wanted & present_dirs:
        return False
    for folder in folders:
        if folder not in present_dirs:
            path = os.path.join(dest, folder)
            os.mkdir(path)
            os.chmod(path, DIR_MODE)
    source, target = f"{built}{os.sep}", f"{dest}{os.sep}"
    changed = [rel for rel in files if rel not in present
               or identities.of(target + rel, present[rel]) != identities.of_fixed(source + rel)]
    changed.sort(key=lambda rel: os.path.basename(rel) in _NAMES_OTHERS)
    for rel in changed:
        s, d = os.path.join(source, rel), os.path.join(target, rel)
        aside = os.path.join(os.path.dirname(d), f".{TMP_LINK}{os.path.basename(d)}")
        if os.path.lexists(aside):
            os.unlink(aside)
        link_or_copy(s, aside)
        os.replace(aside, d)
    for rel in present.keys() - wanted:
        os.unlink(os.path.join(target, rel))
    for folder in sorted(present_dirs - wanted_dirs, key=len, reverse=True):
        shutil.rmtree(os.path.join(target, folder), ignore_errors=True)
    return True


#: the prefix of a file :func:`update_tree` links aside before renaming it over its name
TMP_LINK = "portal-link-"


#: where Pagefind's input pages are written when the machine has it: a memory file system (the pages are
#: written, read once and removed; on a busy disk removing a site's 300 folders took a second)
MEMORY_FS = Path("/dev/shm")
#: the free space a memory file system must have to be used (bytes)
MEMORY_FS_FREE = 1 << 30


#: a staging folder's name: the prefix, the process id, a random part (see :func:`prune_stages`)
STAGE_PREFIX = ".portal-stage-"


def prune_stages() -> int:
    """Remove the staging folders in :data:`MEMORY_FS` of processes that are gone (a worker killed at
    its timeout never removes its own); returns how many."""
    removed = 0
    try:
        entries = list(MEMORY_FS.glob(STAGE_PREFIX + "*"))
    except OSError:
        return 0
    for entry in entries:
        pid = entry.name[len(STAGE_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or entry.is_symlink():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # alive (or another user's: left alone)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
        except OSError:
            continue
    return removed


def stage_folder(workdir: Path) -> Path:
    """:data:`MEMORY_FS` when it is a writable folder with :data:`MEMORY_FS_FREE` free, else *workdir*."""
    try:
        st = os.statvfs(MEMORY_FS)
        if MEMORY_FS.is_dir() and os.access(MEMORY_FS, os.W_OK) and st.f_bavail * st.f_frsize >= MEMORY_FS_FREE:
            return MEMORY_FS
    except OSError:
        pass
    return workdir


def run_pagefind(staged: list[tuple[str, Staged]], bundle: Path, workdir: Path, cards: bool = True,
                 network: set[str] | None = None) -> None:
    """Write the staged pages under *workdir*, let Pagefind build *bundle* from them, then make it fit for readers.

    The fragments get what readers see of each page (:func:`bundle.rewrite_fragments`) and
    ``portal-search.json`` the bundle's frequent Vietnamese syllables; with *cards*, the bundle
    gets the card files of its words (``cards/``, :func:`bundle.write_cards`; a shard of the
    network index has none: the network's are written from every shard). *network*: the pages
    (paths) that go into the network index, whose syllables :data:`bundle.SYLLABLES_FILE` counts
    (None: every page). Raises :class:`SearchIndexError` when Pagefind fails.
    """
    raw_pagefind(staged, bundle, workdir)
    displays = {url_of(rel): page.display for rel, page in staged}
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    with bundle_files.paused_gc():
        cards = bundle_files.rewrite_fragments(bundle, displays)
        bundle_files.rechunk(bundle, cards=cards)
        folded = [page.folded for _, page in staged if page.lang == "vi"]
        bundle_files.write_info(bundle, vietnamese.frequent_syllables(folded, len(folded)))
        bundle_files.write_syllables(bundle, [page.folded for rel, page in staged
                                              if page.lang == "vi" and (network is None or rel in network)])
        if cards:
            buckets = bundle_files.write_cards(bundle / bundle_files.CARDS_DIR, [bundle])
            bundle_files.write_info(bundle, cards={"buckets": buckets})


def raw_pagefind(staged: list[tuple[str, Staged]], bundle: Path, workdir: Path) -> None:
    """Let Pagefind build *bundle* from the staged pages, written under *workdir* (or :data:`MEMORY_FS`), as it
    writes it (:func:`run_pagefind` then makes it fit for readers). Raises :class:`SearchIndexError`."""
    site = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=stage_folder(workdir)))
    try:
        for rel, page in staged:
            dest = site / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(page.html, encoding="utf-8")
        if not staged:  # Pagefind needs a page: an empty index still answers "no results"
            (site / "index.html").write_text('<html lang="vi"><body></body></html>', encoding="utf-8")
        proc = subprocess.run([str(executable()), "--site", str(site), "--output-path", str(bundle), "--silent"],
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if proc.returncode != 0 or not (bundle / "pagefind.js").is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise SearchIndexError(f"Pagefind exited with {proc.returncode}: {' / '.join(detail[-5:]) or 'no output'}")
    finally:
        shutil.rmtree(site, ignore_errors=True)


# --- one site -----------------------------------------------------------------------------

def stage_site(tree: Path, shared: bool | None = False) -> list[tuple[str, Staged]]:
    """A site's own pages as Pagefind sees them (by default without the directives of the shared bundle)."""
    staged = []
    for rel, path in content_pages(tree, shared):
        result = stage(path.read_text(encoding="utf-8"))
        if result is not None:
            staged.append((rel, result))
    return staged


STAT_FILE = ".portal-stage.json"  # in a site's bundle: what each page was when it was staged
#: what a page is to search, in the record: indexed in the site's bundle and the network
#: index; indexed in the site's bundle only (a copy of a directive for some sites, its
#: canonical link points at the provincial portal); in the shared directives' bundle;
#: not indexed (lists, tags, pagination)
OWN, COPY, SHARED, NONE = "own", "copy", "shared", "-"


def _is_copy(raw: bytes, site_url: str, rel: str) -> bool:
    """Whether a page (its bytes) is a copy of another site's page (its canonical link, in the head, points elsewhere)."""
    m = _CANONICAL_RE.search(_head(raw).decode("utf-8", "replace"))
    return bool(m and m.group(1) != site_url + url_of(rel))


def read_record(bundle: Path) -> dict[str, list] | None:
    """A site's record (``{path: [inode, size, mtime, digest, kind]}``), None if missing or of an older format."""
    try:
        return valid_record(json.loads((bundle / STAT_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def valid_record(record: object) -> dict[str, list] | None:
    """*record* if it has a site's record's shape (``{path: [inode, size, mtime, digest, kind]}``), else None."""
    if not isinstance(record, dict) or not all(isinstance(r, list) and len(r) == 5 and isinstance(r[4], str)
                                               for r in record.values()):
        return None
    return record


def site_digests(tree: Path, previous_bundle: Path | None, site_url: str = "",
                 staged: dict[str, Staged] | None = None,
                 shared: frozenset[str] | set[str] = frozenset(),
                 store: ParsedPages | None = None, parse_shared: bool = False) -> tuple[list[tuple[str, str]], dict[str, list]]:
    """(path, staged digest) of the site's own content pages, and the record for the next build.

    A page whose file is the one the previous build staged (the incremental build links
    unchanged pages: same inode, size and time) is not read again; its digest is the
    recorded one. A build after one new directive so reads only the pages it rendered.
    The record also gives each page's kind (:data:`OWN`, :data:`COPY`, :data:`SHARED`,
    :data:`NONE`), which the network index reads instead of every page of every site.
    *staged* (if given) gets the pages staged on the way (staging is the costly part).
    *shared*: pages the build just wrote whose record says ``"shared": true``
    (:data:`portal.stages.render.incremental.shared`): of kind :data:`SHARED` without being read.
    *store* (:class:`~portal.stages.search.parsed.ParsedPages`) gives and keeps the parses; with
    *parse_shared* (the provincial portal, whose copies the shared bundle and the network index
    take) it also gets the pages of kind :data:`SHARED`.
    """
    old = (read_record(previous_bundle) if previous_bundle is not None else None) or {}
    store = store if store is not None else ParsedPages(None)
    record: dict[str, list] = {}
    digests: list[tuple[str, str]] = []
    root = f"{tree}{os.sep}"
    for rel in _html_names(tree):
        path = root + rel
        st = os.stat(path)
        stat = [st.st_ino, st.st_size, st.st_mtime_ns]
        known = old.get(rel)
        if known is not None and known[:3] == stat:
            digest, kind = known[3], known[4]
            store.keep(rel)  # if it has one: else the page is parsed when a bundle needs it
        elif rel in shared:
            digest, kind = "", SHARED
            if parse_shared:
                store.parsed(rel, Path(path).read_bytes())
        else:
            raw = Path(path).read_bytes()
            digest, kind = "", NONE
            if _is_content(raw):
                if _is_shared(raw):
                    kind = SHARED
                    if parse_shared:
                        store.parsed(rel, raw)
                else:
                    copy = _is_copy(raw, site_url, rel)
                    parsed = store.parsed(rel, raw, copy=copy)
                    if parsed is not None:
                        result = assemble(parsed)
                        digest = _text_digest(result)
                        if staged is not None:
                            staged[rel] = result
                        kind = COPY if copy else OWN
        record[rel] = [*stat, digest, kind]
        if digest:
            digests.append((rel, digest))
    return digests, record


def staged_page(store: ParsedPages, rel: str, path: Path, **extra: dict[str, str]) -> Staged | None:
    """The page *rel* (file *path*) as Pagefind gets it, its parse from *store* (see :func:`staging.assemble`)."""
    parsed = store.parsed(rel, path.read_bytes())
    return None if parsed is None else assemble(parsed, **extra)


def recorded_pages(tree: Path, kinds: set[str], record: dict[str, list] | None = None) -> list[tuple[str, Path]] | None:
    """(path, file) of the pages of *kinds* in the record the site's build left in its bundle, sorted.

    *record*: the record to use instead (a live release's, kept with it: :mod:`portal.stages.publish.state`).
    None when there is no record, or one that names a page the tree does not have (not
    this tree's): the caller then reads the pages (:func:`content_pages`).
    """
    record = record if record is not None else read_record(tree / BUNDLE)
    if record is None:
        return None
    pages = [(rel, tree / rel) for rel, r in sorted(record.items()) if r[4] in kinds]
    return pages if all(path.is_file() for _, path in pages) else None


def network_pages(bundle: Path) -> int | None:
    """How many of a site's indexed pages the network index takes (its own, not copies), from its record.

    A bundle taken from a published release has no record: its info file has the count.
    """
    record = read_record(bundle)
    if record is None:
        own = bundle_files.read_info(bundle).get("own")
        return own if isinstance(own, int) and (bundle / bundle_files.INFO_FILE).is_file() else None
    return sum(1 for r in record.values() if r[4] == OWN)


def index_site(site: Site, tree: Path, previous: Path | None = None, *, is_home: bool = False,
               shared: frozenset[str] | set[str] = frozenset(), root: Path | None = None) -> IndexResult:
    """Index the rendered *tree* of *site* into ``tree/pagefind/`` (before it is published).

    *previous* is the published tree (its bundle is reused when nothing indexed changed).
    The bundles that are built after every site (the shared directives' bundle, and on
    the provincial portal the network index) are carried over from it into the new
    tree, so that swapping the site in never drops them; the build replaces them afterwards.
    *shared*: the pages of the shared bundle the build just wrote (see :func:`site_digests`).
    *root*: the project, whose ``.cache/search/`` keeps each page's parse (:mod:`.parsed`; None: not kept).
    """
    start = time.perf_counter()
    old_bundle = previous / BUNDLE if previous is not None and (previous / BUNDLE).is_dir() else None
    cache: dict[str, Staged] = {}
    store = ParsedPages.open(root, site.id)
    digests, record = site_digests(tree, old_bundle, site.url, cache, shared, store, parse_shared=is_home)
    key = _combine(digests)
    bundle = tree / BUNDLE
    if bundle.exists():
        shutil.rmtree(bundle)
    reused = old_bundle is not None and _read_key(old_bundle) == key
    if reused:
        _link_tree(old_bundle, bundle)  # type: ignore[arg-type]
    else:
        staged = [(rel, cache[rel] if rel in cache else staged_page(store, rel, tree / rel)) for rel, _ in digests]
        run_pagefind([(rel, page) for rel, page in staged if page is not None], bundle, tree.parent,
                     network={rel for rel, r in record.items() if r[4] == OWN})
        write_key(bundle, key, own=sum(1 for r in record.values() if r[4] == OWN))
    store.save()
    tmp = bundle / f".{STAT_FILE}.tmp"
    tmp.write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, bundle / STAT_FILE)  # a new file: the linked bundle's record stays the previous build's
    if previous is not None:
        carried = [Path(SHARED_BUNDLE)] + ([Path(NETWORK_PAGE) / BUNDLE] if is_home else [])
        for rel in carried:
            old, new = previous / rel, tree / rel
            if old.is_dir() and new.parent.is_dir() and not new.exists():
                _link_tree(old, new)
    return IndexResult(pages=len(digests), reused=reused, seconds=time.perf_counter() - start)


def index_site_problems(network: Network, site: Site, tree: Path, previous: Path | None,
                        shared: frozenset[str] | set[str] = frozenset()) -> list[Problem]:
    """:func:`index_site` for the build: a failure is a problem of the site (its old output stays)."""
    try:
        index_site(site, tree, previous, is_home=site.id == network.home, shared=shared, root=network.root)
    except (OSError, ValueError, subprocess.SubprocessError, SearchIndexError, RecordError) as exc:
        return [Problem(f"content/sites/{site.id}", None,
                        _("search index failed: {reason} — the site keeps its previous output; check the pages, then build again",
                          reason=exc))]
    return []
