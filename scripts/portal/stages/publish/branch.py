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
from portal.stages.publish import state, verify
from portal.stages.publish.manifest import TreeDiff, is_published
from portal.stages.publish.provenance import check_built, check_built_from, source_info, unlisted

FALLBACK_IDENTITY = {"name": "portal publish", "email": "portal@localhost"}
#: the trailer of a retirement commit (portal.stages.publish.retire.retire_branch)
RETIRED_TRAILER = "Retired-site:"


@dataclass
class BranchRelease:
    site: str
    branch: str
    commit: str | None   # None: unchanged
    previous: str | None
    diff: TreeDiff


def ref_name(name: str, site: str) -> str:
    """``refs/heads/NAME/<site>``: the branch a site is published to."""
    return f"refs/heads/{name}/{site}"


def tip(pr: repository.ProjectRepo, ref: str) -> str | None:
    """The commit *ref* points to, or None when it does not exist."""
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
    if tip(pr, f"refs/heads/{name}"):
        raise PortalError([Problem("portal publish", None, f"a branch named '{name}' exists, so branches '{name}/<site>' cannot — choose another --branch name")])


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}


def identity(pr: repository.ProjectRepo, source: dict[str, Any]) -> dict[str, str]:
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


def tree_diff(pr: repository.ProjectRepo, old: str | None, new: str) -> TreeDiff:
    """Files added, changed and removed between two trees (*old* None: every file added)."""
    d = TreeDiff()
    if old is None:
        d.added = [p for p in pr.git.ls_tree("-r", "--name-only", "-z", new).split("\0") if p]
        return d
    out = pr.git.diff_tree("-r", "--no-renames", "--name-status", "-z", old, new)
    parts = [p for p in out.split("\0") if p]
    for status, path in zip(parts[::2], parts[1::2], strict=False):
        {"A": d.added, "D": d.removed}.get(status[0], d.changed).append(path)
    return d


def commit_tree(pr: repository.ProjectRepo, ref: str, tree: str, parent: str | None, message: str, env: dict[str, str]) -> str:
    """A commit of *tree* on *ref* after *parent*, moved there by compare-and-swap; its sha."""
    args = ["git", "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message]
    sha = pr.git.execute(args, env=_env(env)).strip()
    # compare-and-swap: fails if someone else moved the branch meanwhile
    pr.git.update_ref("-m", message.splitlines()[0], ref, sha, parent or "0" * 40)
    return sha


def publish_branches(root: Path | str, name: str, sites: Sequence[str], *, output: Path | str | None = None,
                     allow_dirty: bool = False) -> list[BranchRelease]:
    """Commit each built site into branch ``name/<id>``; unchanged sites get no commit."""
    root = Path(root).resolve()
    out = Path(output) if output else root / "output"
    pr = repository.require_repo(root, "portal publish --branch")
    check_built(out, sites)
    check_branch_name(pr, name, sites)
    source = source_info(root, allow_dirty)
    check_built_from(out, sites, source, allow_dirty)
    broken = verify.check_references(root, out, sites)  # every resource the pages reference is in the release
    if broken:
        raise PortalError(broken)
    env = identity(pr, source)
    short = (source.get("commit") or "")[:7]
    results = []
    for s in sites:
        ref = ref_name(name, s)
        parent = tip(pr, ref)
        tree = write_tree(pr, (out / s).resolve())
        state.save_branch_state(Path(pr.repo.common_dir), name, s, tree, out / s)  # the next build on a fresh clone starts from it
        if parent and pr.repo.commit(parent).tree.hexsha == tree:
            results.append(BranchRelease(s, f"{name}/{s}", None, parent, TreeDiff()))
            continue
        diff = tree_diff(pr, parent, tree)
        c = diff.counts()
        merge = source.get("merge") or {}
        message = (f"Publish {s} from {short or 'a working tree'}\n\n"
                   f"+{c['added']} ~{c['changed']} -{c['removed']} files\n"
                   f"Source-commit: {source.get('commit')}\n"
                   f"Merge-author: {(merge.get('author') or {}).get('name')}\n"
                   f"Merge-committer: {(merge.get('committer') or {}).get('name')}\n")
        sha = commit_tree(pr, ref, tree, parent, message, env)
        results.append(BranchRelease(s, f"{name}/{s}", sha, parent, diff))
    return results


def rollback_branch(root: Path | str, name: str, site: str, release: str | None = None) -> BranchRelease:
    """A new commit on ``name/<site>`` whose tree is that of *release* (default: the commit before the tip)."""
    pr = repository.require_repo(root, "portal rollback --branch")
    ref = ref_name(name, site)
    head = tip(pr, ref)
    if head is None:
        raise PortalError([Problem("portal rollback", None, f"branch '{name}/{site}' does not exist — check --branch and --site")])
    if release is None:
        parents = pr.repo.commit(head).parents
        if not parents:
            raise PortalError([Problem("portal rollback", None, f"branch '{name}/{site}' has a single release — nothing to roll back to")])
        target = parents[0].hexsha
    else:
        target = tip(pr, release) or ""
        try:
            ok = bool(target) and pr.git.merge_base("--is-ancestor", target, head, with_exceptions=False, with_extended_output=True)[0] == 0
        except git.GitCommandError:
            ok = False
        if not ok:
            raise PortalError([Problem("portal rollback", None, f"release '{release}' is not a commit of branch '{name}/{site}' — see git log {name}/{site}; nothing changed")])
    tree = pr.repo.commit(target).tree.hexsha
    if tree == pr.repo.commit(head).tree.hexsha:
        return BranchRelease(site, f"{name}/{site}", None, head, TreeDiff())
    diff = tree_diff(pr, pr.repo.commit(head).tree.hexsha, tree)
    env = identity(pr, {})
    sha = commit_tree(pr, ref, tree, head, f"Roll back {site} to {target[:7]}\n\nRollback-to: {target}\n", env)
    return BranchRelease(site, f"{name}/{site}", sha, head, diff)


def is_retired(pr: repository.ProjectRepo, ref: str) -> bool:
    """Whether the tip of *ref* is a retirement commit (its message has the :data:`RETIRED_TRAILER`)."""
    sha = tip(pr, ref)
    return bool(sha) and f"\n{RETIRED_TRAILER} " in pr.repo.commit(sha).message


def unlisted_branches(root: Path | str, name: str, known: Sequence[str]) -> list[str]:
    """Sites published to branches ``name/<id>`` that sites.yaml no longer lists and that are not retired."""
    pr = repository.open_repo(root)
    if pr is None:
        return []
    prefix = f"refs/heads/{name}/"
    refs = [r for r in pr.git.for_each_ref("--format=%(refname)", prefix).split("\n") if r.startswith(prefix)]
    return [s for s in unlisted([r[len(prefix):] for r in refs], known) if not is_retired(pr, ref_name(name, s))]
