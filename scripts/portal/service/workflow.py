"""The board's workflow (issue 15, item 3), its permissions, and the audit log of every change.

A question goes received → accepted (classified: within scope, not a duplicate) → assigned →
answered → approved (by a leader of the board: the answer is committed on a branch, see
:mod:`portal.service.publish`) → published (the board merged it). Classification may instead
close it as a duplicate of an earlier code, forward it to another portal's board (which gets
its own deadline from the day of forwarding), or reject it as out of every portal's scope.
A comment on a draft goes received → approved (committed on a branch) or rejected →
published. With e-mail confirmation on, both start as ``unconfirmed`` and reach the board
only with the code sent to the sender.

Every step checks that the person belongs to the item's board (``sites`` of their account);
approving needs the ``leader`` role. Every change writes an :class:`~portal.service.models.AuditEntry`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.model import drafts
from portal.model.content import read_post, validate
from portal.model.sites import Network
from portal.model.workdays import WorkingCalendar
from portal.service import publish
from portal.service.config import ServiceConfig
from portal.service.forms import FormError, initials, new_code
from portal.service.models import OPEN_STATES, AuditEntry, Comment, Question, Rating, SurveyResponse, User


class WorkflowError(Exception):
    """A refused step: a Vietnamese message and the HTTP status to answer with (403, 404, 409, 422)."""

    def __init__(self, message: str, status: int = 409):
        self.message, self.status = message, status
        super().__init__(message)


def audit(db: Session, actor: str, item: str, action: str, now: dt.datetime, detail: str = "") -> None:
    """Record one state change (never personal data in *detail*)."""
    db.add(AuditEntry(at=now, actor=actor, item=item, action=action, detail=detail[:500]))


def _confirm_hash(cfg: ServiceConfig, code: str, digits: str) -> str:
    return hmac.new(cfg.secret_key.encode(), f"{code}:{digits}".encode(), hashlib.sha256).hexdigest()


# --- drafts for comment -----------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    """A draft for comment (category ``du-thao``), as the drafts model reads it (:mod:`portal.model.drafts`)."""

    site: str
    slug: str
    title: str
    comment_from: dt.date | None
    comment_until: dt.date | None
    agency: str

    def open_on(self, day: dt.date) -> bool:
        """Within the comment period (both ends included; :func:`portal.model.drafts.state`); without dates, not open."""
        if self.comment_until is None:
            return False
        return drafts.state(drafts.Draft(self.comment_from, self.comment_until, self.agency), day).is_open


def drafts_of(network: Network, site: str) -> dict[str, Draft]:
    """The drafts for comment of *site*: slug → :class:`Draft` (files of category ``du-thao``)."""
    tz = ZoneInfo(network.timezone)
    base = network.root / "content" / "sites" / site
    found: dict[str, Draft] = {}
    for path in sorted(base.rglob("*.md")) if base.is_dir() else []:
        if path.stem.count(".") or "/pages/" in path.as_posix():
            continue  # translations and pages
        post = read_post(path, network.root, site=site, kind="article", tz=tz)
        if post.problems or post.meta.get("category") != "du-thao" or post.meta.get("status", "published") != "published":
            continue
        validate(post, sections=None, languages=network.site(site).languages, tz=tz)
        draft, _problems = drafts.read(post.meta, post.line, network.legal, post.rel)
        found[post.slug] = Draft(site, post.slug, post.title, draft.comment_from, draft.comment_until, draft.agency)
    return found


def post_url(network: Network, rel: str, site: str) -> str:
    """The URL path of a content file of *site* (``/hoi-dap/<slug>/``), or "" when it is not a live post."""
    if site not in network:
        return ""
    tz = ZoneInfo(network.timezone)
    post = read_post(network.root / rel, network.root, site=site, kind="article", tz=tz)
    if post.problems:
        return ""
    s = network.site(site)
    validate(post, sections=s.section_slugs, languages=s.languages, tz=tz)
    if post.problems or post.status != "published":
        return ""
    prefix = "/" if post.lang == s.default_language else f"/{post.lang}/"
    return prefix + post.url()


# --- what citizens send -----------------------------------------------------------------

def _unique_code(db: Session, model, prefix: str) -> str:
    for _ in range(20):
        code = new_code(prefix)
        if db.scalar(select(func.count()).select_from(model).where(model.code == code)) == 0:
            return code
    raise RuntimeError("no free tracking code")  # pragma: no cover - 2^40 codes


def submit_question(db: Session, cfg: ServiceConfig, network: Network, calendar: WorkingCalendar, site: str,
                    values: dict, now: dt.datetime, *, load: bool = True) -> tuple[Question | str, str | None]:
    """Store a validated question sent on *site*'s origin; returns it and the e-mail code to send (or None).

    The question goes to the board named in ``agency`` when that is a site of the network,
    else to *site*'s. Raises :class:`FormError` for an unknown agency. The row and its audit
    entry are written with two plain INSERTs in one transaction (the receiving path is the
    one under load); with ``load=False`` only the tracking code is returned, not the object.
    """
    target = str(values.get("agency") or "") or site
    if target not in network:
        raise FormError({"agency": "Cơ quan nhận không có trong danh sách cổng thông tin."})
    confirm = cfg.confirm_email and bool(values.get("email"))
    digits = f"{secrets.randbelow(10**6):06d}" if confirm else None
    due = None if confirm else calendar.deadline(now, target)
    for attempt in range(3):  # a code drawn twice (1 in 2^40) fails the unique index: draw again
        code = new_code("HD")
        row = dict(code=code, site=target, received_site=site, kind=values["kind"], subject=values["subject"],
                   body=values["body"], consent=bool(values["consent"]), name=values["name"] or None,
                   address=values["address"] or None, phone=values["phone"] or None, email=values["email"] or None,
                   initials=initials(str(values["name"])), received_at=now, note="", answer="", answered_by="",
                   state="unconfirmed" if confirm else "received", confirm_attempts=0, due=due,
                   confirm_hash=_confirm_hash(cfg, code, digits) if digits else None)
        try:
            db.execute(insert(Question.__table__), [row])
            db.execute(insert(AuditEntry.__table__), [dict(at=now, actor="citizen", item=code, action="question.received",
                                                 detail=f"site={target} via={site}")])
            db.commit()
        except IntegrityError:  # two identical codes at once: draw again
            db.rollback()
            if attempt == 2:
                raise
            continue
        if not load:
            return code, digits
        return db.scalar(select(Question).where(Question.code == code)), digits
    raise AssertionError("unreachable")


def submit_comment(db: Session, cfg: ServiceConfig, network: Network, site: str, values: dict,
                   now: dt.datetime) -> tuple[Comment, str | None]:
    """Store a validated comment on a draft of *site* that is open for comment today."""
    draft = drafts_of(network, site).get(str(values["draft"]))
    if draft is None:
        raise FormError({"draft": "Không tìm thấy dự thảo này trên cổng thông tin."}, status=404)
    today = now.astimezone(ZoneInfo(network.timezone)).date()
    if not draft.open_on(today):
        raise FormError({"draft": "Dự thảo này không trong thời gian lấy ý kiến."}, status=409)
    confirm = cfg.confirm_email
    code = _unique_code(db, Comment, "GY")
    digits = f"{secrets.randbelow(10**6):06d}" if confirm else None
    c = Comment(code=code, site=site, draft=draft.slug, draft_title=draft.title, part=values["part"],
                state="unconfirmed" if confirm else "received", body=values["body"], consent=bool(values["consent"]),
                name=values["name"] or None, address=values["address"] or None, phone=values["phone"] or None,
                email=values["email"] or None, initials=initials(str(values["name"])), received_at=now, note="",
                confirm_attempts=0, confirm_hash=_confirm_hash(cfg, code, digits) if digits else None)
    db.add(c)
    audit(db, "citizen", code, "comment.received", now, f"site={site} draft={draft.slug}")
    db.commit()
    return c, digits


def confirm(db: Session, cfg: ServiceConfig, calendar: WorkingCalendar, item: Question | Comment, digits: str,
            now: dt.datetime) -> None:
    """Check the e-mail code of an unconfirmed item; after too many wrong codes the item is void."""
    if item.state != "unconfirmed":
        return
    if item.confirm_attempts >= cfg.limits.confirm_attempts or not item.confirm_hash:
        raise WorkflowError("Mã xác nhận đã bị vô hiệu do nhập sai nhiều lần; vui lòng gửi lại nội dung.", 429)
    if not hmac.compare_digest(item.confirm_hash, _confirm_hash(cfg, item.code, digits.strip())):
        item.confirm_attempts += 1
        audit(db, "citizen", item.code, "confirm.failed", now)
        db.commit()
        left = cfg.limits.confirm_attempts - item.confirm_attempts
        raise WorkflowError(f"Mã xác nhận không đúng; còn {left} lần thử." if left > 0 else
                            "Mã xác nhận không đúng và đã bị vô hiệu; vui lòng gửi lại nội dung.", 422)
    item.state, item.confirm_hash = "received", None
    if isinstance(item, Question):
        item.received_at = now
        item.due = calendar.deadline(now, item.site)
    audit(db, "citizen", item.code, "confirmed", now)
    db.commit()


def add_rating(db: Session, site: str, values: dict, now: dt.datetime) -> Rating:
    r = Rating(site=site, section=values["section"] or "", page=values["page"], score=values["score"],
               remark=values["remark"] or "", created_at=now)
    db.add(r)
    db.commit()
    return r


def add_survey(db: Session, site: str, values: dict, now: dt.datetime, keys) -> SurveyResponse:
    s = SurveyResponse(site=site, remark=values["remark"] or "", created_at=now, **{k: values.get(k) for k in keys})
    db.add(s)
    db.commit()
    return s


# --- the board's steps ------------------------------------------------------------------

def require_board(user: User, site: str) -> None:
    """403 unless *user* belongs to *site*'s board."""
    if site not in user.board_ids:
        raise WorkflowError("Bạn không thuộc Ban Biên tập phụ trách nội dung này.", 403)


