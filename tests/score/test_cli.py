"""`portal score`: the month as a table, JSON, CSV, Markdown and files; one portal's detail; the year; bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .history import make_history

AT = "2026-04-15 09:00"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_history(tmp_path_factory.mktemp("cli") / "proj")


def portal(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(root), "score", *args], capture_output=True,
                          text=True, timeout=300)


def test_month_table_json_csv_and_files(repo, tmp_path):
    res = portal(repo, "--month", "2026-02", "--at", AT)
    assert res.returncode == 0, res.stderr
    assert "Monthly scoring of the portals — 2026-02" in res.stdout and "58.3" in res.stdout
    assert "interaction not measured" in res.stderr
    data = json.loads(portal(repo, "--month", "2026-02", "--at", AT, "--format", "json").stdout)
    assert [s["site"] for s in data["sites"]] == ["so-a", "xa-mot", "xa-hai", "tinh"]
    lines = portal(repo, "--month", "2026-02", "--at", AT, "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("Rank,Portal id,Portal,Kind,Scored by,") and lines[1].startswith("1,so-a,Sở A,department,tinh,")
    res = portal(repo, "--month", "2026-02", "--at", AT, "--output", str(tmp_path / "r"), "--format", "md")
    assert res.returncode == 0 and "| 1 | Sở A |" in res.stdout
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["README.md", "score.csv", "score.json", "score.xlsx"]
    first = (tmp_path / "r" / "score.xlsx").read_bytes()
    portal(repo, "--month", "2026-02", "--at", AT, "--output", str(tmp_path / "r"))
    assert (tmp_path / "r" / "score.xlsx").read_bytes() == first, "the same figures give the same spreadsheet"


def test_one_portal_and_what_to_publish(repo):
    res = portal(repo, "--month", "2026-03", "--site", "xa-mot", "--at", "2026-03-25 09:00")
    assert res.returncode == 0, res.stderr
    assert "Xã Một (xa-mot, commune) — 2026-03" in res.stdout and "provisional" in res.stdout
    assert "rank" in res.stdout and "/4" in res.stdout, "ranked among every portal"
    assert "publish 3 more item(s) in tin-tuc" in res.stdout


def test_year(repo):
    res = portal(repo, "--year", "2026", "--at", AT, "--format", "json")
    review = json.loads(res.stdout)
    assert review["months"] == ["2026-01", "2026-02", "2026-03"] and review["most_improved"] == ["tinh", "xa-hai"]
    res = portal(repo, "--year", "2026", "--at", AT)
    assert "Most improved: tinh, xa-hai" in res.stdout


def test_bad_input(repo, tmp_path):
    res = portal(repo, "--month", "2026-13")
    assert res.returncode == 2 and "--month: '2026-13' is not a month — write YYYY-MM" in res.stderr
    res = portal(repo, "--month", "2026-02", "--site", "xa-ba")
    assert res.returncode == 2 and "no site 'xa-ba'" in res.stderr
    res = portal(repo, "--year", "2024", "--at", AT)
    assert res.returncode == 2 and "no complete month of 2024" in res.stderr
    bad = repo / "scoring/adjustments/2026-02.yaml"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("adjustments:\n  - site: xa-mot\n    points: 2\n", encoding="utf-8")
    try:
        res = portal(repo, "--month", "2026-02", "--at", AT)
    finally:
        bad.unlink()
    assert res.returncode == 2 and "scoring/adjustments/2026-02.yaml:2: adjustment for 'xa-mot' has no reason" in res.stderr
    export = repo / "data/interaction/so-a/2026-02.json"
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_text("{not json", encoding="utf-8")
    try:
        res = portal(repo, "--month", "2026-02", "--at", AT)
    finally:
        export.unlink()
    assert res.returncode == 2 and "data/interaction/so-a/2026-02.json: cannot be read as JSON" in res.stderr


def test_a_shallow_clone_cannot_be_scored(repo, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo}", str(clone)], check=True, capture_output=True)
    res = portal(clone, "--month", "2026-02", "--at", AT)
    assert res.returncode == 2 and "shallow" in res.stderr
