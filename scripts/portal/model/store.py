"""A build machine's own cache file: a Python value pickled and compressed, written aside and renamed.

Used for what a build keeps under ``<root>/.cache/`` to skip work next time (the parses of pages
for the search index, the records of the network's documents). Such a file is written by this
code only, never by content, and is read only where a stale, damaged or foreign file costs time,
never a wrong result: every reader checks a key it stored beside the value.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path


def write(path: Path, value: object) -> None:
    """*value* pickled and compressed (zlib level 1: text shrinks about 4× in a few ms) into *path*, written
    aside and renamed (several builds may write at once); an :class:`OSError` only costs time later."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1))
        tmp.replace(path)
    except OSError:
        pass


def read(path: Path) -> object | None:
    """The value :func:`write` put into *path*; None when the file is missing, damaged or unreadable."""
    try:
        return pickle.loads(zlib.decompress(path.read_bytes()))
    except Exception:  # a damaged or foreign file (zlib and pickle raise many kinds): as if there were none
        return None
