"""Publishing tells the truth (issue 12.8): output from HEAD only, unlisted sites reported then retired,
the log never lost after a switch, and world-readable trees whatever the umask."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from portal.model.errors import PortalError
from portal.stages.output import BUILD_RECORD, read_build_record
from portal.stages.publish.target import LOG_NAME, PENDING_LOG, Target, publish, rollback

from .. import gitrepo
from ..conftest import NOW, make_project, mini_content
from ..gitrepo import fake_output

CLI = [sys.executable, "-m", "portal.cli"]


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "--root", str(root), *args], capture_output=True, text=True)


@pytest.fixture
def plain_repo(tmp_path: Path) -> Path:
    return gitrepo.plain_project(tmp_path / "repo")


def _remove_site(root: Path, site: str) -> None:
    text = (root / "sites.yaml").read_text(encoding="utf-8")
    start = text.index(f"  - id: {site}\n")
    end = text.find("\n  - id:", start + 5)
    (root / "sites.yaml").write_text(text[:start] + (text[end + 1:] if end > 0 else ""), encoding="utf-8")
    gitrepo.commit(root, f"Bỏ {site}")


# --- output from HEAD only -----------------------------------------------------------------------

def test_the_build_records_its_commit_and_publish_checks_it(tmp_path: Path):
    root = make_project(tmp_path / "repo")
    mini_content(root)
    gitrepo.init(root)
    from portal.stages.build import build

    assert build(root, ["xa-mot"], now=NOW, jobs=1, with_home=True).ok  # with search: publish checks every referenced file
    record = read_build_record(root / "output/xa-mot")
    assert record == {"commit": gitrepo.git(root, "rev-parse", "HEAD"), "dirty": [], "search": True}
    target = tmp_path / "www"
    assert publish(root, target, ["xa-mot"], now=NOW).sites[0].release
    assert not (target / "xa-mot/current" / BUILD_RECORD).exists(), "bookkeeping is not published"

    # a commit without a rebuild: refused, nothing changed, the fix named
    (root / "content/sites/xa-mot/tin-tuc/tin-dau.md").write_text("---\ntitle: Sửa\ndate: 2026-02-01\ncategory: tin-tuc\n---\nx\n",
                                                                   encoding="utf-8")
    gitrepo.commit(root, "Sửa tin", date="2026-03-01T08:00:00+07:00")
    before = Target(target).current("xa-mot")
    with pytest.raises(PortalError, match=r"output/xa-mot: was built from commit \w+, not from HEAD \w+ — rebuild it \(portal build --site xa-mot\)"):
        publish(root, target, ["xa-mot"], now=NOW)
    assert Target(target).current("xa-mot") == before and len(Target(target).read_log()) == 1
    assert build(root, ["xa-mot"], now=NOW, jobs=1, with_home=True).ok  # with search: publish checks every referenced file
    assert publish(root, target, ["xa-mot"], now=NOW).sites[0].release


def test_output_without_a_record_or_from_uncommitted_changes_is_refused(plain_repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    (plain_repo / "output/xa-mot" / BUILD_RECORD).unlink()
    res = cli(plain_repo, "publish", "--target", str(target), "--site", "xa-mot", "--site", "xa-hai")
    assert res.returncode == 2 and "has no build record" in res.stderr and "nothing was published" in res.stderr
    assert not (target / "xa-hai").exists(), "nothing at all was published"
    fake_output(plain_repo / "output", "xa-mot", "b", files=3)
    record = read_build_record(plain_repo / "output/xa-mot")
    (plain_repo / "output/xa-mot" / BUILD_RECORD).write_text(json.dumps({**record, "dirty": ["content/x.md"]}), encoding="utf-8")
    with pytest.raises(PortalError, match=r"was built with uncommitted changes \(content/x.md\)"):
        publish(plain_repo, target, ["xa-mot"])
    assert publish(plain_repo, target, ["xa-mot"], allow_dirty=True).sites[0].release  # as --allow-dirty says


def test_branch_publishing_checks_the_commit_too(plain_repo: Path):
    from portal.stages.publish.branch import publish_branches

    gitrepo.commit(plain_repo, "Một commit khác")
    with pytest.raises(PortalError, match="not from HEAD"):
        publish_branches(plain_repo, "site", ["xa-mot"])
    assert gitrepo.git(plain_repo, "branch", "--list", "site/*") == ""


# --- sites no longer in sites.yaml ----------------------------------------------------------------

def test_an_unlisted_site_is_reported_on_every_publish_until_retired(plain_repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    publish(plain_repo, target, ["xa-mot", "xa-hai"])
    _remove_site(plain_repo, "xa-hai")
    fake_output(plain_repo / "output", "xa-mot", "a", files=20)  # rebuilt at the new HEAD
    for _ in range(2):
        res = cli(plain_repo, "publish", "--target", str(target), "--site", "xa-mot")
        assert res.returncode == 0, res.stderr
        assert "xa-hai is published but no longer in sites.yaml" in res.stderr
        assert f"portal retire --site xa-hai --target {target}" in res.stderr
    assert (target / "xa-hai/current/index.html").is_file(), "kept live until retired"
    (plain_repo / "sites.yaml").write_text((plain_repo / "sites.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    res = cli(plain_repo, "publish", "--target", str(target), "--site", "xa-mot")  # refused: uncommitted changes
    assert res.returncode != 0 and "xa-hai is published but no longer in sites.yaml" in res.stderr, res.stderr
    gitrepo.git(plain_repo, "checkout", "--", "sites.yaml")

    res = cli(plain_repo, "retire", "--site", "xa-mot", "--target", str(target))
    assert res.returncode == 2 and "still in sites.yaml" in res.stderr
    res = cli(plain_repo, "retire", "--site", "xa-hai", "--target", str(target), "--successor", "khong-co")
    assert res.returncode == 2 and "--successor 'khong-co' is not a site" in res.stderr
    res = cli(plain_repo, "retire", "--site", "xa-hai", "--target", str(target), "--successor", "xa-mot")
    assert res.returncode == 0, res.stderr
    notice = (target / "xa-hai/current/index.html").read_text(encoding="utf-8")
    assert "đã ngừng hoạt động" in notice and 'href="https://xamot.example.vn/"' in notice and "Xã Một" in notice
    assert "Content-Security-Policy" in notice and (target / "xa-hai/current/404.html").is_file()
    assert not (target / "xa-hai/current/only-in-a.txt").exists()
    log = Target(target).read_log()
    assert log[-1]["action"] == "retire" and log[-1]["site"] == "xa-hai" and log[-1]["retired"] is True
    assert log[-1]["successor"] == "xa-mot" and log[-1]["source_commit"] == gitrepo.git(plain_repo, "rev-parse", "HEAD")
    assert "only-in-a.txt" in log[-1]["files"]["removed"]
    res = cli(plain_repo, "publish", "--target", str(target), "--site", "xa-mot")
    assert "xa-hai" not in res.stderr, "a retired site is no longer reported"
    assert "already retired" in cli(plain_repo, "retire", "--site", "xa-hai", "--target", str(target)).stdout

    back = rollback(target, "xa-hai")  # retiring is undone like any release
    assert (target / "xa-hai/current/only-in-a.txt").is_file() and back.release
    assert "xa-hai is published but no longer" in cli(plain_repo, "publish", "--target", str(target), "--site", "xa-mot").stderr


def test_retire_on_publication_branches(plain_repo: Path):
    from portal.stages.publish.branch import publish_branches, unlisted_branches
    from portal.stages.publish.retire import retire_branch

    publish_branches(plain_repo, "site", ["xa-mot", "xa-hai"])
    _remove_site(plain_repo, "xa-hai")
    ids = ["tinh", "so-a", "xa-mot", "phuong-ba"]
    assert unlisted_branches(plain_repo, "site", ids) == ["xa-hai"]
    with pytest.raises(PortalError, match=r"still in sites\.yaml"):
        retire_branch(plain_repo, "site", "xa-mot")
    r = retire_branch(plain_repo, "site", "xa-hai")
    assert r.commit and "only-in-a.txt" in r.diff.removed
    assert unlisted_branches(plain_repo, "site", ids) == []
    shown = gitrepo.git(plain_repo, "show", "site/xa-hai:index.html")
    assert "đã ngừng hoạt động" in shown and "https://tinh.example.vn/" in shown  # the provincial portal by default
    assert "Retired-site: xa-hai" in gitrepo.git(plain_repo, "log", "-1", "--format=%B", "site/xa-hai")
    assert retire_branch(plain_repo, "site", "xa-hai").commit is None


# --- the log after the switch ---------------------------------------------------------------------

def test_an_unwritable_log_is_refused_before_anything_changes(plain_repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    publish(plain_repo, target, ["xa-mot"])
    before = Target(target).current("xa-mot")
    fake_output(plain_repo / "output", "xa-mot", "b", files=5)
    log = target / LOG_NAME
    log.rename(target / "log.bak")
    log.mkdir()  # as a disk error would: the log cannot be appended to
    res = cli(plain_repo, "publish", "--target", str(target), "--site", "xa-mot")
    assert res.returncode == 2 and "publish-log.jsonl: cannot be written" in res.stderr and "nothing was published" in res.stderr
    assert Target(target).current("xa-mot") == before


def test_a_log_failure_after_the_switch_keeps_the_line_and_says_what_is_live(plain_repo: Path, tmp_path: Path, monkeypatch):
    import portal.stages.publish.target as pub

    target = tmp_path / "www"
    publish(plain_repo, target, ["xa-mot", "xa-hai"])
    for site in ("xa-mot", "xa-hai"):
        fake_output(plain_repo / "output", site, "b", files=5)
    real = pub.Target._append

    def disk_full(self, name, data):  # the log's file system is full; the pending file is elsewhere
        if name == LOG_NAME and data:
            raise OSError(28, "No space left on device")
        return real(self, name, data)

    monkeypatch.setattr(pub.Target, "_append", disk_full)
    report = publish(plain_repo, target, ["xa-mot", "xa-hai"])
    assert [r.release is not None for r in report.sites] == [True, True]
    assert all(r.warning and "publish-log.pending.jsonl" in r.warning and "No space left" in r.warning for r in report.sites)
    pending = [json.loads(line) for line in (target / PENDING_LOG).read_text(encoding="utf-8").splitlines()]
    assert [(e["site"], e["release"]) for e in pending] == [(r.site, r.release) for r in report.sites]
    assert [e["site"] for e in Target(target).read_log()][-2:] == ["xa-mot", "xa-hai"]  # read with the pending lines

    monkeypatch.setattr(pub.Target, "_append", real)
    back = rollback(target, "xa-mot")  # the next operation moves the pending lines into the log, in order
    lines = [json.loads(line) for line in (target / LOG_NAME).read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["site"]) for e in lines][-3:] == [("publish", "xa-mot"), ("publish", "xa-hai"), ("rollback", "xa-mot")]
    assert not (target / PENDING_LOG).exists() and back.warning is None


def test_when_nothing_can_be_written_the_error_names_the_live_release_and_the_line(plain_repo: Path, tmp_path: Path, monkeypatch):
    import portal.stages.publish.target as pub

    target = tmp_path / "www"
    publish(plain_repo, target, ["xa-mot"])
    fake_output(plain_repo / "output", "xa-mot", "b", files=5)
    real_append = pub.Target._append

    def failing(self, name, data):
        if data:  # the check before the publish writes nothing: it passes
            raise OSError(5, "Input/output error")
        return real_append(self, name, data)

    monkeypatch.setattr(pub.Target, "_append", failing)
    with pytest.raises(PortalError) as exc:
        publish(plain_repo, target, ["xa-mot"])
    message = str(exc.value.problems[0])
    live = Target(target).current("xa-mot")
    assert f"published: release {live} is live" in message and "add this line to" in message and '"action":"publish"' in message
    assert "unchanged" not in message


# --- modes ------------------------------------------------------------------------------------------

def _modes(tree: Path) -> set[str]:
    out = set()
    for dirpath, dirnames, filenames in os.walk(tree):
        for name in [*dirnames, *filenames]:
            p = Path(dirpath) / name
            if not p.is_symlink():
                out.add(oct(stat.S_IMODE(p.stat().st_mode)))
    out.add(oct(stat.S_IMODE(tree.stat().st_mode)))
    return out


def test_outputs_and_releases_are_world_readable_whatever_the_umask(tmp_path: Path):
    root = make_project(tmp_path / "repo")
    mini_content(root)
    gitrepo.init(root)
    old = os.umask(0o077)
    try:
        res = cli(root, "build", "--site", "xa-mot", "-q")
        assert res.returncode == 0, res.stderr
        assert _modes(root / "output/xa-mot") == {"0o755", "0o644"}
        assert oct(stat.S_IMODE((root / "output/index.html").stat().st_mode)) == "0o644"
        target = tmp_path / "www"
        res = cli(root, "publish", "--target", str(target), "--site", "xa-mot")
        assert res.returncode == 0, res.stderr
    finally:
        os.umask(old)
    assert _modes(target / "xa-mot/current/") <= {"0o755", "0o644"}
    assert _modes(target / "xa-mot/manifests") <= {"0o755", "0o644"}
    for p in (target, target / "xa-mot", target / "xa-mot/releases"):
        assert oct(stat.S_IMODE(p.stat().st_mode)) == "0o755", p
    assert oct(stat.S_IMODE((target / LOG_NAME).stat().st_mode)) == "0o644"
