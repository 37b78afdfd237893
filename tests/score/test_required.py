"""Required items (the project's scoring.yaml): English pages present and not behind, contacts, links, alt text, attachments."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from portal.score import required
from portal.score.compute import Inputs, score_month
from portal.score.months import Month

from ..conftest import REPO, make_project, write
from ..gitrepo import commit, git

SITES = """\
network: {home: tinh, default_language: vi, timezone: Asia/Ho_Chi_Minh}
sites:
  - id: tinh
    kind: province
    name: {vi: "Tỉnh Thử", en: "Test Province"}
    url: https://tinh.example.vn
    languages: [vi, en]
    contact: {address: "Số 1", phone: "0222 000", email: "a@tinh.example.vn"}
  - id: so-a
    kind: department
    name: {vi: "Sở A"}
    url: https://soa.example.vn
    parent: tinh
    contact: {address: "Số 2", phone: "0222 001", email: "b@soa.example.vn"}
  - id: xa-mot
    kind: commune
    name: {vi: "Xã Một"}
    url: https://xamot.example.vn
    parent: tinh
    contact: {address: "Thôn Đông", email: "c@xamot.example.vn"}
"""


def page(title: str, body: str = "Nội dung trang.") -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


def test_required_items(tmp_path: Path):
    root = make_project(tmp_path / "proj", SITES)
    shutil.copy(REPO / "scoring.yaml", root / "scoring.yaml")
    t, m = "content/sites/tinh/pages", "content/sites/xa-mot"
    for rel, title in ((f"{t}/lien-he.md", "Liên hệ"), (f"{t}/lien-he.en.md", "Contact"), (f"{t}/co-cau-to-chuc.md", "Cơ cấu tổ chức"),
                       (f"{t}/co-cau-to-chuc.en.md", "Organisation"), ("content/sites/so-a/pages/lien-he.md", "Liên hệ")):
        write(root / rel, page(title))
    write(root / f"{m}/du-thao/du-thao-quy-che.md", "---\ntitle: Dự thảo quy chế\ndate: 2026-03-01\ncategory: du-thao\n"
          "comment_from: 2026-03-01\ncomment_until: 2026-03-30\nreport: files/bao-cao.pdf\n---\nDự thảo lấy ý kiến.\n")
    write(root / f"{m}/du-thao/du-thao-ngan.md", "---\ntitle: Dự thảo lấy ý kiến ngắn ngày\ndate: 2026-03-10\ncategory: du-thao\n"
          "comment_from: 2026-03-10\ncomment_until: 2026-03-25\n---\nDự thảo lấy ý kiến.\n")
    write(root / "data/interaction/xa-mot/2026-04.json", '{"schema": 1, "site": "xa-mot", "month": "2026-04", '
          '"questions": {"received": 2, "answered": 2, "answered_on_time": 1, "overdue": 0, "average_days": null}, '
          '"ratings": {"count": 2, "average": 4.5}, "drafts": [{"draft": "du-thao-quy-che", "comments": 7}]}\n')
    git(root, "init", "-q", "-b", "main")
    commit(root, "set-up", date="2026-01-05T08:00:00+07:00")
    write(root / f"{t}/co-cau-to-chuc.md", page("Cơ cấu tổ chức", "Lãnh đạo mới được bổ nhiệm."))
    commit(root, "the Vietnamese organisation changes, the English one does not", date="2026-03-01T08:00:00+07:00")
    write(root / f"{m}/files/anh.jpg", "ảnh")
    write(root / f"{m}/files/rong.pdf", "")
    write(root / f"{m}/tin-tuc/tin.md", "---\ntitle: Tin có liên kết\ndate: 2026-04-02\ncategory: tin-tuc\n"
          "attachments: [files/rong.pdf, files/khong-co.pdf]\n---\n"
          "[Xem ảnh](files/anh.jpg) và [tệp cũ](files/khong-co.pdf), [trang](/tin-tuc/khac/), [ngoài](https://chinhphu.vn/x.pdf).\n\n"
          "![](files/anh.jpg)\n\n![Ảnh thôn Đông](/files/anh.jpg)\n")
    commit(root, "a news item of April", date="2026-04-02T08:00:00+07:00")

    report = score_month(Inputs.read(root), Month(2026, 4), now=dt.datetime(2026, 5, 2, tzinfo=dt.UTC))
    by = {s["site"]: s for s in report["sites"]}

    def failing(sid: str, check: str) -> list[tuple[str, str, str]]:
        return [(f["state"], f["path"], f["detail"]) for f in by[sid]["findings"] if f["check"] == check and not f["ok"]]

    # the province: the English organisation page is 55 days behind the Vietnamese (more than 30): 1 of 2 present and current
    assert failing("tinh", "english") == [("stale", f"{t}/co-cau-to-chuc.en.md",
                                          f"{t}/co-cau-to-chuc.en.md is 55 days behind the Vietnamese page (changed 2026-03-01) — "
                                          "bring the translation up to date")]
    assert by["tinh"]["criteria"]["english"]["points"] == 1.5
    # a department without English: both pages missing; a commune: not required (not applicable)
    assert [s for s, _p, _d in failing("so-a", "english")] == ["missing", "missing"] and by["so-a"]["criteria"]["english"]["points"] == 0
    assert by["xa-mot"]["criteria"]["english"]["status"] == "not-applicable"
    # the commune: no phone; one broken link of three checked (pages' addresses and other origins are not checked)
    assert failing("xa-mot", "contacts")[0][2] == "the contact of xa-mot lacks phone — add them under contact: in sites.yaml"
    assert failing("xa-mot", "links") == [("broken", f"{m}/tin-tuc/tin.md",
                                           "files/khong-co.pdf points to no file of the site — fix the link or add the file")]
    assert by["xa-mot"]["criteria"]["links"]["value"] == "3/4" and by["xa-mot"]["criteria"]["links"]["points"] == 1.5
    assert [d for _s, _p, d in failing("xa-mot", "alt_text")] == [
        "image files/anh.jpg has no alt text — describe it: ![Mô tả ảnh](files/anh.jpg)"]
    assert sorted(s for s, _p, _d in failing("xa-mot", "attachments")) == ["broken", "missing"]
    assert by["xa-mot"]["criteria"]["attachments"]["points"] == 0
    # drafts closed in March, assessed at April's end: 30 days with a report (ok), 16 days without one (not)
    drafts = by["xa-mot"]["criteria"]["drafts-consulted"]
    assert drafts["points"] == 2.5 and drafts["value"] == "1/2"
    assert [(d["title"], d["days"], d["report"], d["comments"], d["ok"]) for d in drafts["detail"]["drafts"]] == [
        ("Dự thảo quy chế", 30, True, 7, True), ("Dự thảo lấy ý kiến ngắn ngày", 16, False, None, False)]
    # the export: 1 of 2 questions on time; 2 ratings are fewer than the minimum (5): not applicable
    assert by["xa-mot"]["criteria"]["questions-on-time"]["points"] == 5.0
    assert by["xa-mot"]["criteria"]["satisfaction"]["status"] == "not-applicable"
    # without an export, drafts are still measured (from the drafts), questions are not
    assert by["so-a"]["criteria"]["drafts-consulted"]["status"] == "not-applicable"
    assert by["so-a"]["criteria"]["questions-on-time"]["status"] == "not-measured"


def test_a_source_registered_by_the_audit_takes_over_its_checks(tmp_path: Path):
    from .history import make_history

    root = make_history(tmp_path / "proj")

    def audit(ctx: required.Context) -> dict[str, list[required.Finding]]:
        return {"xa-hai": [required.Finding("contacts", True, "present", "content/sites/xa-hai/to-chuc.yaml", "officials' contacts")]}

    required.register(audit)
    try:
        report = score_month(Inputs.read(root), Month(2026, 1), now=dt.datetime(2026, 4, 15, tzinfo=dt.UTC))
    finally:
        required.SOURCES.remove(audit)
    xa = next(s for s in report["sites"] if s["site"] == "xa-hai")
    assert xa["criteria"]["contacts"]["points"] == 5.0
    assert [f["path"] for f in xa["findings"] if f["check"] == "contacts"] == ["content/sites/xa-hai/to-chuc.yaml"]