def get_question(db: Session, user: User, code: str) -> Question:
    """The question *code* if *user* may see it (404 otherwise: a code of another board is not revealed)."""
    q = db.scalar(select(Question).where(Question.code == code))
    if q is None or q.site not in user.board_ids or q.state == "unconfirmed":
        raise WorkflowError("Không tìm thấy câu hỏi có mã này trong các Ban Biên tập của bạn.", 404)
    return q


def _state(q: Question | Comment, *allowed: str) -> None:
    if q.state not in allowed:
        raise WorkflowError(f"Không thể thực hiện ở trạng thái hiện tại ({STATE_LABELS.get(q.state, q.state)}); "
                            "tải lại trang để xem trạng thái mới nhất.", 409)


def classify(db: Session, user: User, q: Question, decision: str, now: dt.datetime, calendar: WorkingCalendar,
             network: Network, *, target: str = "", duplicate_of: str = "", note: str = "") -> None:
    """accept | duplicate (of an earlier code of the board) | forward (to *target*'s board) | reject."""
    require_board(user, q.site)
    _state(q, "received", "accepted", "assigned")
    if decision == "accept":
        q.state = "accepted"
    elif decision == "duplicate":
        other = db.scalar(select(Question).where(Question.code == duplicate_of.strip().upper()))
        if other is None or other.code == q.code or other.site != q.site:
            raise WorkflowError("Mã câu hỏi trùng không có trong cùng Ban Biên tập.", 422)
        q.state, q.duplicate_of = "duplicate", other.code
    elif decision == "forward":
        if target not in network or target == q.site:
            raise WorkflowError("Chọn một cổng thông tin khác để chuyển câu hỏi.", 422)
        q.forwarded_from, q.forwarded_at, q.site = q.site, now, target
        q.state, q.assignee_id = "received", None
        q.due = calendar.deadline(now, target)
    elif decision == "reject":
        if not note.strip():
            raise WorkflowError("Ghi rõ lý do không thuộc phạm vi trả lời.", 422)
        q.state = "rejected"
    else:
        raise WorkflowError("Cách phân loại không hợp lệ.", 422)
    q.note = note.strip()[:2000]
    audit(db, user.login, q.code, f"question.{decision}", now,
          f"to={target}" if decision == "forward" else (f"of={q.duplicate_of}" if decision == "duplicate" else ""))
    db.commit()


