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
    assert rev.merge.is_merge
    untouched = hist["content/sites/xa-mot/tin-tuc/tin-dau.md"]
    assert untouched.updated is None  # its first import is not an update
    assert untouched.merge is not None and untouched.merge.sha == untouched.commit  # a direct commit on main…
    assert not untouched.merge.is_merge  # … which is no sign-off
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
    blobs = [c for c in calls if "cat-file" in c]
    assert len(blobs) <= 2, blobs  # one persistent `git cat-file --batch` reads the versions compared
    assert len(calls) - len(blobs) <= 6, calls


def test_updated_date_and_sign_off_on_the_page(repo):
    root, merge = repo
    report = build(root, ["xa-mot"], now=NOW, jobs=1)
    assert report.ok and not report.notes
    html = read(root / "output" / PAGE)
    assert "Cập nhật" in html and 'datetime="2026-05-10T09:30:00+07:00"' in html
    assert "Duyệt đăng" in html and 'datetime="2026-05-11T14:00:00+07:00"' in html
    assert merge[:7] not in html.replace(f'<meta name="revision" content="{gitrepo.git(root, "rev-parse", "HEAD^2")}">', "")
    assert '<meta name="revision" content="' in html  # the commit is for auditors, not shown to citizens
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


def _edit(root: Path, rel: str, change, message: str, date: str) -> str:
    path = root / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return gitrepo.commit(root, message, date=date)


def test_what_is_an_update(repo):
    """Only a commit that changes what the file says is an update: not its import, a move, or white space."""
    root, _ = repo
    imported = "content/sites/xa-hai/tin-tuc/tin-dau.md"
    _edit(root, imported, lambda t: t.replace("Nội dung bài viết.", "Nội dung   bài\nviết.  "), "Ngắt dòng lại",
          "2026-06-01T08:00:00+07:00")
    moved = "content/sites/so-a/tin-tuc/da-chuyen.md"
    gitrepo.git(root, "mv", "content/sites/so-a/tin-tuc/tin-dau.md", moved)
    gitrepo.commit(root, "Chuyển thư mục", date="2026-06-02T08:00:00+07:00")
    edited_then_moved = "content/sites/phuong-ba/tin-tuc/moi.md"
    _edit(root, "content/sites/phuong-ba/tin-tuc/tin-dau.md", lambda t: t + "\nThêm một đoạn.\n", "Sửa",
          "2026-06-03T08:00:00+07:00")
    gitrepo.git(root, "mv", "content/sites/phuong-ba/tin-tuc/tin-dau.md", edited_then_moved)
    gitrepo.commit(root, "Chuyển", date="2026-06-04T08:00:00+07:00")
    post(root, "content/sites/tinh/tin-tuc/bai-moi.md", "Bài mới nhập", date="2026-06-05")
    gitrepo.commit(root, "Nhập bài", date="2026-06-05T08:00:00+07:00")
    tags = "content/sites/tinh/tin-tuc/tin-dau.md"
    _edit(root, tags, lambda t: t.replace("category: tin-tuc", "category: tin-tuc\ntags: [mới]"), "Thêm từ khóa",
          "2026-06-06T08:00:00+07:00")

    hist, _ = history.load(root)
    assert hist[imported].updated is None, "white space and line breaks only"
    assert hist[moved].updated is None, "moved without a change"
    assert hist[edited_then_moved].updated.isoformat() == "2026-06-03T01:00:00+00:00", "the edit before the move"
    assert hist["content/sites/tinh/tin-tuc/bai-moi.md"].updated is None, "first import"
    assert hist[tags].updated.isoformat() == "2026-06-06T01:00:00+00:00", "front matter is what the file says too"
    assert hist[imported].merge is not None and not hist[imported].merge.is_merge


def test_direct_commits_show_no_sign_off_and_imports_no_update(repo):
    root, _ = repo
    _edit(root, REL, lambda t: t + "\nĐính chính.\n", "Sửa thẳng trên main", "2026-07-01T08:00:00+07:00")
    assert build(root, ["xa-mot"], now=NOW, jobs=1).ok
    html = read(root / "output" / PAGE)
    assert "Cập nhật" in html and 'datetime="2026-07-01T08:00:00+07:00"' in html
    assert "Duyệt đăng" not in html  # the last change was no merge: no approval to show
    sitemap = read(root / "output/xa-mot/sitemap.xml")
    assert "<loc>https://xamot.example.vn/tin-tuc/day-manh-chuyen-doi-so/</loc><lastmod>2026-07-01</lastmod>" in sitemap
    imported = read(root / "output/xa-mot/tin-tuc/tin-dau-tien-cua-xa-mot/index.html")
    assert "Cập nhật" not in imported
    assert "<loc>https://xamot.example.vn/tin-tuc/tin-dau-tien-cua-xa-mot/</loc><lastmod>2026-02-01</lastmod>" in sitemap
