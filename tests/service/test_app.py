"""The service over HTTP (Starlette's test client on the real app and SQLite): bad input, sessions, CSRF, limits, mail.

Every refusal is a Vietnamese message with a 4xx status and leaves nothing stored.
"""

from __future__ import annotations

import datetime as dt
import re
import socket

import pytest
from sqlalchemy import func, select

from portal.service import accounts, db
from portal.service.app import create_app
from portal.service.config import load_config
from portal.service.models import AuditEntry, Question, Rating, SurveyResponse

from .conftest import PASSWORD, RECEIVED, Clock, csrf_of

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

FORM = {"kind": "question", "name": "Phạm Văn Đức", "address": "Thôn Bắc, xã Một", "phone": "0987 654 321",
        "email": "duc@example.vn", "subject": "Hỏi về hồ sơ cấp giấy phép xây dựng nhà ở",
        "body": "Xin hỏi thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ cần những giấy tờ gì?", "consent": "1"}


class Env:
    def __init__(self, root, **cfg_changes):
        from starlette.testclient import TestClient

        self.cfg = load_config(root, env={}, db_url=f"sqlite:///{root / 'var' / 'service.sqlite3'}")
        for k, v in cfg_changes.items():
            setattr(self.cfg, k, v)
        db.migrate(self.cfg.db_url)
        self.clock = Clock()
        self.app = create_app(self.cfg, clock=self.clock)
        self.svc = self.app.state.service
        self.client = TestClient(self.app, base_url="http://xa-mot.localhost")
        self.TestClient = TestClient

    def other(self, host: str = "xa-mot.localhost"):
        return self.TestClient(self.app, base_url=f"http://{host}")

    def count(self, model) -> int:
        with self.svc.sessions() as s:
            return s.scalar(select(func.count()).select_from(model))

    def user(self, login: str, role: str, sites: list[str]) -> None:
        with self.svc.sessions() as s:
            accounts.create_user(s, self.svc.network, login=login, name=login, password=PASSWORD, role=role,
                                 sites=sites, now=self.clock())

    def login(self, client, login: str, password: str = PASSWORD):
        token = csrf_of(client.get("/api/quan-tri/dang-nhap").text)
        return client.post("/api/quan-tri/dang-nhap", data={"csrf": token, "login": login, "password": password},
                           follow_redirects=False)


@pytest.fixture
def env(proj):
    return Env(proj)


def ask(client, **changes):
    return client.post("/api/hoi-dap/gui", data={**FORM, **changes}, follow_redirects=False)


def test_a_question_gets_a_code_and_a_deadline(env):
    r = ask(env.client)
    assert r.status_code == 303
    code = r.headers["location"].rsplit("/", 1)[1]
    receipt = env.client.get(r.headers["location"])
    assert receipt.status_code == 200 and code in receipt.text
    assert 'data-due="2026-05-12"' in receipt.text and "10 ngày làm việc" in receipt.text
    status = env.client.get(f"/api/hoi-dap/trang-thai?ma={code.lower()}").json()
    assert status["state"] == "received" and status["label"] == "Đang xử lý" and status["due"] == "2026-05-12"
    assert "duc@example.vn" not in str(status) and "Phạm" not in receipt.text
    page = env.client.get(f"/api/hoi-dap/tra-cuu?ma={code}")
    assert "Đang xử lý" in page.text and "Phạm Văn Đức" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    # sent to another portal's board through the agency field
    r = ask(env.client, agency="xa-hai")
    with env.svc.sessions() as s:
        q = s.scalar(select(Question).where(Question.code == r.headers["location"].rsplit("/", 1)[1]))
        assert (q.site, q.received_site, q.due) == ("xa-hai", "xa-mot", dt.date(2026, 5, 6))


@pytest.mark.parametrize("changes, field, message", [
    ({"name": ""}, "name", "Vui lòng nhập họ và tên."),
    ({"subject": "  "}, "subject", "Vui lòng nhập tiêu đề."),
    ({"body": "x" * 8001}, "body", "Nội dung câu hỏi dài quá 8000 ký tự (hiện có 8001); vui lòng rút gọn."),
    ({"kind": "feedback", "email": ""}, "email", "Vui lòng nhập thư điện tử."),
    ({"email": "không-phải-thư"}, "email", "Địa chỉ thư điện tử không đúng định dạng"),
    ({"phone": "gọi tôi"}, "phone", "Số điện thoại chỉ gồm chữ số"),
    ({"agency": "khong-co"}, "agency", "Cơ quan nhận không có trong danh sách cổng thông tin."),
    ({"website": "http://spam.example"}, "", "Không thể nhận nội dung này."),
])
def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_stored(env, changes, field, message):
    r = ask(env.client, **changes)
    assert r.status_code == 422
    assert message in r.text and 'role="alert"' in r.text
    assert 'action="/api/hoi-dap/gui"' in r.text  # the form again, with what was typed
    if field in ("name", "subject", "email", "phone"):
        assert 'aria-invalid="true"' in r.text
    assert env.count(Question) == 0 and env.count(AuditEntry) == 0


