"""Every slug namespace is checked after folding and capping (issue 13.1): posts, pages, tags, sections, reserved paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.model import catalogue
from portal.model.errors import PortalError
from portal.model.sites import load_network

from ..conftest import MINI_SITES, make_project, post, write

LONG = "Quyết định phê duyệt điều chỉnh cục bộ quy hoạch chung xây dựng xã đến năm 2035 tầm nhìn đến năm 2050 "


def problems(root: Path, site: str = "xa-mot") -> list[str]:
    network = load_network(root)
    catalogue.load_shared(network)
    return [str(p) for p in catalogue.load_site(network, network.site(site))[1]]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def test_titles_that_fold_and_cap_to_one_address(root):
    post(root, "content/sites/xa-mot/tin-tuc/a.md", LONG + "và kế hoạch thực hiện giai đoạn một")
    post(root, "content/sites/xa-mot/tin-tuc/b.md", LONG + "và kế hoạch thực hiện giai đoạn hai")
    post(root, "content/sites/xa-mot/tin-tuc/c.md", "Đường làng")
    post(root, "content/sites/xa-mot/tin-tuc/d.md", "Duong lang")
    got = problems(root)
    assert any(p.startswith("content/sites/xa-mot/tin-tuc/b.md:2: URL /tin-tuc/") and "is already used by content/sites/xa-mot/tin-tuc/a.md" in p
               for p in got), got
    assert any(p.startswith("content/sites/xa-mot/tin-tuc/d.md:2: URL /tin-tuc/duong-lang/") for p in got), got


def test_pages_posts_and_reserved_paths(root):
    for slug in ("tim-kiem", "pagefind", "files", "feeds", "tag", "en", "tin-tuc"):
        write(root / f"content/sites/xa-mot/pages/{slug}.md", f"---\ntitle: Trang\nslug: {slug}\n---\nx\n")
    write(root / "content/sites/xa-mot/pages/tim-kiem-2.md", "---\ntitle: Tìm kiếm\n---\nx\n")  # folded from the title
    post(root, "content/sites/xa-mot/tin-tuc/page.md", "Trang", slug="page")
    got = problems(root)
    for slug in ("tim-kiem", "pagefind", "files", "feeds", "tag", "en", "tin-tuc"):
        assert any(f"pages/{slug}.md:3: page address /{slug}/ is taken" in p for p in got), (slug, got)
    assert any("pages/tim-kiem-2.md:2: page address /tim-kiem/ is taken" in p for p in got), got
    assert any("tin-tuc/page.md:5: post address …/page/ is taken by the section's list pages" in p for p in got), got


def test_tags_that_share_a_page(root):
    post(root, "content/sites/xa-mot/tin-tuc/a.md", "A", tags="[Đường giao thông, Nông thôn mới]")
    post(root, "content/sites/xa-mot/tin-tuc/b.md", "B", tags="[đường giao thông]")   # the same tag, another case: fine
    post(root, "content/sites/xa-mot/tin-tuc/c.md", "C", tags="[Duong giao thong]")   # another spelling: one page
    got = problems(root)
    assert got == ["content/sites/xa-mot/tin-tuc/c.md:5: tag 'Duong giao thong' and tag 'Đường giao thông' (in "
                   "content/sites/xa-mot/tin-tuc/a.md) would share the page /tag/duong-giao-thong/ — write the tag the same way in both"]


@pytest.mark.parametrize("slug", ["tag", "feeds", "pagefind", "files", "en", "api"])
def test_a_section_cannot_take_a_reserved_path(tmp_path, slug):
    write(tmp_path / "sites.yaml", MINI_SITES.replace('    name: {vi: "Xã Hai"}\n',
                                                    f'    name: {{vi: "Xã Hai"}}\n    sections: [tin-tuc, chi-dao-dieu-hanh, {{slug: {slug}, name: {{vi: X}}}}]\n'))
    with pytest.raises(PortalError, match=f"section slug '{slug}' is a path the portal itself uses"):
        load_network(tmp_path)
