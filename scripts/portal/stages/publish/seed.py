"""A build's starting point taken from the last published release (``portal build --target DIR``).

On a fresh clone (no ``output/``, no ``.cache/``), ``portal build --since REV`` builds only the
sites a change affects. Their pages reference what the build of *other* sites makes — the
shared directives' bundle (from the provincial portal's pages) and, on the provincial
portal, the network index over every site — and the incremental build reuses what did not
change. :func:`seed_output` puts each site's current release (hard links, no copies) where
``output/<id>/`` is missing, so the build starts from what readers have: the sites it builds
are rebuilt on top, the shared bundle and the network shards are rebuilt from complete data,
and the result is complete (``portal publish`` then verifies it: :mod:`.verify`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from portal.model.sites import Network
from portal.stages.publish.target import Target


def _link(src: str, dest: str) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def seed_output(network: Network, output: Path, target_dir: Path | str) -> list[str]:
    """Copy (hard links) into *output* the current release of every site that has no output yet.

    Returns the sites seeded. A site without a release in the target is left out (it is
    built from scratch, or stays missing). Nothing in the target changes.
    """
    target = Target(target_dir)
    seeded = []
    for site in network.sites:
        dest = output / site.id
        current = target.current(site.id)
        if dest.exists() or current is None:
            continue
        src = target.releases_dir(site.id) / current
        if not src.is_dir():
            continue
        tmp = output / f".seed-{site.id}"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(src, tmp, symlinks=True, copy_function=_link)
        tmp.rename(dest)
        seeded.append(site.id)
    return seeded
