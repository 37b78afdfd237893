"""Citizens and a board in a real browser, on `make serve`-style origins (Debian's chromium, Playwright).

The small network is built with the real pipeline and served with the service by the
dispatcher of ``make serve`` (http://<id>.localhost:PORT/ and …/api/ on the same origin).
A citizen asks without JavaScript and gets a code; a board member answers, a leader approves;
the branch holds the Q&A file; after the merge and a build the answer page is published with
no personal data, and the status page says it is answered. The same for a comment on a draft,
and a rating with and without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import shutil
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from ..conftest import NOW, read
from ..gitrepo import MERGER, git, merge
from .conftest import PASSWORD, Clock, service_project

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
CITIZEN = {"name": "Hoàng Thị Mai", "address": "Xóm Chùa, thôn Nam, xã Một", "phone": "0977 111 222",
           "email": "mai.hoang@example.vn"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from portal.service import accounts, db
    from portal.service.config import load_config
    from portal.service.dispatch import create_dispatcher, start_in_thread
    from portal.stages.build import build

    root = service_project(tmp_path_factory.mktemp("browser") / "proj")
    report = build(root, ["xa-mot"], now=NOW, jobs=1, search=False)
    assert report.ok, report.all_problems()
    cfg = load_config(root, env={}, db_url=f"sqlite:///{root / 'var' / 'service.sqlite3'}")
    db.migrate(cfg.db_url)
    clock = Clock(NOW)
    app = create_dispatcher(cfg, root / "output")
    svc = app.service.state.service
    svc.clock = clock
    with svc.sessions() as s:
        for login, role in (("bien-tap", "editor"), ("lanh-dao", "leader")):
            accounts.create_user(s, svc.network, login=login, name=login, password=PASSWORD, role=role,
                                 sites=["xa-mot"], now=clock())
    running = start_in_thread(app, cfg)
    yield root, running.port, svc
    running.stop()


@pytest.fixture(scope="module")
def browser():
    if not shutil.os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visitor:
    """One browser context; records every request's origin (all must be the portal's own)."""

    def __init__(self, browser, port: int, javascript: bool = True):
        self.port = port
        self.context = browser.new_context(java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.origins: set[str] = set()
        self.page.on("request", lambda r: self.origins.add(urlsplit(r.url).netloc))

    def url(self, path: str, site: str = "xa-mot") -> str:
        return f"http://{site}.localhost:{self.port}{path}"

    def open(self, path: str) -> None:
        self.page.goto(self.url(path))

    def login(self, login: str) -> None:
        self.open("/api/quan-tri/dang-nhap")
        self.page.fill("#login", login)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/api/quan-tri/")

    def close(self) -> None:
        self.context.close()
        assert self.origins <= {f"xa-mot.localhost:{self.port}"}, self.origins


def rebuild(root) -> None:
    from portal.stages.build import build

    report = build(root, ["xa-mot"], now=NOW + dt.timedelta(hours=2), jobs=1, search=False)
    assert report.ok, report.all_problems()


def test_a_question_answered_approved_published_and_shown_answered(served, browser):
    root, port, _svc = served
    citizen = Visitor(browser, port, javascript=False)
    citizen.open("/hoi-dap/gui-cau-hoi/")
    for key, value in CITIZEN.items():
        citizen.page.fill(f"#f-{key}", value)
    citizen.page.fill("#f-subject", "Hỏi về thời gian cấp giấy chứng nhận quyền sử dụng đất")
    citizen.page.fill("#f-body", "Tôi là Hoàng Thị Mai, điện thoại 0977111222. Hồ sơ nộp tháng 10 đến nay chưa có kết quả?")
    citizen.page.click("form[action='/api/hoi-dap/gui'] button[type=submit]")
    assert "/api/hoi-dap/bien-nhan/HD-" in citizen.page.url
    code = citizen.page.inner_text(".tracking-code")
    assert citizen.page.get_attribute("[data-due]", "data-due") == "2026-12-07"  # 10 working days from 22 Nov
    citizen.close()

    editor = Visitor(browser, port)
    editor.login("bien-tap")
    editor.page.click(f"text={code}")
    editor.page.click("form[action$='phan-loai'] button")
    editor.page.fill("#answer", "Hồ sơ của bà đã được **chuyển Văn phòng đăng ký đất đai** ngày 20/11; kết quả trả trong tháng 12.")
    editor.page.fill("#unit", "UBND xã Một")
    editor.page.click("form[action$='tra-loi'] button")
    assert editor.page.get_attribute("dd[data-state]", "data-state") == "answered"
    editor.close()
    leader = Visitor(browser, port)
    leader.login("lanh-dao")
    leader.open(f"/api/quan-tri/cau-hoi/{code}")
    leader.page.click("form[action$='duyet'] button")
    assert leader.page.get_attribute("dd[data-state]", "data-state") == "approved"
    leader.close()

    branch = f"hoi-dap/xa-mot/{code.lower()}"
    assert branch in git(root, "branch", "--list", "hoi-dap/*")
    merge(root, branch, f"Duyệt hỏi đáp {code}", "2026-11-22T11:00:00+07:00", MERGER)
    rebuild(root)
    html = read(root / f"output/xa-mot/hoi-dap/{code.lower()}/index.html")
    assert "chuyển Văn phòng đăng ký đất đai" in html and "H.T.M." in html
    for secret in ("Hoàng Thị Mai", "0977", "mai.hoang", "Xóm Chùa"):
        assert secret not in html

    reader = Visitor(browser, port)
    reader.open(f"/hoi-dap/tra-cuu/?ma={code}")
    reader.page.wait_for_selector(".status-result:not([hidden])")
    assert reader.page.inner_text(".status-label") == "Đã trả lời"
    reader.page.click("[data-field=link] a")
    assert reader.page.url.endswith(f"/hoi-dap/{code.lower()}/")
    reader.close()


def test_a_comment_on_a_draft_moderated_and_published_on_its_page(served, browser):
    root, port, _svc = served
    citizen = Visitor(browser, port, javascript=False)
    citizen.open("/du-thao/quy-dinh-cho/")
    citizen.page.fill("#g-part", "Điều 2")
    for key, value in CITIZEN.items():
        citizen.page.fill(f"#g-{key}", value)
    citizen.page.fill("#g-body", "Đề nghị quy định rõ giờ mở cửa chợ vào mùa hè.")
    citizen.page.click("form[action='/api/du-thao/gop-y'] button")
    assert "/api/du-thao/bien-nhan/GY-" in citizen.page.url
    code = citizen.page.inner_text(".tracking-code")
    citizen.close()

    editor = Visitor(browser, port)
    editor.login("bien-tap")
    editor.page.click(f"text={code}")
    editor.page.click("form[action$='duyet'] button")
    assert editor.page.get_attribute("dd[data-state]", "data-state") == "approved"
    editor.close()
    merge(root, f"gop-y/xa-mot/{code.lower()}", f"Duyệt góp ý {code}", "2026-11-22T11:30:00+07:00", MERGER)
    rebuild(root)
    html = read(root / "output/xa-mot/du-thao/quy-dinh-cho/index.html")
    assert "Đề nghị quy định rõ giờ mở cửa chợ vào mùa hè." in html and "H.T.M." in html and "Điều 2" in html
    assert "mai.hoang" not in html and "Hoàng Thị Mai" not in html
    closed = read(root / "output/xa-mot/du-thao/quy-dinh-cu/index.html")
    assert "Đã hết thời gian lấy ý kiến" in closed and "/files/bao-cao.pdf" in closed
    assert 'action="/api/du-thao/gop-y"' not in closed


def test_a_rating_with_and_without_javascript(served, browser):
    root, port, svc = served
    from portal.service.models import Rating

    def count() -> int:
        with svc.sessions() as s:
            return s.scalar(select(func.count()).select_from(Rating))

    before = count()
    path = "/tin-tuc/tin-dau-tien-cua-xa-mot/"
    with_js = Visitor(browser, port)
    with_js.open(path)
    with_js.page.check("input[name=score][value='4']")
    with_js.page.click(".rating-form button")
    with_js.page.wait_for_selector(".rating-message:has-text('Cảm ơn')")  # no string eval: the page's CSP forbids it
    assert with_js.page.inner_text(".rating-message") == "Cảm ơn bạn đã đánh giá."
    assert with_js.page.url == with_js.url(path)
    with_js.close()
    without = Visitor(browser, port, javascript=False)
    without.open(path)
    without.page.check("input[name=score][value='2']")
    without.page.fill("#r-remark", "Thiếu số điện thoại liên hệ")
    without.page.click(".rating-form button")
    assert "/api/cam-on" in without.page.url and "Cảm ơn bạn đã đánh giá" in without.page.content()
    without.close()
    assert count() == before + 2
    with svc.sessions() as s:
        assert [r.score for r in s.scalars(select(Rating).order_by(Rating.id))][-2:] == [4, 2]
    assert "Thông tin này có hữu ích với bạn không?" in read(root / f"output/xa-mot{path}index.html")


def test_the_question_form_shows_similar_answered_questions_while_typing(served, browser):
    _root, port, _svc = served
    citizen = Visitor(browser, port)
    citizen.open("/hoi-dap/gui-cau-hoi/")
    assert citizen.page.is_hidden(".similar-questions")
    citizen.page.type("#f-subject", "Thủ tục cấp giấy phép xây dựng nhà ở")
    citizen.page.wait_for_selector(".similar-questions:not([hidden]) a")
    link = citizen.page.locator(".similar-questions a").first
    assert link.inner_text() == "Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ tại xã"
    assert link.get_attribute("href") == "/hoi-dap/thu-tuc-cap-giay-phep-xay-dung-nha-o-rieng-le-tai-xa/"
    citizen.close()
