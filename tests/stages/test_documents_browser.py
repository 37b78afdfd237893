"""Finding a legal document in a real browser (chromium, Playwright): by its number as readers type it,
by a word of its PDF, by the facets of the search page — on its portal and network-wide."""

from __future__ import annotations

import os
import re
import threading

import pytest

from ..conftest import NOW, document, make_project, post
from .test_search_browser import Reader, browser  # noqa: F401  (the chromium fixture)

SITES = """\
network:
  home: tinh
  default_language: vi
  timezone: Asia/Ho_Chi_Minh
sites:
  - id: tinh
    kind: province
    name: {vi: "Cổng Thông tin điện tử tỉnh Thử"}
    url: https://tinh.example.vn
    owner: "UBND tỉnh Thử"
    editors: ["@org/btb-tinh"]
  - id: xa-dong
    kind: commune
    name: {vi: "Xã Đông"}
    url: https://xadong.example.vn
    owner: "UBND xã Đông"
    parent: tinh
    editors: ["@org/btb-xa-dong"]
"""
PLAN = "Kế hoạch triển khai các nhiệm vụ thông tin điện tử năm 2026"
OTHER = "Kế hoạch phát triển du lịch cộng đồng"
LETTER = "Công văn về lịch tiếp công dân"


@pytest.fixture(scope="module")
def served_documents(tmp_path_factory):
    from portal.stages.build import build
    from portal.stages.preview import make_server

    root = make_project(tmp_path_factory.mktemp("docsearch") / "proj", SITES)
    document(root, "tinh", "kh-953", PLAN, number="953/KH-UBND", doc_type="Kế hoạch", issuer="UBND tỉnh Thử",
             issued="2026-04-06", fields="[Chuyển đổi số]", body="Các sở, ngành cập nhật thông tin trên cổng thành phần.",
             pdf_text="Phụ lục nhiệm vụ: xây dựng hành lang xanh dọc kênh Bắc Hưng Hải và số hóa hồ sơ lưu trữ.")
    document(root, "tinh", "kh-954", OTHER, number="954/KH-UBND", doc_type="Kế hoạch", issuer="UBND tỉnh Thử",
             issued="2026-04-07", fields="[Du lịch]", body="Phát triển du lịch cộng đồng ở các làng nghề.")
    document(root, "xa-dong", "cv-95", LETTER, number="95/UBND-VP", doc_type="Công văn", issuer="UBND xã Đông",
             issued="2026-05-02", fields="[Bộ máy hành chính]", body="Lịch tiếp công dân của lãnh đạo xã.")
    for site in ("tinh", "xa-dong"):
        post(root, f"content/sites/{site}/tin-tuc/tin.md", f"Tin hoạt động {site}", date="2026-03-01",
             body="Hội nghị bàn về kế hoạch số hóa.")
    report = build(root, now=NOW, jobs=2)
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    os.environ["PORTAL_SERVE_QUIET"] = "1"
    server = make_server(root / "output", "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def reader(browser, served_documents):  # noqa: F811
    r = Reader(browser, served_documents)
    yield r
    assert not r.errors, r.errors
    r.close()


def titles(results):
    return [r["title"] for r in results]


@pytest.mark.parametrize("query", ["953/KH-UBND", "953 kh ubnd", "953/kh-ubnd"])
def test_a_document_is_found_by_its_number_as_typed_on_its_portal(reader, query):
    reader.open("tinh", "/tim-kiem/")
    results = reader.search(query)
    assert titles(results)[:1] == [PLAN], titles(results)


@pytest.mark.parametrize("query", ["953/KH-UBND", "953 kh ubnd", "953/kh-ubnd", "95/UBND-VP"])
def test_a_document_is_found_by_its_number_network_wide(reader, query):
    reader.open("tinh", "/tim-kiem-toan-tinh/")
    results = reader.search(query)
    expected = LETTER if query.startswith("95/") else PLAN
    assert titles(results)[:1] == [expected], titles(results)


def test_the_text_of_its_pdf_is_searchable_and_never_shown_on_the_page(reader):
    reader.open("tinh", "/tim-kiem/")
    results = reader.search("hanh lang xanh")
    assert titles(results)[:1] == [PLAN]
    reader.open("tinh", "/van-ban/")
    assert reader.page.get_by_text("hành lang xanh").count() == 0 or not reader.page.get_by_text("hành lang xanh").first.is_visible()


def test_search_filters_on_the_documents_facets(reader):
    reader.open("tinh", "/tim-kiem/?q=ke+hoach")
    reader.wait("ke hoach")
    reader.page.click(".filters summary")
    reader.page.get_by_role("checkbox", name=re.compile(r"^Du lịch \(")).check()
    reader.page.wait_for_function("() => document.querySelectorAll('.result').length === 1")
    assert titles(reader.results()) == [OTHER]


def test_filter_pages_work_without_javascript(browser, served_documents):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"http://tinh.localhost:{served_documents}/van-ban/")
    page.locator("summary", has_text="Loại văn bản").click()
    page.locator(".filters").get_by_role("link", name="Kế hoạch").click()
    assert page.url.endswith("/van-ban/loai/ke-hoach/")
    assert page.locator("td.doc-number a").all_text_contents() == ["954/KH-UBND", "953/KH-UBND"]
    page.locator("summary", has_text="Lĩnh vực").click()
    page.locator(".filters").get_by_role("link", name="Du lịch").click()
    assert page.locator("td.doc-number a").all_text_contents() == ["954/KH-UBND"]
    context.close()
