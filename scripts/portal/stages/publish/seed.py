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

import os
import shutil
import tempfile
from pathlib import Path

from portal.model.sites import Network
from portal.stages import repository
from portal.stages.output import SEED_PREFIX, make_public
from portal.stages.publish import state
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
        tmp = output / f"{SEED_PREFIX}{site.id}"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(src, tmp, symlinks=True, copy_function=_link)
        kept = target.read_meta(site.id, current).get("state")
        if isinstance(kept, dict):
            state.restore(tmp, kept)
        tmp.rename(dest)
        seeded.append(site.id)
    return seeded


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
