"""The monthly scoring's CI workflow: on the 1st, the month that ended, a pull request for the provincial board."""

from __future__ import annotations

import yaml

from ..conftest import REPO


def test_score_workflow():
    path = REPO / ".github" / "workflows" / "score.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    on = data[True]  # YAML 1.1 reads the key `on` as true
    assert on["schedule"][0]["cron"].split()[2] == "1", "on the 1st of each month"
    steps = data["jobs"]["score"]["steps"]
    assert next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))["with"]["fetch-depth"] == 0
    run = "\n".join(s.get("run", "") for s in steps)
    assert "portal score --month" in run and '--output "scoring/reports/$month"' in run
    assert "gh pr create" in run and "scoring/reports/$MONTH/README.md" in run
    assert data["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 50
