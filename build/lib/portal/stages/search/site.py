"""Readers' search: a Pagefind index per site (every language) and one for the whole network.

A site's content pages (posts, pages, documents: the templates mark their article with
``data-pagefind-body``; lists, tags and pagination are not marked) are indexed with the
Pagefind binary that ``pagefind[extended]`` ships, into ``<site>/pagefind/``. Each page's
``<html lang>`` puts it into its language's index (Chinese and Japanese are segmented
by the extended build). This runs in the site's worker on the freshly rendered tree,
before it is swapped into place, so a failure keeps the published site as it was.

Pagefind does not see the pages as they are published but a staged copy of each
article, changed only for the index:

- ``đ`` is written ``ḑ`` (U+1E11, d with cedilla, a letter Vietnamese never uses), which
  decomposes into ``d`` + a combining mark: Pagefind strips the mark to match queries
  without diacritics, so ``duong`` now finds ``đường``, and keeps ``ḑường`` as the exact
  form, which the search page's query (``đ`` → ``ḑ``, tones kept) matches for exact
  ranking. The page's JavaScript turns ``ḑ`` back into ``đ`` in titles, excerpts and
  filters, so readers see the original.
- Korean is not segmented by Pagefind: a word inside a longer compound written without
  spaces (``투자`` in ``외국인투자환경``) would not be found. Every Hangul word of three
  or more syllables adds its suffixes to a hidden metadata field, which Pagefind
  searches by prefix: that is a substring search over Hangul words.
- For the network index: ``site`` and ``kind`` filters, the site's name and the page's
  absolute URL on its own domain (sites.yaml ``url``).

A site's copies of the directives addressed to every portal are not in its own bundle
but in one shared bundle, and the network-wide index is split into shards: both are
built after every site (:mod:`portal.stages.search.network`). Every bundle records a key of
what it was built from and is reused (hard-linked) when nothing changed.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from portal.model import i18n
from portal.model.errors import Problem
from portal.model.sites import Network, Site

BUNDLE = "pagefind"                       # <site>/pagefind/
SHARED_BUNDLE = "pagefind-chi-dao"        # <site>/pagefind-chi-dao/: directives for every site (portal.stages.search.network)
NETWORK_PAGE = "tim-kiem-toan-tinh"       # <home>/tim-kiem-toan-tinh/ (page) and .../pagefind/ (bundle)
KEY_FILE = ".portal-search-key"
VERSION = "2"                             # bump when staging changes: every bundle is rebuilt
D_FOR_INDEX = {"đ": "\u1e11", "Đ": "\u1e10"}  # đ → ḑ, Đ → Ḑ: a d that Pagefind folds to d, for the index only
#: files of the Pagefind bundle that the portal does not use (it has its own UI)
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")
#: the kinds of portal as the theme names them (msgids of portals.html)
KIND_LABELS = {"province": "Provincial portal", "department": "Departments and agencies", "district": "Districts",
               "ward": "Wards", "commune": "Communes"}
TIMEOUT = 3600

_BODY_MARK = b"data-pagefind-body"
_SHARED_MARK = b"data-search-shared"
_LANG_RE = re.compile(r'<html[^>]*\slang="([^"]+)"', re.I)
_CANONICAL_RE = re.compile(r'<link rel="canonical" href="([^"]+)"')
_TAG_RE = re.compile(r"<[^>]+>")
_IGNORED_RE = re.compile(r"<(p|div|span)[^>]*data-pagefind-ignore[^>]*>.*?</\1>", re.S)
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{3,}")
_LANG_CODES = {tag.lower(): code for code, tag in i18n.HTML_LANG.items()}


class SearchIndexError(Exception):
    """Pagefind could not build a bundle (its message says why)."""


@dataclass
class IndexResult:
    pages: int
    reused: bool
    seconds: float


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


# --- what Pagefind sees -------------------------------------------------------------------

def mark_d(text: str) -> str:
    """``đường`` → ``ḑường``: Pagefind folds the cedilla away, so ``duong`` matches."""
    for d, marked in D_FOR_INDEX.items():  # str.replace: many times faster than str.translate on long text
        text = text.replace(d, marked)
    return text


def hangul_suffixes(text: str) -> list[str]:
    """The suffixes (two syllables or more) of every Hangul word of three syllables or more."""
    seen: dict[str, None] = {}
    for run in _HANGUL_RUN.findall(text):
        for i in range(1, len(run) - 1):
            seen.setdefault(run[i:], None)
    return list(seen)


def page_language(doc: str) -> str:
    """The portal's language code of a page (``zh`` for ``zh-Hans``), from ``<html lang>``."""
    m = _LANG_RE.search(doc[:2000])
    tag = m.group(1) if m else "vi"
    return _LANG_CODES.get(tag.lower(), tag.split("-")[0].lower())