def test_oversized_cross_origin_unknown_host_and_wrong_codes(env):
    big = env.client.post("/api/hoi-dap/gui", content=b"a=" + b"x" * 70000,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413 and "Nội dung gửi quá lớn" in big.text
    forged = env.client.post("/api/hoi-dap/gui", data=FORM, headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403 and "Biểu mẫu phải được gửi từ chính trang" in forged.text
    cross = env.client.post("/api/hoi-dap/gui", data=FORM, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    unknown = env.other("khong-co.localhost").post("/api/hoi-dap/gui", data=FORM)
    assert unknown.status_code == 404 and "không thuộc cổng thông tin nào" in unknown.text
    assert env.count(Question) == 0
    wrong = env.client.get("/api/hoi-dap/tra-cuu?ma=HD-2345-6789")
    assert wrong.status_code == 404 and "Không tìm thấy mã HD-2345-6789" in wrong.text
    malformed = env.client.get("/api/hoi-dap/bien-nhan/../../etc")
    assert malformed.status_code == 404
    assert env.client.get("/api/hoi-dap/trang-thai?ma=xyz").json()["error"].startswith("Mã theo dõi không đúng định dạng")
    assert env.client.get("/api/khong-co").status_code == 404


def test_rate_limits_per_client(env):
    env.cfg.limits.submissions = 2
    env.cfg.limits.ratings = 1
    assert ask(env.client).status_code == 303 and ask(env.client).status_code == 303
    third = ask(env.client)
    assert third.status_code == 429 and "quá nhiều lần" in third.text
    assert env.count(Question) == 2
    other = env.client.post("/api/hoi-dap/gui", data=FORM, headers={"X-Forwarded-For": "127.9.9.9"},
                            follow_redirects=False)
    assert other.status_code == 429  # the test client is not a trusted proxy: X-Forwarded-For is ignored
    rating = {"score": "5", "page": "/tin-tuc/tin-dau-tien-cua-xa-mot/", "section": "tin-tuc"}
    first = env.client.post("/api/danh-gia", data=rating, headers={"Accept": "application/json"})
    assert first.json() == {"ok": True, "message": "Cảm ơn bạn đã đánh giá."}
    again = env.client.post("/api/danh-gia", data=rating, headers={"Accept": "application/json"})
    assert again.status_code == 429 and env.count(Rating) == 1


def test_ratings_and_the_survey_without_javascript(env):
    r = env.client.post("/api/danh-gia", data={"score": "4", "remark": "Dễ hiểu", "page": "/tin-tuc/a/",
                                               "section": "tin-tuc"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/api/cam-on?trang=/tin-tuc/a/"
    assert 'href="/tin-tuc/a/"' in env.client.get(r.headers["location"]).text
    bad = env.client.post("/api/danh-gia", data={"score": "9", "page": "//evil.example/"})
    assert bad.status_code == 422 and "phải là một số từ 1 đến 5" in bad.text and "Trang được đánh giá không hợp lệ" in bad.text
    assert env.client.get("/api/cam-on?trang=//evil.example").text.count('href="/"') >= 1
    empty = env.client.post("/api/khao-sat", data={"remark": ""})
    assert empty.status_code == 422 and "ít nhất một tiêu chí" in empty.text
    ok = env.client.post("/api/khao-sat", data={"speed": "5", "layout": "4"}, follow_redirects=False)
    assert ok.status_code == 303 and env.count(SurveyResponse) == 1 and env.count(Rating) == 1


def test_similar_questions_already_answered(env):
    r = env.client.get("/api/hoi-dap/tuong-tu", params={"q": "thủ tục cấp giấy phép xây dựng nhà ở"})
    results = r.json()["results"]
    assert results and results[0]["url"] == "/hoi-dap/thu-tuc-cap-giay-phep-xay-dung-nha-o-rieng-le-tai-xa/"
    assert all(x["url"].startswith("/hoi-dap/") for x in results)
    assert env.client.get("/api/hoi-dap/tuong-tu", params={"q": "ngắn"}).json() == {"results": []}


def test_back_office_login_lockout_csrf_and_expired_sessions(env):
    env.user("bien-tap", "editor", ["xa-mot"])
    env.user("lanh-dao-tinh", "leader", ["tinh"])
    code = ask(env.client).headers["location"].rsplit("/", 1)[1]
    staff = env.other()
    assert staff.get("/api/quan-tri/", follow_redirects=False).headers["location"] == "/api/quan-tri/dang-nhap"
    wrong = env.login(staff, "bien-tap", "sai-mat-khau")
    assert wrong.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng." in wrong.text
    forged_login = staff.post("/api/quan-tri/dang-nhap", data={"csrf": "gia", "login": "bien-tap", "password": PASSWORD})
    assert forged_login.status_code == 403 and "Mã chống giả mạo" in forged_login.text

    assert env.login(staff, "bien-tap").status_code == 303
    home = staff.get("/api/quan-tri/")
    assert code in home.text and "Sắp đến hạn" in home.text
    token = csrf_of(home.text)
    page = staff.get(f"/api/quan-tri/cau-hoi/{code}")
    assert "duc@example.vn" in page.text and page.headers["cache-control"] == "no-store"
    forged = staff.post(f"/api/quan-tri/cau-hoi/{code}/phan-loai", data={"csrf": token + "x", "decision": "accept"})
    assert forged.status_code == 403 and "Mã chống giả mạo của biểu mẫu không hợp lệ" in forged.text
    with env.svc.sessions() as s:
        assert s.scalar(select(Question.state).where(Question.code == code)) == "received"
    ok = staff.post(f"/api/quan-tri/cau-hoi/{code}/phan-loai", data={"csrf": token, "decision": "accept"},
                    follow_redirects=False)
    assert ok.status_code == 303
    empty = staff.post(f"/api/quan-tri/cau-hoi/{code}/tra-loi", data={"csrf": token, "answer": "", "unit": "UBND"})
    assert empty.status_code == 422 and "Vui lòng nhập nội dung trả lời." in empty.text
    staff.post(f"/api/quan-tri/cau-hoi/{code}/tra-loi", data={"csrf": token, "answer": "Cần đơn và bản vẽ.", "unit": "UBND xã Một"})
    not_leader = staff.post(f"/api/quan-tri/cau-hoi/{code}/duyet", data={"csrf": token})
    assert not_leader.status_code == 403 and "Chỉ lãnh đạo Ban Biên tập được duyệt" in not_leader.text

    # a leader of the province's board: the commune's item does not exist for them
    province = env.other()
    env.login(province, "lanh-dao-tinh")
    ptoken = csrf_of(province.get("/api/quan-tri/").text)
    assert code not in province.get("/api/quan-tri/").text
    outsider = province.post(f"/api/quan-tri/cau-hoi/{code}/duyet", data={"csrf": ptoken})
    assert outsider.status_code == 404 and "Không tìm thấy câu hỏi có mã này" in outsider.text
    with env.svc.sessions() as s:
        assert s.scalar(select(Question.state).where(Question.code == code)) == "answered"

    # the session expires after the idle time
    env.cfg.idle_seconds = 0
    expired = staff.post(f"/api/quan-tri/cau-hoi/{code}/phan-cong", data={"csrf": token, "assignee": "bien-tap"})
    assert expired.status_code == 401 and "Phiên đăng nhập đã hết hạn" in expired.text
    env.cfg.idle_seconds = 1800
    assert staff.get("/api/quan-tri/", follow_redirects=False).status_code == 303  # logged out

    # five wrong passwords lock the account, even against the right one
    for _ in range(5):
        last = env.login(staff, "bien-tap", "sai")
    assert "tài khoản bị tạm khóa" in last.text
    locked = env.login(staff, "bien-tap")
    assert locked.status_code == 401 and "Tài khoản tạm khóa" in locked.text
    env.clock.advance(minutes=16)
    assert env.login(staff, "bien-tap").status_code == 303


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_email_confirmation_with_a_local_smtp_server(proj):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = Env(proj)
        env.cfg.smtp.host, env.cfg.smtp.port = "127.0.0.1", port
        env.clock.now = RECEIVED.astimezone(dt.UTC)
        r = ask(env.client)
        code = r.headers["location"].rsplit("/", 1)[1]
        assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["duc@example.vn"]
        import email

        body = email.message_from_string(inbox.messages[0][1]).get_payload(decode=True).decode("utf-8")
        digits = re.search(r"\b(\d{6})\b", body).group(1)
        receipt = env.client.get(f"/api/hoi-dap/bien-nhan/{code}")
        assert "Chờ xác nhận thư điện tử" in receipt.text and "xac-nhan" in receipt.text
        wrong = env.client.post(f"/api/hoi-dap/xac-nhan/{code}", data={"digits": "000000" if digits != "000000" else "111111"})
        assert wrong.status_code == 422 and "Mã xác nhận không đúng; còn 4 lần thử." in wrong.text
        env.clock.advance(days=1)  # confirmed on Friday 24 April: the deadline counts from then
        assert env.client.post(f"/api/hoi-dap/xac-nhan/{code}", data={"digits": digits},
                               follow_redirects=False).status_code == 303
        status = env.client.get(f"/api/hoi-dap/trang-thai?ma={code}").json()
        assert status["state"] == "received" and status["due"] == "2026-05-13"
    finally:
        controller.stop()