def assign(db: Session, user: User, q: Question, assignee_login: str, now: dt.datetime) -> None:
    require_board(user, q.site)
    _state(q, "accepted", "assigned", "answered")
    person = db.scalar(select(User).where(User.login == assignee_login))
    if person is None or q.site not in person.board_ids:
        raise WorkflowError("Người được phân công phải thuộc Ban Biên tập của cổng này.", 422)
    q.assignee_id, q.state = person.id, "assigned" if q.state != "answered" else q.state
    audit(db, user.login, q.code, "question.assigned", now, f"to={person.login}")
    db.commit()


def answer(db: Session, user: User, q: Question, text: str, unit: str, now: dt.datetime, max_len: int) -> None:
    require_board(user, q.site)
    _state(q, "accepted", "assigned", "answered")
    text, unit = text.strip(), unit.strip()
    if not text:
        raise WorkflowError("Vui lòng nhập nội dung trả lời.", 422)
    if len(text) > max_len:
        raise WorkflowError(f"Nội dung trả lời dài quá {max_len} ký tự.", 422)
    if not unit or len(unit) > 200:
        raise WorkflowError("Vui lòng ghi đơn vị trả lời (tối đa 200 ký tự).", 422)
    q.answer, q.answered_by, q.answered_at, q.state = text, unit, now, "answered"
    audit(db, user.login, q.code, "question.answered", now)
    db.commit()


