"""The output folder: trees built aside and swapped into place, so a reader never sees half of one.

Every stage that writes into ``output/`` (a site's build, the search indexes built after
every site, the assembly of sharded builds) builds under a temporary name beside the
destination and swaps it in with :func:`swap_into_place`; leftovers of an interrupted
run carry :data:`TMP_PREFIX` or :data:`OLD_PREFIX` and are removed by the next build.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

TMP_PREFIX = ".building-"   # a tree being built beside its destination
OLD_PREFIX = ".replaced-"   # the tree a swap replaced, removed last
SEED_PREFIX = ".seed-"      # a site's last release being copied in (portal.stages.publish.seed)
#: a built site's record of what it was built from (build bookkeeping: never published)
BUILD_RECORD = ".portal-build.json"
DIR_MODE = 0o755
FILE_MODE = 0o644


def make_public(tree: Path) -> None:
    """Folders 0755 and files 0644 under *tree* (and *tree* itself), whatever the umask or ``mkdtemp`` made.

    A built site is copied as it is (``cp -a``, ``rsync -a``, releases): the web server's user
    must be able to read it (issue 12.8). Symbolic links are left alone (never followed).
    """
    if tree.is_symlink() or not tree.is_dir():
        return
    os.chmod(tree, DIR_MODE)
    stack = [str(tree)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:
                if e.is_symlink():
                    continue
                mode = e.stat(follow_symlinks=False).st_mode & 0o7777
                if e.is_dir(follow_symlinks=False):
                    if mode != DIR_MODE:
                        os.chmod(e.path, DIR_MODE)
                    stack.append(e.path)
                elif mode != FILE_MODE:
                    os.chmod(e.path, FILE_MODE)


def link_or_copy(src: str, dest: str) -> None:
    """A hard link *dest* to the file *src*, a copy where linking fails (another file system); never follows a
    symbolic link. Raises :class:`OSError` as ``shutil.copy2`` does (*src* missing, *dest*'s folder missing)."""
    try:
        os.link(src, dest, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dest, follow_symlinks=False)


def write_build_record(tree: Path, record: dict[str, Any]) -> None:
    """Record in a built site what it was built from: ``{"commit": sha or None, "dirty": [paths]}``."""
    path = tree / BUILD_RECORD
    tmp = tree / f"{BUILD_RECORD}.tmp"  # a new file: the tree's files may be hard links into a release
    tmp.write_text(json.dumps(record, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, path)


def read_build_record(tree: Path) -> dict[str, Any] | None:
    """What :func:`write_build_record` wrote into *tree*, or None (not built by ``portal build``, or an older version)."""
    try:
        data = json.loads((tree / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "commit" in data else None


def swap_into_place(built: Path, dest: Path, *, remove_old: bool = True, public: bool = False) -> Path | None:
    """Replace *dest* by *built* (both in one folder), made world-readable first (*public*: the caller made
    it so already, e.g. hard links to a tree made public once); the old tree is removed last.

    With *remove_old* False the replaced tree is left beside *dest* (``.replaced-<name>-<pid>``) and
    returned, for the caller to remove off its critical path (:class:`Remover`); an interrupted run
    leaves it to :func:`clean_leftovers`. Returns None when there was no old tree (or it was removed).
    """
    if not public:
        make_public(built)
    old = None
    if dest.exists():
        old = dest.with_name(f"{OLD_PREFIX}{dest.name}-{os.getpid()}")
        dest.rename(old)
    built.rename(dest)
    if old is not None and remove_old:
        shutil.rmtree(old, ignore_errors=True)
        return None
    return old


class Remover:
    """Removes replaced trees in a background thread while the build goes on (``wait`` before the build returns).

    Deleting a site's old tree is one unlink per file: on the critical path of a site's worker it
    held a core slot for it (about a tenth of an incremental build's time, issue 20); here it
    overlaps with the other sites' rendering and the search indexes.
    """

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-remove")
        self._pending: list = []

    def remove(self, tree: Path | str | None) -> None:
        if tree:
            self._pending.append(self._pool.submit(shutil.rmtree, tree, ignore_errors=True))

    def wait(self) -> None:
        for future in self._pending:
            future.result()
        self._pending.clear()
        self._pool.shutdown(wait=True)


def clean_leftovers(output: Path) -> None:
    """Remove temporary trees that an interrupted build left behind in *output*."""
    for entry in output.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)
    for entry in output.glob(f"{OLD_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)
    for entry in output.glob(f"{SEED_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)


def default_jobs() -> int:
    """Worker processes for a build: the cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
