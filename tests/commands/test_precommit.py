"""The pre-commit hooks (repo: local only, no network) in a temporary repository: bad commits are refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from .. import gitrepo
from ..conftest import REPO, make_project, mini_content, post, write

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = make_project(tmp_path / "repo")
    mini_content(root)
    shutil.copy(REPO / ".pre-commit-config.yaml", root / ".pre-commit-config.yaml")
    (root / "scripts/hooks").mkdir(parents=True)
    shutil.copy(REPO / "scripts/hooks/portal-hook", root / "scripts/hooks/portal-hook")
    gitrepo.init(root)
    env = {**os.environ, **gitrepo.IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PORTAL_PYTHON": sys.executable, "HOME": str(tmp_path)}
    res = subprocess.run([str(PRE_COMMIT), "install"], cwd=root, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    return root, env


def commit(repo: tuple[Path, dict[str, str]], message: str = "x") -> subprocess.CompletedProcess:
    root, env = repo
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    res = subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, env=env, capture_output=True, text=True)
    res.stdout += res.stderr  # the hooks' report goes to git's stderr
    return res


def test_rejects_a_bad_post_and_accepts_a_good_one(repo):
    root, _ = repo
    head = gitrepo.git(root, "rev-parse", "HEAD")
    write(root / "content/sites/xa-mot/tin-tuc/sai.md", "---\ntitle: Bài sai\ndate: 2026-11-01\ncategory: tin-tuk\n---\nx\n")
    res = commit(repo)
    assert res.returncode != 0
    assert "content/sites/xa-mot/tin-tuc/sai.md:4: category 'tin-tuk' is not a section of this site — did you mean 'tin-tuc'?" in res.stdout
    assert gitrepo.git(root, "rev-parse", "HEAD") == head, "nothing committed"
    write(root / "content/sites/xa-mot/tin-tuc/sai.md", "---\ntitle: Bài đúng\ndate: 2026-11-01\ncategory: tin-tuc\n---\nx\n")
    res = commit(repo, "Bài đúng")
    assert res.returncode == 0, res.stdout + res.stderr
    assert gitrepo.git(root, "log", "-1", "--format=%s") == "Bài đúng"


def test_nfc_is_fixed_and_the_commit_stops(repo):
    root, _ = repo
    title = unicodedata.normalize("NFD", "Hội nghị tổng kết")
    post(root, "content/sites/xa-hai/tin-tuc/nfd-moi.md", title)
    res = commit(repo)
    assert res.returncode != 0 and "content/sites/xa-hai/tin-tuc/nfd-moi.md:2: text was not in Unicode NFC" in res.stdout
    text = (root / "content/sites/xa-hai/tin-tuc/nfd-moi.md").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert commit(repo).returncode == 0, "staged again after the fix, it passes"


def test_invalid_yaml_a_big_file_and_a_private_key_are_refused(repo):
    root, _ = repo
    write(root / "data/lich.yaml", "ngay: [1, 2\n")
    res = commit(repo)
    assert res.returncode != 0 and "data/lich.yaml:2: invalid YAML" in res.stdout
    (root / "data/lich.yaml").write_text("ngay: [1, 2]\n", encoding="utf-8")

    big = root / "content/sites/xa-mot/files/video.mp4"
    big.parent.mkdir(parents=True, exist_ok=True)
    big.write_bytes(b"\0" * (6 * 1024 * 1024))
    res = commit(repo)
    assert res.returncode != 0 and "content/sites/xa-mot/files/video.mp4: 6.0 MB is over the 5 MB limit" in res.stdout
    big.unlink()

    key = "-----BEGIN " + "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
    write(root / "deploy/id_ed25519", key)
    res = commit(repo)
    assert res.returncode != 0 and "deploy/id_ed25519" in res.stdout and "no private keys" in res.stdout
    (root / "deploy/id_ed25519").unlink()
    assert commit(repo).returncode == 0


def test_sites_yaml_change_runs_the_whole_check(repo):
    root, _ = repo
    sites = root / "sites.yaml"
    sites.write_text(sites.read_text(encoding="utf-8").replace("kind: ward", "kind: phuong"), encoding="utf-8")
    res = commit(repo)
    assert res.returncode != 0 and "sites.yaml:" in res.stdout and "unknown kind 'phuong'" in res.stdout


def test_make_setup_installs_the_hook_only_in_a_repository(tmp_path: Path):
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "pre-commit install" in makefile
    # outside a Git repository the hook step says so and succeeds
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy(REPO / "Makefile", plain / "Makefile")
    res = subprocess.run(["make", "-s", "hooks", f"BIN={Path(sys.executable).parent}"], cwd=plain, capture_output=True, text=True,
                         env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    assert not (plain / ".git").exists()


def test_make_hooks_installs_in_a_checkout_but_not_from_a_linked_worktree(tmp_path: Path):
    main = tmp_path / "main"
    main.mkdir()
    for name in ("Makefile", ".pre-commit-config.yaml"):
        shutil.copy(REPO / name, main / name)
    gitrepo.git(main, "init", "-q", "-b", "main")
    gitrepo.commit(main, "init")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pch"), "HOME": str(tmp_path)}
    make = ["make", "-s", "hooks", f"BIN={Path(sys.executable).parent}"]
    gitrepo.git(main, "worktree", "add", "-q", str(tmp_path / "wt"), "-b", "other")
    res = subprocess.run(make, cwd=tmp_path / "wt", env=env, capture_output=True, text=True)
    assert res.returncode == 0 and "linked worktree" in res.stdout
    assert not (main / ".git/hooks/pre-commit").exists()
    res = subprocess.run(make, cwd=main, env=env, capture_output=True, text=True)
    assert res.returncode == 0 and "pre-commit hook installed" in res.stdout, res.stdout + res.stderr
    assert "pre-commit" in (main / ".git/hooks/pre-commit").read_text(encoding="utf-8")


def test_the_hook_reads_a_site_as_the_build_does(repo):
    """A link, another format or raw script are refused before they are committed (the build's own list of inputs)."""
    root, _ = repo
    head = gitrepo.git(root, "rev-parse", "HEAD")
    (root / "content/sites/xa-mot/files").mkdir(exist_ok=True)
    os.symlink("../../../../.git/config", root / "content/sites/xa-mot/files/cfg.txt")
    write(root / "content/sites/xa-mot/tin-tuc/bao-cao.rst", "Báo cáo\n#######\n\n.. include:: /etc/passwd\n")
    write(root / "content/sites/xa-mot/tin-tuc/html.md", "---\ntitle: HTML\ndate: 2026-11-01\ncategory: tin-tuc\n---\n"
          "<img src=\"x\" alt=\"x\" onerror=\"alert(1)\">\n")
    res = commit(repo)
    assert res.returncode != 0 and gitrepo.git(root, "rev-parse", "HEAD") == head
    assert "content/sites/xa-mot/files/cfg.txt: is a symbolic link" in res.stdout
    assert "content/sites/xa-mot/tin-tuc/bao-cao.rst: only Markdown posts (.md) are read" in res.stdout
    assert "content/sites/xa-mot/tin-tuc/html.md:6: event handlers (onerror) are not allowed" in res.stdout
