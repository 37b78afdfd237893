"""Each page's parse for the index, kept per site and used by every bundle that indexes the page.

A page's :class:`~portal.stages.search.staging.Parsed` (its record, words and tokens) is the
costly part of staging: an HTML parse and the Vietnamese tokens, about 2–3 ms a page. A page
is indexed by its site's bundle, by a shard of the network index and, for the provincial
portal's copies of the directives for every site, by the shared directives' bundle; and a
bundle is built anew from all its pages when one of them changes. Without this store every
one of those parsed every page again: one new post in a commune parsed its 300 pages for the
commune's bundle and its shard's 3,000 pages for the network index.

The store of a site is ``<root>/.cache/search/<site id>.pickle.z`` (zlib, pickle; the build
machine's own cache, like the Markdown and QR caches): ``{path in the site: (SHA-1 of the
page's bytes, parse)}``. An entry is used only for the very bytes it was made from, so a
stale or foreign store costs time, never a wrong index; a store that cannot be read or
written is an empty one. A copy of a directive, the same record and body on many portals in
each one's chrome, is parsed once for all of them: :func:`copy_parse` keeps its parse in
``<root>/.cache/search/copies/``, named after what the parse reads (not the page's bytes). The code's key (the staging, Vietnamese and i18n modules)
is part of the file: a change of the parse empties every store.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from portal.model import i18n, store
from portal.stages.search import staging, vietnamese
from portal.stages.search.staging import Parsed

CACHE_DIR = Path(".cache") / "search"
#: the parses of copies of directives, shared by every site: ``<root>/.cache/search/copies/<content key>.pickle.z``
COPIES_DIR = CACHE_DIR / "copies"
#: bump when the store's layout changes (a change of the parse's code changes the key by itself)
FORMAT = 1

Entry = tuple[str, tuple | None]  # (SHA-1 of the page's bytes, the parse's fields or None: not for the index)


@lru_cache(maxsize=1)
def code_key() -> str:
    """What a parse depends on besides the page: the format, Python and its Unicode data (which fold and
    classify letters), and the source of the modules that parse (staging, the Vietnamese tokens, and
    i18n's language tags, which name a page's language)."""
    import sys
    import unicodedata

    h = hashlib.sha1(f"parsed {FORMAT} {sys.version} {unicodedata.unidata_version}\n".encode())
    for module in (staging, vietnamese, i18n):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()


def store_path(root: Path, site_id: str) -> Path:
    """``<root>/.cache/search/<site id>.pickle.z``."""
    return root / CACHE_DIR / f"{site_id}.pickle.z"


def _fields(parsed: Parsed | None) -> tuple | None:
    if parsed is None:
        return None
    return (parsed.lang, parsed.record, parsed.title, parsed.content, parsed.body, parsed.folded)


def _parsed(fields: tuple | None) -> Parsed | None:
    return None if fields is None else Parsed(*fields)


class ParsedPages:
    """One site's store of parses (see the module's doc).

    *path* None: a store in memory only. :meth:`parsed` gives a page's parse (from the store
    when its bytes are the ones it was made from, else parsed now); :meth:`keep` carries an
    entry over for a page known unchanged without reading it; :meth:`save` writes the entries
    used (with *prune*: only those, else added to the ones there were).
    """

    def __init__(self, path: Path | None, copies: Path | None = None) -> None:
        self.path = path
        self._kept = store.Kept(path, code_key() if path is not None else None)
        self.used: dict[str, Entry] = self._kept.used
        self.copies = copies

    @property
    def old(self) -> dict[str, Entry]:
        """The entries the store had, read at the first use: a build that parses nothing never reads them."""
        return self._kept.old

    @classmethod
    def open(cls, root: Path | None, site_id: str) -> ParsedPages:
        """The store of *site_id* under *root* (None: in memory only), with the network's parses of copies."""
        return cls(store_path(root, site_id) if root is not None else None,
                   root / COPIES_DIR if root is not None else None)

    def keep(self, rel: str) -> None:
        """Carry over the entry of *rel* (a page whose file is the one last staged), if the store has one,
        when it is saved; the store is not read for it (:meth:`portal.model.store.Kept.carry`)."""
        self._kept.carry(rel)

    def parsed(self, rel: str, raw: bytes, copy: bool = False) -> Parsed | None:
        """The parse of the page *rel* whose bytes are *raw* (None: not for the index).

        *copy*: the page is a copy of a directive that other portals have too: its parse is
        taken from (or put into) the network's store of copies (:func:`copy_parse`).
        Raises :class:`~portal.stages.search.staging.RecordError` and :class:`UnicodeDecodeError`
        as :func:`~portal.stages.search.staging.parse` and decoding do.
        """
        digest = hashlib.sha1(raw).hexdigest()
        entry = self.used.get(rel) or self.old.get(rel)
        if entry is not None and entry[0] == digest:
            self.used[rel] = entry
            return _parsed(entry[1])
        doc = raw.decode("utf-8")
        parsed = copy_parse(self.copies, doc) if copy and self.copies is not None else staging.parse(doc)
        self.used[rel] = (digest, _fields(parsed))
        return parsed

    def save(self, prune: bool = True) -> None:
        """Write the store when it changed (written aside, then renamed); a failure only costs time later.

        A build that parsed nothing (a new directive: the site's changed pages are lists and the directive's
        copy, which the shared bundle takes) leaves the store as it is (:meth:`portal.model.store.Kept.save`)."""
        self._kept.save(prune)


def copy_parse(folder: Path, doc: str) -> Parsed | None:
    """The parse of a copy of a directive, from *folder* by the page's content key
    (:func:`~portal.stages.search.staging.content_key`: language, record and body, not the portal's chrome),
    else parsed and kept there for the other portals that have it.

    A directive for the communes is on a hundred portals: each site's build parsed it again (about 4 ms a
    copy, 12,700 copies at the reference scale). The file is named after the code that parses (:func:`code_key`)
    and what the parse reads, so a stale or foreign file costs time, never a wrong index; written aside and
    renamed (builds of several sites write at once); one that cannot be read or written is parsed again.
    :func:`prune_copies` bounds the folder.
    """
    key = staging.content_key(doc)
    if key is None:
        return staging.parse(doc)
    path = folder / f"{code_key()[:12]}-{hashlib.sha1(key.encode()).hexdigest()}.pickle.z"
    kept = store.read(path, code_key())
    if isinstance(kept, tuple):
        try:
            return _parsed(kept)
        except TypeError:  # a foreign tuple: parsed again
            pass
    parsed = staging.parse(doc)
    store.write(path, code_key(), _fields(parsed))
    return parsed


#: a parse of a copy is removed after this many days (the next build that needs it parses it again)
COPY_DAYS = 30


def prune_copies(root: Path, days: float = COPY_DAYS) -> int:
    """Remove the parses of copies (:func:`copy_parse`) made by other code or more than *days* old; returns how many.

    A file is never rewritten once made, so its age is its creation's: a directive still on the portals
    costs one parse every *days*, and the folder holds at most what *days* of builds made.
    """
    import time

    folder = root / COPIES_DIR
    prefix = f"{code_key()[:12]}-"
    limit = time.time() - days * 86400
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.name.startswith("."):  # a file being written by a build now
                continue
            if entry.is_file(follow_symlinks=False) and (not entry.name.startswith(prefix)
                                                          or entry.stat(follow_symlinks=False).st_mtime < limit):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed
