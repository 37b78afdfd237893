"""A build's starting point taken from the last published release (``portal build --target DIR`` or ``--branch NAME``).

On a fresh clone (no ``output/``, no ``.cache/``), ``portal build --since REV`` builds only the
sites a change affects. Their pages reference what the build of *other* sites makes — the
shared directives' bundle (from the provincial portal's pages) and, on the provincial
portal, the network index over every site — and the incremental build reuses what did not
change. :func:`seed_output` puts each site's current release (hard links, no copies) where
``output/<id>/`` is missing, so the build starts from what readers have: the sites it builds
are rebuilt on top, the shared bundle and the network shards are rebuilt from complete data,
and the result is complete (``portal publish`` then verifies it: :mod:`.verify`).

The build's bookkeeping of that release (:mod:`.state`) comes back with it, so the
incremental build re-renders only the pages the change affects.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from portal.model.sites import Network
from portal.stages import repository
from portal.stages.output import SEED_PREFIX, make_public
from portal.stages.publish import state
from portal.stages.publish.target import Target

if TYPE_CHECKING:
    from portal.stages.search.network import Releases


def _link(src: str, dest: str) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def _live_release(target: Target, site_id: str, output: Path) -> tuple[str, Path] | None:
    """(release id, folder) of *site_id*'s current release when the site has no output yet; else None."""
    current = target.current(site_id)
    if (output / site_id).exists() or current is None:
        return None
    folder = target.releases_dir(site_id) / current
    return (current, folder) if folder.is_dir() else None


def seed_output(network: Network, output: Path, target_dir: Path | str, only: Collection[str] | None = None) -> list[str]:
    """Copy (hard links) into *output* the current release of every site that has no output yet (of *only*, if given).

    Returns the sites seeded. A site without a release in the target is left out (it is
    built from scratch, or stays missing). Nothing in the target changes.

    *only*: the sites the build renders, and the provincial portal (the indexes built after
    every site write into it). The others are read where they are (:func:`release_trees`):
    at 150 sites a copy of every release is 200,000 folders and 500,000 links, most of a
    one-post merge's time on a fresh runner.
    """
    target = Target(target_dir)
    seeded = []
    for site in network.sites:
        dest = output / site.id
        if only is not None and site.id not in only:
            continue
        live = _live_release(target, site.id, output)
        if live is None:
            continue
        current, src = live
        tmp = output / f"{SEED_PREFIX}{site.id}"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(src, tmp, symlinks=True, copy_function=_link)
        kept = target.read_meta(site.id, current).get("state")
        if isinstance(kept, dict):
            state.restore(tmp, kept)
        tmp.rename(dest)
        seeded.append(site.id)
    return seeded


def release_trees(network: Network, output: Path, target_dir: Path | str) -> Releases:
    """The live release of every site that has no output (read by the indexes built after every site, never
    written), and the search stage record kept with each (:mod:`.state`)."""
    from portal.stages.search.network import Releases
    from portal.stages.search.site import valid_record

    target = Target(target_dir)
    trees: dict[str, Path] = {}
    records: dict[str, dict] = {}
    for site in network.sites:
        live = _live_release(target, site.id, output)
        if live is None:
            continue
        current, trees[site.id] = live
        kept = target.read_meta(site.id, current).get("state")
        text = kept.get(f"{state.SITE_BUNDLE}/{state.STAGE_RECORD}") if isinstance(kept, dict) else None
        try:
            record = valid_record(json.loads(text)) if isinstance(text, str) else None
        except ValueError:
            record = None
        if record is not None:
            records[site.id] = record
    return Releases(trees=trees, records=records)


def seed_from_branches(network: Network, output: Path, name: str) -> list[str]:
    """Like :func:`seed_output`, from the tips of the branches ``NAME/<id>`` (``portal publish --branch NAME``).

    Each tip's tree is checked out through a temporary index (the working tree, the index
    and HEAD are not touched); the bookkeeping kept for that very tree in
    ``.git/portal-state/NAME/<id>.json`` comes back with it. A retired site, or one without a
    branch, is left out. Returns the sites seeded; raises :class:`PortalError` outside a
    Git repository.
    """
    from portal.stages.publish.branch import is_retired, ref_name, tip

    pr = repository.require_repo(network.root, "portal build --branch")
    seeded = []
    for site in network.sites:
        dest = output / site.id
        ref = ref_name(name, site.id)
        commit = tip(pr, ref)
        if dest.exists() or commit is None or is_retired(pr, ref):
            continue
        tree_id = pr.repo.commit(commit).tree.hexsha
        tmp = output / f"{SEED_PREFIX}{site.id}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with tempfile.TemporaryDirectory(prefix="portal-index-") as index:
            env = {**os.environ, "GIT_INDEX_FILE": str(Path(index) / "index")}
            pr.git.execute(["git", f"--git-dir={pr.repo.git_dir}", "read-tree", tree_id], env=env)
            pr.git.execute(["git", f"--git-dir={pr.repo.git_dir}", f"--work-tree={tmp}", "checkout-index", "-a", "-f",
                            f"--prefix={tmp}/"], env=env)
        make_public(tmp)
        kept = state.load_branch_state(Path(pr.repo.common_dir), name, site.id, tree_id)
        if kept is not None:
            state.restore(tmp, kept)
        tmp.rename(dest)
        seeded.append(site.id)
    return seeded
