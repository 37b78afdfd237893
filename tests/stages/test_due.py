"""portal due --since-last-publish: scheduled posts and expiry against what was last published."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from portal.stages.build import build
from portal.stages.publish.branch import publish_branches
from portal.stages.publish.due import due, from_branch, from_target
from portal.stages.publish.target import publish

from .. import gitrepo
from ..conftest import NOW, document, make_project, mini_content, post

PUBLISHED = ["tinh", "xa-mot", "xa-hai", "phuong-ba"]  # so-a is never published


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path]:
    """The mini network (plus a post that expires at the end of 2026), built and published at NOW."""
    root = make_project(tmp_path_factory.mktemp("due") / "repo")
    mini_content(root)
    post(root, "content/sites/xa-hai/tin-tuc/tam-thoi.md", "Thông báo tạm thời", date="2026-11-01", expires="2026-12-31")
    document(root, "phuong-ba", "kh-30", "Kế hoạch trong năm", number="30/KH-UBND", doc_type="Kế hoạch", issuer="UBND xã Một",
             issued="2026-02-01", valid_until="2027-06-30")  # expires on 1 July 2027: its status changes, its page stays
    gitrepo.init(root)
    assert build(root, now=NOW, jobs=2).ok  # every site: the provincial portal's network index needs them all
    target = root.parent / "www"
    publish(root, target, PUBLISHED, now=NOW)
    publish_branches(root, "pages", PUBLISHED)
    return root, target


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=NOW.tzinfo)


def test_nothing_due_right_after_a_publish(published):
    root, target = published
    result = due(root, from_target(target), now=NOW)
    assert result == {"so-a": ["never published"]}, "every live post is in its release, nothing else is"


def test_a_scheduled_post_comes_due(published):
    root, target = published
    result = due(root, from_target(target), now=at("2027-01-05 08:00"))
    assert sorted(result) == ["so-a", "xa-hai", "xa-mot"]
    assert result["xa-mot"] == ["content/sites/xa-mot/tin-tuc/tuong-lai.md is due (dated 2027-01-05 08:00)"]
    assert result["xa-hai"] == ["content/sites/xa-hai/tin-tuc/tam-thoi.md is no longer live (expired 2026-12-31)"]
    assert "xa-mot" not in due(root, from_target(target), now=at("2027-01-05 07:59"))


def test_a_scheduled_directive_comes_due_on_its_audience(published):
    root, target = published
    result = due(root, from_target(target), now=at("2027-03-01 00:00"))
    for site in PUBLISHED:
        assert "content/shared/tuong-lai.md is due (dated 2027-03-01 00:00)" in result[site]


def test_branch_publication_gives_the_same_answer(published):
    root, target = published
    for when in (NOW, at("2027-01-06 00:00"), at("2027-03-02 00:00")):
        assert due(root, from_branch(root, "pages"), now=when) == due(root, from_target(target), now=when)


def test_cli_exit_status(published):
    root, target = published
    cli = [sys.executable, "-m", "portal.cli", "--root", str(root), "due", "--since-last-publish", "--target", str(target)]
    res = subprocess.run([*cli, "--at", "2027-01-06 00:00"], capture_output=True, text=True)
    assert res.returncode == 0 and "xa-mot" in res.stdout.split()
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(root), "due", "--since-last-publish",
                          "--branch", "pages", "--at", "2026-11-22 09:00"], capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.split() == ["so-a"]  # never published
    res = subprocess.run([*cli, "--at", "khong-phai-ngay"], capture_output=True, text=True)
    assert res.returncode == 2 and "is not a date" in res.stderr


def test_nothing_due_exits_1(tmp_path: Path):
    root = make_project(tmp_path / "repo", "network: {home: tinh}\nsites:\n  - id: tinh\n    kind: province\n    name: {vi: Tỉnh}\n    url: https://tinh.example.vn\n")
    post(root, "content/sites/tinh/tin-tuc/a.md", "A", date="2026-01-01")
    gitrepo.init(root)
    assert build(root, now=NOW, jobs=1).ok
    publish(root, tmp_path / "www", ["tinh"], now=NOW)
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(root), "due", "--since-last-publish",
                          "--target", str(tmp_path / "www"), "--at", "2026-11-22 09:00"], capture_output=True, text=True)
    assert res.returncode == 1 and res.stdout == "" and "nothing due" in res.stderr


def test_a_documents_status_change_makes_its_site_due(published):
    root, target = published
    reason = "content/sites/phuong-ba/van-ban/kh-30.md: its status changes on 2027-07-01"
    assert reason not in due(root, from_target(target), now=at("2027-06-30 23:00")).get("phuong-ba", [])
    assert reason in due(root, from_target(target), now=at("2027-07-01 06:00"))["phuong-ba"]
    assert reason in due(root, from_branch(root, "pages"), now=at("2027-07-01 06:00"))["phuong-ba"]
