"""The Starlette application: public endpoints under ``/api/`` and the back office under ``/api/quan-tri/``.

Public (no login; forms work without JavaScript: POST → 303 to a page):

==========================================  ==========================================================
``POST /api/hoi-dap/gui``                   a question or feedback → 303 ``/api/hoi-dap/bien-nhan/CODE``
``GET  /api/hoi-dap/bien-nhan/CODE``        the receipt: tracking code, deadline (and the e-mail code form)
``POST /api/hoi-dap/xac-nhan/CODE``         the e-mail confirmation code
``GET  /api/hoi-dap/tra-cuu?ma=CODE``       the status page (no personal data); ``/trang-thai`` gives JSON
``GET  /api/hoi-dap/tuong-tu?q=TEXT``       similar questions already answered (JSON, the editors' index)
``POST /api/du-thao/gop-y``                 a comment on a draft → 303 ``/api/du-thao/bien-nhan/CODE``
``POST /api/danh-gia``                      a page's rating (JSON for ``fetch``, else 303 ``/api/cam-on``)
``POST /api/khao-sat``                      the site survey → 303 ``/api/cam-on``
==========================================  ==========================================================

Every POST is checked for a same-origin ``Origin``/``Sec-Fetch-Site`` (CSRF), for size
(``Content-Length`` at most ``limits.body_bytes``) and against per-client rate limits; a bad
form gets a Vietnamese page listing each problem (422) and nothing is stored. The back office
adds a session (signed cookie, idle timeout) and a CSRF token per session on every form.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import json
import logging
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from portal.model import csp, i18n
from portal.model.sites import Network, load_network
from portal.model.workdays import WorkingCalendar
from portal.service import accounts, db, forms, mail, workflow
from portal.service.config import ServiceConfig
from portal.service.hosts import HostMap
from portal.service.limits import RateLimiter
from portal.service.models import SURVEY_QUESTIONS, Comment, Question, User

HERE = Path(__file__).resolve().parent
log = logging.getLogger("portal.service")
#: the pages' policy as a header (portal.model.csp: the same as every published page's, with frame-ancestors)
CSP = csp.HEADER_POLICY
ADMIN = "/api/quan-tri"
#: seconds between updates of the similar-questions index (answers merged meanwhile appear after it)
INDEX_REFRESH = 1800


class Refusal(Exception):
    """A request refused with a Vietnamese message and a 4xx status, rendered as a page (or JSON)."""

    def __init__(self, message: str, status: int):
        self.message, self.status = message, status


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Service:
    """Everything a request needs: settings, the network, the database, the limits, the templates."""

    def __init__(self, cfg: ServiceConfig, network: Network | None = None, clock=utcnow):
        self.cfg = cfg
        self.network = network or load_network(cfg.root)
        self.hosts = HostMap(self.network)
        self.calendar = WorkingCalendar(self.network)
        self.tz = ZoneInfo(self.network.timezone)
        self.engine = db.make_engine(cfg.db_url, background_checkpoints=True)
        self.sessions = db.sessions(self.engine)
        self.limiter = RateLimiter()
        self._index, self._index_at, self._index_lock = None, 0.0, threading.Lock()
        self._write_lock = threading.Lock() if self.engine.dialect.name == "sqlite" else contextlib.nullcontext()
        self.clock = clock
        # the service's pages first, then the theme's (its interaction/ form partials: the static pages share them)
        theme = cfg.root / "themes" / "portal" / "templates"
        self.env = Environment(loader=FileSystemLoader([str(HERE / "templates"), str(theme)]),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["date_vi"] = lambda v, fmt="long": i18n.format_date(v, "vi", fmt) if v else ""
        self.env.filters["local"] = lambda v: (i18n.format_datetime(v.astimezone(self.tz), "vi", "short")
                                               if v else "")
        self.env.globals.update(STATES=workflow.STATE_LABELS, PUBLIC_STATES=workflow.PUBLIC_STATES,
                                SURVEY=SURVEY_QUESTIONS, ADMIN=ADMIN)

    # --- helpers ------------------------------------------------------------------------

    def site_of(self, request: Request) -> str:
        site = self.hosts.site_for(request.headers.get("host"))
        if site is None:
            raise Refusal("Địa chỉ này không thuộc cổng thông tin nào của mạng lưới.", 404)
        return site

    def page(self, request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
        site = self.hosts.site_for(request.headers.get("host"))
        ctx.setdefault("site", self.network.site(site) if site else None)
        ctx.setdefault("today", self.today())
        html = self.env.get_template(name).render(request=request, **ctx)
        return HTMLResponse(html, status_code=status)

    def today(self) -> dt.date:
        return self.clock().astimezone(self.tz).date()

    def client(self, request: Request) -> str:
        return request.client.host if request.client else "?"

    def same_origin(self, request: Request) -> None:
        """CSRF for forms: a browser's POST must come from this origin (``Origin`` / ``Sec-Fetch-Site``)."""
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site and fetch_site not in ("same-origin", "none"):
            raise Refusal("Biểu mẫu phải được gửi từ chính trang của cổng thông tin.", 403)
        origin = request.headers.get("origin")
        if origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != (request.headers.get("host") or "").lower()):
            raise Refusal("Biểu mẫu phải được gửi từ chính trang của cổng thông tin.", 403)

    def limit(self, request: Request, kind: str, limit: int, window: int, key: str = "") -> None:
        if not self.limiter.hit((kind, key or self.client(request)), limit, window):
            raise Refusal("Bạn đã gửi quá nhiều lần trong thời gian ngắn; vui lòng thử lại sau ít phút.", 429)

    async def form(self, request: Request) -> dict[str, str]:
        """The form's fields (no files), after the same-origin and size checks."""
        self.same_origin(request)
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            raise Refusal("Yêu cầu thiếu độ dài nội dung.", 411)
        if int(length) > self.cfg.limits.body_bytes:
            raise Refusal(f"Nội dung gửi quá lớn (tối đa {self.cfg.limits.body_bytes // 1024} KB).", 413)
        try:
            data = await request.form(max_files=0, max_fields=40, max_part_size=self.cfg.limits.body_bytes)
        except Exception as exc:  # python-multipart's and Starlette's parse errors
            raise Refusal("Biểu mẫu không đọc được; vui lòng gửi lại từ trang của cổng thông tin.", 400) from exc
        return {k: v for k, v in data.items() if isinstance(v, str)}

    # --- public: questions ----------------------------------------------------------------

    async def ask(self, request: Request) -> Response:
        site = self.site_of(request)
        data = await self.form(request)
        try:
            values = forms.question_form(data, self.cfg.limits)
        except forms.FormError as exc:
            return self.page(request, "ask.html", exc.status, errors=exc.errors, values=data,
                             sites=self.network.sites)
        self.limit(request, "submit", self.cfg.limits.submissions, self.cfg.limits.submissions_window)
        try:
            code, digits = await self.write(workflow.submit_question, self.cfg, self.network, self.calendar, site,
                                            values, self.clock(), load=False)
        except forms.FormError as exc:
            return self.page(request, "ask.html", exc.status, errors=exc.errors, values=data,
                             sites=self.network.sites)
        if digits:
            await run_in_threadpool(self.send_code, values["email"], code, digits, site)
        return RedirectResponse(f"/api/hoi-dap/bien-nhan/{code}", status_code=303)

    async def write(self, step, *args, lock: bool = True, **kwargs):
        """Run a storing *step* (db session first) in the thread pool: PostgreSQL commits concurrently;
        SQLite, which has one writer at a time, gets its writes in turn from a lock, not from busy retries."""
        def run():
            with self._write_lock if lock else contextlib.nullcontext(), self.sessions() as s:
                return step(s, *args, **kwargs)
        return await run_in_threadpool(run)

    def send_code(self, to: str, code: str, digits: str, site: str) -> None:
        try:
            mail.send_code(self.cfg.smtp, to, code, digits, self.network.site(site).name("vi"))
        except OSError as exc:  # the item is kept; the sender can ask again by sending it again
            log.warning("confirmation mail for %s not sent: %s", code, exc.__class__.__name__)

    def _item(self, s, model, code: str):
        code = forms.normalise_code(code)
        if not forms.CODE_RE.match(code):
            raise Refusal("Mã theo dõi không đúng định dạng (ví dụ HD-7K3Q-X9MP).", 404)
        item = s.scalar(select(model).where(model.code == code))
        if item is None:
            raise Refusal(f"Không tìm thấy mã {code}. Kiểm tra lại mã trên biên nhận.", 404)
        return item

    def receipt(self, request: Request) -> Response:
        self.limit(request, "lookup", self.cfg.limits.lookups, self.cfg.limits.lookups_window)
        model = Question if request.url.path.startswith("/api/hoi-dap/") else Comment
        with self.sessions() as s:
            item = self._item(s, model, request.path_params["code"])
            return self.page(request, "receipt.html", item=item, is_question=model is Question,
                             target=self.network.site(item.site), days=self.network.answer_days_of(item.site))

    async def confirm(self, request: Request) -> Response:
        data = await self.form(request)
        model = Question if request.url.path.startswith("/api/hoi-dap/") else Comment
        self.limit(request, "confirm", self.cfg.limits.lookups, self.cfg.limits.lookups_window)
        return await run_in_threadpool(self._confirm, request, data, model)

    def _confirm(self, request: Request, data: dict[str, str], model) -> Response:
        with self._write_lock, self.sessions() as s:
            item = self._item(s, model, request.path_params["code"])
            try:
                workflow.confirm(s, self.cfg, self.calendar, item, str(data.get("digits", ""))[:12], self.clock())
            except workflow.WorkflowError as exc:
                return self.page(request, "receipt.html", exc.status, item=item, is_question=model is Question,
                                 target=self.network.site(item.site), error=exc.message,
                                 days=self.network.answer_days_of(item.site))
        prefix = "hoi-dap" if model is Question else "du-thao"
        return RedirectResponse(f"/api/{prefix}/bien-nhan/{item.code}", status_code=303)

    def _status(self, s, code: str) -> dict:
        q = self._item(s, Question, code)
        if q.state == "approved":  # merged since? (one `git cat-file`)
            workflow.sync_published(s, self.cfg, self.clock(), [q.site], code=q.code)
        site = self.network.site(q.site)
        url = f"/hoi-dap/{q.code.lower()}/" if q.state == "published" else ""
        return {"code": q.code, "state": q.state, "label": workflow.PUBLIC_STATES[q.state],
                "received": q.received_at.astimezone(self.tz).date().isoformat(),
                "due": q.due.isoformat() if q.due else None,
                "answered": q.approved_at.astimezone(self.tz).date().isoformat() if q.approved_at else None,
                "site": site.id, "site_name": site.name("vi"), "site_url": site.url, "url": url,
                "duplicate_of": q.duplicate_of, "forwarded": bool(q.forwarded_from)}

    def lookup(self, request: Request) -> Response:
        self.limit(request, "lookup", self.cfg.limits.lookups, self.cfg.limits.lookups_window)
        code = request.query_params.get("ma", "")
        with self.sessions() as s:
            if not code.strip():
                return self.page(request, "lookup.html", result=None)
            try:
                status = self._status(s, code)
            except Refusal as exc:
                return self.page(request, "lookup.html", exc.status, result=None, error=exc.message, code=code)
        return self.page(request, "lookup.html", result=status, code=status["code"])

    def status_json(self, request: Request) -> Response:
        try:
            self.limit(request, "lookup", self.cfg.limits.lookups, self.cfg.limits.lookups_window)
            with self.sessions() as s:
                return JSONResponse(self._status(s, request.query_params.get("ma", "")),
                                    headers={"Cache-Control": "no-store"})
        except Refusal as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)

    def similar(self, request: Request) -> Response:
        """Answered questions like the text being typed (title, URL, similarity 0–1), at most 5."""
        try:
            self.limit(request, "lookup", self.cfg.limits.lookups, self.cfg.limits.lookups_window)
            site = self.site_of(request)
        except Refusal as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        text = forms.clean(request.query_params.get("q", ""))[:500]
        if len(text) < 8:
            return JSONResponse({"results": []})
        index = self.similar_index()
        hits = index.similar_text(text, site=site, limit=5, category="hoi-dap")
        results = []
        for h in hits:
            url = workflow.post_url(self.network, h.path, h.site)
            if url:
                results.append({"title": h.title, "url": url, "score": round(h.score, 2)})
        return JSONResponse({"results": results})

    def similar_index(self):
        """The editors' Whoosh index, opened once and brought up to date at most every 30 minutes."""
        from portal.stages.search.editor import EditorIndex

        with self._index_lock:
            if self._index is None:
                self._index = EditorIndex.open(self.network, update=True)
                self._index_at = time.monotonic()
            elif time.monotonic() - self._index_at > INDEX_REFRESH:
                self._index.update()
                self._index_at = time.monotonic()
            return self._index

    # --- public: comments, ratings, survey ----------------------------------------------------

    async def comment(self, request: Request) -> Response:
        site = self.site_of(request)
        data = await self.form(request)
        try:
            values = forms.comment_form(data, self.cfg.limits)
            self.limit(request, "submit", self.cfg.limits.submissions, self.cfg.limits.submissions_window)
            c, digits = await self.write(workflow.submit_comment, self.cfg, self.network, site, values, self.clock())
            code = c.code
        except forms.FormError as exc:
            draft = workflow.drafts_of(self.network, site).get(str(data.get("draft", "")))
            return self.page(request, "comment.html", exc.status, errors=exc.errors, values=data, draft=draft)
        if digits:
            await run_in_threadpool(self.send_code, values["email"], code, digits, site)
        return RedirectResponse(f"/api/du-thao/bien-nhan/{code}", status_code=303)

    def _wants_json(self, request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "")

    async def rate(self, request: Request) -> Response:
        site = self.site_of(request)
        data = await self.form(request)
        try:
            values = forms.rating_form(data, self.cfg.limits)
        except forms.FormError as exc:
            if self._wants_json(request):
                return JSONResponse({"errors": exc.errors}, status_code=exc.status)
            return self.page(request, "thanks.html", exc.status, errors=exc.errors, back=None)
        self.limit(request, "rate", self.cfg.limits.ratings, self.cfg.limits.ratings_window)
        await self.write(workflow.add_rating, site, values, self.clock())
        if self._wants_json(request):
            return JSONResponse({"ok": True, "message": "Cảm ơn bạn đã đánh giá."})
        return RedirectResponse(f"/api/cam-on?trang={values['page']}", status_code=303)

    async def survey(self, request: Request) -> Response:
        site = self.site_of(request)
        data = await self.form(request)
        try:
            values = forms.survey_form(data, self.cfg.limits, SURVEY_QUESTIONS)
        except forms.FormError as exc:
            return self.page(request, "thanks.html", exc.status, errors=exc.errors, back="/hoi-dap/khao-sat/")
        self.limit(request, "rate", self.cfg.limits.ratings, self.cfg.limits.ratings_window)
        await self.write(workflow.add_survey, site, values, self.clock(), SURVEY_QUESTIONS)
        return RedirectResponse("/api/cam-on?trang=/", status_code=303)

    def thanks(self, request: Request) -> Response:
        back = request.query_params.get("trang", "/")
        if not back.startswith("/") or back.startswith("//") or "\\" in back:
            back = "/"
        return self.page(request, "thanks.html", back=back[:300], errors=None)

    # --- the back office ----------------------------------------------------------------

    def csrf(self, request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return token

    def check_csrf(self, request: Request, data: dict[str, str]) -> None:
        self.same_origin(request)
        token = request.session.get("csrf") or ""
        if not token or not hmac.compare_digest(token, str(data.get("csrf", ""))):
            raise Refusal("Mã chống giả mạo của biểu mẫu không hợp lệ hoặc phiên đã hết hạn; "
                          "tải lại trang rồi thử lại.", 403)

    def user(self, request: Request, s) -> User:
        """The logged-in person; 401 when there is no session or it expired (idle or too old)."""
        uid, seen, start = (request.session.get(k) for k in ("uid", "seen", "start"))
        now = time.time()
        if not uid:
            raise Refusal("Phiên đăng nhập đã hết hạn hoặc bạn chưa đăng nhập; vui lòng đăng nhập lại.", 401)
        if now - float(seen or 0) > self.cfg.idle_seconds or now - float(start or 0) > self.cfg.session_seconds:
            request.session.clear()
            raise Refusal("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.", 401)
        user = s.get(User, int(uid))
        if user is None or not user.active:
            request.session.clear()
            raise Refusal("Tài khoản không còn hiệu lực.", 401)
        request.session["seen"] = now
        return user

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self.page(request, "quan-tri/login.html", csrf=self.csrf(request), error=None)
        data = await self.form(request)
        self.check_csrf(request, data)
        self.limit(request, "login", 20, 600)
        try:  # argon2 takes tens of milliseconds: in the thread pool, without holding SQLite's write turn
            user = await self.write(accounts.authenticate, str(data.get("login", ""))[:64],
                                    str(data.get("password", ""))[:200], self.clock(), self.cfg.limits, lock=False)
        except accounts.AccountError as exc:
            return self.page(request, "quan-tri/login.html", 401, csrf=self.csrf(request), error=str(exc))
        request.session.clear()
        request.session.update(uid=user.id, start=time.time(), seen=time.time(), csrf=secrets.token_urlsafe(32))
        return RedirectResponse(f"{ADMIN}/", status_code=303)

    async def logout(self, request: Request) -> Response:
        data = await self.form(request)
        self.check_csrf(request, data)
        request.session.clear()
        return RedirectResponse(f"{ADMIN}/dang-nhap", status_code=303)

    def dashboard(self, request: Request) -> Response:
        with self.sessions() as s:
            user = self.user(request, s)
            boards = user.board_ids
            workflow.sync_published(s, self.cfg, self.clock(), boards)
            site = request.query_params.get("cong")
            sites = [site] if site in boards else boards
            open_q = workflow.open_questions(s, sites)
            today = self.today()
            comments = list(s.scalars(select(Comment).where(Comment.site.in_(sites), Comment.state == "received")
                                      .order_by(Comment.id)))
            recent = list(s.scalars(select(Question).where(Question.site.in_(sites),
                                                           Question.state.in_(("approved", "published")))
                                    .order_by(Question.approved_at.desc()).limit(20)))
            return self.page(request, "quan-tri/dashboard.html", user=user, csrf=self.csrf(request),
                             boards=[self.network.site(b) for b in boards if b in self.network], current=site,
                             open=open_q, overdue=workflow.overdue(open_q, today),
                             soon=workflow.due_soon(open_q, today, self.calendar), comments=comments, recent=recent)

    def question_page(self, request: Request, error: str | None = None, status: int = 200) -> Response:
        with self.sessions() as s:
            user = self.user(request, s)
            q = workflow.get_question(s, user, request.path_params["code"])
            members = [u for u in s.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
                       if q.site in u.board_ids]
            history = list(s.scalars(select(workflow.AuditEntry).where(workflow.AuditEntry.item == q.code)
                                     .order_by(workflow.AuditEntry.id)))
            return self.page(request, "quan-tri/question.html", status, user=user, q=q, csrf=self.csrf(request),
                             members=members, history=history, error=error, sites=self.network.sites,
                             target=self.network.site(q.site))

    async def question_action(self, request: Request) -> Response:
        data = await self.form(request)
        self.check_csrf(request, data)
        return await run_in_threadpool(self._question_action, request, data)

    def _question_action(self, request: Request, data: dict[str, str]) -> Response:
        action = request.path_params["action"]
        now = self.clock()
        with self.sessions() as s:
            user = self.user(request, s)
            q = workflow.get_question(s, user, request.path_params["code"])
            try:
                if action == "phan-loai":
                    workflow.classify(s, user, q, data.get("decision", ""), now, self.calendar, self.network,
                                      target=data.get("target", ""), duplicate_of=data.get("duplicate_of", ""),
                                      note=forms.clean(data.get("note", ""), multiline=True))
                elif action == "phan-cong":
                    workflow.assign(s, user, q, data.get("assignee", ""), now)
                elif action == "tra-loi":
                    workflow.answer(s, user, q, forms.clean(data.get("answer", ""), multiline=True),
                                    forms.clean(data.get("unit", "")), now, self.cfg.limits.answer)
                elif action == "duyet":
                    workflow.approve(s, self.cfg, self.network, user, q, now)
                else:
                    raise Refusal("Thao tác không có.", 404)
            except workflow.WorkflowError as exc:
                s.rollback()
                return self.question_page(request, exc.message, exc.status)
            code = q.code
        return RedirectResponse(f"{ADMIN}/cau-hoi/{code}", status_code=303)

    def comment_page(self, request: Request, error: str | None = None, status: int = 200) -> Response:
        with self.sessions() as s:
            user = self.user(request, s)
            c = s.scalar(select(Comment).where(Comment.code == request.path_params["code"]))
            if c is None or c.site not in user.board_ids or c.state == "unconfirmed":
                raise Refusal("Không tìm thấy góp ý có mã này trong các Ban Biên tập của bạn.", 404)
            return self.page(request, "quan-tri/comment.html", status, user=user, c=c, csrf=self.csrf(request),
                             error=error)

    async def comment_action(self, request: Request) -> Response:
        data = await self.form(request)
        self.check_csrf(request, data)
        return await run_in_threadpool(self._comment_action, request, data)

    def _comment_action(self, request: Request, data: dict[str, str]) -> Response:
        decision = {"duyet": "approve", "tu-choi": "reject"}.get(request.path_params["action"])
        if decision is None:
            raise Refusal("Thao tác không có.", 404)
        with self.sessions() as s:
            user = self.user(request, s)
            c = s.scalar(select(Comment).where(Comment.code == request.path_params["code"]))
            if c is None or c.site not in user.board_ids:
                raise Refusal("Không tìm thấy góp ý có mã này trong các Ban Biên tập của bạn.", 404)
            try:
                workflow.moderate(s, self.cfg, self.network, user, c, decision, self.clock(),
                                  forms.clean(data.get("note", ""), multiline=True))
            except workflow.WorkflowError as exc:
                s.rollback()
                return self.comment_page(request, exc.message, exc.status)
            code = c.code
        return RedirectResponse(f"{ADMIN}/gop-y/{code}", status_code=303)

    def health(self, request: Request) -> Response:
        with self.sessions() as s:
            s.scalar(select(func.count()).select_from(User))
        return PlainTextResponse("ok")


def _headers(response: Response, path: str) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if path.startswith(ADMIN) or path.startswith("/api/hoi-dap/") or path.startswith("/api/du-thao/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(cfg: ServiceConfig, network: Network | None = None, clock=utcnow) -> Starlette:
    """The ASGI application of the service for the project *cfg.root* (its database migrated)."""
    svc = Service(cfg, network, clock)

    def guard(handler):
        async def endpoint(request: Request) -> Response:
            try:
                result = handler(request)
                if hasattr(result, "__await__"):
                    result = await result
            except Refusal as exc:
                if exc.status == 401 and request.method == "GET" and request.url.path.startswith(ADMIN):
                    result = RedirectResponse(f"{ADMIN}/dang-nhap", status_code=303)
                elif "application/json" in request.headers.get("accept", ""):
                    result = JSONResponse({"error": exc.message}, status_code=exc.status)
                else:
                    result = svc.page(request, "error.html", exc.status, message=exc.message)
            except workflow.WorkflowError as exc:
                result = svc.page(request, "error.html", exc.status, message=exc.message)
            return _headers(result, request.url.path)
        return endpoint

    def sync(method):  # blocking handlers run in Starlette's thread pool
        async def call(request: Request):
            return await run_in_threadpool(method, request)
        return call

    routes = [
        Route("/api/hoi-dap/gui", guard(svc.ask), methods=["POST"]),
        Route("/api/hoi-dap/bien-nhan/{code}", guard(sync(svc.receipt))),
        Route("/api/hoi-dap/xac-nhan/{code}", guard(svc.confirm), methods=["POST"]),
        Route("/api/hoi-dap/tra-cuu", guard(sync(svc.lookup))),
        Route("/api/hoi-dap/trang-thai", guard(sync(svc.status_json))),
        Route("/api/hoi-dap/tuong-tu", guard(sync(svc.similar))),
        Route("/api/du-thao/gop-y", guard(svc.comment), methods=["POST"]),
        Route("/api/du-thao/bien-nhan/{code}", guard(sync(svc.receipt))),
        Route("/api/du-thao/xac-nhan/{code}", guard(svc.confirm), methods=["POST"]),
        Route("/api/danh-gia", guard(svc.rate), methods=["POST"]),
        Route("/api/khao-sat", guard(svc.survey), methods=["POST"]),
        Route("/api/cam-on", guard(svc.thanks)),
        Route("/api/suc-khoe", guard(sync(svc.health))),
        Route(f"{ADMIN}/dang-nhap", guard(svc.login), methods=["GET", "POST"]),
        Route(f"{ADMIN}/dang-xuat", guard(svc.logout), methods=["POST"]),
        Route(f"{ADMIN}/", guard(sync(svc.dashboard))),
        Route(f"{ADMIN}/cau-hoi/{{code}}", guard(sync(svc.question_page))),
        Route(f"{ADMIN}/cau-hoi/{{code}}/{{action}}", guard(svc.question_action), methods=["POST"]),
        Route(f"{ADMIN}/gop-y/{{code}}", guard(sync(svc.comment_page))),
        Route(f"{ADMIN}/gop-y/{{code}}/{{action}}", guard(svc.comment_action), methods=["POST"]),
        Mount(f"{ADMIN}/tai-nguyen", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    async def not_found(request: Request, exc: HTTPException) -> Response:
        messages = {404: "Không tìm thấy trang này.", 405: "Phương thức không được hỗ trợ cho địa chỉ này."}
        return _headers(svc.page(request, "error.html", exc.status_code,
                                 message=messages.get(exc.status_code, "Yêu cầu không hợp lệ.")), request.url.path)

    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found}, middleware=[
        Middleware(SessionMiddleware, secret_key=cfg.secret_key, session_cookie="portal_qt", path=ADMIN,
                   max_age=cfg.session_seconds, same_site="strict", https_only=cfg.secure_cookies),
    ])
    app.state.service = svc
    return app


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
