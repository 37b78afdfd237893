"""The board's workflow on SQLite and PostgreSQL: migrations, deadlines, permissions, publishing, purge, export."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import inspect, select

from portal.model.sites import load_network
from portal.model.workdays import WorkingCalendar
from portal.service import accounts, db, export, workflow
from portal.service.config import load_config
from portal.service.models import AuditEntry, Comment, Question
from portal.service.purge import purge
from portal.stages.check import check

from ..gitrepo import MERGER, git, merge
from .conftest import PASSWORD, RECEIVED

QUESTION = {"kind": "question", "name": "Nguyễn Thị Hoa", "address": "Thôn Đông, xã Một", "phone": "0912 345 678",
            "email": "hoa.nguyen@example.vn", "agency": "", "subject": "Hỏi về lịch thu gom rác ở thôn Đông",
            "body": "Tôi là Nguyễn Thị Hoa, số điện thoại 0912345678. Xin hỏi lịch thu gom rác [mới] của thôn?",
            "consent": False}


class World:
    def __init__(self, root, url):
        db.migrate(url)
        self.cfg = load_config(root, env={}, db_url=url)
        self.network = load_network(root)
        self.cal = WorkingCalendar(self.network)
        self.engine = db.make_engine(url)
        self.s = db.sessions(self.engine)()
        now = RECEIVED
        mk = lambda login, role, sites: accounts.create_user(  # noqa: E731
            self.s, self.network, login=login, name=login.title(), password=PASSWORD, role=role, sites=sites, now=now)
        self.editor = mk("bien-tap-xa-mot", "editor", ["xa-mot"])
        self.leader = mk("lanh-dao-xa-mot", "leader", ["xa-mot"])
        self.province = mk("lanh-dao-tinh", "leader", ["tinh"])

    def ask(self, site="xa-mot", when=RECEIVED, **changes) -> Question:
        q, _digits = workflow.submit_question(self.s, self.cfg, self.network, self.cal, site, {**QUESTION, **changes}, when)
        return q

    def close(self):
        self.s.close()
        self.engine.dispose()


@pytest.fixture
def world(proj, db_url):
    w = World(proj, db_url)
    yield w
    w.close()


def test_migrations_go_up_and_down(db_url, tmp_path):
    db.migrate(db_url)
    engine = db.make_engine(db_url)
    names = set(inspect(engine).get_table_names())
    assert {"questions", "comments", "ratings", "survey_responses", "users", "audit_log"} <= names
    assert db.current_revision(db_url) == db.head_revision() == "0001"
    db.migrate(db_url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert db.current_revision(db_url) is None
    db.migrate(db_url)
    assert "questions" in inspect(engine).get_table_names()
    engine.dispose()


def test_a_question_answered_on_time_across_the_holidays_and_published(world, proj):
    w = world
    q = w.ask()
    assert q.state == "received" and q.due == dt.date(2026, 5, 12) and q.initials == "N.T.H."
    now = RECEIVED + dt.timedelta(days=5)
    workflow.classify(w.s, w.editor, q, "accept", now, w.cal, w.network)
    workflow.assign(w.s, w.editor, q, "bien-tap-xa-mot", now)
    workflow.answer(w.s, w.editor, q, "Xe thu gom rác đến thôn Đông vào **thứ Ba và thứ Sáu**.", "UBND xã Một", now, 20000)
    assert q.state == "answered"
    with pytest.raises(workflow.WorkflowError) as refused:  # an editor cannot approve
        workflow.approve(w.s, w.cfg, w.network, w.editor, q, now)
    assert refused.value.status == 403
    with pytest.raises(workflow.WorkflowError) as outsider:  # a leader of another board cannot either
        workflow.approve(w.s, w.cfg, w.network, w.province, q, now)
    assert outsider.value.status == 403 and "không thuộc Ban Biên tập" in outsider.value.message
    workflow.approve(w.s, w.cfg, w.network, w.leader, q, now)
    assert q.state == "approved" and q.branch == f"hoi-dap/xa-mot/{q.code.lower()}"
    with pytest.raises(workflow.WorkflowError) as twice:
        workflow.approve(w.s, w.cfg, w.network, w.leader, q, now)
    assert twice.value.status == 409

    # the branch holds the Q&A file and nothing personal; the working tree and HEAD are untouched
    text = git(proj, "show", f"{q.branch}:{q.path}")
    assert q.code in text and "thứ Ba và thứ Sáu" in text and "Hỏi về lịch thu gom rác" in text
    for secret in ("Nguyễn Thị Hoa", "0912", "hoa.nguyen@example.vn", "Thôn Đông, xã Một"):
        assert secret not in text
    assert "asker: N.T.H." in text and "\\[mới\\]" in text
    assert git(proj, "status", "--porcelain") == "" and not (proj / q.path).exists()
    assert git(proj, "diff", "--name-only", "main", q.branch) == q.path

    # the board merges: the file passes the content checks and the item is published
    merge(proj, q.branch, f"Duyệt hỏi đáp {q.code}", "2026-04-29T10:00:00+07:00", MERGER)
    assert check(w.network, [proj / q.path]) == []
    assert workflow.sync_published(w.s, w.cfg, now) == 1 and q.state == "published"
    actions = [a.action for a in w.s.scalars(select(AuditEntry).where(AuditEntry.item == q.code).order_by(AuditEntry.id))]
    assert actions == ["question.received", "question.accept", "question.assigned", "question.answered",
                       "question.approved", "published"]


def test_a_commune_board_cannot_see_the_provinces_items_and_forwarding_moves_the_deadline(world):
    w = world
    q = w.ask(site="tinh")
    with pytest.raises(workflow.WorkflowError) as hidden:
        workflow.get_question(w.s, w.editor, q.code)
    assert hidden.value.status == 404
    with pytest.raises(workflow.WorkflowError):
        workflow.classify(w.s, w.editor, q, "accept", RECEIVED, w.cal, w.network)
    assert workflow.open_questions(w.s, ["xa-mot"]) == []
    # the province forwards it to the commune on 5 May: ten working days from then, with the make-up Saturday
    when = dt.datetime(2026, 5, 5, 9, 0, tzinfo=RECEIVED.tzinfo)
    workflow.classify(w.s, w.province, q, "forward", when, w.cal, w.network, target="xa-mot", note="Thuộc thẩm quyền xã")
    assert q.site == "xa-mot" and q.forwarded_from == "tinh" and q.state == "received"
    assert q.due == dt.date(2026, 5, 18)  # 6, 7, 8, 9 (make-up), 11, 12, 13, 14, 15, 18 May
    assert workflow.get_question(w.s, w.editor, q.code) is q
    with pytest.raises(workflow.WorkflowError):
        workflow.get_question(w.s, w.province, q.code)


def test_duplicates_rejections_and_the_lists(world):
    w = world
    first, second, third = w.ask(), w.ask(subject="Hỏi lại về lịch thu gom rác"), w.ask(subject="Hỏi về giá vàng")
    later = RECEIVED + dt.timedelta(days=3)
    workflow.classify(w.s, w.editor, second, "duplicate", later, w.cal, w.network, duplicate_of=first.code.lower())
    assert second.state == "duplicate" and second.duplicate_of == first.code
    with pytest.raises(workflow.WorkflowError) as no_reason:
        workflow.classify(w.s, w.editor, third, "reject", later, w.cal, w.network)
    assert no_reason.value.status == 422 and third.state == "received"
    workflow.classify(w.s, w.editor, third, "reject", later, w.cal, w.network, note="Không thuộc phạm vi")
    assert [q.code for q in workflow.open_questions(w.s, ["xa-mot"])] == [first.code]
    assert workflow.overdue([first], dt.date(2026, 5, 13)) == [first]
    assert workflow.due_soon([first], dt.date(2026, 5, 11), w.cal) == [first]


def test_purge_erases_personal_data_after_the_retention_period(world):
    w = world
    old, recent = w.ask(), w.ask()
    for q, when in ((old, RECEIVED), (recent, RECEIVED + dt.timedelta(days=300))):
        workflow.classify(w.s, w.editor, q, "reject", when, w.cal, w.network, note="Ngoài phạm vi")
        q.received_at = when
    w.s.commit()
    now = RECEIVED + dt.timedelta(days=400)
    assert purge(w.s, now, 365, dry_run=True) == {"questions": 1, "comments": 0}
    assert old.name == "Nguyễn Thị Hoa"
    assert purge(w.s, now, 365) == {"questions": 1, "comments": 0}
    w.s.expire_all()
    assert (old.name, old.phone, old.email, old.address) == (None, None, None, None) and old.purged_at is not None
    assert old.initials == "N.T.H." and old.body
    assert recent.email == "hoa.nguyen@example.vn"
    assert w.s.scalar(select(AuditEntry).where(AuditEntry.item == old.code, AuditEntry.action == "personal_data.erased"))
    assert purge(w.s, now, 365) == {"questions": 0, "comments": 0}


def test_comments_on_an_open_draft_only_and_the_monthly_export(world, proj):
    w = world
    values = {"draft": "quy-dinh-cho", "part": "Điều 2", "name": "Lê Văn Nam", "address": "Thôn Tây",
              "phone": "", "email": "nam@example.vn", "body": "Đề nghị bổ sung hộ kinh doanh cá thể.", "consent": True}
    c, _ = workflow.submit_comment(w.s, w.cfg, w.network, "xa-mot", values, RECEIVED)
    from portal.service.forms import FormError

    with pytest.raises(FormError) as closed:
        workflow.submit_comment(w.s, w.cfg, w.network, "xa-mot", {**values, "draft": "quy-dinh-cu"}, RECEIVED)
    assert closed.value.status == 409
    with pytest.raises(FormError):
        workflow.submit_comment(w.s, w.cfg, w.network, "xa-mot", {**values, "draft": "khong-co"}, RECEIVED)
    workflow.moderate(w.s, w.cfg, w.network, w.editor, c, "approve", RECEIVED + dt.timedelta(days=1))
    data = json.loads(git(proj, "show", f"{c.branch}:{c.path}"))
    assert data["author"] == "Lê Văn Nam" and data["part"] == "Điều 2" and "nam@example.vn" not in json.dumps(data)
    assert w.s.scalar(select(Comment).where(Comment.code == c.code)).state == "approved"

    q = w.ask()
    workflow.classify(w.s, w.editor, q, "accept", RECEIVED, w.cal, w.network)
    workflow.answer(w.s, w.editor, q, "Trả lời.", "UBND xã Một", RECEIVED, 100)
    workflow.approve(w.s, w.cfg, w.network, w.leader, q, RECEIVED + dt.timedelta(days=8))  # 1 May: 24, 28, 29 Apr
    late = w.ask(when=RECEIVED + dt.timedelta(days=1))
    workflow.add_rating(w.s, "xa-mot", {"section": "tin-tuc", "page": "/tin-tuc/a/", "score": 4, "remark": ""}, RECEIVED)
    workflow.add_rating(w.s, "xa-mot", {"section": "tin-tuc", "page": "/tin-tuc/a/", "score": 5, "remark": ""}, RECEIVED)
    workflow.add_survey(w.s, "xa-mot", {"speed": 3, "layout": None, "remark": ""}, RECEIVED, ["speed", "layout"])
    april = export.figures(w.s, w.network, "xa-mot", "2026-04", dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    assert april["questions"]["received"] == 2 and april["questions"]["answered"] == 0
    may = export.figures(w.s, w.network, "xa-mot", "2026-05", dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    assert may["questions"] == {"received": 0, "answered": 1, "answered_on_time": 1, "overdue": 1, "open": 1,
                                "average_days": 3.0, "forwarded_out": 0, "duplicates": 0, "rejected": 0}
    assert april["ratings"]["by_section"]["tin-tuc"]["average"] == 4.5
    assert april["survey"]["questions"]["speed"] == {"count": 1, "average": 3.0}
    assert april["drafts"] == [{"draft": "quy-dinh-cho", "title": "Dự thảo quy định quản lý chợ xã Một", "comments": 1,
                                "approved": 1, "rejected": 0}]
    files = export.export_month(w.s, w.network, "2026-04", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), sites=["xa-mot"])
    text = files[0].read_text(encoding="utf-8")
    assert files[0] == proj / "data/interaction/xa-mot/2026-04.json"
    for secret in ("Nguyễn Thị Hoa", "hoa.nguyen", "0912", "Lê Văn Nam", late.code):
        assert secret not in text
    assert export.export_month(w.s, w.network, "2026-04", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), sites=["xa-mot"]) == []


def test_the_branch_is_pushed_when_a_remote_is_configured(proj, tmp_path):
    from portal.service import publish

    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(proj, "remote", "add", "origin", str(remote))
    done = publish.commit_file(proj, "content/sites/xa-mot/hoi-dap/hd-2345-6789.md", "---\ntitle: x\n---\n",
                               "hoi-dap/xa-mot/hd-2345-6789", "Hỏi đáp HD-2345-6789")
    assert done.pushed and not done.push_error
    assert git(remote, "rev-parse", "refs/heads/hoi-dap/xa-mot/hd-2345-6789") == done.commit
    quiet = publish.commit_file(proj, "a.md", "a", "hoi-dap/xa-mot/khac", "x", push=False)
    assert not quiet.pushed
    with pytest.raises(publish.PublishError):
        publish.commit_file(tmp_path / "not-a-repo", "a.md", "a", "b", "c")
