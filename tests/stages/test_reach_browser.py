"""Issue 16 in a real browser (Debian's chromium, Playwright): the QR poster decodes to the right addresses,
the share button falls back to copying the link, a 360 px phone downloads the small image, the new pages
request nothing from another origin, and a commune's home page stays under 50 kB without images."""

from __future__ import annotations

import pytest

from .test_output_browser import RECORD_VIOLATIONS, served_sample  # noqa: F401  (the fixtures)
from .test_search_browser import browser  # noqa: F401

pytestmark = pytest.mark.slow


def test_qr_poster_decodes_to_the_portal_its_accounts_and_its_form(browser, served_sample):  # noqa: F811
    zxingcpp = pytest.importorskip("zxingcpp")
    from io import BytesIO

    from PIL import Image

    _out, port = served_sample
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.goto(f"http://bac-ninh.localhost:{port}/qr/")
    page.wait_for_load_state("load")
    found = set()
    for img in page.query_selector_all(".qr-card img"):
        shot = Image.open(BytesIO(img.screenshot()))
        found |= {r.text for r in zxingcpp.read_barcodes(shot)}
    page.close()
    assert found == {"https://bacninh.gov.vn/", "https://www.facebook.com/congttdtbacninh", "https://zalo.me/congttdtbacninh",
                     "https://bacninh.gov.vn/hoi-dap/gui-cau-hoi/"}


def test_printed_article_carries_a_qr_code_of_its_address(browser, served_sample):  # noqa: F811
    zxingcpp = pytest.importorskip("zxingcpp")
    from io import BytesIO

    from PIL import Image

    out, port = served_sample
    slug = sorted(p.name for p in (out / "tien-du" / "tin-tuc").iterdir() if (p / "index.html").is_file())[0]
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(f"http://tien-du.localhost:{port}/tin-tuc/{slug}/")
    page.wait_for_load_state("load")
    shot = Image.open(BytesIO(page.query_selector(".print-qr svg").screenshot()))
    page.close()
    assert [r.text for r in zxingcpp.read_barcodes(shot)] == [f"https://tiendu.bacninh.gov.vn/tin-tuc/{slug}/"]


def test_share_button_falls_back_to_copying_the_link(browser, served_sample):  # noqa: F811
    out, port = served_sample
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"http://tien-du.localhost:{port}")
    context.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
    page = context.new_page()
    slug = sorted(p.name for p in (out / "tien-du" / "tin-tuc").iterdir() if (p / "index.html").is_file())[0]
    page.goto(f"http://tien-du.localhost:{port}/tin-tuc/{slug}/")
    page.wait_for_selector("[data-share]:not([hidden])")
    assert page.evaluate("() => typeof navigator.share") == "undefined"
    page.click("[data-share]")
    page.wait_for_function("() => document.querySelector('[data-share-status]').textContent.length > 0")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"https://tiendu.bacninh.gov.vn/tin-tuc/{slug}/"
    context.close()


def test_a_360px_phone_downloads_the_small_image_and_nothing_from_another_origin(browser, served_sample):  # noqa: F811
    out, port = served_sample
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1, is_mobile=True, has_touch=True)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    slug = next(p.name for p in (out / "tien-du" / "tin-tuc").iterdir() if p.name.startswith("hoi-lim"))
    pages = [("tien-du", f"/tin-tuc/{slug}/"), ("tien-du", "/phat-thanh/"), ("tien-du", "/qr/"),
             ("bac-ninh", "/tin-tuc/khai-hoi-lim-2026/"), ("bac-ninh", "/ngan-sach-thong-ke/kinh-te-xa-hoi-9-thang-nam-2026/"),
             ("bac-ninh", "/thong-tin-bao-chi/theo-thang/"),
             ("tien-du", "/" + next(p.relative_to(out / "tien-du").as_posix() for p in (out / "tien-du/phat-thanh").glob("thong-bao-khan*")) + "/")]
    for site, path in pages:
        page.goto(f"http://{site}.localhost:{port}{path}")
        page.wait_for_load_state("load")
        if path.startswith("/tin-tuc/hoi-lim"):
            for i in range(3):  # bring each lazy image into view
                page.evaluate(f"() => document.querySelectorAll('.gallery img')[{i}].scrollIntoView()")
                page.wait_for_function(f"() => document.querySelectorAll('.gallery img')[{i}].complete")
            chosen = page.evaluate("() => Array.from(document.querySelectorAll('.gallery img')).map(i => i.currentSrc)")
            assert all(src.endswith("-360.webp") for src in chosen), chosen
        assert page.evaluate("() => window.__csp") == [], (site, path)
    context.close()
    images = [r for r in requests if "/files/" in r and r.endswith((".jpg", ".webp", ".png"))]
    assert images and not any("/files/hoi-lim/hoi-lim-" in r or r.endswith(("-1080.webp", "-720.webp")) for r in images if "hoi-lim" in r)
    assert all(r.split("/")[2].endswith(f"localhost:{port}") for r in requests if r.startswith("http")), requests


def test_commune_home_page_stays_under_50_kb_without_images(browser, served_sample):  # noqa: F811
    _out, port = served_sample
    page = browser.new_page(viewport={"width": 360, "height": 740})
    sizes: dict[str, int] = {}

    def record(response):
        if response.request.resource_type != "image":
            try:
                sizes[response.url] = len(response.body())
            except Exception:
                sizes[response.url] = 0

    page.on("response", record)
    page.goto(f"http://tien-du.localhost:{port}/")
    page.wait_for_load_state("networkidle")
    page.close()
    total = sum(sizes.values())
    print(f"commune home page without images: {total} bytes uncompressed in {len(sizes)} requests: {sizes}")
    assert total <= 50 * 1024, sizes
