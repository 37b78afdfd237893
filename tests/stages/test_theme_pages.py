"""What readers meet on every page (issue 13.4, 13.8): links to built pages only, tags, search forms, contacts, the CSP."""

from __future__ import annotations

import re

from portal.model import csp

from ..conftest import read


def test_every_page_carries_the_policy_first_in_head(built_sample):
    from ..validators import html_pages

    out, _ = built_sample
    pages = html_pages(out / "tien-du") + html_pages(out / "bac-ninh" / "en")
    for page in pages:
        html = read(page)
        head = html.split("<head>", 1)[1]
        first = re.findall(r"<(meta|link|script|style|title)\b[^>]*>", head)[:2]
        assert 'http-equiv="Content-Security-Policy"' in head.split(">", 2)[1] + ">", (page, first)
        expected = csp.SEARCH_POLICY if "/tim-kiem" in str(page) else csp.POLICY
        assert expected.replace("'", "&#39;") in html, page
    assert "'wasm-unsafe-eval'" in csp.SEARCH_POLICY and "wasm" not in csp.POLICY


def test_the_policy_is_the_one_the_issue_asks_for():
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"):
        assert directive in csp.POLICY
    assert "unsafe-inline" not in csp.POLICY + csp.SEARCH_POLICY and "frame-ancestors 'self'" in csp.HEADER_POLICY
    assert csp.style_hash("a{}").startswith("'sha256-")


def test_languages_without_directives_show_no_empty_block(built_sample):
    out, _ = built_sample
    for lang in ("en", "ja", "zh", "ko"):
        home = read(out / "bac-ninh" / lang / "index.html")
        assert f'href="/{lang}/chi-dao-dieu-hanh/"' not in home and "No posts yet" not in home, lang
        assert not (out / "bac-ninh" / lang / "chi-dao-dieu-hanh").exists()
    assert 'href="/chi-dao-dieu-hanh/"' in read(out / "bac-ninh" / "index.html")


def test_tag_index_pages(built_sample):
    out, _ = built_sample
    index = read(out / "bac-ninh" / "tag" / "index.html")
    links = re.findall(r'<a href="(/tag/[^"]+/)" rel="tag">', index)
    assert len(links) >= 5 and all((out / "bac-ninh" / link.strip("/") / "index.html").is_file() for link in links)
    assert '<h1>Từ khóa</h1>' in index
    assert (out / "bac-ninh" / "en" / "tag" / "index.html").is_file()
    assert 'href="/tag/"' in read(out / "tien-du" / "index.html")  # the footer links to it


def test_two_search_forms_have_distinct_names(built_sample):
    out, _ = built_sample
    html = read(out / "bac-ninh" / "tim-kiem" / "index.html")
    names = re.findall(r'<form[^>]*role="search"[^>]*aria-label="([^"]+)"', html)
    assert len(names) == 2 and len(set(names)) == 2, names
    assert len(re.findall(r'role="search"', read(out / "bac-ninh" / "index.html"))) == 1


def test_contact_page_in_the_footer_with_tap_to_call_and_mailto(built_sample):
    out, _ = built_sample
    for page in ("index.html", "tin-tuc/index.html", "lien-he/index.html"):
        html = read(out / "tien-du" / page)
        footer = html.split('<footer class="site-footer">', 1)[1]
        assert '<a href="/lien-he/">Liên hệ</a>' in footer, page
        assert '<a href="tel:02223837208">0222 3837 208</a>' in footer
        assert '<a href="mailto:tiendu@bacninh.gov.vn">tiendu@bacninh.gov.vn</a>' in footer
    contact = read(out / "tien-du" / "lien-he" / "index.html").split('<main', 1)[1].split("</main>", 1)[0]
    assert 'href="tel:02223837208"' in contact and 'href="mailto:tiendu@bacninh.gov.vn"' in contact
    english = read(out / "bac-ninh" / "en" / "index.html").split('<footer class="site-footer">', 1)[1]
    assert '<a href="/en/lien-he/">Contact us</a>' in english  # the contact page in that language


def test_no_commit_hash_is_shown_to_citizens(built_sample):
    out, _ = built_sample
    for page in (out / "bac-ninh" / "tin-tuc").glob("*/index.html"):
        body = read(page).split("<body>", 1)[1]
        assert not re.search(r"<code>[0-9a-f]{7,40}</code>", body), page
