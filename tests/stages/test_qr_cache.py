"""The QR codes inside pages are drawn once and kept across builds (issue 20: a theme change re-renders every page)."""

from __future__ import annotations

import pickle
import zlib
from pathlib import Path

import pytest

from portal.model import store
from portal.stages.render import qr


@pytest.fixture(autouse=True)
def _closed():
    yield
    qr.save_cache()  # never leave a cache open for the next test


def test_a_code_is_drawn_once_and_read_back_in_the_next_build(tmp_path: Path, monkeypatch):
    qr.open_cache(tmp_path, "xa-mot")
    first = qr.inline("https://xa-mot.example.vn/tin-tuc/bai-1/")
    labelled = qr.inline("https://xa-mot.example.vn/tin-tuc/bai-1/", "Mã QR của bài")
    assert first.startswith('<svg aria-hidden="true"') and labelled.startswith('<svg role="img" aria-label="Mã QR của bài"')
    qr.save_cache()
    assert (tmp_path / ".cache/qr/xa-mot.pickle.z").is_file()

    drawn: list[str] = []
    real = qr._code
    monkeypatch.setattr(qr, "_code", lambda url, mask=None: drawn.append(url) or real(url, mask))
    qr.open_cache(tmp_path, "xa-mot")
    assert qr.inline("https://xa-mot.example.vn/tin-tuc/bai-1/") == first
    assert drawn == [], "the cached code is used"
    other = qr.inline("https://xa-mot.example.vn/tin-tuc/bai-2/")
    assert drawn == ["https://xa-mot.example.vn/tin-tuc/bai-2/"] and other != first
    qr.save_cache()
    kept = store.read(tmp_path / ".cache/qr/xa-mot.pickle.z", qr._cache_version())
    assert len(kept) == 2, "only the codes this build used are kept"


def test_an_outdated_or_broken_cache_is_drawn_again(tmp_path: Path, monkeypatch):
    path = tmp_path / ".cache/qr/xa-mot.pickle.z"
    path.parent.mkdir(parents=True)
    url = "https://xa-mot.example.vn/"
    path.write_bytes(zlib.compress(pickle.dumps({"version": "0|old", "codes": {f"3\x00qr\x00{url}": "<svg>stale</svg>"}})))
    qr.open_cache(tmp_path, "xa-mot")
    assert "stale" not in qr.inline(url)
    qr.save_cache()
    path.write_bytes(b"not a pickle")
    qr.open_cache(tmp_path, "xa-mot")
    assert qr.inline(url).startswith("<svg")


def test_without_a_cache_nothing_is_kept(tmp_path: Path):
    assert qr.inline("https://xa-mot.example.vn/").startswith("<svg")
    qr.save_cache()
    assert not (tmp_path / ".cache").exists()


def test_preloaded_codes_are_drawn_once_for_every_site(tmp_path: Path, monkeypatch):
    urls = ["https://tinh.example.vn/chi-dao-dieu-hanh/a/", "https://tinh.example.vn/chi-dao-dieu-hanh/b/"]
    assert qr.preload(tmp_path, urls + urls[:1]) == 2
    assert qr.preload(tmp_path, urls) == 0, "read back from .cache/qr/shared.pickle.z"
    drawn: list[str] = []
    real = qr._code
    monkeypatch.setattr(qr, "_code", lambda url, mask=None: drawn.append(url) or real(url, mask))
    qr.open_cache(tmp_path, "xa-mot")
    assert qr.inline(urls[0]).startswith('<svg aria-hidden="true"') and drawn == []
    qr.inline("https://xa-mot.example.vn/tin-tuc/x/")
    qr.save_cache()
    kept = store.read(tmp_path / ".cache/qr/xa-mot.pickle.z", qr._cache_version())
    assert list(kept) == ["3\x00qr\x00https://xa-mot.example.vn/tin-tuc/x/"], "a site keeps only its own codes"
    qr.preload(tmp_path, [])


def test_a_built_copy_prints_the_code_of_its_canonical_address(tmp_path: Path):
    """The copies' codes come from the build's preload and decode to the provincial portal's page."""
    from portal.stages.build import build

    from ..conftest import NOW, make_project, mini_content, read

    root = make_project(tmp_path / "p")
    mini_content(root)
    assert build(root, now=NOW, jobs=1).ok
    shared = store.read(root / ".cache/qr/shared.pickle.z", qr._cache_version())
    assert shared and all(k.split("\x00")[2].startswith("https://tinh.example.vn/") for k in shared)
    copy = next((root / "output/xa-hai/chi-dao-dieu-hanh").glob("*/index.html"))
    canonical = read(copy).split('<link rel="canonical" href="', 1)[1].split('"', 1)[0]
    svg = read(copy).split('<div class="print-qr">', 1)[1].split("</div>", 1)[0]
    assert svg == str(qr.inline(canonical)) and f"3\x00qr\x00{canonical}" in shared
