"""The output folder: trees built aside and swapped into place, so a reader never sees half of one.

Every stage that writes into ``output/`` (a site's build, the search indexes built after
every site, the assembly of sharded builds) builds under a temporary name beside the
destination and swaps it in with :func:`swap_into_place`; leftovers of an interrupted
run carry :data:`TMP_PREFIX` or :data:`OLD_PREFIX` and are removed by the next build.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

TMP_PREFIX = ".building-"   # a tree being built beside its destination
OLD_PREFIX = ".replaced-"   # the tree a swap replaced, removed last


def swap_into_place(built: Path, dest: Path) -> None:
    """Replace *dest* by *built* (both in one folder): the old tree is removed last."""
    old = None
    if dest.exists():
        old = dest.with_name(f"{OLD_PREFIX}{dest.name}-{os.getpid()}")
        dest.rename(old)
    built.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def clean_leftovers(output: Path) -> None:
    """Remove temporary trees that an interrupted build left behind in *output*."""
    for entry in output.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)
    for entry in output.glob(f"{OLD_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)


def default_jobs() -> int:
    """Worker processes for a build: the cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
