"""The allowlist itself (issue 12.2): whatever reaches it, nothing outside it is published."""

from __future__ import annotations

import pytest

from portal.stages.render.markdown import THEME_IDS
from portal.stages.render.sanitize import clean

EMBED = frozenset({"https://video.bacninh.gov.vn"})


@pytest.mark.parametrize(("html", "gone"), [
    ("<p>a</p><script>alert(1)</script>", "alert"),
    ("<img src=\"/files/a.jpg\" alt=\"a\" onerror=\"alert(1)\">", "onerror"),
    ("<a href=\"javascript:alert(1)\">x</a>", "javascript"),
    ("<a href=\"JAVA&#x09;SCRIPT:alert(1)\">x</a>", "alert"),
    ("<a href=\"data:text/html,x\">x</a>", "data:"),
    ("<img src=\"https://tracker.example/p.gif\" alt=\"p\">", "tracker"),
    ("<img src=\"//tracker.example/p.gif\" alt=\"p\">", "tracker"),
    ("<iframe src=\"https://evil.example/\"></iframe>", "evil"),
    ("<p style=\"display:none\">x</p>", "style"),
    ("<style>body{display:none}</style><p>x</p>", "display"),
    ("<form action=\"https://evil.example\"><input name=\"cccd\"></form>", "form"),
    ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">", "refresh"),
    ("<base href=\"https://evil.example/\">", "base"),
    ("<svg><script>alert(1)</script></svg>", "alert"),
    ("<div data-pagefind-meta=\"url:javascript:x\" data-pagefind-filter=\"site:bac-ninh\">x</div>", "pagefind"),
    ("<a href=\"/x\" id=\"main\">x</a>", "main"),
    ("<p class=\"visually-hidden site-header\">x</p>", "class"),
    ("<object data=\"x.swf\"></object><embed src=\"x.swf\">", "swf"),
    ("<a href=\"/x\" target=\"_blank\" rel=\"opener\">x</a>", "target"),
    ("<video src=\"https://cdn.example/v.mp4\" poster=\"https://cdn.example/p.jpg\"></video>", "cdn"),
    ("<!-- <script>alert(1)</script> -->", "alert"),
])
def test_dropped(html, gone):
    assert gone not in clean(html, EMBED, THEME_IDS)


@pytest.mark.parametrize("html", [
    '<h2 id="muc-dich">Mục đích</h2>',
    '<p><a href="/tin-tuc/bai/">bài</a> <a href="https://dichvucong.gov.vn">dịch vụ công</a> '
    '<a href="mailto:a@b.vn">thư</a> <a href="tel:0222">gọi</a> <a href="#muc-dich">mục</a></p>',
    '<figure><img src="/files/a.jpg" alt="Ảnh"><figcaption>Chú thích</figcaption></figure>',
    '<table><thead><tr><th class="align-right" scope="col">Số</th></tr></thead><tbody><tr><td class="align-right">1</td></tr></tbody></table>',
    '<video controls="" src="/files/v.mp4" poster="/files/p.jpg"><track src="/files/v.vtt" kind="captions" srclang="vi"></video>',
    '<audio controls="" src="/files/a.mp3"></audio>',
    '<iframe src="https://video.bacninh.gov.vn/embed/1" title="Video"></iframe>',
    '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>',
    '<p lang="en">English</p>',
])
def test_kept(html):
    assert clean(html, EMBED, THEME_IDS) == html
