"""The build reads what check validated, renders it as reviewed, and names the post that fails (issues 12 and 13)."""

from __future__ import annotations

import os
import time
import unicodedata
import xml.dom.minidom
from pathlib import Path
from urllib.parse import unquote

import pytest

from portal.bench.pdf import write_pdf
from portal.model.errors import Problem
from portal.stages import build as build_stage
from portal.stages.build import SiteResult, build, run_sites
from portal.stages.render.cache import RenderCache

from ..conftest import NOW, make_project, mini_content, post, read, write

LONG_TITLE = ("Quyết định ban hành Quy chế phối hợp giữa Ủy ban nhân dân xã với Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội "
              "trong công tác tuyên truyền, vận động nhân dân thực hiện chủ trương, đường lối của Đảng, chính sách, pháp luật của "
              "Nhà nước về xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu giai đoạn 2026 - 2030 và định hướng đến năm 2035")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    root = make_project(tmp_path_factory.mktemp("inputs") / "proj")
    mini_content(root)
    xa = root / "content/sites/xa-mot"
    (xa / "files").mkdir(exist_ok=True)
    (xa / "files" / unicodedata.normalize("NFD", "lễ-hội-làng.jpg")).write_bytes(b"\xff\xd8\xff")
    (xa / "files" / "van ban").mkdir()
    write_pdf(xa / "files" / "van ban" / "qd 12.pdf", ["UBND xã Một", "Số: 15/QĐ-UBND"], LONG_TITLE, ["Điều 1. Ban hành quy chế."])
    post(root, "content/sites/xa-mot/tin-tuc/le-hoi.md", "Lễ hội làng", body=(
        "Xem [tin đầu](tin-dau.md), [hội nghị](hội-nghị.md) và [mục kết quả](#ket-qua).\n\n![Rước kiệu](files/lễ-hội-làng.jpg)\n\n"
        "<figure><img src=\"../files/lễ-hội-làng.jpg\" alt=\"Toàn cảnh\"><figcaption>Toàn cảnh</figcaption></figure>\n\n"
        "Tải [quyết định](/files/van%20ban/qd%2012.pdf).\n\n## Kết quả\n\n| Thôn | Người |\n|:--|--:|\n| Đông | 120 |\n\n"
        "Theo kế hoạch[^1].\n\n[^1]: Kế hoạch số 5.\n"))
    post(root, "content/sites/xa-mot/tin-tuc/" + unicodedata.normalize("NFD", "hội-nghị.md"), "Hội nghị tổng kết")  # saved on a Mac
    post(root, "content/sites/xa-mot/van-ban/qd-dai.md", LONG_TITLE, category="van-ban", number='"15/QĐ-UBND"',
         doc_type="Quyết định", issuer='"UBND xã Một"', signer="Nguyễn Văn A", issued="2026-01-10", fields="[Văn hóa - Xã hội]",
         summary='"Ban hành quy chế."', attachments='["files/van ban/qd 12.pdf"]')
    post(root, "content/sites/so-a/tin-tuc/an.md", "Thông\u00adbáo\u200b lịch tiếp dân", body="Nội\u200bdung\ufeff.")
    os.symlink("/etc/hostname", root / "content/sites/xa-hai/tin-tuc/h.md")
    write(root / "content/sites/phuong-ba/tin-tuc/bao-cao.rst", "Báo cáo\n#######\n\n.. include:: /etc/passwd\n")
    report = build(root, now=NOW, jobs=2)
    return root, report


def problems_of(report, site: str) -> list[str]:
    return [str(p) for r in report.results if r.site == site for p in r.problems]


def test_a_site_with_a_link_or_another_format_fails_naming_it_and_the_others_build(built):
    root, report = built
    ok = {r.site: r.ok for r in report.results}
    assert ok == {"tinh": True, "so-a": True, "xa-mot": True, "xa-hai": False, "phuong-ba": False}
    assert any("content/sites/xa-hai/tin-tuc/h.md: is a symbolic link" in p for p in problems_of(report, "xa-hai"))
    assert any("content/sites/phuong-ba/tin-tuc/bao-cao.rst: only Markdown posts" in p for p in problems_of(report, "phuong-ba"))
    assert not (root / "output/xa-hai").exists() and not (root / "output/phuong-ba").exists()
    for path in (root / "output").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
            assert "root:x:0:0" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_files_are_published_under_their_nfc_names_and_body_links_resolve(built):
    root, _report = built
    out = root / "output/xa-mot"
    assert (out / "files/lễ-hội-làng.jpg").is_file() and (out / "files/van ban/qd 12.pdf").is_file()
    html = read(out / "tin-tuc/le-hoi-lang/index.html")
    body = html.split('class="post-body"', 1)[1].split("</article>", 1)[0]
    assert '<a href="/tin-tuc/tin-dau-tien-cua-xa-mot/">tin đầu</a>' in body
    assert '<a href="/tin-tuc/hoi-nghi-tong-ket/">hội nghị</a>' in body
    assert '<a href="#ket-qua">' in body and '<h2 id="ket-qua">Kết quả</h2>' in body
    assert '<img alt="Rước kiệu" src="/files/l%E1%BB%85-h%E1%BB%99i-l%C3%A0ng.jpg">' in body
    assert '<a href="/files/van%20ban/qd%2012.pdf">' in body
    assert '<td class="align-right">120</td>' in body and 'class="footnotes"' in body
    import re

    for ref in re.findall(r'(?:href|src)="(/[^"#]*)', body):
        target = out / unquote(ref).lstrip("/")
        assert target.is_file() or (target / "index.html").is_file(), ref


