"""Issue 20.2: list pages numbered from the oldest item, so a new post rewrites one or two pages of each list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.stages.build import build
from portal.stages.render.pagination import StableList

from ..conftest import NOW, make_project, post, read


def pages(items: int, per_page: int = 20) -> dict[int, list[int]]:
    stable = StableList("tin-tuc/index.html", "tin-tuc/", list(range(items, 0, -1)), per_page)  # newest first
    return {n: stable.page(n).object_list for n in stable.numbers()}


def test_first_page_has_the_newest_and_archive_pages_count_from_the_oldest():
    cut = pages(65)
    assert cut[0] == list(range(65, 45, -1))
    assert cut[1] == list(range(20, 0, -1)), "page 1: the oldest 20, newest first"
    assert cut[2] == list(range(40, 20, -1)) and cut[3] == list(range(45, 40, -1))
    assert sorted(x for page in cut.values() for x in page) == list(range(1, 66)), "every item once"
    assert pages(20) == {0: list(range(20, 0, -1))} and pages(0) == {0: []}
    assert list(pages(21)) == [0, 1] and pages(21)[1] == [1]


@pytest.mark.parametrize("items", [21, 39, 40, 41, 220, 221])
def test_a_new_item_changes_the_first_and_newest_archive_pages_only(items: int):
    def signatures(n: int) -> dict[str, tuple]:
        stable = StableList("tin-tuc/index.html", "tin-tuc/", list(range(n, 0, -1)), 20)
        return {stable.page(k).save_as: (stable.page(k).signature(), tuple(stable.page(k).object_list)) for k in stable.numbers()}

    before, after = signatures(items), signatures(items + 1)
    changed = {name for name in after if before.get(name) != after[name]}
    assert "tin-tuc/index.html" in changed
    assert len(changed) <= 5, changed  # the first page, the newest archive page, a new one and the links of two neighbours
    rollover = (items - 20) % 20 == 0
    assert len(changed) <= (5 if rollover else 2), changed


def test_links_name_the_first_page_the_neighbours_and_the_oldest():
    stable = StableList("tin-tuc/index.html", "tin-tuc/", list(range(300, 0, -1)), 20)  # 14 archive pages
    first = stable.page(0)
    assert first.older == 14 and first.newer is None
    labels = [("…" if lk.gap else lk.number) for lk in first.links]
    assert labels == [None, 14, 13, "…", 1]
    middle = stable.page(7)
    assert [("…" if lk.gap else lk.number) for lk in middle.links] == [None, "…", 9, 8, 7, 6, 5, "…", 1]
    assert middle.newer == 8 and middle.older == 6 and stable.page(14).newer == 0 and stable.page(1).older is None
    assert middle.url == "tin-tuc/page/7/" and middle.save_as == "tin-tuc/page/7/index.html"
    assert stable.page(15).object_list == [], "past the end: empty, as Pelican's paginator"
    with pytest.raises(IndexError):
        stable.page(-1)


SITES = """\
network: {home: tinh}
defaults:
  sections:
    province: [chi-dao-dieu-hanh, {slug: tin-tuc, name: {vi: Tin tức}}]
sites:
  - id: tinh
    kind: province
    name: {vi: Tỉnh}
    url: https://tinh.example.vn
"""


def test_a_new_post_rewrites_two_list_pages_and_reuses_the_others(tmp_path: Path):
    root = make_project(tmp_path / "p", SITES)
    for i in range(95):  # the first page and 4 archive pages (20, 20, 20, 15)
        post(root, f"content/sites/tinh/tin-tuc/a{i:03d}.md", f"Bài số {i:03d}", category="tin-tuc",
             date=f"2025-{1 + i // 28:02d}-{1 + i % 28:02d} 08:00", tags=["giao-thong"])
    assert build(root, now=NOW, jobs=1).ok
    out = root / "output" / "tinh"
    first = read(out / "tin-tuc" / "index.html")
    assert "Bài số 094" in first and "Bài số 075" in first and "Bài số 074" not in first
    oldest = read(out / "tin-tuc" / "page" / "1" / "index.html")
    assert "Bài số 000" in oldest and "Bài số 019" in oldest and "Bài số 020" not in oldest
    assert oldest.index("Bài số 019") < oldest.index("Bài số 000"), "newest first inside a page"
    nav = first.split('<nav class="pagination"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/tin-tuc/page/4/" rel="next"' in nav and 'aria-current="page">Mới nhất<' in nav
    assert re.search(r'href="/tin-tuc/page/1/">1<', nav)
    assert "Bài số 000" in read(out / "tag" / "giao-thong" / "page" / "1" / "index.html"), "tags are cut the same way"
    inodes = {p: p.stat().st_ino for p in out.glob("**/page/*/index.html")}

    post(root, "content/sites/tinh/tin-tuc/moi.md", "Bài mới nhất", category="tin-tuc", date="2026-11-01 08:00",
         tags=["giao-thong"])
    assert build(root, now=NOW, jobs=1).ok
    assert "Bài mới nhất" in read(out / "tin-tuc" / "index.html")
    newest = read(out / "tin-tuc" / "page" / "4" / "index.html")
    assert "Bài số 075" in newest, "the post that left the first page is on the newest archive page"
    rewritten = sorted(str(p.relative_to(out)) for p, ino in inodes.items() if p.stat().st_ino != ino)
    assert rewritten == ["tag/giao-thong/page/4/index.html", "tin-tuc/page/4/index.html"], rewritten


def test_a_synthetic_network_with_many_directives_builds(tmp_path: Path):
    """The synthetic network of ``portal bench`` (60 directives: 4 pages of them on every site) builds with
    the theme's pagination; a theme written for Pelican's numbering (pages 1…num_pages) gets an empty page
    past the end instead of an IndexError that failed every site."""
    from portal.bench.synth import Scale, generate

    from ..conftest import REPO

    root = generate(tmp_path / "net", Scale(sites=4, posts=80, directives=60), REPO)
    report = build(root, now=NOW, jobs=2, search=False)
    assert report.ok, report.all_problems()[:3]
    assert (root / "output" / "tinh" / "chi-dao-dieu-hanh" / "page" / "1" / "index.html").is_file()
