"""portal publish / rollback to a target folder: releases, atomic switch, log, errors, SIGKILL safety."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.model.errors import PortalError
from portal.stages.build import build
from portal.stages.publish.manifest import manifest
from portal.stages.publish.target import LOG_NAME, Target, publish, rollback

from .. import gitrepo
from ..conftest import NOW, make_project, mini_content, post
from ..gitrepo import fake_output

CLI = [sys.executable, "-m", "portal.cli"]
REVIEWER = ("Trưởng Ban Biên tập", "truongban@example.vn")


def snapshot(tree: Path) -> dict[str, bytes | str]:
    """Every file's bytes and every symlink's target under *tree* (following nothing)."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        for name in [*filenames, *dirnames]:
            p = Path(dirpath) / name
            rel = p.relative_to(tree).as_posix()
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file():
                out[rel] = p.read_bytes()
    return out


def tree_bytes(tree: Path) -> dict[str, bytes]:
    """The site's files (not the build's own .portal-* bookkeeping, which is never published)."""
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*"))
            if p.is_file() and not any(part.startswith(".portal-") for part in p.relative_to(tree).parts)}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "repo")
    mini_content(root)
    gitrepo.init(root)
    return root


def test_publish_then_rollback_restores_byte_identical_trees(repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    assert build(repo, ["xa-mot", "xa-hai"], now=NOW, jobs=2, with_home=True).ok
    first = {s: tree_bytes(repo / "output" / s) for s in ("xa-mot", "xa-hai")}
    r1 = publish(repo, target, ["xa-mot", "xa-hai"], now=NOW)
    assert [s.release is not None for s in r1.sites] == [True, True]
    for s in ("xa-mot", "xa-hai"):
        assert tree_bytes(target / s / "current") == first[s]
        assert (target / s / "current").is_symlink()
    rel1 = r1.sites[0].release
    assert (repo / "output/xa-mot/.portal-manifest.json").is_file()
    assert not (target / "xa-mot/current/.portal-manifest.json").exists(), "build bookkeeping is not published"

    # a one-post change, merged by the board
    gitrepo.git(repo, "checkout", "-q", "-b", "bai-moi")
    post(repo, "content/sites/xa-mot/tin-tuc/bai-moi.md", "Bài mới của xã Một", date="2026-11-20")
    gitrepo.commit(repo, "Bài mới", date="2026-11-21T08:00:00+07:00")
    gitrepo.git(repo, "checkout", "-q", "main")
    gitrepo.merge(repo, "bai-moi", "Merge pull request #9", "2026-11-21T09:00:00+07:00", REVIEWER)
    assert build(repo, ["xa-mot", "xa-hai"], now=NOW, jobs=2, with_home=True).ok
    second = tree_bytes(repo / "output/xa-mot")
    r2 = publish(repo, target, ["xa-mot", "xa-hai"], now=NOW.replace(hour=10))
    assert r2.sites[1].release is None, "xa-hai did not change: no new release"
    assert Target(target).releases("xa-hai") == [r1.sites[1].release]
    rel2 = r2.sites[0].release
    assert rel2 and rel2 > rel1 and r2.sites[0].previous == rel1
    assert "tin-tuc/bai-moi-cua-xa-mot/index.html" in r2.sites[0].diff.added
    assert tree_bytes(target / "xa-mot/current") == second

    back = rollback(target, "xa-mot")
    assert back.release == rel1 and back.previous == rel2
    assert tree_bytes(target / "xa-mot/current") == first["xa-mot"]
    assert "tin-tuc/bai-moi-cua-xa-mot/index.html" in back.diff.removed
    forward = rollback(target, "xa-mot", rel2)
    assert forward.release == rel2
    assert tree_bytes(target / "xa-mot/current") == second

    # unchanged files of a release are hard links to the previous one
    css = "theme/css/portal.css"
    assert (target / "xa-mot/releases" / rel1 / css).stat().st_ino == (target / "xa-mot/releases" / rel2 / css).stat().st_ino

    log = [json.loads(line) for line in (target / LOG_NAME).read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["site"], e["release"]) for e in log] == [
        ("publish", "xa-mot", rel1), ("publish", "xa-hai", r1.sites[1].release),
        ("publish", "xa-mot", rel2), ("rollback", "xa-mot", rel1), ("rollback", "xa-mot", rel2)]
    head = gitrepo.git(repo, "rev-parse", "HEAD")
    pub = log[2]
    assert pub["source_commit"] == head and pub["previous"] == rel1
    assert pub["merge_commit"]["author"] == {"name": REVIEWER[0], "email": REVIEWER[1]}
    assert pub["merge_commit"]["committer"]["name"] == REVIEWER[0]
    m1 = manifest(target / "xa-mot/releases" / rel1)
    m2 = manifest(target / "xa-mot/releases" / rel2)
    assert pub["files"]["added"] == sorted(set(m2) - set(m1))
    assert pub["files"]["removed"] == sorted(set(m1) - set(m2))
    assert pub["files"]["changed"] == sorted(p for p in set(m1) & set(m2) if m1[p] != m2[p])
    assert pub["counts"]["added"] == len(pub["files"]["added"]) > 0
    assert log[0]["files"]["changed"] == [] and len(log[0]["files"]["added"]) == len(first["xa-mot"])