def approve(db: Session, cfg: ServiceConfig, network: Network, user: User, q: Question, now: dt.datetime) -> None:
    """A leader of the board approves the answer: the Q&A file is committed on ``hoi-dap/<site>/<code>``."""
    require_board(user, q.site)
    if user.role != "leader":
        raise WorkflowError("Chỉ lãnh đạo Ban Biên tập được duyệt câu trả lời.", 403)
    _state(q, "answered")
    q.approved_at, q.approved_by_id = now, user.id
    rel, text = publish.question_file(q, ZoneInfo(network.timezone), network.site(q.site).name("vi"))
    try:
        done = publish.commit_file(cfg.root, rel, text, f"hoi-dap/{q.site}/{q.code.lower()}",
                                   f"Hỏi đáp {q.code}: trả lời đã duyệt ({q.site})", base=cfg.git_base,
                                   remote=cfg.git_remote, push=cfg.git_push)
    except publish.PublishError as exc:
        db.rollback()
        raise WorkflowError(str(exc), 500) from exc
    q.state, q.branch, q.path = "approved", done.branch, rel
    audit(db, user.login, q.code, "question.approved", now, f"branch={done.branch} commit={done.commit[:12]}")
    if done.push_error:
        audit(db, "system", q.code, "push.failed", now, done.push_error)
    db.commit()


def moderate(db: Session, cfg: ServiceConfig, network: Network, user: User, c: Comment, decision: str,
             now: dt.datetime, note: str = "") -> None:
    """approve (committed on ``gop-y/<site>/<code>``, shown on the draft's page after the merge) or reject."""
    require_board(user, c.site)
    _state(c, "received")
    if decision == "reject":
        c.state = "rejected"
    elif decision == "approve":
        c.moderated_at = now
        rel, text = publish.comment_file(c, ZoneInfo(network.timezone))
        try:
            done = publish.commit_file(cfg.root, rel, text, f"gop-y/{c.site}/{c.code.lower()}",
                                       f"Góp ý {c.code} cho dự thảo {c.draft}: đã duyệt ({c.site})",
                                       base=cfg.git_base, remote=cfg.git_remote, push=cfg.git_push)
        except publish.PublishError as exc:
            db.rollback()
            raise WorkflowError(str(exc), 500) from exc
        c.state, c.branch, c.path = "approved", done.branch, rel
    else:
        raise WorkflowError("Cách xử lý góp ý không hợp lệ.", 422)
    c.moderated_at, c.moderated_by_id, c.note = now, user.id, note.strip()[:2000]
    audit(db, user.login, c.code, f"comment.{decision}d" if decision == "approve" else "comment.rejected", now)
    db.commit()


def sync_published(db: Session, cfg: ServiceConfig, now: dt.datetime, sites: list[str] | None = None,
                   code: str | None = None) -> int:
    """Mark approved items (of *sites*, or the one *code*) whose file is now in the base branch as published."""
    n = 0
    for model in (Question, Comment):
        query = select(model).where(model.state == "approved", model.path.is_not(None))
        if sites is not None:
            query = query.where(model.site.in_(sites))
        if code is not None:
            query = query.where(model.code == code)
        for item in db.scalars(query):
            if publish.in_base(cfg.root, item.path, cfg.git_base):
                item.state = "published"
                if isinstance(item, Question):
                    item.published_at = now
                audit(db, "system", item.code, "published", now)
                n += 1
    if n:
        db.commit()
    return n


# --- lists ------------------------------------------------------------------------------

def open_questions(db: Session, sites: list[str]) -> list[Question]:
    """The questions the boards of *sites* still owe an answer, the earliest deadline first."""
    query = select(Question).where(Question.site.in_(sites), Question.state.in_(OPEN_STATES))
    return list(db.scalars(query.order_by(Question.due, Question.id)))


def overdue(questions: list[Question], today: dt.date) -> list[Question]:
    return [q for q in questions if q.due is not None and q.due < today]


def due_soon(questions: list[Question], today: dt.date, calendar: WorkingCalendar) -> list[Question]:
    return [q for q in questions if q.due is not None and calendar.due_soon(q.due, today)]


STATE_LABELS = {
    "unconfirmed": "Chờ xác nhận thư điện tử",
    "received": "Đã tiếp nhận",
    "accepted": "Đã phân loại",
    "assigned": "Đã phân công",
    "answered": "Đã có câu trả lời, chờ duyệt",
    "approved": "Đã duyệt, chờ đăng",
    "published": "Đã trả lời",
    "duplicate": "Trùng câu hỏi đã có",
    "rejected": "Không thuộc phạm vi trả lời",
}
#: what a citizen sees of each state on the status page (no internal detail)
PUBLIC_STATES = {
    "unconfirmed": "Chờ xác nhận thư điện tử",
    "received": "Đang xử lý",
    "accepted": "Đang xử lý",
    "assigned": "Đang xử lý",
    "answered": "Đang xử lý",
    "approved": "Đã trả lời, chờ đăng tải",
    "published": "Đã trả lời",
    "duplicate": "Đã trả lời (trùng câu hỏi đã có)",
    "rejected": "Không thuộc phạm vi trả lời",
}

