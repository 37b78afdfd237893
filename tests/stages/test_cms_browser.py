"""The web editor in a real browser (issue 18): Decap CMS on a `make serve`-style origin with its local backend.

A temporary copy of the project (never the repository's content/) is served as ``make serve`` does
(``portal service run --sites output --editor``: the built site, the service, and ``/admin/api/v1``
forwarded to ``decap-server`` writing into the copy). In Debian's chromium an editor opens
``http://tien-du.localhost:PORT/admin/``, writes a news post in Vietnamese with an image and its
description and saves it: the file under ``content/sites/tien-du/tin-tuc/`` has a folded slug and
passes ``portal check``, the image is under the site's ``files/``. A post without its title, and a
post with an image but no description, cannot be saved. On a department's portal (vi, en) a post and its
English translation are saved as ``foo.vi.md`` and ``foo.en.md`` (no file for a language left empty),
then edited; on the provincial portal a shared directive is created with its audience. (Only tien-du
is built; the other two portals' folders hold just their editor, which is all these tests open.)
"""

from __future__ import annotations

import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest

from ..conftest import NOW, REPO
from .test_search_browser import browser  # noqa: F401  (the chromium fixture)

TITLE = "Xã Tiên Du đẩy mạnh chuyển đổi số: Đường làng sáng, xanh, sạch, đẹp"
SLUG = "xa-tien-du-day-manh-chuyen-doi-so-duong-lang-sang-xanh-sach-dep"
NEWS = "content/sites/tien-du/tin-tuc"

pytestmark = pytest.mark.slow


