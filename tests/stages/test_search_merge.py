"""A network shard merged from its sites' bundles holds what Pagefind would index from the same pages."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from portal.model.sites import load_network
from portal.stages.search import bundle as bf
from portal.stages.search import merge
from portal.stages.search import network as network_index
from portal.stages.search.site import BUNDLE, run_pagefind


def decoded(bundle: Path) -> dict:
    """What a bundle indexes, by page address: words (with positions, and fields by name), filters, fragments, frequent."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    out: dict = {"frequent": bf.read_info(bundle).get("frequent"), "languages": {}}
    for lang, info in entry["languages"].items():
        meta = bf._load(bundle / f"pagefind.{info['hash']}.pf_meta")
        fields = [str(f) for f in meta[5]]
        urls = []
        fragments = {}
        for name, _length in meta[1]:
            fragment = bf.read_fragment(bundle / "fragment" / f"{name}.pf_fragment")
            urls.append(fragment["url"])
            fragments[fragment["url"]] = {k: fragment[k] for k in ("content", "meta", "filters", "word_count")}
        words: dict = {}
        for chunk in meta[2]:
            for word in bf._load(bundle / "index" / f"{chunk[2]}.pf_index")[0]:
                for spelling, pages in [(None, word[1])] + [(v[0], v[1]) for v in word[2]]:
                    at = 0
                    for page in pages:
                        at += page[0]
                        runs: dict[str, list] = {}
                        current = None
                        for loc in page[2]:
                            if loc < 0:
                                current = runs.setdefault(fields[-loc - 1], [])
                            else:
                                current.append(loc)
                        words.setdefault((word[0], spelling), {})[urls[at]] = (page[1], runs)
        filters = {}
        for name, digest in meta[3]:
            data = bf._load(bundle / "filter" / f"{digest}.pf_filter")
            filters[name] = {value: sorted(urls[p] for p in pages) for value, pages in data[1]}
        dates = json.loads(gzip.decompress((bundle / bf.DATES_FILE).read_bytes()))
        names = {name: urls[i] for i, (name, _) in enumerate(meta[1])}
        out["languages"][lang] = {
            "pages": sorted(urls), "words": words, "filters": filters, "fragments": fragments,
            "dates": {names[n]: d for n, d in dates.items() if n in names},
        }
    return out


@pytest.fixture(scope="module")
def sample(built_sample):
    from ..conftest import REPO

    out, _report = built_sample
    return load_network(REPO), out


def test_merged_shard_equals_pagefind(sample, tmp_path):
    network, out = sample
    groups = network_index.plan_shards(network, out, budget=40)  # several shards, the provincial portal's among them
    assert len(groups) > 1
    for group in groups:
        merged = tmp_path / f"m-{group[0].id}"
        pages = merge.merge_shard(network_index.shard_sources(network, out, group), merged, tmp_path)
        staged = network_index.stage_sites(network, out, group)
        by_pagefind = tmp_path / f"p-{group[0].id}"
        run_pagefind(staged, by_pagefind, tmp_path, cards=False)
        assert pages == len(staged)
        a, b = decoded(merged), decoded(by_pagefind)
        assert a["frequent"] == b["frequent"]
        assert a["languages"].keys() == b["languages"].keys()
        for lang in a["languages"]:
            la, lb = a["languages"][lang], b["languages"][lang]
            assert la["pages"] == lb["pages"], (group[0].id, lang)
            assert la["fragments"] == lb["fragments"]
            assert la["filters"] == lb["filters"]
            assert la["dates"] == lb["dates"]
            assert la["words"].keys() == lb["words"].keys()
            assert la["words"] == lb["words"]