def _article(doc: str) -> str | None:
    """The element that carries ``data-pagefind-body`` (the templates' ``<article>``)."""
    at = doc.find("data-pagefind-body")
    start = doc.rfind("<article", 0, at)
    end = doc.rfind("</article>")
    if at < 0 or start < 0 or end < at:
        return None
    return doc[start:end]  # without its closing tag: the stage adds hidden fields, then closes it


def _hidden(kind: str, name: str, value: str) -> str:
    """An element that Pagefind reads for a filter or metadata but does not index as text."""
    return f'<span data-pagefind-ignore data-pagefind-{kind}="{name}">{html.escape(value, quote=False)}</span>'


def stage(doc: str, extra: dict[str, dict[str, str]] | None = None) -> tuple[str, str] | None:
    """The HTML that Pagefind indexes for one published page, and the page's language.

    *extra* adds hidden fields: ``{"filter": {"site": "Xã Một"}, "meta": {"href": "https://…"}}``.
    """
    article = _article(doc)
    if article is None:
        return None
    lang = page_language(doc)
    tag = i18n.HTML_LANG.get(lang, lang)
    fields = []
    for kind, values in (extra or {}).items():
        fields += [_hidden(kind, name, value) for name, value in values.items()]
    if lang == "ko":
        text = html.unescape(_TAG_RE.sub(" ", _IGNORED_RE.sub(" ", article)))
        parts = hangul_suffixes(text)
        if parts:
            fields.append(_hidden("meta", "ko_parts", " ".join(parts)))
    # Pagefind skips <footer>: the article's own footer holds its tags, which should be found.
    article = article.replace("<footer", "<div data-portal-footer").replace("</footer>", "</div>")
    body = mark_d(article + "".join(fields) + "</article>")
    return (f'<!doctype html><html lang="{tag}"><head><meta charset="utf-8"><title></title></head>'
            f"<body>{body}</body></html>\n"), lang


def _is_shared(head: bytes) -> bool:
    """Whether a page's article carries ``data-search-shared`` (in the network's shared index)."""
    at = head.find(_BODY_MARK)
    return _SHARED_MARK in head[at: at + 80]


def _html_pages(tree: Path) -> Iterator[tuple[str, Path]]:
    """(path relative to *tree*, file) of every HTML page of a site, sorted; not the bundles nor hidden folders."""
    skip = {BUNDLE, SHARED_BUNDLE}
    for path in sorted(tree.rglob("*.html")):
        rel = path.relative_to(tree).as_posix()
        parts = rel.split("/")
        if not (skip & set(parts[:-1]) or parts[0].startswith(".")):
            yield rel, path


def content_pages(tree: Path, shared: bool | None = None) -> Iterator[tuple[str, Path]]:
    """(path relative to *tree*, file) of every page marked for the index, sorted.

    *shared* False leaves out the copies of directives indexed in the shared bundle
    (``data-search-shared``), True keeps only those, None keeps every page.
    """
    for rel, path in _html_pages(tree):
        with path.open("rb") as f:
            head = f.read()
        if _BODY_MARK in head and (shared is None or _is_shared(head) == shared):
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


def _text_digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _digest(items: Iterable[tuple[str, str]]) -> str:
    return _combine((rel, _text_digest(text)) for rel, text in items)


