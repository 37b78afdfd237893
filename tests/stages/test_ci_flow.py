"""Issue 20 item 1: CI keeps its state — a one-post merge on a fresh runner renders only that post's pages.

The publish workflow's flow, for real, on a generated network (``portal synth``): a full build
and publish; then a FRESH clone (no output/, no .cache/), the state restored as
``.github/workflows/publish.yml`` restores it (``.cache/`` from the cache action, keyed by the
commit it was built from; the live releases through ``--target``, or the ``site/*`` branches
through ``--branch``), one changed post, ``portal build --since HEAD~1`` and ``portal publish
--since HEAD~1``. The build's own record (``.portal-manifest.json``: what it rendered) shows that
only the changed post's page was rendered again, and the new release is complete.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portal.bench.synth import Scale, generate
from portal.stages.publish.target import Target
from portal.stages.publish.verify import missing_resources

from ..conftest import REPO
from ..gitrepo import commit, git

pytestmark = pytest.mark.slow

ADDED = "\nĐoạn văn bổ sung sau khi biên tập lại (CI).\n"


def portal(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(cwd), *args], capture_output=True,
                          text=True, timeout=900, env=env)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def first_post(root: Path, site: str) -> Path:
    return next(p for p in sorted((root / "content" / "sites" / site).rglob("*.md"))
                if "pages" not in p.parts and p.name.count(".") == 1)


def page_of(post: Path) -> str:
    """The output path of a generated post (its category folder and slug front matter)."""
    text = post.read_text(encoding="utf-8")
    meta = dict(line.split(": ", 1) for line in text.split("---")[1].strip().splitlines() if ": " in line)
    slug = meta.get("slug", "").strip().strip('"') or post.stem
    return f"{post.parent.name}/{slug}/index.html"


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    """A generated network in Git, built and published whole (a target and the site/* branches)."""
    base = tmp_path_factory.mktemp("ci")
    root = generate(base / "origin", Scale(sites=4, posts=48, directives=4, languages=2), REPO)
    (root / ".gitignore").write_text("output/\n.cache/\n__pycache__/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "content")
    ok(portal("build", "-q", cwd=root))
    target = base / "target"
    ok(portal("publish", "--target", str(target), cwd=root))
    ok(portal("publish", "--branch", "site", cwd=root))
    return base, root, target


def fresh_clone(base: Path, origin: Path, name: str) -> Path:
    """A runner's checkout: a clone, then ``.cache/`` and ``.git/portal-state/`` as the cache action restores them."""
    clone = base / name
    git(base, "clone", "-q", str(origin), str(clone))
    assert not (clone / "output").exists() and not (clone / ".cache").exists()
    shutil.copytree(origin / ".cache", clone / ".cache", symlinks=True)
    shutil.copytree(origin / ".git" / "portal-state", clone / ".git" / "portal-state")
    return clone


def change_one_post(clone: Path) -> tuple[str, str]:
    site = next(s for s in sorted(p.name for p in (clone / "content" / "sites").iterdir()) if s.startswith("co-"))
    post = first_post(clone, site)
    with post.open("a", encoding="utf-8") as fh:
        fh.write(ADDED)
    commit(clone, "one changed post", date="2026-02-05T08:00:00+07:00")
    return site, page_of(post)


HOME = "tinh"


def network_fragments(tree: Path) -> list[str]:
    """The text of every page in the network index of a provincial portal's tree."""
    from portal.stages.search.bundle import read_fragment

    folder = tree / "tim-kiem-toan-tinh" / "pagefind"
    shards = json.loads((folder / "shards.json").read_text(encoding="utf-8"))
    return [read_fragment(path).get("content", "") for name in shards for path in (folder / name).glob("fragment/*.pf_fragment")]


def snapshot(tree: Path) -> dict[str, tuple[int, int]]:
    """Every file of a published tree with its size and time (a write into a release would change one)."""
    tree = tree.resolve()
    return {p.relative_to(tree).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in tree.rglob("*") if p.is_file()}


def rendered(out: Path, site: str) -> list[str]:
    return json.loads((out / site / ".portal-manifest.json").read_text(encoding="utf-8"))["rendered"]


def test_a_one_post_merge_on_a_fresh_runner_renders_only_that_post(network):
    base, origin, target = network
    clone = fresh_clone(base, origin, "runner-target")
    site, page = change_one_post(clone)
    t = Target(target)
    before = {s: t.current(s) for s in t.sites()}
    untouched = {s: snapshot(target / s / "current") for s in before if s not in (site, HOME)}

    built = ok(portal("build", "--since", "HEAD~1", "--target", str(target), "-q", cwd=clone))
    assert {s: snapshot(target / s / "current") for s in untouched} == untouched, "releases are read, never written"
    assert "taken from the last release" in built.stderr
    out = clone / "output"
    # only the site built and the provincial portal (the network index goes into it) are copied from their
    # releases; the other sites are read where they are published
    assert {p.name for p in out.iterdir() if p.is_dir()} == {site, HOME}
    assert rendered(out, site) == [page], "only the changed post is rendered; every other page is the release's"
    assert ADDED.strip() in (out / site / page).read_text(encoding="utf-8")
    ok(portal("publish", "--since", "HEAD~1", "--target", str(target), cwd=clone))

    after = {s: t.current(s) for s in before}
    # the site, and the provincial portal: its network index now has the changed post
    assert {s for s in before if after[s] != before[s]} == {site, HOME}
    log = [entry for entry in t.read_log() if entry["site"] == site][-1]
    changed = [p for p in log["files"]["changed"] + log["files"]["added"] if p.endswith(".html")]
    assert page in changed
    assert any(ADDED.strip() in fragment for fragment in network_fragments((target / HOME / "current").resolve()))
    assert not any(ADDED.strip() in fragment for fragment in network_fragments(target / HOME / "releases" / before[HOME]))
    for s in before:  # every live release is complete
        assert not missing_resources((target / s / "current").resolve(), ""), s


def test_the_same_from_the_publish_branches(network):
    base, origin, _ = network
    clone = fresh_clone(base, origin, "runner-branch")
    git(clone, "fetch", "-q", "origin", "+refs/heads/site/*:refs/heads/site/*")
    site, page = change_one_post(clone)

    built = ok(portal("build", "--since", "HEAD~1", "--branch", "site", "-q", cwd=clone))
    assert "taken from the branches site/<id>" in built.stderr
    out = clone / "output"
    assert rendered(out, site) == [page]
    ok(portal("publish", "--since", "HEAD~1", "--branch", "site", cwd=clone))
    tree = git(clone, "ls-tree", "-r", "--name-only", f"site/{site}")
    assert page in tree.split("\n")
    checkout = base / "branch-checkout"
    git(clone, "worktree", "add", "-q", "--detach", str(checkout), f"site/{site}")
    assert ADDED.strip() in (checkout / page).read_text(encoding="utf-8")
    assert not missing_resources(checkout, "")


def test_state_of_another_release_is_not_used(network, tmp_path):
    """Bookkeeping kept for another tree than the branch's tip is ignored: everything is rendered, nothing wrong."""
    from portal.stages.publish import state

    _, origin, _ = network
    site = "tinh"
    git_dir = origin / ".git"
    path = state.branch_state_path(git_dir, "site", site)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["tree"] and ".portal-manifest.json" in data["state"]
    assert state.load_branch_state(git_dir, "site", site, "0" * 40) is None
    assert state.load_branch_state(git_dir, "site", site, data["tree"]) == data["state"]