def test_a_long_legal_title_builds_with_a_capped_slug(built):
    root, _report = built
    pages = [p for p in (root / "output/xa-mot/van-ban").iterdir() if p.name.startswith("quyet-dinh-ban-hanh")]
    assert len(pages) == 1 and len(pages[0].name) <= 80 and (pages[0] / "index.html").is_file()
    assert 'href="/files/van%20ban/qd%2012.pdf"' in read(pages[0] / "index.html")


def test_invisible_characters_never_reach_slugs_pages_or_feeds(built):
    root, _report = built
    out = root / "output/so-a"
    assert (out / "tin-tuc/thongbao-lich-tiep-dan/index.html").is_file()
    for path in [out / "tin-tuc/thongbao-lich-tiep-dan/index.html", *out.rglob("*.xml")]:
        text = read(path)
        assert not any(ch in text for ch in "\u00ad\u200b\ufeff"), path
        if path.suffix == ".xml":
            xml.dom.minidom.parseString(text.encode())


def test_an_exception_while_building_one_post_is_that_posts_error(tmp_path):
    root = make_project(tmp_path / "proj")
    post(root, "content/sites/xa-mot/tin-tuc/tot.md", "Bài bình thường")
    bad = post(root, "content/sites/xa-mot/tin-tuc/hong.md", "Bài làm hỏng giao diện")
    template = root / "themes/portal/templates/article.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}{% if article.title == 'Bài làm hỏng giao diện' %}{{ 1 // 0 }}{% endif %}", 1),
        encoding="utf-8")
    report = build(root, ["xa-mot"], now=NOW, jobs=1)
    problems = [str(p) for p in report.all_problems()]
    assert not report.ok and len(problems) == 1, problems
    assert problems[0].startswith(f"{bad.relative_to(root).as_posix()}:2: this post could not be built (ZeroDivisionError")


def test_a_site_that_takes_too_long_is_stopped_and_named(tmp_path, monkeypatch):
    (tmp_path / ".building-lau-abc123").mkdir()  # its tree being built: removed
    (tmp_path / ".building-lau-x-abc123").mkdir()  # another site's ("lau-x"): kept

    def fake(site_id: str) -> SiteResult:
        if site_id == "lau":
            time.sleep(60)
        return SiteResult(site=site_id, ok=True, problems=[])

    monkeypatch.setattr(build_stage, "build_one", fake)  # the forked workers inherit it
    start = time.perf_counter()
    results = {r.site: r for r in run_sites(["lau", "nhanh"], 2, 1.5, tmp_path)}
    assert time.perf_counter() - start < 20
    assert results["nhanh"].ok and not results["lau"].ok
    assert results["lau"].problems == [Problem("content/sites/lau", None, "the build of site 'lau' took longer than 1 s "
                                               "(network.limits.build_seconds) and was stopped — its previous output is kept; "
                                               "look for a very large or complex post")]
    assert not (tmp_path / ".building-lau-abc123").exists() and (tmp_path / ".building-lau-x-abc123").exists()


def test_render_cache_is_keyed_on_text_and_renderer_config(tmp_path):
    first = RenderCache(tmp_path, "site-x", 16)
    rendered = first.rendered("## Mục\n\nNội dung.\n")
    first.save()
    again = RenderCache(tmp_path, "site-x", 16)
    assert again.rendered("## Mục\n\nNội dung.\n").html == rendered.html and again.hits == 1
    other = RenderCache(tmp_path, "site-x", 8)  # another nesting limit: another renderer
    other.rendered("## Mục\n\nNội dung.\n")
    assert other.hits == 0 and other.version != again.version
    broken = RenderCache(tmp_path, "site-x", 16)
    broken.rendered("<script>x</script>\n")
    broken.save()
    assert RenderCache(tmp_path, "site-x", 16).old == {}  # a body with problems is never kept