def test_a_shard_s_words_prepared_in_several_processes_give_the_same_files(sample, tmp_path, monkeypatch):
    """bundle.write_words with jobs: the words capped, encoded and scored in forked processes, each a share
    of the page entries; every file of the shard is the one a single process writes."""
    network, out = sample
    sources = network_index.shard_sources(network, out, network.sites)
    one = tmp_path / "one"
    merge.merge_shard(sources, one, tmp_path / "w1", 1)
    monkeypatch.setattr(bf, "PARALLEL_ENTRIES", 0)  # the sample is small: forked all the same
    monkeypatch.setattr(bf, "MAX_PAGES", 3)         # and some words capped, in every share
    pids = tmp_path / "pids"
    real = bf.prepare_words

    def prepare(*args):
        with pids.open("a") as fh:  # written by whichever process prepares
            fh.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(bf, "prepare_words", prepare)
    capped = tmp_path / "capped-one"
    merge.merge_shard(sources, capped, tmp_path / "w2", 1)
    assert set(pids.read_text().split()) == {str(os.getpid())}
    pids.unlink()
    for jobs in (2, 3):
        several = tmp_path / f"capped-{jobs}"
        merge.merge_shard(sources, several, tmp_path / f"w-{jobs}", jobs)
        files = sorted(p.relative_to(capped) for p in capped.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(several) for p in several.rglob("*") if p.is_file())
        assert all((capped / f).read_bytes() == (several / f).read_bytes() for f in files), jobs
    assert bf.read_info(capped).get("capped")  # capping did happen
    assert bf.read_info(one) != bf.read_info(capped)
    # the parent prepared nothing itself: every share in a process of its own (the small languages stay here)
    assert len(set(pids.read_text().split()) - {str(os.getpid())}) >= 2 + 3

def test_build_shard_merges_and_falls_back(sample, tmp_path, monkeypatch):
    """The build merges a shard without staging a page again; a bundle that cannot be merged (no syllable
    counts: an older version's) gets the shard built by Pagefind, with the same pages."""
    import shutil

    network, out = sample
    ids = [s.id for s in network.sites[:3]]

    def no_staging(*args, **kwargs):
        raise AssertionError("staged again")

    with monkeypatch.context() as m:
        m.setattr(network_index, "stage_sites", no_staging)
        merged = network_index.build_shard(network, out, tmp_path, "0-merged", ids)
    assert merged > 0 and (tmp_path / "0-merged" / "pagefind.js").is_file()

    copy = tmp_path / "out"
    shutil.copytree(out / ids[1], copy / ids[1], symlinks=True)
    for site_id in (ids[0], ids[2]):
        (copy / site_id).symlink_to(out / site_id)
    (copy / ids[1] / BUNDLE / bf.SYLLABLES_FILE).unlink()
    with pytest.raises(merge.CannotMerge):
        merge.merge_shard(network_index.shard_sources(network, copy, network.sites[:3]), tmp_path / "x", tmp_path)
    assert network_index.build_shard(network, copy, tmp_path, "0-pagefind", ids) == merged
    assert decoded(tmp_path / "0-merged")["languages"]["vi"]["pages"] == decoded(tmp_path / "0-pagefind")["languages"]["vi"]["pages"]


def test_damaged_or_foreign_bundles_are_not_merged(sample, tmp_path):
    """A bundle of another Pagefind version cannot be merged; a damaged one (its chunk not CBOR) gets the shard
    built by Pagefind, not a failed build; words a site capped stay capped in the shard."""
    import shutil

    network, out = sample
    ids = [s.id for s in network.sites[:2]]
    copy = tmp_path / "out"
    shutil.copytree(out / ids[1], copy / ids[1], symlinks=True)
    (copy / ids[0]).symlink_to(out / ids[0])
    bundle = copy / ids[1] / BUNDLE
    bf.write_info(bundle, capped=["ʼthuʼtucʼ-from-the-site"])
    merged = tmp_path / "m"
    assert merge.merge_shard(network_index.shard_sources(network, copy, network.sites[:2]), merged, tmp_path) > 0
    assert "ʼthuʼtucʼ-from-the-site" in bf.read_info(merged)["capped"]

    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (bundle / "pagefind-entry.json").write_text(json.dumps({**entry, "version": "0.9.0"}), encoding="utf-8")
    with pytest.raises(merge.CannotMerge):
        merge.merge_shard(network_index.shard_sources(network, copy, network.sites[:2]), tmp_path / "x", tmp_path)
    (bundle / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")
    for chunk in (bundle / "index").iterdir():
        chunk.unlink()
        chunk.write_bytes(bf.gz(bf.SIGNATURE + b"\xff\xff not cbor"))
    pages = network_index.build_shard(network, copy, tmp_path, "0-damaged", ids)
    assert pages > 0 and (tmp_path / "0-damaged" / "pagefind.js").is_file()


def test_the_cycle_collector_is_paused_for_a_bundle_and_runs_again_after():
    """bundle.paused_gc: off inside (nested too), on again after, also when the work inside fails."""
    import gc

    bundle = bf
    assert gc.isenabled()
    with bundle.paused_gc():
        assert not gc.isenabled()
        with bundle.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outermost pause decides
    assert gc.isenabled()
    try:
        with bundle.paused_gc():
            raise ValueError("a damaged chunk")
    except ValueError:
        pass
    assert gc.isenabled()