def _read_key(bundle: Path) -> str | None:
    try:
        return (bundle / KEY_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _link_tree(src: Path, dest: Path) -> None:
    """Copy *src* to *dest* with hard links (the files of a bundle are never changed in place)."""
    def link(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dest, copy_function=link)


def run_pagefind(staged: list[tuple[str, str]], bundle: Path, workdir: Path) -> None:
    """Write the staged pages under *workdir* and let Pagefind build *bundle* from them."""
    site = Path(tempfile.mkdtemp(prefix=".stage-", dir=workdir))
    try:
        for rel, text in staged:
            dest = site / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        if not staged:  # Pagefind needs a page: an empty index still answers "no results"
            (site / "index.html").write_text('<html lang="vi"><body></body></html>', encoding="utf-8")
        proc = subprocess.run([str(executable()), "--site", str(site), "--output-path", str(bundle), "--silent"],
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if proc.returncode != 0 or not (bundle / "pagefind.js").is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise SearchIndexError(f"Pagefind exited with {proc.returncode}: {' / '.join(detail[-5:]) or 'no output'}")
    finally:
        shutil.rmtree(site, ignore_errors=True)
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)


# --- one site -----------------------------------------------------------------------------

def stage_site(tree: Path, shared: bool | None = False) -> list[tuple[str, str]]:
    """A site's own pages as Pagefind sees them (by default without the directives of the shared bundle)."""
    staged = []
    for rel, path in content_pages(tree, shared):
        result = stage(path.read_text(encoding="utf-8"))
        if result is not None:
            staged.append((rel, result[0]))
    return staged


STAT_FILE = ".portal-stage.json"  # in a site's bundle: what each page was when it was staged
#: what a page is to search, in the record: indexed in the site's bundle and the network
#: index; indexed in the site's bundle only (a copy of a directive for some sites, its
#: canonical link points at the provincial portal); in the shared directives' bundle;
#: not indexed (lists, tags, pagination)
OWN, COPY, SHARED, NONE = "own", "copy", "shared", "-"


def _stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _is_copy(doc: str, site_url: str, rel: str) -> bool:
    """Whether a page is a copy of another site's page (its canonical link points elsewhere)."""
    m = _CANONICAL_RE.search(doc)
    return bool(m and m.group(1) != site_url + url_of(rel))


def read_record(bundle: Path) -> dict[str, list] | None:
    """A site's record (``{path: [inode, size, mtime, digest, kind]}``), None if missing or of an older format."""
    try:
        record = json.loads((bundle / STAT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not all(isinstance(r, list) and len(r) == 5 and isinstance(r[4], str)
                                               for r in record.values()):
        return None
    return record


def site_digests(tree: Path, previous_bundle: Path | None,
                 site_url: str = "") -> tuple[list[tuple[str, str]], dict[str, list]]:
    """(path, staged digest) of the site's own content pages, and the record for the next build.

    A page whose file is the one the previous build staged (the incremental build links
    unchanged pages: same inode, size and time) is not read again; its digest is the
    recorded one. A build after one new directive so reads only the pages it rendered.
    The record also gives each page's kind (:data:`OWN`, :data:`COPY`, :data:`SHARED`,
    :data:`NONE`), which the network index reads instead of every page of every site.
    """
    old = (read_record(previous_bundle) if previous_bundle is not None else None) or {}
    record: dict[str, list] = {}
    digests: list[tuple[str, str]] = []
    for rel, path in _html_pages(tree):
        stat = _stat_key(path)
        known = old.get(rel)
        if known is not None and known[:3] == stat:
            digest, kind = known[3], known[4]
        else:
            raw = path.read_bytes()
            digest, kind = "", NONE
            if _BODY_MARK in raw:
                if _is_shared(raw):
                    kind = SHARED
                else:
                    doc = raw.decode("utf-8")
                    result = stage(doc)
                    if result is not None:
                        digest = _text_digest(result[0])
                        kind = COPY if _is_copy(doc, site_url, rel) else OWN
        record[rel] = [*stat, digest, kind]
        if digest:
            digests.append((rel, digest))
    return digests, record


def recorded_pages(tree: Path, kinds: set[str]) -> list[tuple[str, Path]] | None:
    """(path, file) of the pages of *kinds* in the record the site's build left in its bundle, sorted.

    None when there is no record, or one that names a page the tree does not have (not
    this tree's): the caller then reads the pages (:func:`content_pages`).
    """
    record = read_record(tree / BUNDLE)
    if record is None:
        return None
    pages = [(rel, tree / rel) for rel, r in sorted(record.items()) if r[4] in kinds]
    return pages if all(path.is_file() for _, path in pages) else None


def network_pages(bundle: Path) -> int | None:
    """How many of a site's indexed pages the network index takes (its own, not copies), from its record."""
    record = read_record(bundle)
    return None if record is None else sum(1 for r in record.values() if r[4] == OWN)


def index_site(site: Site, tree: Path, previous: Path | None = None, *, is_home: bool = False) -> IndexResult:
    """Index the rendered *tree* of *site* into ``tree/pagefind/`` (before it is published).

    *previous* is the published tree (its bundle is reused when nothing indexed changed).
    The bundles that are built after every site (the shared directives' bundle, and on
    the provincial portal the network index) are carried over from it into the new
    tree, so that swapping the site in never drops them; the build replaces them afterwards.
    """
    start = time.perf_counter()
    old_bundle = previous / BUNDLE if previous is not None and (previous / BUNDLE).is_dir() else None
    digests, record = site_digests(tree, old_bundle, site.url)
    key = _combine(digests)
    bundle = tree / BUNDLE
    if bundle.exists():
        shutil.rmtree(bundle)
    reused = old_bundle is not None and _read_key(old_bundle) == key
    if reused:
        _link_tree(old_bundle, bundle)  # type: ignore[arg-type]
    else:
        staged = stage_site(tree)
        run_pagefind(staged, bundle, tree.parent)
        (bundle / KEY_FILE).write_text(key + "\n", encoding="utf-8")
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


def index_site_problems(network: Network, site: Site, tree: Path, previous: Path | None) -> list[Problem]:
    """:func:`index_site` for the build: a failure is a problem of the site (its old output stays)."""
    try:
        index_site(site, tree, previous, is_home=site.id == network.home)
    except (OSError, ValueError, subprocess.SubprocessError, SearchIndexError) as exc:
        return [Problem(f"content/sites/{site.id}", None,
                        f"search index failed: {exc} — the site keeps its previous output; check the pages, then build again")]
    return []
