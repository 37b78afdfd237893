"""One rendering path (issue 13.3 + 12.2): CommonMark/GFM as the reviewer saw it, and everything dropped reported."""

from __future__ import annotations

import time

import pytest

from portal.stages.render.markdown import finish, render, to_text


def html_of(body: str) -> str:
    rendered = render(body)
    assert rendered.problems == [], rendered.problems
    return finish(rendered, {r.index: r.url for r in rendered.refs})


def problems_of(body: str) -> list[tuple[int, str]]:
    return render(body).problems


def test_commonmark_and_gfm_as_the_preview_shows_them():
    html = html_of("- Công an xã:\n  - Bảo đảm an ninh\n  - Sơ tán dân\n- Trạm y tế\n\n"
                   "| Đơn vị | Số |\n|:--|--:|\n| Xã A | 12 |\n\n~~bỏ~~ và https://dichvucong.gov.vn\n")
    assert "<li>Công an xã:\n<ul>\n<li>Bảo đảm an ninh</li>" in html  # 2-space nesting kept
    assert '<th class="align-left">Đơn vị</th>' in html and '<td class="align-right">12</td>' in html
    assert "<s>bỏ</s>" in html and '<a href="https://dichvucong.gov.vn">https://dichvucong.gov.vn</a>' in html
    assert "style=" not in html


def test_headings_start_at_h2_with_folded_anchors():
    html = html_of("Mở đầu.\n\n## Mục đích, yêu cầu\n\n### Yêu cầu về an ninh\n\n## Mục đích, yêu cầu\n\n## Main\n")
    assert '<h2 id="muc-dich-yeu-cau">Mục đích, yêu cầu</h2>' in html
    assert '<h3 id="yeu-cau-ve-an-ninh">' in html and '<h2 id="muc-dich-yeu-cau-1">' in html
    assert '<h2 id="main-1">' in html  # never the theme's own id


def test_heading_rules_are_errors_with_the_fix():
    assert problems_of("Mở đầu.\n\n# Tiêu đề cấp một\n") == [
        (2, "a heading with one '#' is the level of the page title — start headings in the body at '## '")]
    assert problems_of("Tiêu đề\n=======\n")[0][0] == 0
    assert problems_of("## Một\n\n#### Bốn\n") == [
        (2, "the heading jumps from level 2 to level 4 — write ### here (one '#' more than the heading above)")]
    assert "jumps from level 1 to level 3" in problems_of("### Ba\n")[0][1]


def test_footnotes_and_anchors():
    rendered = render("Theo quyết định[^1].\n\n[Xem chú thích](#fn1)\n\n[^1]: Quyết định số 12.\n")
    assert {"fn1", "fnref1"} <= rendered.anchors
    html = finish(rendered, {r.index: r.url for r in rendered.refs})
    assert 'class="footnote-ref"' in html and 'class="footnotes"' in html and 'id="fn1"' in html


@pytest.mark.parametrize(("body", "line", "needle"), [
    ("Đoạn.\n\n<script>alert(1)</script>\n", 2, "scripts are not allowed"),
    ("x\n\n<img src=\"files/a.jpg\" alt=\"a\" onerror=\"alert(1)\">\n", 2, "event handlers (onerror)"),
    ("<p style=\"display:none\">ẩn</p>\n", 0, "styles are not allowed"),
    ("<style>body{display:none}</style>\n", 0, "the <style> element"),
    ("<form action=\"https://evil.example\"><input name=\"cccd\"></form>\n", 0, "forms are not allowed"),
    ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">\n", 0, "<meta> is not allowed"),
    ("<base href=\"https://evil.example/\">\n", 0, "<base> is not allowed"),
    ("<svg onload=\"alert(1)\"></svg>\n", 0, "<svg> is not allowed"),
    ("<object data=\"x.swf\"></object>\n", 0, "<object> is not allowed"),
    ("<div data-pagefind-meta=\"url:javascript:alert(1)\">x</div>\n", 0, "data-pagefind-meta is set by the portal's search"),
    ("<span data-pagefind-filter=\"site:bac-ninh\">x</span>\n", 0, "data-pagefind-filter is set by the portal's search"),
    ("<a href=\"#x\" id=\"main\" class=\"site-header\">x</a>\n", 0, "the attribute id is not allowed on <a>"),
    ("Một dòng\nhai <b onclick=\"x()\">đậm</b>\n", 1, "event handlers (onclick)"),
    ("![](files/anh.jpg)\n", 0, "image without alt text"),
    ("<img src=\"files/anh.jpg\">\n", 0, "image without alt text"),
    ("<h1>Tiêu đề</h1>\n", 0, "a heading of level 1"),
    ("<?php echo 1; ?>\n", 0, "processing instructions"),
])
def test_what_the_sanitiser_would_drop_is_an_error_at_its_line(body, line, needle):
    problems = problems_of(body)
    assert any(at == line and needle in message for at, message in problems), problems


def test_urls_are_recorded_with_their_line_and_kind():
    rendered = render("[Chi tiết](bai-dau.md)\n\n![Ảnh](files/a.jpg)\n\n<video controls src=\"files/v.mp4\" poster=\"files/p.jpg\"></video>\n\n"
                      "<iframe src=\"https://video.bacninh.gov.vn/e/1\" title=\"Video\"></iframe>\n\n[x](javascript:alert(1))\n")
    assert [(r.offset, r.url, r.kind) for r in rendered.refs] == [
        (0, "bai-dau.md", "link"), (2, "files/a.jpg", "resource"), (4, "files/v.mp4", "resource"),
        (4, "files/p.jpg", "resource"), (6, "https://video.bacninh.gov.vn/e/1", "embed"), (8, "javascript:alert(1)", "link")]
    html = finish(rendered, {0: "/tin-tuc/bai-dau/", 1: "/files/a.jpg", 2: "/files/v.mp4", 3: "/files/p.jpg",
                             4: "https://video.bacninh.gov.vn/e/1"}, frozenset({"https://video.bacninh.gov.vn"}))
    assert '<a href="/tin-tuc/bai-dau/">' in html and '<img alt="Ảnh" src="/files/a.jpg">' in html
    assert 'src="https://video.bacninh.gov.vn/e/1"' in html and "javascript" not in html
    assert finish(rendered, {4: "https://video.bacninh.gov.vn/e/1"}).count("<iframe") == 1  # kept, without its src
    assert "video.bacninh" not in finish(rendered, {4: "https://video.bacninh.gov.vn/e/1"})


def test_nesting_is_a_located_error_never_a_crash():
    for body, line in (("- " * 10_000 + "a\n", 0), ("> " * 10_000 + "a\n", 0),
                       ("Đoạn.\n\n" + "".join("    " * i + "- a\n" for i in range(400)), 18),
                       ("<div>" * 10_000 + "a\n", 0)):
        start = time.perf_counter()
        problems = problems_of(body)
        assert time.perf_counter() - start < 5
        assert problems and problems[0][0] == line and "nested more than" in problems[0][1], problems[:2]
        assert len(problems) < 5


def test_pathological_inline_input_is_bounded():
    start = time.perf_counter()
    render("[" * 20_000 + "a" + "](x)" * 200 + "*_" * 10_000 + "`" * 5_000 + "\n")
    assert time.perf_counter() - start < 5


def test_text_for_the_editors_index():
    assert " ".join(to_text("## Mục\n\n**Đậm** <script>x()</script> [liên kết](a.md)\n").split()) == "Mục Đậm liên kết"
