"""Every portal in its languages: trees, hreflang, switcher, dates, catalogs, bad input."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from portal.stages.build import build

from ..conftest import NOW, REPO, make_project, post, read, write
from .test_build import tags

SITES = """\
network: {home: tinh}
sites:
  - id: tinh
    kind: province
    name: {vi: "Cổng tỉnh", en: "Province Portal", ja: "省ポータル", zh: "省门户", ko: "성 포털"}
    url: https://tinh.example.vn
    languages: [vi, en, ja, zh, ko]
  - id: so-a
    kind: department
    name: {vi: "Sở A", en: "Department A"}
    url: https://soa.example.vn
    languages: [vi, en]
    parent: tinh
  - id: xa-mot
    kind: commune
    name: {vi: "Xã Một"}
    url: https://xamot.example.vn
    parent: tinh
"""

TITLES = {"en": "Introduction", "ja": "紹介", "zh": "简介", "ko": "소개"}


def multilingual(root: Path) -> None:
    write(root / "content/sites/tinh/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\nVề tỉnh.\n")
    for lang, title in TITLES.items():
        write(root / f"content/sites/tinh/pages/gioi-thieu.{lang}.md", f"---\ntitle: {title}\n---\nText {lang}.\n")
    post(root, "content/sites/tinh/tin-tuc/dau-tu.md", "Thu hút đầu tư nước ngoài", date="2021-04-06")
    write(root / "content/sites/tinh/tin-tuc/dau-tu.en.md", "---\ntitle: Attracting foreign investment\n---\nEnglish text.\n")
    write(root / "content/sites/tinh/tin-tuc/dau-tu.ja.md", "---\ntitle: 外国投資の誘致\n---\n日本語の本文。\n")
    write(root / "content/sites/tinh/tin-tuc/dau-tu.zh.md", "---\ntitle: 吸引外国投资\n---\n中文正文。\n")
    write(root / "content/sites/tinh/tin-tuc/dau-tu.ko.md", "---\ntitle: 외국인 투자 유치\n---\n한국어 본문.\n")
    post(root, "content/sites/tinh/tin-tuc/chi-tieng-viet.md", "Tin chỉ có tiếng Việt", date="2026-05-01")
    post(root, "content/sites/so-a/tin-tuc/bao-cao.md", "Báo cáo quý", date="2026-05-02")
    write(root / "content/sites/so-a/tin-tuc/bao-cao.en.md", "---\ntitle: Quarterly report\n---\nReport.\n")
    post(root, "content/sites/xa-mot/tin-tuc/tin.md", "Tin xã", date="2026-05-03")
    post(root, "content/shared/chi-thi.md", "Chỉ thị về chuyển đổi số", category="", date="2026-06-01")
    write(root / "content/shared/chi-thi.en.md", "---\ntitle: Directive on digital transformation\n---\nDirective.\n")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("lang") / "p", SITES)
    multilingual(root)
    report = build(root, now=NOW, jobs=2)
    assert report.ok, report.all_problems()
    return root / "output"


def test_trees_only_for_enabled_languages(out: Path):
    for lang in ("en", "ja", "zh", "ko"):
        for rel in ("index.html", "404.html", "sitemap.xml", "feeds/all.atom.xml", "tin-tuc/index.html"):
            assert (out / "tinh" / lang / rel).is_file(), (lang, rel)
    assert (out / "so-a" / "en" / "index.html").is_file()
    assert not (out / "so-a" / "ja").exists()
    assert not (out / "xa-mot" / "en").exists()


def test_translations_in_their_trees_only(out: Path):
    t = out / "tinh"
    assert (t / "en/tin-tuc/thu-hut-dau-tu-nuoc-ngoai/index.html").is_file()  # slug inherited
    assert "Attracting foreign investment" in read(t / "en/tin-tuc/thu-hut-dau-tu-nuoc-ngoai/index.html")
    assert "外国投資の誘致" in read(t / "ja/tin-tuc/thu-hut-dau-tu-nuoc-ngoai/index.html")
    assert (t / "en/gioi-thieu/index.html").is_file()
    # the untranslated post is absent, not copied
    assert not (t / "en/tin-tuc/tin-chi-co-tieng-viet").exists()
    assert "Tin chỉ có tiếng Việt" not in "".join(read(p) for p in (t / "en").rglob("*.html"))
    assert not list(t.rglob("drafts"))
    # a translated directive reaches the language trees of its audience that have the language
    assert (out / "so-a/en/chi-dao-dieu-hanh/chi-thi-ve-chuyen-doi-so/index.html").is_file()
    assert (out / "tinh/en/chi-dao-dieu-hanh/chi-thi-ve-chuyen-doi-so/index.html").is_file()
    assert not (out / "tinh/ja/chi-dao-dieu-hanh/chi-thi-ve-chuyen-doi-so").exists()
    html = read(out / "so-a/en/chi-dao-dieu-hanh/chi-thi-ve-chuyen-doi-so/index.html")
    (canon,) = tags(html, "link", rel="canonical")
    assert canon["href"] == "https://tinh.example.vn/en/chi-dao-dieu-hanh/chi-thi-ve-chuyen-doi-so/"


HTML_LANG = {"vi": "vi", "en": "en", "ja": "ja", "zh": "zh-Hans", "ko": "ko"}


def local(site_dir: Path, url: str, site_url: str) -> Path:
    assert url.startswith(site_url), url
    path = urlsplit(url).path
    target = site_dir / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def test_lang_and_hreflang_point_to_existing_files(out: Path):
    site = out / "tinh"
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 30
    for page in pages:
        rel = page.relative_to(site).parts
        lang = rel[0] if rel[0] in ("en", "ja", "zh", "ko") else "vi"
        html = read(page)
        assert f'<html lang="{HTML_LANG[lang]}">' in html, page
        alts = tags(html, "link", rel="alternate")
        hreflangs = {a["hreflang"]: a["href"] for a in alts if "hreflang" in a}
        assert "x-default" in hreflangs, page
        assert HTML_LANG[lang] in hreflangs, (page, hreflangs)  # itself
        for href in hreflangs.values():
            assert local(site, href, "https://tinh.example.vn").is_file(), (page, href)


def test_hreflang_lists_every_translation(out: Path):
    html = read(out / "tinh/ja/gioi-thieu/index.html")
    got = {a["hreflang"]: a["href"] for a in tags(html, "link", rel="alternate") if "hreflang" in a}
    assert got == {
        "vi": "https://tinh.example.vn/gioi-thieu/", "en": "https://tinh.example.vn/en/gioi-thieu/",
        "ja": "https://tinh.example.vn/ja/gioi-thieu/", "zh-Hans": "https://tinh.example.vn/zh/gioi-thieu/",
        "ko": "https://tinh.example.vn/ko/gioi-thieu/", "x-default": "https://tinh.example.vn/gioi-thieu/",
    }
    sitemap = read(out / "tinh/sitemap.xml")
    assert 'hreflang="ja" href="https://tinh.example.vn/ja/gioi-thieu/"' in sitemap
    assert "https://tinh.example.vn/en/sitemap.xml" in read(out / "tinh/robots.txt")


def test_switcher_links_resolve(out: Path):
    site = out / "tinh"
    for page in [site / "gioi-thieu/index.html", site / "en/tin-tuc/index.html",
                 site / "tin-tuc/tin-chi-co-tieng-viet/index.html", site / "ko/index.html"]:
        html = read(page)
        nav = html.split('class="lang-switch"')[1].split("</nav>")[0]
        hrefs = [a["href"] for a in tags(nav, "a")]
        assert len(hrefs) == 5
        for href in hrefs:
            target = site / href.lstrip("/") / "index.html"
            assert target.is_file(), (page, href)
    nav = read(site / "gioi-thieu/index.html").split('class="lang-switch"')[1]
    assert 'href="/zh/gioi-thieu/"' in nav  # same page in another language
    nav = read(site / "tin-tuc/tin-chi-co-tieng-viet/index.html").split('class="lang-switch"')[1]
    assert 'href="/en/"' in nav  # not translated: that language's home


def test_dates_in_each_language(out: Path):
    """One date form per language, on the article and in the lists alike (issue 13.6)."""
    expected = {"": "06/04/2021", "en/": "6 April 2021", "ja/": "2021年4月6日", "zh/": "2021年4月6日", "ko/": "2021년 4월 6일"}
    for prefix, text in expected.items():
        html = read(out / "tinh" / f"{prefix}tin-tuc/thu-hut-dau-tu-nuoc-ngoai/index.html")
        assert re.findall(r'<time datetime="2021-04-06[^"]*"[^>]*>([^<]+)</time>', html) == [text], prefix
        listed = read(out / "tinh" / f"{prefix}tin-tuc/index.html")
        assert f">{text}</time>" in listed, prefix


def test_theme_strings_translated(out: Path):
    assert "Bỏ qua, đến nội dung chính" in read(out / "tinh/index.html")
    assert "Skip to main content" in read(out / "tinh/en/index.html")
    assert "本文へ移動" in read(out / "tinh/ja/index.html")
    assert "跳到主要内容" in read(out / "tinh/zh/index.html")
    assert "본문 바로가기" in read(out / "tinh/ko/index.html")
    assert "Department A" in read(out / "so-a/en/index.html")


@pytest.mark.parametrize("lang", ["vi", "en", "ja", "zh", "ko"])
def test_catalog_complete(lang: str):
    with (REPO / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    with (REPO / "translations" / "messages.pot").open("rb") as f:
        template = read_po(f)
    assert not catalog.fuzzy
    missing = [m.id for m in template if m.id and (m.id not in catalog or not catalog[m.id].string)]
    assert not missing, f"untranslated in {lang}: {missing}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy}"


def test_every_template_string_is_in_the_catalog_template(tmp_path: Path):
    import subprocess
    import sys

    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", str(REPO / "babel.cfg"), "--no-location",
         "--sort-output", "-o", str(fresh), str(REPO / "themes/portal/templates")],
        capture_output=True, text=True, check=True,
    )
    with fresh.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    with (REPO / "translations" / "messages.pot").open("rb") as f:
        known = {m.id for m in read_po(f) if m.id}
    assert extracted <= known, f"run `make translations`: {sorted(extracted - known)}"


BAD_CASES = [
    ("content/sites/so-a/tin-tuc/mo-coi.en.md", "---\ntitle: Orphan\n---\nx\n", "translation without its original"),
    ("content/sites/so-a/tin-tuc/bao-cao.ja.md", "---\ntitle: 報告\n---\nx\n", "language 'ja' is not enabled for its site"),
    ("content/sites/so-a/tin-tuc/bao-cao.fr.md", "---\ntitle: Rapport\n---\nx\n", "language 'fr' in the file name is not supported"),
    ("content/sites/so-a/tin-tuc/bao-cao.en.md", "---\ntitle: Report\ncategory: van-ban\n---\nx\n", "differs from the original's 'tin-tuc'"),
]


@pytest.mark.parametrize(("rel", "text", "needle"), BAD_CASES)
def test_bad_translation_inputs(tmp_path: Path, rel: str, text: str, needle: str):
    root = make_project(tmp_path / "p", SITES)
    multilingual(root)
    assert build(root, sites=["so-a"], now=NOW).ok
    before = {p: p.read_bytes() for p in (root / "output/so-a").rglob("*") if p.is_file()}
    write(root / rel, text)
    report = build(root, sites=["so-a"], now=NOW)
    assert not report.ok
    msgs = [str(p) for p in report.all_problems()]
    assert any(m.startswith(rel) and needle in m for m in msgs), msgs
    after = {p: p.read_bytes() for p in (root / "output/so-a").rglob("*") if p.is_file()}
    assert after == before, "nothing is published for that site"
