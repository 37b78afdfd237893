"""A build machine's own cache file: a Python value pickled and compressed, written aside and renamed.

Used for what a build keeps under ``<root>/.cache/`` to skip work next time (the parses of pages
for the search index, the records of the network's documents). Such a file is written by this
code only, never by content, and is read only where a stale, damaged or foreign file costs time,
never a wrong result: the value is stored with a key (what else it depends on: the code, a version) and
read back only under that same key.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path


def write(path: Path, key: str, value: object) -> None:
    """*value* under *key*, pickled and compressed (zlib level 1: text shrinks about 4× in a few ms) into *path*,
    written aside and renamed (several builds may write at once); an :class:`OSError` only costs time later."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        data = pickle.dumps({"key": key, "value": value}, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.write_bytes(zlib.compress(data, 1))
        tmp.replace(path)
    except OSError:
        pass


def read(path: Path, key: str) -> object | None:
    """The value :func:`write` put into *path* under *key*; None when the file is missing, damaged, unreadable
    or written under another key."""
    try:
        data = pickle.loads(zlib.decompress(path.read_bytes()))
    except Exception:  # a damaged or foreign file (zlib and pickle raise many kinds): as if there were none
        return None
    return data.get("value") if isinstance(data, dict) and data.get("key") == key else None


class Kept:
    """The entries of one store across one build: ``old``, what an earlier build wrote under *key*; ``used``,
    what this build takes from it or makes (the caller fills it); :meth:`save` writes them when they differ.

    The one pattern of the build's caches (the posts' front matters, the rendered Markdown, the network's
    documents, the pages' parses for search, the QR codes): entries named by what they were made from (a hash
    of a text, a file's name with the hash of its bytes), read once, the ones a build no longer uses dropped.
    *path* or *key* None: nothing is read or written (a store in memory only).
    """

    def __init__(self, path: Path | None, key: str | None) -> None:
        self.path, self.key = path, key
        self._old: dict | None = None
        self.used: dict = {}
        self._carried: set = set()

    @property
    def old(self) -> dict:
        """The entries an earlier build wrote, read at the first use (a site's parses for search: 40 ms)."""
        if self._old is None:
            value = read(self.path, self.key) if self.path is not None and self.key is not None else None
            self._old = value if isinstance(value, dict) else {}
        return self._old

    def carry(self, name: object) -> None:
        """Keep the old entry of *name*, if there is one, without reading :attr:`old` now (at :meth:`save`)."""
        self._carried.add(name)

    def save(self, prune: bool = True) -> None:
        """Write the entries used and carried (with *prune* False: added to the old ones) when they are not what
        was read. A build that never read :attr:`old` and used nothing leaves the store as it is (entries of
        things now gone included: the next build that writes it drops them)."""
        if self.path is None or self.key is None or (self._old is None and not self.used):
            return
        old = self.old
        for name in self._carried:
            if name not in self.used and name in old:
                self.used[name] = old[name]
        entries = self.used if prune else {**self.old, **self.used}
        if entries != self.old:
            write(self.path, self.key, entries)
