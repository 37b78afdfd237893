"""Dates and sign-off from Git history: last content commit, the merge that published it, fallbacks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import git
import pytest

from portal.stages import history
from portal.stages.build import build

from .. import gitrepo
from ..conftest import NOW, make_project, mini_content, post, read

REL = "content/sites/xa-mot/tin-tuc/chuyen-doi-so.md"
PAGE = "xa-mot/tin-tuc/day-manh-chuyen-doi-so/index.html"
REVIEWER = ("Trưởng Ban Biên tập", "truongban@example.vn")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """Content committed on 2026-01-01; one post edited on a branch (2026-05-10) and merged by the board (2026-05-11)."""
    root = make_project(tmp_path / "repo")
    mini_content(root)
    gitrepo.init(root)
    gitrepo.git(root, "checkout", "-q", "-b", "sua-bai")
    path = root / REL
    path.write_text(path.read_text(encoding="utf-8") + "\nBổ sung số liệu.\n", encoding="utf-8")
    gitrepo.commit(root, "Sửa bài chuyển đổi số", date="2026-05-10T09:30:00+07:00")
    gitrepo.git(root, "checkout", "-q", "main")
    merge = gitrepo.merge(root, "sua-bai", "Merge pull request #7 from xa-mot/sua-bai", "2026-05-11T14:00:00+07:00", REVIEWER)
    return root, merge


def test_last_content_commit_and_its_merge(repo):
    root, merge = repo
    hist, note = history.load(root)
    assert note is None
    rev = hist[REL]
    assert rev.updated.isoformat() == "2026-05-10T02:30:00+00:00"
    assert rev.merge is not None and rev.merge.sha == merge
    assert rev.merge.author == REVIEWER[0] and rev.merge.committer == REVIEWER[0]
    untouched = hist["content/sites/xa-mot/tin-tuc/tin-dau.md"]
    assert untouched.updated.isoformat() == "2026-01-01T01:00:00+00:00"
    assert untouched.merge is not None and untouched.merge.sha == untouched.commit  # a direct commit on main
    assert "content/shared/toan-tinh.md" in hist


def test_one_git_log_pass_whatever_the_number_of_files(repo, monkeypatch):
    root, _ = repo
    for i in range(40):
        post(root, f"content/sites/xa-hai/tin-tuc/bai-{i}.md", f"Bài {i}")
    gitrepo.commit(root, "Nhiều bài", date="2026-06-01T08:00:00+07:00")
    calls: list[list[str]] = []
    real = git.cmd.Git.execute

    def counting(self, command, *args, **kwargs):
        calls.append([str(c) for c in command])
        return real(self, command, *args, **kwargs)

    monkeypatch.setattr(git.cmd.Git, "execute", counting)
    hist, _ = history.load(root, ["xa-hai", "xa-mot"])
    assert len([p for p in hist if p.startswith("content/sites/xa-hai/")]) >= 41
    assert "content/sites/so-a/tin-tuc/tin-dau.md" not in hist  # only the sites asked for
    logs = [c for c in calls if "log" in c or "rev-list" in c]
    assert len(logs) == 3, logs  # file history, main line, commit graph: not one call per file
    assert len(calls) <= 6, calls


def test_updated_date_and_sign_off_on_the_page(repo):
    root, merge = repo
    report = build(root, ["xa-mot"], now=NOW, jobs=1)
    assert report.ok and not report.notes
    html = read(root / "output" / PAGE)
    assert "Cập nhật" in html and 'datetime="2026-05-10T09:30:00+07:00"' in html
    assert f"<code>{merge[:7]}</code>" in html and "Duyệt đăng" in html
    untouched = read(root / "output/xa-mot/tin-tuc/tin-dau-tien-cua-xa-mot/index.html")
    assert "Cập nhật" not in untouched  # committed before its date: nothing to say
    feed = read(root / "output/xa-mot/feeds/all.atom.xml")
    assert "<updated>2026-05-10T09:30:00+07:00</updated>" in feed


def test_dirty_checkout_falls_back_to_front_matter_once(repo):
    root, _ = repo
    post(root, "content/sites/xa-hai/tin-tuc/chua-commit.md", "Chưa commit")
    hist, note = history.load(root)
    assert hist == {} and note and "uncommitted content (content/sites/xa-hai/tin-tuc/chua-commit.md)" in note
    report = build(root, ["xa-mot", "xa-hai"], now=NOW, jobs=1)
    assert report.ok and len(report.notes) == 1
    assert "Cập nhật" not in read(root / "output" / PAGE)


def test_shallow_clone_falls_back_to_front_matter(repo, tmp_path: Path):
    root, _ = repo
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    hist, note = history.load(clone)
    assert hist == {} and note and "shallow" in note


def test_not_a_repository_is_silent(tmp_path: Path):
    root = make_project(tmp_path / "plain")
    mini_content(root)
    assert history.load(root) == ({}, None)