def _png(width: int, height: int) -> bytes:
    """A small valid PNG (an editor's photo)."""
    raw = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """(copy of the project, port): tien-du built and served with the web editor and decap-server."""
    from portal.model.sites import load_network
    from portal.service import db
    from portal.service.config import load_config
    from portal.service.dispatch import EditorProxy, create_dispatcher, start_in_thread
    from portal.stages import cms
    from portal.stages.build import build

    if not cms.bundle_files(REPO) or not (REPO / "node_modules" / "decap-server").is_dir() or not shutil.which("node"):
        pytest.skip("Decap CMS and decap-server are not installed (make test installs them: npm ci)")
    root = tmp_path_factory.mktemp("cms") / "proj"
    for name in ("themes", "plugins", "translations", "content"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    for name in ("sites.yaml", "pelicanconf.py", "scoring.yaml"):
        shutil.copy(REPO / name, root / name)
    report = build(root, ["tien-du"], output=root / "output", now=NOW, jobs=1, search=False)
    assert report.ok, report.all_problems()
    cfg = load_config(root, env={}, db_url=f"sqlite:///{root / 'service.sqlite3'}")
    db.migrate(cfg.db_url)
    network = load_network(root)
    backend_port = cms.free_port()
    backend = cms.start_local_backend(REPO, root, backend_port)
    assert backend is not None, "decap-server did not start"
    running = start_in_thread(create_dispatcher(cfg, root / "output", editor=EditorProxy(
        f"http://127.0.0.1:{backend_port}/api/v1", network.home)), cfg)
    for site in ("tien-du", "so-noi-vu", "bac-ninh"):
        cms.write(network, network.site(site), root / "output" / site / "admin", root=REPO, serve_port=running.port)
    (root / "anh-ra-quan.png").write_bytes(_png(64, 48))
    try:
        yield root, running.port
    finally:
        running.stop()
        backend.terminate()
        backend.wait(timeout=10)


def _new_post(b, port: int, collection: str = "tin-tuc", site: str = "tien-du"):
    """A logged-in editor's tab on a new entry of *collection* (Vietnam's time zone, as the boards' computers)."""
    context = b.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Ho_Chi_Minh", locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"http://{site}.localhost:{port}/admin/")
    page.get_by_role("button", name="Đăng nhập").click()     # the local backend: no account
    page.wait_for_selector("text=Tin tức - Sự kiện")
    page.goto(f"http://{site}.localhost:{port}/admin/#/collections/{collection}/new")
    page.wait_for_selector("[id^=title-field]")
    return context, page, errors


def _body(page, text: str, pane: int = 0) -> None:
    page.locator('[data-slate-editor="true"]').nth(pane).click()
    page.keyboard.type(text)


def _image(page, path: Path) -> None:
    page.get_by_role("button", name="Chọn một hình").first.click()     # the post's image (then the media widgets')
    page.set_input_files("input[type=file]", str(path))
    page.get_by_text(path.name).first.wait_for()
    page.get_by_role("button", name="Lấy những cái đã chọn").click()


def _publish(page) -> None:
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_role("menuitem", name="Công bố ngay").click()


def _publish_news(page, root: Path, slug: str) -> Path:
    """Publish the news post being written and wait until its file is saved and Decap says so; its path."""
    _publish(page)
    saved = root / NEWS / f"{slug}.md"
    assert _wait_for(saved), sorted(p.name for p in (root / NEWS).iterdir())
    page.get_by_text("Đã công bố").wait_for()
    return saved


def _wait_for(path: Path, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.2)
    return False


def test_a_news_post_with_an_image_is_saved_and_passes_portal_check(editor, browser):  # noqa: F811
    from portal.model.sites import load_network
    from portal.stages.check import check

    root, port = editor
    context, page, csp_errors = _new_post(browser, port)
    try:
        page.get_by_label("Title", exact=True).fill(TITLE)
        page.fill("[id^=summary-field]", "Hơn 500 đoàn viên, hội viên dọn vệ sinh các tuyến đường liên thôn.")
        _image(page, root / "anh-ra-quan.png")
        page.fill("[id^=image_alt-field]", "Đoàn viên thanh niên quét dọn đường làng")
        page.fill("[id^=tags-field]", "môi trường, nông thôn mới")
        _body(page, "Sáng 15/3, Ủy ban nhân dân xã Tiên Du tổ chức ra quân vệ sinh môi trường.")
        preview = page.frame_locator("iframe").first       # the preview: the portal's CSS, its article's layout
        assert preview.locator("article.post h1").inner_text() == TITLE
        assert preview.locator('link[href="/theme/css/portal.css"]').count() == 1
        saved = _publish_news(page, root, SLUG)
    finally:
        context.close()
    text = saved.read_text(encoding="utf-8")
    assert "\ncategory: tin-tuc\n" in text and "image: files/tin-tuc/anh-ra-quan.png" in text
    assert "image_alt: Đoàn viên thanh niên quét dọn đường làng" in text
    assert (root / "content/sites/tien-du/files/tin-tuc/anh-ra-quan.png").read_bytes() == (root / "anh-ra-quan.png").read_bytes()
    assert "expires" not in text and "author" not in text   # fields left empty are not written
    problems = check(load_network(root), [saved])
    assert problems == [], "\n".join(map(str, problems))
    assert csp_errors == []
    assert not (REPO / NEWS / f"{SLUG}.md").exists()     # the repository's content is never touched


def test_values_yaml_tools_read_otherwise_are_saved_quoted(editor, browser):  # noqa: F811
    """Decap's YAML 1.2 writer leaves ``NO``, ``Yes`` and ``1:30`` plain, which YAML 1.1 tools read as booleans and
    90 and ``portal check`` refuses unquoted (field case 10): cms.js writes them in double quotes, and the post passes."""
    from portal.model.sites import load_network
    from portal.stages.check import check

    root, port = editor
    slug = "lich-truc-tet-cua-xa"
    context, page, _ = _new_post(browser, port)
    try:
        page.get_by_label("Title", exact=True).fill("Lịch trực Tết của xã")
        page.fill("[id^=summary-field]", "1:30")
        page.fill("[id^=tags-field]", "Tết, NO, Yes")
        _body(page, "Xã phân công cán bộ trực Tết.")
        saved = _publish_news(page, root, slug)
    finally:
        context.close()
    text = saved.read_text(encoding="utf-8")
    assert 'summary: "1:30"' in text and '  - "NO"\n  - "Yes"' in text and "  - Tết\n" in text, text
    problems = check(load_network(root), [saved])
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("missing", ["title", "image_alt"])
def test_a_post_missing_a_required_value_cannot_be_saved(editor, browser, missing):  # noqa: F811
    """No title: Decap's own check of a required field. An image without its description: cms.js refuses the save."""
    root, port = editor
    before = sorted(p.name for p in (root / NEWS).iterdir())
    context, page, _ = _new_post(browser, port)
    try:
        if missing == "image_alt":
            page.get_by_label("Title", exact=True).fill("Ảnh chưa có mô tả")
            _image(page, root / "anh-ra-quan.png")
        _body(page, "Nội dung của bài.")
        _publish(page)
        error = (page.get_by_text("Thiếu trường bắt buộc", exact=False).or_(page.locator("[class*=ControlErrorsList] li"))
                 if missing == "title" else page.get_by_text("An image needs its description", exact=False))
        error.first.wait_for()
        time.sleep(1)
    finally:
        context.close()
    assert sorted(p.name for p in (root / NEWS).iterdir()) == before


def test_a_post_and_its_english_translation_then_an_edit(editor, browser):  # noqa: F811
    from portal.model.sites import load_network
    from portal.stages.check import check

    root, port = editor
    folder = root / "content/sites/so-noi-vu/tin-tuc"
    slug = "so-noi-vu-tap-huan-chuyen-doi-so-cho-can-bo-cap-xa"
    context, page, _ = _new_post(browser, port, site="so-noi-vu")
    try:
        page.locator("[id^=date-field]").first.fill("2026-03-02T08:30")
        page.get_by_label("Title", exact=True).nth(0).fill("Sở Nội vụ tập huấn chuyển đổi số cho cán bộ cấp xã")
        _body(page, "Ngày 2/3, Sở Nội vụ tổ chức lớp tập huấn.", pane=0)
        page.get_by_label("Title", exact=True).nth(1).fill("Department of Home Affairs trains commune officials in digital transformation")
        _body(page, "On 2 March the Department held a training course.", pane=1)
        _publish(page)
        assert _wait_for(folder / f"{slug}.en.md")
        page.get_by_text("Đã công bố").wait_for()
        page.locator("[id^=summary-field]").nth(0).fill("Hơn 200 cán bộ tham gia.")
        _publish(page)
        deadline = time.monotonic() + 15
        while "Hơn 200 cán bộ" not in (folder / f"{slug}.vi.md").read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        context.close()
    vi, en = (folder / f"{slug}.vi.md").read_text(encoding="utf-8"), (folder / f"{slug}.en.md").read_text(encoding="utf-8")
    assert "summary: Hơn 200 cán bộ tham gia." in vi and "date: 2026-03-02 08:30" in vi
    assert "title: Department of Home Affairs trains" in en and "category" not in en
    assert sorted(p.name for p in folder.glob(f"{slug}.*")) == [f"{slug}.en.md", f"{slug}.vi.md"]
    problems = check(load_network(root), [folder / f"{slug}.vi.md", folder / f"{slug}.en.md"])
    assert problems == [], "\n".join(map(str, problems))


def test_a_shared_directive_with_its_audience_on_the_provincial_portal(editor, browser):  # noqa: F811
    from portal.model.sites import load_network
    from portal.stages.check import check

    root, port = editor
    slug = "chi-thi-ve-phong-chong-dich-benh-gia-cam"
    context, page, _ = _new_post(browser, port, collection="shared", site="bac-ninh")
    try:
        page.locator("[id^=date-field]").first.fill("2026-03-03T07:00")
        page.get_by_label("Title", exact=True).nth(0).fill("Chỉ thị về phòng, chống dịch bệnh gia cầm")
        _body(page, "Yêu cầu các xã, phường triển khai ngay các biện pháp phòng dịch.")
        audience = page.locator("[id^=audience-field]").first
        for choice in ("commune", "Xã Tiên Du"):
            audience.click()
            page.keyboard.type(choice)
            page.keyboard.press("Enter")
        _publish(page)
        assert _wait_for(root / "content/shared" / f"{slug}.vi.md")
    finally:
        context.close()
    saved = root / "content/shared" / f"{slug}.vi.md"
    text = saved.read_text(encoding="utf-8")
    assert "audience:\n  - commune\n  - tien-du\n" in text and "category: chi-dao-dieu-hanh" in text
    assert sorted(p.name for p in (root / "content/shared").glob(f"{slug}.*")) == [f"{slug}.vi.md"]
    problems = check(load_network(root), [saved])
    assert problems == [], "\n".join(map(str, problems))
