"""``portal service …`` from the command line, and the load test run briefly as a smoke test."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from portal.cli import main

from ..conftest import REPO
from .conftest import PASSWORD, RECEIVED


def test_migrate_create_user_list_export_and_purge(proj, monkeypatch, capsys):
    url = f"sqlite:///{proj / 'var' / 'cli.sqlite3'}"
    monkeypatch.setenv("PORTAL_DB_URL", url)
    assert main(["--root", str(proj), "service", "migrate"]) == 0
    assert "database at revision 0001" in capsys.readouterr().out
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", PASSWORD)
    assert main(["--root", str(proj), "service", "create-user", "btv", "--name", "Biên tập viên",
                 "--team", "@org/btb-xa-mot"]) == 0
    assert "user btv (editor) saved, boards: xa-mot" in capsys.readouterr().out
    assert main(["--root", str(proj), "service", "create-user", "x", "--site", "khong-co"]) == 2
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "ngan")
    assert main(["--root", str(proj), "service", "create-user", "y", "--site", "xa-mot"]) == 2

    from portal.model.sites import load_network
    from portal.model.workdays import WorkingCalendar
    from portal.service import db, workflow
    from portal.service.config import load_config

    cfg = load_config(proj, env={}, db_url=url)
    network = load_network(proj)
    engine = db.make_engine(url)
    with db.sessions(engine)() as s:
        q, _ = workflow.submit_question(s, cfg, network, WorkingCalendar(network), "xa-mot", {
            "kind": "question", "name": "Vũ Văn Long", "address": "Thôn 3", "phone": "", "email": "",
            "agency": "", "subject": "Hỏi về trợ cấp người cao tuổi", "body": "Thủ tục thế nào?", "consent": False},
            RECEIVED)
    engine.dispose()
    capsys.readouterr()
    assert main(["--root", str(proj), "service", "list", "--site", "xa-mot", "--overdue", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rows] == [q.code] and rows[0]["due"] == "2026-05-12" and "Vũ" not in json.dumps(rows)
    assert main(["--root", str(proj), "service", "list", "--site", "xa-mot", "--due-soon", "--json",
                 "--today", "2026-05-11"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    assert main(["--root", str(proj), "service", "list", "--site", "khong-co"]) == 2

    assert main(["--root", str(proj), "service", "export", "--month", "2026-4"]) == 2
    assert main(["--root", str(proj), "service", "export", "--month", "2026-04", "--site", "xa-mot"]) == 0
    data = json.loads((proj / "data/interaction/xa-mot/2026-04.json").read_text(encoding="utf-8"))
    assert data["questions"]["received"] == 1 and data["site"] == "xa-mot"
    assert main(["--root", str(proj), "service", "purge", "--days", "30", "--dry-run"]) == 0
    assert "would erase the personal data of 0 question(s)" in capsys.readouterr().out


def test_cli_messages_are_vietnamese_by_default(proj):
    r = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(proj), "service", "export", "--month", "x"],
                       capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": str(REPO / "scripts"), "PORTAL_LANG": "vi"})
    assert r.returncode == 2 and "--month phải có dạng YYYY-MM" in r.stderr


@pytest.mark.slow
def test_the_load_test_runs_briefly_and_loses_nothing(proj):
    from portal.service.loadtest import run_load

    result = run_load(proj, f"sqlite:///{proj / 'var' / 'load.sqlite3'}", rate=50, seconds=2, connections=8)
    assert result.sent == 100 and result.nothing_lost, result
    # times are measured by `make bench-service`, not asserted here (a shared CI machine may be loaded)
    assert result.p99_ms > 0 and result.achieved_rate > 0 and result.responses_303 == 100


def test_statistics_page_reads_the_export(proj):
    from portal.stages.build import build

    from ..conftest import NOW, read

    out = proj / "data/interaction/xa-mot"
    out.mkdir(parents=True)
    figures = {"schema": 1, "site": "xa-mot", "month": "2026-10",
               "questions": {"received": 7, "answered": 5, "answered_on_time": 4, "overdue": 1, "open": 2,
                             "average_days": 6.5, "forwarded_out": 0, "duplicates": 0, "rejected": 0},
               "ratings": {"count": 12, "average": 4.25, "distribution": {}, "by_section": {
                   "tin-tuc": {"count": 12, "average": 4.25, "distribution": {}}}},
               "survey": {"responses": 3, "questions": {}}, "drafts": []}
    (out / "2026-10.json").write_text(json.dumps(figures), encoding="utf-8")
    comment = out / "gop-y/quy-dinh-cho/gy-2345-6789.json"
    comment.parent.mkdir(parents=True)
    comment.write_text(json.dumps({"code": "GY-2345-6789", "draft": "quy-dinh-cho", "part": "Điều 1",
                                   "received": "2026-10-02 08:00", "approved": "2026-10-03 09:00", "author": "T.V.B.",
                                   "text": "<script>alert(1)</script> Đề nghị sửa Điều 1."}), encoding="utf-8")
    report = build(proj, ["xa-mot"], now=NOW, jobs=1, search=False)
    assert report.ok, report.all_problems()
    html = read(proj / "output/xa-mot/hoi-dap/thong-ke/index.html")
    assert 'data-month="2026-10"' in html and "<td>7</td><td>5</td><td>4</td>" in html and "Tin tức" in html
    draft = read(proj / "output/xa-mot/du-thao/quy-dinh-cho/index.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Đề nghị sửa Điều 1." in draft and "<script>alert" not in draft
    assert 'action="/api/du-thao/gop-y"' in draft and "Phòng Kinh tế xã Một" in draft
    for page in ("gui-cau-hoi", "tra-cuu", "khao-sat"):
        assert (proj / f"output/xa-mot/hoi-dap/{page}/index.html").is_file()
    assert not (proj / "output/tinh/en/hoi-dap/gui-cau-hoi").exists()
