"""Sharded builds: shards partition the sites, deterministically and balanced; assembling equals a full build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal.bench.synth import Scale, generate
from portal.model.errors import PortalError
from portal.model.sites import load_network
from portal.stages.shard import assemble, assign, parse_shard, shard_sites, site_costs

from ..conftest import NOW, REPO


def tree(folder: Path) -> dict[str, bytes]:
    # Pagefind's bundles differ in bytes from run to run; the pages must not.
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith("pagefind") for part in p.relative_to(folder).parts)
            and p.name != ".portal-manifest.json"}


def keys(folder: Path) -> dict[str, str]:
    """What each search bundle was built from (its bytes vary; what it indexes must not)."""
    return {p.parent.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob(".portal-search-key"))}


@pytest.fixture(scope="module")
def synth_net(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("shard") / "net", Scale(sites=23, posts=400, directives=20), REPO)


def test_parse_shard():
    assert parse_shard("1/1") == (1, 1)
    assert parse_shard(" 3 / 4 ") == (3, 4)
    for bad in ("0/2", "3/2", "2", "a/b", "1/0", ""):
        with pytest.raises(PortalError):
            parse_shard(bad)


def test_assign_is_longest_processing_time_first():
    costs = {"a": 7, "b": 5, "c": 4, "d": 3, "e": 3, "f": 2}
    shards = assign(list(costs), costs, 2)
    assert shards == [["a", "d", "f"], ["b", "c", "e"]]  # loads 12 and 12; each in the given order
    assert assign(list(costs), costs, 1) == [list(costs)]
    assert assign(["a", "b"], costs, 3) == [["a"], ["b"], []]


def test_costs_count_content_and_audience(synth_net: Path):
    network = load_network(synth_net)
    costs = site_costs(network)
    assert set(costs) == set(network.ids)
    # every 10th synthetic directive goes to communes and wards only: they receive more than departments
    commune = next(s.id for s in network.sites if s.kind == "commune")
    department = next(s.id for s in network.sites if s.kind == "department")
    files = {s: len(list((synth_net / "content/sites" / s).rglob("*.md"))) for s in (commune, department)}
    assert costs[commune] - files[commune] == costs[department] - files[department] + 2
    assert costs["tinh"] > costs[department]  # five languages, translations


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 23, 30])
def test_shards_partition_deterministic_balanced(synth_net: Path, n: int):
    network = load_network(synth_net)
    shards = [shard_sites(network, k, n) for k in range(1, n + 1)]
    flat = [s for shard in shards for s in shard]
    assert sorted(flat) == sorted(network.ids) and len(flat) == len(set(flat)), "every site in exactly one shard"
    again = [shard_sites(load_network(synth_net), k, n) for k in range(1, n + 1)]
    assert again == shards, "the same split every time"
    order = {s: i for i, s in enumerate(network.ids)}
    assert all(shard == sorted(shard, key=order.__getitem__) for shard in shards), "sites.yaml order inside a shard"
    costs = site_costs(network)
    loads = [sum(costs[s] for s in shard) for shard in shards]
    mean = sum(costs.values()) / n
    assert max(loads) <= max(max(costs.values()), 4 / 3 * mean + 1), (loads, mean)


def test_shard_among_named_sites(synth_net: Path):
    network = load_network(synth_net)
    picked = network.ids[:5]
    parts = [shard_sites(network, k, 2, among=picked) for k in (1, 2)]
    assert sorted(parts[0] + parts[1]) == sorted(picked)
    with pytest.raises(PortalError):
        shard_sites(network, 1, 2, among=["khong-co"])


def test_assembled_shards_equal_a_full_build(project: Path, tmp_path: Path):
    from portal.stages.build import build

    network = load_network(project)
    full = tmp_path / "full"
    assert build(project, output=full, now=NOW, jobs=2).ok
    parts = []
    for k in (1, 2, 3):
        sites = shard_sites(network, k, 3)
        assert sites, "5 sites make 3 non-empty shards"
        part = tmp_path / f"part-{k}"
        assert build(project, sites, output=part, now=NOW, jobs=2).ok
        parts.append(part)
    out = tmp_path / "assembled"
    report = assemble(network, parts, out)
    assert report.ok and sorted(report.sites) == sorted(network.ids)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(network.ids)
    for site in network.ids:
        assert tree(out / site) == tree(full / site), site
        assert keys(out / site) == keys(full / site), site  # the shared directives' bundle was built by assemble
    shards = (out / "tinh" / "tim-kiem-toan-tinh" / "pagefind" / "shards.json").read_text(encoding="utf-8")
    assert shards == (full / "tinh" / "tim-kiem-toan-tinh" / "pagefind" / "shards.json").read_text(encoding="utf-8")
    assert (out / "index.html").is_file()


def test_assemble_refuses_duplicates_and_missing(project: Path, tmp_path: Path):
    network = load_network(project)
    a, b = tmp_path / "a", tmp_path / "b"
    for part in (a, b):
        (part / "tinh").mkdir(parents=True)
        (part / "tinh" / "index.html").write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    dup = assemble(network, [a, b], out)
    assert not dup.ok and any("also in" in p.message for p in dup.problems)
    assert not out.exists(), "nothing is touched when assembling fails"
    missing = assemble(network, [a], out)
    assert not missing.ok and "missing" in missing.problems[0].message
    partial = assemble(network, [a], out, allow_missing=True)
    assert partial.ok and partial.sites == ["tinh"] and (out / "tinh/index.html").is_file()


def test_cli_shard_and_assemble(project: Path, tmp_path: Path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(project), *args],
                              capture_output=True, text=True, timeout=300)

    built = []
    for k in (1, 2):
        res = run("build", "--shard", f"{k}/2", "--output", str(tmp_path / f"s{k}"), "--jobs", "1", "-q")
        assert res.returncode == 0, res.stderr
        built.append({p.name for p in (tmp_path / f"s{k}").iterdir() if p.is_dir()})
    assert not built[0] & built[1] and built[0] | built[1] == set(load_network(project).ids)
    res = run("assemble", str(tmp_path / "s1"), str(tmp_path / "s2"), "--output", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    assert "assembled 5 sites" in res.stdout
    assert run("build", "--shard", "3/2").returncode == 2
    empty = run("build", "--shard", "9/9", "--output", str(tmp_path / "s9"))
    assert empty.returncode == 0 and "nothing to build" in empty.stdout
