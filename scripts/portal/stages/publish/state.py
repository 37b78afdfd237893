"""A build's bookkeeping kept with what was published, so CI's next build starts where the last one ended.

A built site carries files that are never published (``.portal-*``: the incremental
build's page keys ``.portal-manifest.json``, the search bundles' ``.portal-stage.json`` and
``.portal-search-key``, the build record ``.portal-build.json``). Without them a fresh clone
seeded from the live release (:mod:`portal.stages.publish.seed`) renders and stages every
page of a site it builds again. They are kept beside the release they describe:

- a publish target keeps them in the release's manifest (``DIR/<id>/manifests/<R>.json``,
  key ``state``): written, pruned and rolled back with the release;
- ``--branch NAME`` keeps them in the Git folder, ``.git/portal-state/NAME/<id>.json``, with
  the id of the tree they describe (the working tree is not touched; CI keeps that folder with
  its cache action); they are used only for that very tree.

Since the state and the seeded files come from the same build, the stage record's file
identities (inode, size, time) are refreshed to the seeded files: an unchanged page is not
read again. State of another build is never applied (at worst a page is rendered again).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from portal.stages.publish.manifest import BUILD_ONLY_PREFIX, write_json_atomic

#: a site's search stage record in its bundle (portal.stages.search.site.STAT_FILE, BUNDLE), refreshed on restore
STAGE_RECORD = ".portal-stage.json"
SITE_BUNDLE = "pagefind"
#: files at most this large are kept (bookkeeping is JSON text; anything else is left out)
MAX_BYTES = 64 * 1024 * 1024

State = dict[str, str]  # path relative to the site's tree (posix) → the file's text


def collect(tree: Path) -> State:
    """The bookkeeping files of the built tree *tree* (``.portal-*`` at any depth, text only), by relative path."""
    state: State = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        base = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not (base / d).is_symlink()]
        for name in filenames:
            if not name.startswith(BUILD_ONLY_PREFIX):
                continue
            path = base / name
            if path.is_symlink() or path.stat().st_size > MAX_BYTES:
                continue
            try:
                state[path.relative_to(tree).as_posix()] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return dict(sorted(state.items()))


def restore(tree: Path, state: State) -> int:
    """Write *state* into *tree* (the seeded copy of the release it describes); return the files written.

    Paths that would leave *tree* or whose folder is missing are skipped (a release without
    that bundle). Each stage record's entries get the identity of the file now at their path.
    """
    written = 0
    base = tree.resolve()
    for rel, text in state.items():
        dest = (tree / rel)
        if ".." in Path(rel).parts or Path(rel).is_absolute() or not dest.parent.resolve().is_relative_to(base):
            continue
        if not dest.parent.is_dir() or not dest.name.startswith(BUILD_ONLY_PREFIX):
            continue
        if rel == f"{SITE_BUNDLE}/{STAGE_RECORD}":
            text = _refreshed(tree, text)
        dest.write_text(text, encoding="utf-8")
        os.chmod(dest, 0o644)
        written += 1
    return written


def _refreshed(site_tree: Path, text: str) -> str:
    """A stage record (``{path: [inode, size, mtime_ns, digest, kind]}``) with the identities of the files in *site_tree*."""
    try:
        record = json.loads(text)
    except ValueError:
        return text
    if not isinstance(record, dict):
        return text
    for rel, entry in record.items():
        if not (isinstance(entry, list) and len(entry) == 5):
            continue
        try:
            st = (site_tree / rel).stat()
        except OSError:
            continue
        if st.st_size == entry[1]:  # the same file, as published
            entry[0], entry[2] = st.st_ino, st.st_mtime_ns
    return json.dumps(record, sort_keys=True)


#: the folder, inside the repository's Git folder, where ``--branch`` publishing keeps the bookkeeping
BRANCH_STATE = "portal-state"


def branch_state_path(git_dir: Path, name: str, site: str) -> Path:
    """Where ``portal publish --branch NAME`` keeps the bookkeeping of *site*'s published tree (*git_dir*: ``.git``)."""
    return git_dir / BRANCH_STATE / name / f"{site}.json"


def save_branch_state(git_dir: Path, name: str, site: str, tree_id: str, built: Path) -> None:
    """Keep the bookkeeping of *built* for the Git tree *tree_id* it was published as (best effort)."""
    path = branch_state_path(git_dir, name, site)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(path, {"tree": tree_id, "state": collect(built)})
    except OSError:
        pass  # without it the next build on a fresh clone only renders more


def load_branch_state(git_dir: Path, name: str, site: str, tree_id: str) -> State | None:
    """The bookkeeping kept for the Git tree *tree_id*, or None (missing, or kept for another tree)."""
    try:
        data = json.loads(branch_state_path(git_dir, name, site).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tree") != tree_id or not isinstance(data.get("state"), dict):
        return None
    return data["state"]
