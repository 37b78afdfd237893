"""Fixtures of the interaction service's tests: a small committed project, SQLite and a throwaway PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ..conftest import MINI_SITES, make_project, post, write
from ..gitrepo import MERGER, commit, git

#: a Thursday before Vietnam's Reunification Day and Labour Day (30 April, 1 May 2026) and the
#: observed Hùng Kings' day (27 April 2026): ten working days from here cross all three
RECEIVED = dt.datetime(2026, 4, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
PASSWORD = "mat-khau-du-dai-1"

SERVICE_SITES = MINI_SITES.replace("""network:
  home: tinh""", """network:
  home: tinh
  answer_days: 10
  days_off: {2026: [2026-05-04]}
  make_up_days: {2026: [2026-05-09]}""").replace("""    editors: ["@org/btb-xa-hai"]""", """    editors: ["@org/btb-xa-hai"]
    answer_days: 5""")


def service_project(root: Path) -> Path:
    """The mini network with a draft open for comment, a closed one, an answered question; committed."""
    make_project(root, SERVICE_SITES)
    for site in ("tinh", "so-a", "xa-mot", "xa-hai", "phuong-ba"):
        post(root, f"content/sites/{site}/tin-tuc/tin-dau.md", f"Tin đầu tiên của {site}", date="2026-02-01")
    post(root, "content/sites/xa-mot/du-thao/quy-dinh-cho.md", "Dự thảo quy định quản lý chợ xã Một",
         category="du-thao", date="2026-03-01", slug="quy-dinh-cho", comment_from="2026-03-01",
         comment_until="2027-12-31", drafting_agency="Phòng Kinh tế xã Một",
         attachments="[{path: files/du-thao/quy-dinh-cho.pdf, role: draft}]",
         body="## Điều 1\n\nPhạm vi điều chỉnh.\n\n## Điều 2\n\nĐối tượng áp dụng.")
    post(root, "content/sites/xa-mot/du-thao/quy-dinh-cu.md", "Dự thảo quy định đã hết hạn góp ý",
         category="du-thao", date="2026-01-01", slug="quy-dinh-cu", comment_from="2026-01-01",
         comment_until="2026-01-31", report="files/bao-cao.pdf", drafting_agency="Phòng Kinh tế xã Một",
         attachments="[{path: files/du-thao/quy-dinh-cu.pdf, role: draft}]")
    from portal.bench.pdf import write_pdf

    for name in ("quy-dinh-cho", "quy-dinh-cu"):
        write_pdf(root / f"content/sites/xa-mot/files/du-thao/{name}.pdf", ["UBND xã Một", "DỰ THẢO"], "Quy định quản lý chợ", ["Điều 1."])
    write(root / "content/sites/xa-mot/files/bao-cao.pdf", "%PDF-1.4 báo cáo\n")
    post(root, "content/sites/xa-mot/hoi-dap/cap-giay-phep-xay-dung.md",
         "Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ tại xã", category="hoi-dap", date="2026-02-10",
         body="## Câu hỏi\n\nXin hỏi thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ cần hồ sơ gì?\n\n"
              "## Trả lời\n\nHồ sơ gồm đơn đề nghị cấp giấy phép xây dựng, bản vẽ thiết kế và giấy tờ về đất.")
    (root / ".gitignore").write_text("output/\n.cache/\n*.mo\n__pycache__/\nvar/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "Initial content", who=MERGER)
    return root


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL cluster for the session (skipped with the reason when it cannot run)."""
    from portal.service.pgtemp import TempPostgres, available

    reason = available()
    if reason:
        pytest.skip(reason)
    try:
        server = TempPostgres().start()
    except Exception as exc:  # initdb or pg_ctl refused: say why, keep the SQLite tests
        pytest.skip(f"PostgreSQL could not start: {exc}")
    yield server
    server.stop()


def fresh_pg_database(server, name: str) -> str:
    """A new empty database in the session's cluster; its URL."""
    import psycopg

    with psycopg.connect(host=str(server.dir), user="postgres", dbname="portal", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@/{name}?host={server.dir}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    return fresh_pg_database(server, re.sub(r"\W", "_", request.node.name.lower())[:50])


@pytest.fixture(scope="session")
def proj_template(tmp_path_factory) -> Path:
    return service_project(tmp_path_factory.mktemp("svc-template") / "proj")


@pytest.fixture
def proj(tmp_path, proj_template) -> Path:
    """A fresh copy of the committed project (its own Git repository)."""
    import shutil

    return Path(shutil.copytree(proj_template, tmp_path / "proj", symlinks=True))


@pytest.fixture(scope="module")
def module_proj(tmp_path_factory) -> Path:
    return service_project(tmp_path_factory.mktemp("svc") / "proj")


class Clock:
    """A settable clock for the service (aware UTC datetimes)."""

    def __init__(self, now: dt.datetime = RECEIVED):
        self.now = now.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)
