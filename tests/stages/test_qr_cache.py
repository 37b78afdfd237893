"""The QR codes inside pages are drawn once and kept across builds (issue 20: a theme change re-renders every page)."""

from __future__ import annotations

import pickle
import zlib
from pathlib import Path

import pytest

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
    kept = pickle.loads(zlib.decompress((tmp_path / ".cache/qr/xa-mot.pickle.z").read_bytes()))["codes"]
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
