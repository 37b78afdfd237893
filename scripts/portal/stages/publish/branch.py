"""Publishing each site as a commit on its own branch ``NAME/<id>`` (for hosts that serve a branch).

Built with Git plumbing through GitPython: a temporary index file, ``write-tree``,
``commit-tree`` and a compare-and-swap ``update-ref``. The working tree, the real index
and HEAD are never touched. History is kept: each publish is a new commit on the
branch, a rollback is a new commit with an older tree.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import git

from portal.model.errors import PortalError, Problem
from portal.stages import repository
from portal.stages.publish.manifest import TreeDiff, is_published

FALLBACK_IDENTITY = {"name": "portal publish", "email": "portal@localhost"}


@dataclass
class BranchRelease:
    site: str
    branch: str
    commit: str | None   # None: unchanged
    previous: str | None
    diff: TreeDiff


def _ref(name: str, site: str) -> str:
    return f"refs/heads/{name}/{site}"


def _tip(pr: repository.ProjectRepo, ref: str) -> str | None:
    try:
        return pr.git.rev_parse("--verify", "-q", ref + "^{commit}").strip() or None
    except git.GitCommandError:
        return None


def check_branch_name(pr: repository.ProjectRepo, name: str, sites: Sequence[str]) -> None:
    try:
        for s in sites[:1] or ["x"]:
            pr.git.check_ref_format("--branch", f"{name}/{s}")
    except git.GitCommandError:
        raise PortalError([Problem("portal publish", None, f"--branch '{name}' is not a valid branch name — use e.g. pages")]) from None
    if _tip(pr, f"refs/heads/{name}"):
        raise PortalError([Problem("portal publish", None, f"a branch named '{name}' exists, so branches '{name}/<site>' cannot — choose another --branch name")])


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}


def _identity(pr: repository.ProjectRepo, source: dict[str, Any]) -> dict[str, str]:
    """Author: who merged (HEAD's author); committer: the configured user, else a fixed name."""
    env: dict[str, str] = {}
    merge = source.get("merge") or {}
    author = merge.get("author") or FALLBACK_IDENTITY
    env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = author["name"], author["email"]
    reader = pr.repo.config_reader()
    name = reader.get_value("user", "name", default="") if reader.has_section("user") else ""
    email = reader.get_value("user", "email", default="") if reader.has_section("user") else ""
    env["GIT_COMMITTER_NAME"] = str(name or os.environ.get("GIT_COMMITTER_NAME") or FALLBACK_IDENTITY["name"])
    env["GIT_COMMITTER_EMAIL"] = str(email or os.environ.get("GIT_COMMITTER_EMAIL") or FALLBACK_IDENTITY["email"])
    return env


def write_tree(pr: repository.ProjectRepo, tree: Path) -> str:
    """Store every file of *tree* in the repository's objects; return the tree's id (no working tree touched)."""
    with tempfile.TemporaryDirectory(prefix="portal-index-") as tmp:
        env = _env({"GIT_INDEX_FILE": str(Path(tmp) / "index")})
        base = ["git", f"--git-dir={pr.repo.git_dir}", f"--work-tree={tree}", "-C", str(tree)]
        pr.git.execute([*base, "add", "-A", "-f", "."], env=env)
        listed = pr.git.execute([*base, "ls-files", "-z"], env=env)
        bookkeeping = [p for p in listed.split("\0") if p and not is_published(p)]
        if bookkeeping:
            pr.git.execute([*base, "rm", "-r", "-q", "--cached", "--", *bookkeeping], env=env)
        return pr.git.execute([*base, "write-tree"], env=env).strip()


def _diff(pr: repository.ProjectRepo, old: str | None, new: str) -> TreeDiff:
    d = TreeDiff()
    if old is None:
        d.added = [p for p in pr.git.ls_tree("-r", "--name-only", "-z", new).split("\0") if p]
        return d
    out = pr.git.diff_tree("-r", "--no-renames", "--name-status", "-z", old, new)
    parts = [p for p in out.split("\0") if p]
    for status, path in zip(parts[::2], parts[1::2], strict=False):
        {"A": d.added, "D": d.removed}.get(status[0], d.changed).append(path)
    return d


def _commit(pr: repository.ProjectRepo, ref: str, tree: str, parent: str | None, message: str, env: dict[str, str]) -> str:
    args = ["git", "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message]
    sha = pr.git.execute(args, env=_env(env)).strip()
    # compare-and-swap: fails if someone else moved the branch meanwhile
    pr.git.update_ref("-m", message.splitlines()[0], ref, sha, parent or "0" * 40)
    return sha


def publish_branches(root: Path | str, name: str, sites: Sequence[str], *, output: Path | str | None = None,
                     allow_dirty: bool = False) -> list[BranchRelease]:
    """Commit each built site into branch ``name/<id>``; unchanged sites get no commit."""
    from portal.stages.publish.target import source_info

    root = Path(root).resolve()
    out = Path(output) if output else root / "output"
    pr = repository.require_repo(root, "portal publish --branch")
    missing = [s for s in sites if not (out / s / "index.html").is_file()]
    if missing:
        raise PortalError([Problem(f"{out}/{s}", None, "is not built — run portal build first (nothing was published)") for s in missing])
    check_branch_name(pr, name, sites)
    source = source_info(root, allow_dirty)
    from portal.stages.publish.verify import check_built

    broken = check_built(root, out, sites)  # every resource the pages reference is in the release
    if broken:
        raise PortalError(broken)
    env = _identity(pr, source)
    short = (source.get("commit") or "")[:7]
    results = []
    for s in sites:
        ref = _ref(name, s)
        parent = _tip(pr, ref)
        tree = write_tree(pr, (out / s).resolve())
        if parent and pr.repo.commit(parent).tree.hexsha == tree:
            results.append(BranchRelease(s, f"{name}/{s}", None, parent, TreeDiff()))
            continue
        diff = _diff(pr, parent, tree)
        c = diff.counts()
        merge = source.get("merge") or {}
        message = (f"Publish {s} from {short or 'a working tree'}\n\n"
                   f"+{c['added']} ~{c['changed']} -{c['removed']} files\n"
                   f"Source-commit: {source.get('commit')}\n"
                   f"Merge-author: {(merge.get('author') or {}).get('name')}\n"
                   f"Merge-committer: {(merge.get('committer') or {}).get('name')}\n")
        sha = _commit(pr, ref, tree, parent, message, env)
        results.append(BranchRelease(s, f"{name}/{s}", sha, parent, diff))
    return results


def rollback_branch(root: Path | str, name: str, site: str, release: str | None = None) -> BranchRelease:
    """A new commit on ``name/<site>`` whose tree is that of *release* (default: the commit before the tip)."""
    pr = repository.require_repo(root, "portal rollback --branch")
    ref = _ref(name, site)
    tip = _tip(pr, ref)
    if tip is None:
        raise PortalError([Problem("portal rollback", None, f"branch '{name}/{site}' does not exist — check --branch and --site")])
    if release is None:
        parents = pr.repo.commit(tip).parents
        if not parents:
            raise PortalError([Problem("portal rollback", None, f"branch '{name}/{site}' has a single release — nothing to roll back to")])
        target = parents[0].hexsha
    else:
        target = _tip(pr, release) or ""
        try:
            ok = bool(target) and pr.git.merge_base("--is-ancestor", target, tip, with_exceptions=False, with_extended_output=True)[0] == 0
        except git.GitCommandError:
            ok = False
        if not ok:
            raise PortalError([Problem("portal rollback", None, f"release '{release}' is not a commit of branch '{name}/{site}' — see git log {name}/{site}; nothing changed")])
    tree = pr.repo.commit(target).tree.hexsha
    if tree == pr.repo.commit(tip).tree.hexsha:
        return BranchRelease(site, f"{name}/{site}", None, tip, TreeDiff())
    diff = _diff(pr, pr.repo.commit(tip).tree.hexsha, tree)
    env = _identity(pr, {})
    sha = _commit(pr, ref, tree, tip, f"Roll back {site} to {target[:7]}\n\nRollback-to: {target}\n", env)
    return BranchRelease(site, f"{name}/{site}", sha, tip, diff)
