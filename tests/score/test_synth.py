"""`portal synth --history`: a network in a new Git repository with months of merges, varied by site."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter
from pathlib import Path

from portal.score.compute import Inputs, score_month
from portal.score.months import Month

from ..conftest import REPO


def test_twelve_months_of_merges_varied_by_site(tmp_path: Path):
    dest = tmp_path / "net"
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(REPO), "synth", str(dest), "--preset", "tiny",
                          "--sites", "8", "--posts", "400", "--history", "12"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    log = subprocess.run(["git", "log", "--first-parent", "--merges", "--format=%cI %s"], cwd=dest, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    months = Counter(line[:7] for line in log)
    assert len(months) >= 12, months  # every month has merges (the last month's exports arrive the month after)
    assert all(line.split(" ", 1)[1].startswith("Duyệt đăng") for line in log)
    assert (dest / "data" / "interaction").is_dir() and list((dest / "scoring" / "adjustments").glob("*.yaml"))
    last = sorted(months)[-2]  # the last scored month (exports of the last month are merged on the 1st after it)
    inputs = Inputs.read(dest)
    report = score_month(inputs, Month.parse(last), now=dt.datetime.now(dt.UTC))
    totals = [s["total"] for s in report["sites"]]
    assert len(report["sites"]) == 8 and len(set(totals)) > 3, "sites publish differently"
    assert any(s["interaction"] for s in report["sites"]) and any(not s["interaction"] for s in report["sites"])
    reasons = Counter(r["kind"] for s in report["sites"] for i in s["items"] for r in i["reasons"])
    assert reasons["very-short"] > 0
    # a month in which the 'lapsing' sites published nothing
    first = Month.parse(sorted(months)[0])
    lapsed = score_month(inputs, first.plus(6), now=dt.datetime.now(dt.UTC))
    assert any(s["capped"] or not s["items"] for s in lapsed["sites"])
    again = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(REPO), "synth", str(dest), "--history", "3"],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "not empty" in again.stderr
