"""portal.stages.publish.verify: what a release's pages reference must be in it (hand-made trees, no build)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import cbor2
import pytest

from portal.model.errors import PortalError
from portal.stages.publish.verify import check_sites, missing_resources


def page(tree: Path, rel: str, html: str) -> None:
    path = tree / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><head></head><body>{html}</body></html>", encoding="utf-8")


def bundle(tree: Path, rel: str, chunks=("vi_aaaaaaa",), fragments=("vi_fffffff",), filters=()) -> None:
    b = tree / rel
    (b / "index").mkdir(parents=True, exist_ok=True)
    (b / "fragment").mkdir(parents=True, exist_ok=True)
    (b / "filter").mkdir(parents=True, exist_ok=True)
    (b / "pagefind.js").write_text("//", encoding="utf-8")
    (b / "wasm.unknown.pagefind").write_bytes(b"x")
    (b / "pagefind-entry.json").write_text(json.dumps({"version": "1.5.2", "languages": {"vi": {"hash": "vi_m", "wasm": None, "page_count": 1}}}))
    meta = ["1.5.2", [[f, 10] for f in fragments], [["a", "z", c] for c in chunks], [["year", f] for f in filters], [], []]
    (b / "pagefind.vi_m.pf_meta").write_bytes(gzip.compress(b"pagefind_dcd" + cbor2.dumps(meta)))
    for c in chunks:
        (b / "index" / f"{c}.pf_index").write_bytes(b"x")
    for f in fragments:
        (b / "fragment" / f"{f}.pf_fragment").write_bytes(b"x")
    for f in filters:
        (b / "filter" / f"{f}.pf_filter").write_bytes(b"x")


def test_links_scripts_styles_images_and_relative_paths(tmp_path: Path):
    tree = tmp_path / "site"
    page(tree, "index.html", '<link rel="stylesheet" href="/theme/css/portal.css"><script src="/theme/js/portal.js"></script>'
                             '<a href="/tin-tuc/">tin</a><a href="https://other.example/x">x</a><a href="#main">skip</a>'
                             '<a href="mailto:a@b.vn">m</a><img src="files/anh.jpg" alt=""><a href="https://xa.example.vn/lien-he/">c</a>')
    page(tree, "tin-tuc/index.html", '<a href="../">home</a><a href="bai/">bài</a><a href="/tin-tuc/?page=2#x">p</a>')
    (tree / "theme" / "css").mkdir(parents=True)
    (tree / "theme" / "css" / "portal.css").write_text("", encoding="utf-8")
    missing = missing_resources(tree, "https://xa.example.vn")
    assert missing == {"theme/js/portal.js": ["index.html"], "files/anh.jpg": ["index.html"],
                       "lien-he/": ["index.html"], "tin-tuc/bai/": ["tin-tuc/index.html"]}


def test_search_bundles_are_complete(tmp_path: Path):
    tree = tmp_path / "site"
    page(tree, "tim-kiem/index.html", '<div data-search data-bundles="/pagefind/ /pagefind-chi-dao/"></div>')
    bundle(tree, "pagefind", chunks=("vi_c1", "vi_c2"), filters=("vi_y",))
    assert missing_resources(tree) == {f"pagefind-chi-dao/{f}": ["tim-kiem/index.html"]
                                       for f in ("pagefind.js", "pagefind-entry.json")}
    bundle(tree, "pagefind-chi-dao")
    (tree / "pagefind" / "index" / "vi_c2.pf_index").unlink()
    (tree / "pagefind" / "filter" / "vi_y.pf_filter").unlink()
    assert set(missing_resources(tree)) == {"pagefind/index/vi_c2.pf_index", "pagefind/filter/vi_y.pf_filter"}


def test_network_shards_listed_in_a_json_file(tmp_path: Path):
    tree = tmp_path / "site"
    page(tree, "tim-kiem-toan-tinh/index.html", '<div data-bundles="/tim-kiem-toan-tinh/pagefind/shards.json"></div>')
    assert set(missing_resources(tree)) == {"tim-kiem-toan-tinh/pagefind/shards.json"}
    folder = tree / "tim-kiem-toan-tinh" / "pagefind"
    folder.mkdir(parents=True)
    (folder / "shards.json").write_text('["0-abc/", "1-def/"]', encoding="utf-8")
    bundle(tree, "tim-kiem-toan-tinh/pagefind/0-abc")
    assert set(missing_resources(tree)) == {"tim-kiem-toan-tinh/pagefind/1-def/pagefind.js",
                                            "tim-kiem-toan-tinh/pagefind/1-def/pagefind-entry.json"}


def test_check_sites_names_the_missing_paths(tmp_path: Path):
    out = tmp_path / "output"
    page(out / "xa", "index.html", "".join(f'<a href="/mat-{i}/">x</a>' for i in range(12)))
    page(out / "ok", "index.html", "")
    problems = check_sites(out, [("xa", "https://xa.example.vn"), ("ok", "")])
    assert len(problems) == 1 and problems[0].path.endswith("xa")
    assert "12 missing file(s)" in problems[0].message and "/mat-0/ (← /index.html)" in problems[0].message
    assert "(+2)" in problems[0].message and "nothing was published" in problems[0].message
    with pytest.raises(PortalError):
        raise PortalError(problems)


def test_a_build_without_search_is_not_refused_for_its_bundles(tmp_path: Path):
    """``portal build --no-search`` records it; publish then checks every other reference, not the bundles."""
    from portal.stages.output import write_build_record

    tree = tmp_path / "out" / "xa"
    page(tree, "tim-kiem/index.html", '<div data-search data-bundles="/pagefind/"></div><a href="/lien-he/">c</a>')
    write_build_record(tree, {"commit": None, "search": False})
    assert missing_resources(tree, bundles=False) == {"lien-he/": ["tim-kiem/index.html"]}
    assert check_sites(tmp_path / "out", [("xa", "")])[0].message.count("lien-he") == 1
    write_build_record(tree, {"commit": None, "search": True})
    assert "pagefind/pagefind.js" in check_sites(tmp_path / "out", [("xa", "")])[0].message