@pytest.fixture
def plain_repo(tmp_path: Path) -> Path:
    return gitrepo.plain_project(tmp_path / "repo")


def test_keep_prunes_old_releases_never_the_current(plain_repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    releases = []
    for i in range(5):
        fake_output(plain_repo / "output", "xa-mot", f"v{i}", files=5)
        r = publish(plain_repo, target, ["xa-mot"], keep=2)
        releases.append(r.sites[0].release)
    t = Target(target)
    assert t.releases("xa-mot") == releases[-2:]
    assert t.current("xa-mot") == releases[-1]
    assert sorted(p.name for p in (target / "xa-mot/manifests").iterdir()) == [f"{r}.json" for r in releases[-2:]]
    rollback(target, "xa-mot")
    fake_output(plain_repo / "output", "xa-mot", "v5", files=5)
    publish(plain_repo, target, ["xa-mot"], keep=1)
    assert t.releases("xa-mot") == [t.current("xa-mot")]


def test_unchanged_sites_are_not_touched(plain_repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    publish(plain_repo, target, ["xa-mot", "xa-hai"])
    before = snapshot(target / "xa-hai")
    fake_output(plain_repo / "output", "xa-mot", "b", files=20)
    r = publish(plain_repo, target, ["xa-mot", "xa-hai"])
    assert [s.site for s in r.released] == ["xa-mot"] and r.unchanged == ["xa-hai"]
    assert snapshot(target / "xa-hai") == before
    assert len((target / LOG_NAME).read_text(encoding="utf-8").splitlines()) == 3


def _unchanged(target: Path):
    before = snapshot(target)

    def check() -> None:
        assert snapshot(target) == before, "nothing published changes"

    return check


def test_bad_input_changes_nothing(plain_repo: Path, tmp_path: Path, monkeypatch):
    target = tmp_path / "www"
    publish(plain_repo, target, ["xa-mot", "xa-hai"])
    fake_output(plain_repo / "output", "xa-mot", "b", files=20)
    unchanged = _unchanged(target)

    with pytest.raises(PortalError, match="release 'khong-co' does not exist"):
        rollback(target, "xa-mot", "khong-co")
    with pytest.raises(PortalError, match="no release before the current one"):
        rollback(target, "xa-mot")
    with pytest.raises(PortalError, match="has never been published"):
        rollback(target, "so-a")
    with pytest.raises(PortalError, match="is not built — run portal build first"):
        publish(plain_repo, target, ["xa-mot", "so-a"])
    unchanged()

    (plain_repo / "sites.yaml").write_text((plain_repo / "sites.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(PortalError, match=r"sites.yaml: uncommitted changes"):
        publish(plain_repo, target, ["xa-mot"])
    unchanged()
    gitrepo.git(plain_repo, "checkout", "sites.yaml")

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == target else real_access(p, mode))
    with pytest.raises(PortalError, match="is not writable"):
        publish(plain_repo, target, ["xa-mot"])
    monkeypatch.undo()
    unchanged()

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(PortalError, match="is not a folder"):
        publish(plain_repo, a_file, ["xa-mot"])

    res = subprocess.run([*CLI, "--root", str(plain_repo), "rollback", "--target", str(target), "--site", "xa-mot",
                          "--release", "khong-co"], capture_output=True, text=True)
    assert res.returncode == 2 and "release 'khong-co' does not exist" in res.stderr and "nothing changed" in res.stderr
    unchanged()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_read_only_target(plain_repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    publish(plain_repo, target, ["xa-mot"])
    fake_output(plain_repo / "output", "xa-mot", "b", files=20)
    unchanged = _unchanged(target)
    target.chmod(0o555)
    try:
        res = subprocess.run([*CLI, "--root", str(plain_repo), "publish", "--target", str(target), "--site", "xa-mot"],
                             capture_output=True, text=True)
        assert res.returncode == 2 and "is not writable" in res.stderr
    finally:
        target.chmod(0o755)
    unchanged()


def _check_consistent(target: Path, versions: dict[str, dict[str, dict[str, str]]], seen: set[Path] | None = None) -> None:
    """current is a complete release of some version; so is every release folder (checked once: they never change)."""
    seen = set() if seen is None else seen
    for site, known in versions.items():
        cur = target / site / "current"
        assert cur.is_symlink()
        assert cur.resolve().parent == (target / site / "releases").resolve()
        for rel in Target(target).releases(site):
            path = target / site / "releases" / rel
            if path not in seen:
                assert manifest(path) in known.values(), f"{site}/{rel} is incomplete"
                seen.add(path)
        assert cur.resolve() in {p.resolve() for p in seen}, f"{site}: current is not a complete release"


def test_publish_killed_at_random_moments_never_half_publishes(plain_repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    sites = ["xa-mot", "xa-hai"]
    outs = {}
    versions: dict[str, dict[str, dict[str, str]]] = {s: {} for s in sites}
    for v in ("a", "b"):
        out = plain_repo / f"out-{v}"
        for s in sites:
            fake_output(out, s, v, files=300)
            versions[s][v] = manifest(out / s)
        outs[v] = out

    def cmd(v: str) -> list[str]:
        return [*CLI, "--root", str(plain_repo), "publish", "--target", str(target), "--output", str(outs[v]),
                "--site", "xa-mot", "--site", "xa-hai", "--keep", "3", "-q"]

    t0 = time.perf_counter()
    subprocess.run([*CLI[:1], "-c", "import portal.cli, portal.commands.git, portal.stages.publish.target, portal.stages.plan"], check=True)
    startup = time.perf_counter() - t0  # before this, a kill cannot touch the target: aim after it
    t0 = time.perf_counter()
    subprocess.run(cmd("a"), check=True, capture_output=True)
    duration = time.perf_counter() - t0
    rng = random.Random(5)
    killed = mid_copy = 0
    seen: set[Path] = set()
    attempts = 0
    while killed < 20 and attempts < 80:  # at least 20 runs killed mid-way, whatever the machine's load
        attempts += 1
        proc = subprocess.Popen(cmd("b" if attempts % 2 else "a"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(startup * 0.8, duration * 1.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        mid_copy += any(p.name.startswith(".tmp-") for s in sites for p in (target / s / "releases").iterdir())
        _check_consistent(target, versions, seen)
    assert killed >= 20, f"only {killed} of {attempts} runs were killed mid-way (a run takes {duration:.2f} s)"
    assert mid_copy >= 1, "no kill landed while a release was being written"
    for line in (target / LOG_NAME).read_text(encoding="utf-8").splitlines():
        json.loads(line)  # every line whole
    # a later publish cleans up and completes
    subprocess.run(cmd("b"), check=True, capture_output=True)
    _check_consistent(target, versions)
    for s in sites:
        assert manifest((target / s / "current").resolve()) == versions[s]["b"]
        leftovers = [p.name for p in (target / s / "releases").iterdir() if p.name.startswith(".")]
        assert leftovers == []
        assert len(Target(target).releases(s)) <= 3


def test_cli_publish_and_rollback(plain_repo: Path, tmp_path: Path):
    target = tmp_path / "www"
    run = lambda *a: subprocess.run([*CLI, "--root", str(plain_repo), *a], capture_output=True, text=True)  # noqa: E731
    res = run("publish", "--target", str(target), "--site", "xa-mot")
    assert res.returncode == 0, res.stderr
    assert "xa-mot: published" in res.stdout
    res = run("publish", "--target", str(target), "--site", "xa-mot")
    assert "unchanged" in res.stdout
    fake_output(plain_repo / "output", "xa-mot", "b", files=20)
    assert run("publish", "--target", str(target), "--site", "xa-mot").returncode == 0
    res = run("rollback", "--target", str(target), "--site", "xa-mot")
    assert res.returncode == 0 and "current →" in res.stdout
    assert (target / "xa-mot/current/only-in-a.txt").is_file()


def test_diff_of_two_outputs(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    fake_output(old, "xa-mot", "a", files=3)
    fake_output(new, "xa-mot", "a", files=4)
    (new / "xa-mot/trang-0/bai-0/index.html").write_text("<p>sửa</p>", encoding="utf-8")
    fake_output(new, "xa-moi", "a", files=1)
    res = subprocess.run([*CLI, "diff", str(old), str(new), "--markdown"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "| `xa-mot` | 1 | 1 | 0 |" in res.stdout and "| `xa-moi` | 2 | 0 | 0 |" in res.stdout
    assert "- + `/trang-0/bai-3/`" in res.stdout and "- ~ `/trang-0/bai-0/`" in res.stdout
    data = json.loads(subprocess.run([*CLI, "diff", str(old), str(new), "--site", "xa-mot"], capture_output=True, text=True).stdout)
    assert data == {"xa-mot": {"added": ["trang-0/bai-3/index.html"], "changed": ["trang-0/bai-0/index.html"], "removed": []}}


def test_a_failure_mid_publish_leaves_that_site_as_it_was(plain_repo: Path, tmp_path: Path, monkeypatch):
    import errno

    import portal.stages.publish.target as pub

    target = tmp_path / "www"
    publish(plain_repo, target, ["xa-mot", "xa-hai"])
    before = snapshot(target / "xa-hai")
    for site in ("xa-mot", "xa-hai"):
        fake_output(plain_repo / "output", site, "b", files=20)
    real = pub.shutil.copyfile

    def full_disk(src, dst, *a, **k):
        if "/xa-hai/" in str(src):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(pub.shutil, "copyfile", full_disk)
    with pytest.raises(PortalError, match=r"xa-hai: not published: No space left on device .* sites published before it: xa-mot"):
        publish(plain_repo, target, ["xa-mot", "xa-hai"])
    assert snapshot(target / "xa-hai") == before
    assert (target / "xa-mot/current/only-in-b.txt").is_file()


def test_a_file_linked_from_the_release_is_not_read_again(tmp_path, monkeypatch):
    """The manifest of a tree linked from the last release (a fresh runner's, or the build's unchanged pages)
    takes the hashes of the very same files from the release's manifest, and reads only what is new; the
    result is the manifest read whole."""
    from portal.stages.publish import manifest as manifests

    release = tmp_path / "release"
    for i in range(20):
        (release / f"p{i}").mkdir(parents=True)
        (release / f"p{i}" / "index.html").write_text(f"<p>{i}</p>", encoding="utf-8")
    known = manifests.manifest(release)
    tree = tmp_path / "tree"
    for i in range(20):
        (tree / f"p{i}").mkdir(parents=True)
        os.link(release / f"p{i}" / "index.html", tree / f"p{i}" / "index.html")
    (tree / "p3" / "index.html").unlink()
    (tree / "p3" / "index.html").write_text("<p>đã sửa</p>", encoding="utf-8")   # changed: a new file
    (tree / "moi.html").write_text("<p>mới</p>", encoding="utf-8")
    whole = manifests.manifest(tree)
    read: list[str] = []
    real = manifests.file_hash
    monkeypatch.setattr(manifests, "file_hash", lambda path: read.append(path.relative_to(tree).as_posix()) or real(path))
    assert manifests.manifest(tree, release, known) == whole
    assert sorted(read) == ["moi.html", "p3/index.html"]
    forged = {**known, "p5/index.html": "sha256:" + "0" * 64}   # a hash is taken only for the same file
    read.clear()
    (tree / "p5" / "index.html").unlink()
    (tree / "p5" / "index.html").write_text("<p>5</p>", encoding="utf-8")   # same text, another file: read
    assert manifests.manifest(tree, release, forged)["p5/index.html"] == whole["p5/index.html"]
    assert "p5/index.html" in read
