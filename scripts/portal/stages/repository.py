"""Small helpers over GitPython: open the repository of a project, resolve revisions, dirtiness.

The project root may be the repository's top or a folder inside it; paths given to and
returned by these helpers are relative to the project root (posix form).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import git

from portal.model.errors import PortalError, Problem

#: what the site output depends on: a change here outside content/ rebuilds every site
BUILD_INPUTS = ("content", "data/interaction", "sites.yaml", "themes", "plugins", "translations", "pelicanconf.py", "scripts", "pyproject.toml")


@dataclass
class ProjectRepo:
    repo: git.Repo
    root: Path          # the project root (resolved)
    prefix: str         # the project root relative to the repository top, '' or 'sub/dir/'

    def to_repo(self, rel: str) -> str:
        return self.prefix + rel

    def from_repo(self, path: str) -> str | None:
        """A repository path relative to the project root, or None when outside it."""
        if not path.startswith(self.prefix):
            return None
        return path[len(self.prefix):]

    @property
    def git(self) -> git.cmd.Git:
        return self.repo.git


def open_repo(root: Path | str) -> ProjectRepo | None:
    """The Git repository that holds *root*, or None when it is not in one."""
    root = Path(root).resolve()
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    top = Path(repo.working_tree_dir).resolve()
    rel = root.relative_to(top).as_posix()
    return ProjectRepo(repo=repo, root=root, prefix="" if rel == "." else rel + "/")


def require_repo(root: Path | str, what: str) -> ProjectRepo:
    pr = open_repo(root)
    if pr is None:
        raise PortalError([Problem(str(root), None, f"is not in a Git repository — {what} needs the project's Git checkout (git clone, not a copy)")])
    return pr


def has_commits(pr: ProjectRepo) -> bool:
    try:
        pr.repo.head.commit  # noqa: B018
    except ValueError:
        return False
    return True


def resolve(pr: ProjectRepo, rev: str) -> git.Commit:
    """The commit *rev* names; a clear error when it does not exist (or the clone is too shallow)."""
    try:
        return pr.repo.commit(rev)
    except (git.BadName, git.BadObject, ValueError, git.GitCommandError):
        hint = " (this clone is shallow: fetch the history, e.g. actions/checkout with fetch-depth: 0)" if is_shallow(pr) else ""
        raise PortalError([Problem("git", None, f"revision '{rev}' does not exist in {pr.repo.working_tree_dir}{hint} — give a commit, branch or tag that exists (git log --oneline)")]) from None


def is_shallow(pr: ProjectRepo) -> bool:
    try:
        return pr.git.rev_parse("--is-shallow-repository").strip() == "true"
    except git.GitCommandError:
        return False


def dirty_paths(pr: ProjectRepo, paths: Iterable[str] = BUILD_INPUTS) -> list[str]:
    """Files under *paths* (project-relative) that differ from HEAD or are untracked (not ignored)."""
    specs = [pr.to_repo(p) for p in paths if (pr.root / p).exists()]
    if not specs:
        return []
    out = pr.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", *specs)
    result: list[str] = []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if status[0] in "RC":  # a rename carries its source as the next entry
            i += 1
        rel = pr.from_repo(path)
        if rel is not None:
            result.append(rel)
    return sorted(result)


def show(pr: ProjectRepo, commit: git.Commit, rel: str) -> bytes | None:
    """The content of project file *rel* at *commit*, or None when it did not exist there."""
    try:
        blob = commit.tree / pr.to_repo(rel)
    except KeyError:
        return None
    if not isinstance(blob, git.Blob):
        return None
    return blob.data_stream.read()


def provenance(root: Path | str) -> dict[str, object]:
    """What a build at *root* is built from: ``{"commit": HEAD's sha or None, "dirty": [changed build inputs]}``.

    Recorded in every built site (:func:`portal.stages.output.write_build_record`) and compared by
    ``portal publish`` with what it publishes (issue 12.8). ``commit`` is None outside a Git
    checkout with commits.
    """
    pr = open_repo(root)
    if pr is None or not has_commits(pr):
        return {"commit": None, "dirty": []}
    return {"commit": pr.repo.head.commit.hexsha, "dirty": dirty_paths(pr)}


def commit_files(root: Path | str, files: dict[str, bytes], branch: str, message: str, *, base: str = "",
                 author: dict[str, str], committer: dict[str, str] | None = None) -> str:
    """Commit *files* (project-relative path → content) on *branch*, on top of *base* (default HEAD), and return the commit.

    Written through a temporary index with Git plumbing: the checkout's working tree, index and HEAD are
    not touched. Raises :class:`PortalError` when *root* is not in a Git repository or *base* is unknown.
    """
    import os
    import tempfile

    pr = require_repo(root, "committing on a branch")
    repo = pr.repo
    base_commit = resolve(pr, base or "HEAD")
    who = committer or author
    env = {**os.environ, "GIT_AUTHOR_NAME": author["name"], "GIT_AUTHOR_EMAIL": author["email"],
           "GIT_COMMITTER_NAME": who["name"], "GIT_COMMITTER_EMAIL": who["email"]}
    with tempfile.TemporaryDirectory(prefix="portal-commit-") as tmp:
        env["GIT_INDEX_FILE"] = str(Path(tmp) / "index")
        g = ["git", f"--git-dir={repo.git_dir}"]
        repo.git.execute([*g, "read-tree", base_commit.hexsha], env=env)
        for rel, data in files.items():
            source = Path(tmp) / "file"
            source.write_bytes(data)
            blob = repo.git.execute([*g, "hash-object", "-w", "--no-filters", str(source)], env=env).strip()
            repo.git.execute([*g, "update-index", "--add", "--cacheinfo", f"100644,{blob},{pr.to_repo(rel)}"], env=env)
        tree = repo.git.execute([*g, "write-tree"], env=env).strip()
        commit = repo.git.execute([*g, "commit-tree", tree, "-p", base_commit.hexsha, "-m", message], env=env).strip()
        repo.git.execute([*g, "update-ref", f"refs/heads/{branch}", commit], env=env)
    return commit
