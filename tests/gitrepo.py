"""Real temporary Git repositories for the tests: commits with chosen dates and people, merges."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

IDENTITY = {"GIT_AUTHOR_NAME": "Biên tập viên", "GIT_AUTHOR_EMAIL": "btv@example.vn",
            "GIT_COMMITTER_NAME": "Biên tập viên", "GIT_COMMITTER_EMAIL": "btv@example.vn"}
MERGER = ("Máy chủ CI", "ci@example.vn")


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full = {**os.environ, **IDENTITY, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root.parent), **(env or {})}
    res = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=full)
    if res.returncode:
        raise AssertionError(f"git {' '.join(args)} failed: {res.stderr}")
    return res.stdout.strip()


def init(root: Path) -> Path:
    (root / ".gitignore").write_text("output/\n.cache/\n*.mo\n__pycache__/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "Initial content", date="2026-01-01T08:00:00+07:00")
    return root


def commit(root: Path, message: str, date: str = "2026-01-01T08:00:00+07:00", who: tuple[str, str] | None = None,
           committer: tuple[str, str] | None = None) -> str:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    if who:
        env |= {"GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1]}
    if committer:
        env |= {"GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1]}
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(root, "rev-parse", "HEAD")


def merge(root: Path, branch: str, message: str, date: str, who: tuple[str, str]) -> str:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1],
           "GIT_COMMITTER_NAME": who[0], "GIT_COMMITTER_EMAIL": who[1]}
    git(root, "merge", "-q", "--no-ff", "-m", message, branch, env=env)
    return git(root, "rev-parse", "HEAD")


def fake_output(out: Path, site: str, version: str, files: int = 200, size: int = 8192, root: Path | None = None) -> None:
    """A built site without Pelican: *files* pages whose bytes depend on *version*.

    Like `portal build`, it records what it was built from: HEAD of *root* (default: the folder
    holding *out*) when that is a Git checkout.
    """
    if (out / site).exists():
        shutil.rmtree(out / site)
    for i in range(files):
        p = out / site / f"trang-{i // 20}" / f"bai-{i}" / "index.html"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes((f"<p>{site} {version} {i}</p>" * (size // 24))[:size].encode())
    (out / site / "index.html").write_text(f"<h1>{site} {version}</h1>", encoding="utf-8")
    (out / site / f"only-in-{version}.txt").write_text(version, encoding="utf-8")
    from portal.stages import repository
    from portal.stages.output import write_build_record

    write_build_record(out / site, repository.provenance(root or out.parent))


def plain_project(root: Path) -> Path:
    """A committed project whose sites xa-mot and xa-hai are 'built' by fake_output (fast, no Pelican)."""
    from .conftest import make_project

    make_project(root)
    (root / ".gitignore").write_text("output/\nout-*/\n*.mo\n__pycache__/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "init", who=MERGER)
    for site in ("xa-mot", "xa-hai"):
        fake_output(root / "output", site, "a", files=20)
    return root
