"""The embedded sample network: Bắc Ninh's two tiers, complete, and it builds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.model import catalogue
from portal.model.content import read_post
from portal.model.sites import load_network

from .conftest import NOW, REPO, read


def test_sample_network_shape():
    net = load_network(REPO)
    kinds = Counter(s.kind for s in net.sites)
    assert kinds["province"] == 1
    assert kinds["department"] >= 6
    assert kinds["commune"] + kinds["ward"] >= 10
    for site in net.sites:
        folder = catalogue.site_dir(REPO, site.id)
        posts = [p for p in catalogue.markdown_files(folder) if "pages" not in p.parts and p.name.count(".") == 1]
        assert len(posts) >= 8, site.id
        pages = {p.name for p in (folder / "pages").glob("*.md")}
        assert {"gioi-thieu.md", "co-cau-to-chuc.md", "lien-he.md"} <= pages, site.id


def test_sample_directives_cover_the_rules():
    net = load_network(REPO)
    tz = ZoneInfo(net.timezone)
    posts = [read_post(p, REPO, site=None, kind="article", tz=tz) for p in catalogue.markdown_files(catalogue.shared_dir(REPO))]
    originals = [p for p in posts if p.path.name.count(".") == 1]
    assert len(originals) >= 12
    audiences = [p.meta.get("audience") for p in originals]
    assert any(a and set(a) == {"commune", "ward"} for a in audiences)
    assert any(a and len(a) == 2 and all(x in net for x in a) for a in audiences)
    assert any("valid_until" in p.meta for p in originals)  # a document ends, it never vanishes (expires is refused)
    assert any(p.meta.get("status") == "draft" for p in originals)
    assert any(str(p.meta.get("date", "")) > NOW.date().isoformat() for p in originals)


def test_sample_builds(built_sample):
    out, report = built_sample
    net = load_network(REPO)
    for site in net.sites:
        assert (out / site.id / "index.html").is_file()
    home = read(out / "bac-ninh" / "index.html")
    assert "Cổng Thông tin điện tử tỉnh Bắc Ninh" in home
    assert (out / "bac-ninh" / "en" / "index.html").is_file()
    assert all(r.ok for r in report.results)


def test_sample_directive_audiences(built_sample):
    out, _ = built_sample
    net = load_network(REPO)
    tz = ZoneInfo(net.timezone)
    catalogue.load_shared(net)
    for post in catalogue.SHARED:
        if post.lang != "vi":
            continue
        live = post.is_live(NOW)
        audience = catalogue.AUDIENCES[post.rel]
        for site in net.sites:
            page = out / site.id / "chi-dao-dieu-hanh" / post.slug / "index.html"
            assert page.is_file() == (live and site.id in audience), (post.rel, site.id)
    assert tz
    assert Path(out / "index.html").is_file()
