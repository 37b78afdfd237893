"""The PDF reader: one child per process, kept for the PDFs that follow; a PDF that takes too long or too much
memory ends its child, never the build, and the next PDF is read by a new child (issue 14: PDFs are untrusted)."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from portal.bench.pdf import write_pdf
from portal.model import pdftext

LIMITS = dict(max_pages=20, max_chars=100_000)


@pytest.fixture
def reader():
    """A fresh reader for each test (the module's, stopped before and after)."""
    pdftext._READER.stop()
    yield pdftext._READER
    pdftext._READER.stop()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pdfs")
    good = write_pdf(root / "dung.pdf", ["UỶ BAN NHÂN DÂN XÃ MỘT", "Số: 12/QĐ-UBND"], "Quyết định về lịch tiếp công dân",
                     ["Đường làng ngõ xóm được chiếu sáng."])
    other = write_pdf(root / "khac.pdf", ["UỶ BAN NHÂN DÂN XÃ HAI"], "Kế hoạch trồng cây", ["Cây xanh ở đình làng."])
    damaged = root / "hong.pdf"
    damaged.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return {"good": good, "other": other, "damaged": damaged}


def test_one_child_reads_every_pdf(reader, pdfs):
    text = pdftext.extract(pdfs["good"], seconds=10, **LIMITS)
    assert "lịch tiếp công dân" in text and "chiếu sáng" in text
    child = reader.proc.pid
    assert "Cây xanh" in pdftext.extract(pdfs["other"], seconds=10, **LIMITS)
    assert reader.proc.pid == child, "the second PDF is read by the same child"


def test_damaged_pdf_is_an_error_and_the_next_is_read(reader, pdfs):
    with pytest.raises(pdftext.PdfError) as err:
        pdftext.extract(pdfs["damaged"], seconds=10, **LIMITS)
    assert err.value.reason == "damaged"
    assert reader.proc is None, "a child that failed to read a PDF is not used again"
    assert "chiếu sáng" in pdftext.extract(pdfs["good"], seconds=10, **LIMITS)


def _slow(path, max_pages, max_chars):
    time.sleep(30)
    return True, "never"


def _greedy(path, max_pages, max_chars):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


@pytest.mark.parametrize(("read", "reason"), [(_slow, "too-slow"), (_greedy, "too-large")])
def test_a_pdf_that_takes_too_much_ends_its_child_only(reader, pdfs, monkeypatch, read, reason):
    monkeypatch.setattr(pdftext, "_read", read)  # the child is forked after this: it reads with *read*
    started = time.monotonic()
    with pytest.raises(pdftext.PdfError) as err:
        pdftext.extract(pdfs["good"], seconds=2, **LIMITS)
    assert err.value.reason == reason
    assert time.monotonic() - started < 15
    assert reader.proc is None, "the child that failed is gone"
    monkeypatch.undo()
    assert "chiếu sáng" in pdftext.extract(pdfs["good"], seconds=10, **LIMITS), "a new child reads the next PDF"


def _in_fork(path: str, conn) -> None:
    conn.send(pdftext.extract(Path(path), seconds=10, **LIMITS))


def test_a_forked_process_uses_its_own_child(reader, pdfs):
    pdftext.extract(pdfs["good"], seconds=10, **LIMITS)
    parent_child = reader.proc
    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_in_fork, args=(str(pdfs["other"]), theirs))
    proc.start()
    assert "Cây xanh" in ours.recv()
    proc.join(10)
    assert proc.exitcode == 0
    assert reader.proc is parent_child and parent_child.is_alive(), "the parent's child is left to the parent"
    assert "chiếu sáng" in pdftext.extract(pdfs["good"], seconds=10, **LIMITS)
