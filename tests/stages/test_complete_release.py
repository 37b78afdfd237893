"""Issue 19 item 4: complete releases from a build of some sites on a fresh clone, verified before they go live.

The CI flow, for real: a full build and publish; then a fresh clone (no output/, no .cache/),
one changed post, ``portal build --since HEAD~1 --target DIR`` and ``portal publish --since
HEAD~1 --target DIR``; the new release is searched in chromium. Without ``--target`` the
build cannot make the network index, and publishing refuses the provincial portal, naming
the missing files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.stages.publish.target import Target
from portal.stages.publish.verify import missing_resources

from ..conftest import make_project, post
from ..gitrepo import commit, git
from .searching import serving, sites_yaml
from .test_search_browser import Reader, browser  # noqa: F401

SITES = sites_yaml(("dong-tien", "commune", "Xã Đông Tiến", "https://dongtien.example.vn"),
                   ("tien-du", "commune", "Xã Tiên Du", "https://tiendu.example.vn"))
DIRECTIVE = "Chỉ thị về an toàn giao thông mùa lễ hội"
CHANGED = "Xã Đông Tiến khánh thành cầu giao thông mới"


def portal(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_LANG": "en", "PORTAL_SERVE_QUIET": "1"}
    return subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(cwd), *args], capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A project built and published whole, then a fresh clone with one changed post, built with --since."""
    base = tmp_path_factory.mktemp("release")
    root = make_project(base / "proj", SITES)
    post(root, "content/sites/tinh/tin-tuc/tin-tinh.md", "Tỉnh họp bàn quy hoạch giao thông", date="2026-02-01")
    post(root, "content/sites/dong-tien/tin-tuc/cau.md", "Xã Đông Tiến khởi công cầu", date="2026-02-02",
         body="Nhân dân xã Đông Tiến góp công xây cầu giao thông.")
    post(root, "content/sites/tien-du/tin-tuc/cho.md", "Xã Tiên Du sửa chợ", date="2026-02-03")
    post(root, "content/shared/chi-thi.md", DIRECTIVE, category="", date="2026-02-04",
         body="Các xã bảo đảm an toàn giao thông.")
    (root / ".gitignore").write_text("output/\n.cache/\n*.mo\n__pycache__/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "content")
    target = base / "target"
    full = portal("build", "-q", cwd=root)
    assert full.returncode == 0, full.stdout + full.stderr
    first = portal("publish", "--target", str(target), cwd=root)
    assert first.returncode == 0, first.stdout + first.stderr

    clone = base / "clone"
    git(base, "clone", "-q", str(root), str(clone))
    assert not (clone / "output").exists() and not (clone / ".cache").exists()
    post(clone, "content/sites/dong-tien/tin-tuc/cau.md", CHANGED, date="2026-02-02",
         body="Nhân dân xã Đông Tiến khánh thành cầu giao thông.")
    commit(clone, "one changed post", date="2026-02-05T08:00:00+07:00")
    t = Target(target)
    before = {s: t.current(s) for s in ("tinh", "dong-tien", "tien-du")}
    build = portal("build", "--since", "HEAD~1", "--target", str(target), "-q", cwd=clone)
    assert build.returncode == 0, build.stdout + build.stderr
    publish = portal("publish", "--since", "HEAD~1", "--target", str(target), cwd=clone)
    assert publish.returncode == 0, publish.stdout + publish.stderr
    return root, clone, target, before


def test_build_since_on_a_fresh_clone_takes_the_rest_from_the_release_and_publishes_complete_sites(released):
    _, clone, target, before = released
    t = Target(target)
    out = clone / "output"
    assert (out / "dong-tien" / "pagefind-chi-dao" / "pagefind.js").is_file()  # the shared bundle, complete
    assert not missing_resources(out / "dong-tien", "https://dongtien.example.vn")
    assert not missing_resources(out / "tinh", "https://tinh.example.vn")
    after = {s: t.current(s) for s in before}
    assert after["dong-tien"] != before["dong-tien"]        # the changed site
    assert after["tien-du"] == before["tien-du"]            # untouched
    assert after["tinh"] != before["tinh"]                  # not built, but its network index has the change
    for site in before:                                     # every live release is complete
        live = target / site / "current"
        assert not missing_resources(live.resolve(), ""), site


@pytest.fixture(scope="module")
def live(released):
    """The target's live releases served as http://<id>.localhost:PORT/."""
    _, clone, target, _ = released
    served = clone.parent / "served"
    served.mkdir(exist_ok=True)
    for site in ("tinh", "dong-tien", "tien-du"):
        link = served / site
        if not link.exists():
            link.symlink_to(target / site / "current", target_is_directory=True)
    with serving(served) as port:
        yield port


def test_search_on_the_new_release(live, browser):  # noqa: F811
    reader = Reader(browser, live)
    try:
        reader.open("dong-tien", "/tim-kiem/")
        assert reader.page.locator("#search-q").count() == 1, reader.page.content()[:3000]
        titles = [r["title"] for r in reader.search("giao thong")]
        assert CHANGED in titles and DIRECTIVE in titles  # its own bundle and the shared one, both there
        reader.open("tinh", "/tim-kiem-toan-tinh/")  # the provincial portal's release: its network index has the change
        titles = [r["title"] for r in reader.search("khanh thanh cau")]
        assert titles == [CHANGED]
        assert "Xã Đông Tiến khởi công cầu" not in [r["title"] for r in reader.search("khoi cong cau")]
        assert "Search is not available" not in reader.status() and "Chức năng tìm kiếm" not in reader.status()
        assert not reader.errors, reader.errors
    finally:
        reader.close()


def test_without_the_release_publishing_refuses_what_is_incomplete(released, tmp_path):
    root, _, target, _ = released
    clone = tmp_path / "bare-clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    post(clone, "content/sites/tien-du/tin-tuc/cho.md", "Xã Tiên Du sửa chợ xong", date="2026-02-03")
    commit(clone, "another change", date="2026-02-06T08:00:00+07:00")
    build = portal("build", "--since", "HEAD~1", "-q", cwd=clone)  # no --target: the other sites are not there
    assert build.returncode == 0, build.stdout + build.stderr
    assert (clone / "output" / "tien-du" / "pagefind-chi-dao" / "pagefind.js").is_file()  # rebuilt with the province
    before = Target(target).current("tinh")
    refused = portal("publish", "--since", "HEAD~1", "--target", str(target), cwd=clone)
    assert refused.returncode != 0
    assert "tim-kiem-toan-tinh/pagefind/shards.json" in refused.stdout + refused.stderr
    assert "nothing was published" in refused.stdout + refused.stderr
    assert Target(target).current("tinh") == before
    vi = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(clone), "publish", "--since", "HEAD~1",
                         "--target", str(target)], capture_output=True, text=True, timeout=600,
                        env={**os.environ, "PORTAL_LANG": "vi"})
    assert "không" in (vi.stdout + vi.stderr).lower() or "chưa" in (vi.stdout + vi.stderr).lower()  # said in Vietnamese
