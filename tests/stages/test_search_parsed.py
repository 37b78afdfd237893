"""Each page is parsed once: a copy of a directive on many portals once for all of them; the body read up to its article's end."""

from __future__ import annotations

import json
from pathlib import Path

from portal.stages.search import parsed as parsed_store
from portal.stages.search import staging


def page(site: str, body: str, title: str = "Chỉ thị về chuyển đổi số", after: str = "") -> str:
    record = json.dumps({"title": title, "date": "2026-09-01", "section": "Chỉ đạo điều hành"}, ensure_ascii=False)
    return (f'<!doctype html><html lang="vi"><head><script type="application/json" id="search-record">{record}</script>'
            f'<link rel="canonical" href="https://bac-ninh.example/chi-thi/"></head><body><nav>{site}</nav>'
            f'<article><div data-search-body>{body}</div></article><footer>{site} {after}</footer></body></html>')


def test_body_ends_with_its_article():
    doc = page("Xã Một", "<p>Nội dung chỉ thị</p>", after="<p>chân trang</p>")
    assert staging.body_region(doc).endswith("</article>")
    words = staging.parse(doc).content
    assert "chỉ" in words and "Một" not in words and "trang" not in words


def test_copies_share_one_parse(tmp_path: Path, monkeypatch):
    a, b = page("Xã Một", "<p>Nội dung chỉ thị</p>"), page("Phường Hai", "<p>Nội dung chỉ thị</p>")
    other = page("Xã Một", "<p>Một nội dung khác</p>")
    assert staging.content_key(a) == staging.content_key(b) != staging.content_key(other)
    assert staging.content_key(page("Xã Một", "<p>Nội dung chỉ thị</p>", title="Tiêu đề khác")) != staging.content_key(a)

    first = parsed_store.ParsedPages.open(tmp_path, "xa-mot").parsed("chi-thi/index.html", a.encode(), copy=True)
    assert len(list((tmp_path / parsed_store.COPIES_DIR).iterdir())) == 1
    calls = []
    real = staging.parse
    monkeypatch.setattr(staging, "parse", lambda doc: calls.append(doc) or real(doc))
    second = parsed_store.ParsedPages.open(tmp_path, "phuong-hai").parsed("chi-thi/index.html", b.encode(), copy=True)
    assert second == first and calls == []  # the other portal's copy: not parsed again
    third = parsed_store.ParsedPages.open(tmp_path, "xa-mot").parsed("khac/index.html", other.encode(), copy=True)
    assert calls and third.content != first.content
    # an unreadable file is parsed again
    for path in (tmp_path / parsed_store.COPIES_DIR).iterdir():
        path.write_bytes(b"not a pickle")
    again = parsed_store.ParsedPages.open(tmp_path, "phuong-ba").parsed("chi-thi/index.html", b.encode(), copy=True)
    assert again == first


def test_old_copies_are_pruned(tmp_path: Path):
    import os

    folder = tmp_path / parsed_store.COPIES_DIR
    parsed_store.ParsedPages.open(tmp_path, "xa-mot").parsed("a/index.html", page("Xã Một", "<p>Một</p>").encode(), copy=True)
    parsed_store.ParsedPages.open(tmp_path, "xa-mot").parsed("b/index.html", page("Xã Một", "<p>Hai</p>").encode(), copy=True)
    (folder / "0123456789ab-foreign.pickle.z").write_bytes(b"x")  # another code's
    old, recent = sorted(p for p in folder.iterdir() if not p.name.startswith("0123"))
    os.utime(old, (0, 0))
    assert parsed_store.prune_copies(tmp_path) == 2
    assert [p.name for p in folder.iterdir()] == [recent.name]
