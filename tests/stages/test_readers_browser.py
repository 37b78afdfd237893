"""What a reader on a 360 px phone meets, in a real browser (issue 19.1, 19.2, 19.6).

- the home page: the header is one compact row and the row of top tasks, with the tap-to-call
  number, is on the first screen;
- the "Chuyên mục" button opens every section, Văn bản and Thủ tục hành chính first: by touch, by
  keyboard (a button with its expanded state for screen readers; Esc closes it and returns to it),
  and without JavaScript (the header's menus are <details>);
- from 48rem the sections are a bar and the search form is in the header, without any click;
- breadcrumbs wrap: no page is wider than the phone;
- the search page does not shift while its results come (CLS 0), on a phone and on a desktop.
"""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from portal.model.sites import load_network

from ..conftest import REPO
from .test_output_browser import served_sample  # noqa: F401  (the served sample network)
from .test_search_browser import browser  # noqa: F401  (the chromium fixture)

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
MENU = ".nav-menu > summary"
#: the layout shifts a page makes without input, recorded from its first paint (Playwright init scripts run first)
RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => list.getEntries().forEach(e => {
  if (!e.hadRecentInput) window.__shifts.push([e.value, e.sources.map(s => s.node && (s.node.className || s.node.nodeName)).join(' ')]);
})).observe({type: 'layout-shift', buffered: true});
"""


@contextmanager
def _tab(browser, viewport=PHONE, **kw):  # noqa: F811
    """A page in a context of its own: a touch phone (360 px) unless *viewport* is wider."""
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone, **kw)
    try:
        yield context.new_page()
    finally:
        context.close()


def _menu_links(page) -> list[str]:
    return page.eval_on_selector_all(".site-nav a", "links => links.map(a => a.textContent.trim())")


def _ax(page, name: str) -> dict:
    """What the browser tells screen readers about the element named *name* (Chromium's accessibility tree)."""
    cdp = page.context.new_cdp_session(page)
    try:
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            if node.get("name", {}).get("value") == name and not node.get("ignored") and node["role"]["value"] not in ("StaticText", "InlineTextBox"):
                return {"role": node["role"]["value"], **{p["name"]: p["value"].get("value") for p in node.get("properties", [])}}
    finally:
        cdp.detach()
    return {}


def test_phone_home_page_puts_top_tasks_and_the_phone_number_on_the_first_screen(browser, served_sample):  # noqa: F811
    _, port = served_sample
    with _tab(browser) as page:
        for site in ("bac-ninh", "tien-du", "so-nong-nghiep-moi-truong"):
            page.goto(f"http://{site}.localhost:{port}/")
            got = page.evaluate("""() => {
              const box = el => el.getBoundingClientRect();
              const tel = document.querySelector('.top-tasks a[href^="tel:"]');
              return {header: box(document.querySelector('.site-header')).height,
                      rowTop: box(document.querySelector('.brand')).top, menuTop: box(document.querySelector('.nav-menu > summary')).top,
                      tasks: document.querySelectorAll('.top-tasks li').length, tel: tel && box(tel).bottom,
                      width: document.documentElement.scrollWidth, screens: document.documentElement.scrollHeight / innerHeight};
            }""")
            assert got["tasks"] == 4 and got["tel"] is not None and got["tel"] <= PHONE["height"], (site, got)
            assert got["header"] <= 0.14 * PHONE["height"], (site, got)  # one compact row (it was 25-35 % of the screen)
            assert abs(got["menuTop"] - got["rowTop"]) < 24, (site, got)  # the menu button is in the brand's row
            assert got["width"] <= PHONE["width"], (site, got)
            assert page.is_visible("text=Dịch vụ công trực tuyến")
            assert not page.is_visible(".site-nav a"), "the sections wait behind their button"


def test_phone_menu_opens_every_section_with_documents_and_procedures_first(browser, served_sample):  # noqa: F811
    _, port = served_sample
    with _tab(browser) as page:
        page.goto(f"http://tien-du.localhost:{port}/tin-tuc/")
        page.tap(MENU)
        links = _menu_links(page)
        assert links[:2] == ["Văn bản", "Thủ tục hành chính"] and len(links) == 12
        for link in page.query_selector_all(".site-nav a"):
            assert link.is_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 24
        with page.expect_navigation():
            page.tap(".site-nav a >> text=Thủ tục hành chính")
        assert urlsplit(page.url).path == "/thu-tuc-hanh-chinh/"
        assert not page.is_visible(".site-nav a")  # a new page: the menu is closed
        page.tap(MENU)
        assert page.get_attribute(".site-nav a[aria-current=page]", "href") == "/thu-tuc-hanh-chinh/"
        page.touchscreen.tap(5, PHONE["height"] - 10)  # a tap elsewhere (the page's margin, under the menu) closes it
        assert not page.is_visible(".site-nav a")


def test_phone_menu_with_the_keyboard_and_a_screen_reader(browser, served_sample):  # noqa: F811
    _, port = served_sample
    with _tab(browser) as page:
        page.goto(f"http://bac-ninh.localhost:{port}/")
        order = []
        for _ in range(6):  # skip link, brand, search, languages, sections
            page.keyboard.press("Tab")
            order.append(page.evaluate("document.activeElement.closest('details') ? document.activeElement.closest('details').className : document.activeElement.className"))
            if "nav-menu" in order[-1]:
                break
        assert order == ["skip-link", "brand", "menu search-menu", "menu lang-menu", "menu nav-menu"], order
        before = _ax(page, "Chuyên mục")
        assert before.get("role", "").startswith("DisclosureTriangle") and before.get("expanded") is False, before
        page.keyboard.press("Enter")
        assert _ax(page, "Chuyên mục").get("expanded") is True
        assert page.is_visible(".site-nav a")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Văn bản"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Thủ tục hành chính"
        page.keyboard.press("Escape")  # closes and goes back to the button
        assert not page.is_visible(".site-nav a")
        assert page.evaluate("document.activeElement.matches('.nav-menu > summary')")
        page.keyboard.press(" ")  # Space opens it again
        assert page.is_visible(".site-nav a")
        # the languages are a small menu of their own: opening it closes the sections
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        assert page.is_visible(".lang-switch a") and not page.is_visible(".site-nav a")
        assert page.eval_on_selector_all(".lang-switch a", "a => a.map(x => x.getAttribute('hreflang'))") == ["vi", "en", "ja", "zh-Hans", "ko"]


def test_phone_menus_work_without_javascript(browser, served_sample):  # noqa: F811
    _, port = served_sample
    with _tab(browser, java_script_enabled=False) as page:
        page.goto(f"http://bac-ninh.localhost:{port}/")
        assert not page.is_visible(".site-nav a")
        page.tap(MENU)
        assert _menu_links(page)[:2] == ["Văn bản", "Thủ tục hành chính"] and page.is_visible(".site-nav a >> text=Văn bản")
        with page.expect_navigation():
            page.tap(".site-nav a >> text=Tin tức - Sự kiện")
        assert urlsplit(page.url).path == "/tin-tuc/"
        page.tap(".lang-menu > summary")
        with page.expect_navigation():
            page.tap(".lang-switch a[hreflang=en]")
        assert urlsplit(page.url).path == "/en/tin-tuc/"
        page.tap(".search-menu > summary")
        page.fill("#site-search-q", "investment")
        with page.expect_navigation():
            page.press("#site-search-q", "Enter")
        assert urlsplit(page.url).path == "/en/tim-kiem/" and "q=investment" in page.url


def test_desktop_shows_the_sections_bar_and_the_search_form(browser, served_sample):  # noqa: F811
    _, port = served_sample
    with _tab(browser, DESKTOP) as page:
        page.goto(f"http://bac-ninh.localhost:{port}/tin-tuc/")
        assert not page.is_visible(MENU) and not page.is_visible(".search-menu > summary")
        assert page.is_visible("#site-search-q") and page.is_visible(".brand-kicker")
        links = page.query_selector_all(".site-nav a")
        sections = load_network(REPO).site("bac-ninh").sections  # every section of the provincial portal
        assert len(links) == len(sections) and all(link.is_visible() for link in links)
        header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        assert header < 200
        with page.expect_navigation():
            page.click(".site-nav a >> text=Văn bản")
        assert urlsplit(page.url).path == "/van-ban/"
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # skip link, brand, the search box: its menu button is hidden here
        assert page.evaluate("document.activeElement.id") == "site-search-q"


def test_breadcrumbs_wrap_on_a_phone(browser, served_sample):  # noqa: F811
    out, port = served_sample
    longest = max((p for p in (out / "bac-ninh" / "van-ban").glob("*/index.html")), key=lambda p: len(p.parent.name))
    with _tab(browser) as page:
        page.goto(f"http://bac-ninh.localhost:{port}/van-ban/{longest.parent.name}/")
        got = page.evaluate("""() => {
          const crumbs = document.querySelector('.breadcrumbs'), last = crumbs.querySelector('li:last-child');
          return {width: document.documentElement.scrollWidth, right: crumbs.getBoundingClientRect().right,
                  lines: last.getBoundingClientRect().height / parseFloat(getComputedStyle(last).lineHeight)};
        }""")
        assert got["width"] <= PHONE["width"] and got["right"] <= PHONE["width"], got
        assert got["lines"] > 1.5, got  # the long title wrapped onto more lines instead of overflowing


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_no_layout_shift_while_search_results_come(browser, served_sample, viewport):  # noqa: F811
    _, port = served_sample
    with _tab(browser, viewport) as page:
        page.add_init_script(RECORD_SHIFTS)
        for site, path in (("bac-ninh", "/tim-kiem/?q=ke+hoach"), ("tien-du", "/tim-kiem/?q=le+hoi+lim"),
                           ("bac-ninh", "/tim-kiem-toan-tinh/?q=quy+hoach"), ("bac-ninh", "/en/tim-kiem/?q=investment")):
            page.goto(f"http://{site}.localhost:{port}{path}")
            page.wait_for_function("() => document.querySelector('[data-search]').dataset.state === 'done'", timeout=30000)
            assert page.query_selector_all(".search-results > li"), (site, path)
            page.wait_for_timeout(500)  # anything late (filters, counts) has come too
            shifts = page.evaluate("window.__shifts")
            assert shifts == [], (site, path, shifts)
            summary = page.query_selector(".filters summary")  # the filters keep a usable width on a phone
            assert summary is None or summary.bounding_box()["height"] < 48, (site, path, summary.bounding_box())
