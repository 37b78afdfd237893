"""portal publish --branch: each site committed into NAME/<id>, the working tree untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal.model.errors import PortalError
from portal.stages.publish.branch import publish_branches, rollback_branch

from .. import gitrepo
from ..gitrepo import fake_output


@pytest.fixture
def plain_repo(tmp_path: Path) -> Path:
    return gitrepo.plain_project(tmp_path / "repo")


def files_of(root: Path, ref: str) -> dict[str, bytes]:
    names = gitrepo.git(root, "ls-tree", "-r", "--name-only", ref).splitlines()
    return {n: subprocess.run(["git", "show", f"{ref}:{n}"], cwd=root, capture_output=True, check=True).stdout for n in names}


def tree_bytes(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*"))
            if p.is_file() and not p.name.startswith(".portal-")}


def test_publish_into_branches_keeps_history_and_the_working_tree(plain_repo: Path):
    root = plain_repo
    head, status = gitrepo.git(root, "rev-parse", "HEAD"), gitrepo.git(root, "status", "--porcelain")
    index = (root / ".git/index").read_bytes()
    (root / "output/xa-mot/.portal-manifest.json").write_text("{}", encoding="utf-8")  # build bookkeeping
    first = publish_branches(root, "pages", ["xa-mot", "xa-hai"])
    assert [r.commit is not None for r in first] == [True, True]
    assert files_of(root, "pages/xa-mot") == tree_bytes(root / "output/xa-mot")
    assert ".portal-manifest.json" not in files_of(root, "pages/xa-mot")
    v1 = tree_bytes(root / "output/xa-mot")

    fake_output(root / "output", "xa-mot", "b", files=20)
    second = publish_branches(root, "pages", ["xa-mot", "xa-hai"])
    assert second[0].commit and second[0].previous == first[0].commit
    assert second[1].commit is None, "unchanged site: no commit"
    assert "only-in-b.txt" in second[0].diff.added and "only-in-a.txt" in second[0].diff.removed
    assert files_of(root, "pages/xa-mot") == tree_bytes(root / "output/xa-mot")
    assert gitrepo.git(root, "rev-list", "--count", "pages/xa-mot") == "2"
    msg = gitrepo.git(root, "log", "-1", "--format=%B", "pages/xa-mot")
    assert f"Source-commit: {head}" in msg

    assert gitrepo.git(root, "rev-parse", "HEAD") == head
    assert gitrepo.git(root, "status", "--porcelain") == status
    assert (root / ".git/index").read_bytes() == index
    assert gitrepo.git(root, "rev-parse", "--abbrev-ref", "HEAD") == "main"

    back = rollback_branch(root, "pages", "xa-mot")
    assert back.commit and files_of(root, "pages/xa-mot") == v1
    assert gitrepo.git(root, "rev-list", "--count", "pages/xa-mot") == "3", "rollback is a new commit: history kept"
    again = rollback_branch(root, "pages", "xa-mot", second[0].commit)
    assert again.commit and "only-in-b.txt" in files_of(root, "pages/xa-mot")


def test_branch_errors(plain_repo: Path):
    root = plain_repo
    gitrepo.git(root, "branch", "pages")
    with pytest.raises(PortalError, match="a branch named 'pages' exists"):
        publish_branches(root, "pages", ["xa-mot"])
    with pytest.raises(PortalError, match="not a valid branch name"):
        publish_branches(root, "bad..name", ["xa-mot"])
    with pytest.raises(PortalError, match="does not exist"):
        rollback_branch(root, "web", "xa-mot")
    publish_branches(root, "web", ["xa-mot"])
    with pytest.raises(PortalError, match="single release"):
        rollback_branch(root, "web", "xa-mot")
    with pytest.raises(PortalError, match="is not a commit of branch"):
        rollback_branch(root, "web", "xa-mot", "deadbeef")


def test_cli_publish_branch(plain_repo: Path):
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(plain_repo), "publish", "--branch", "site",
                          "--site", "xa-hai"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "xa-hai: published" in res.stdout and "branch site/xa-hai" in res.stdout
    assert gitrepo.git(plain_repo, "rev-parse", "--verify", "site/xa-hai")
