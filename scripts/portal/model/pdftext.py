"""The text of a PDF attachment, for search and for the check that a document's PDF is not a bare scan.

A PDF is untrusted input: it is read with **pypdf** in a forked child process (one per process, i.e. per
site's build worker, kept for the PDFs that follow: :class:`_Reader`) that may use at most
:data:`MEMORY_BYTES` of memory and *seconds* of time for each PDF, and that reads at most *max_pages*
pages and keeps at most *max_chars* characters (sites.yaml ``documents.pdf_pages``,
``pdf_text_kb``, ``pdf_seconds``). A child that runs out of either is ended; the PDF is then
reported as unreadable, never hangs or crashes the build. The text is cached by the file's
SHA-256 (``.cache/pdf-text/``), so each PDF is read once per checkout.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import multiprocessing
import os
import re
import resource
from pathlib import Path

from portal.model.text import clean

#: the most memory the child reading one PDF may use
MEMORY_BYTES = 1024 * 1024 * 1024
CACHE_DIR = Path(".cache") / "pdf-text"
VERSION = "1"
_SPACE = re.compile(r"[ \t\f\v\u00a0]+")
_LINES = re.compile(r"\n\s*\n+")


class PdfError(Exception):
    """The PDF could not be read (``reason``: ``damaged``, ``encrypted``, ``too-slow`` or ``too-large``)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def normalise(text: str, max_chars: int) -> str:
    """NFC without invisible or control characters, spaces collapsed, at most *max_chars* characters."""
    text, _bad = clean(text)
    text = "".join(ch if ch in "\n\t" or ord(ch) >= 32 else " " for ch in text)
    text = _LINES.sub("\n", _SPACE.sub(" ", text)).strip()
    return text[:max_chars]


def _read(path: str, max_pages: int, max_chars: int) -> tuple[bool, str]:
    """In the child: the text of the first *max_pages* pages, as (True, text) or (False, reason)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                return False, "encrypted"
        parts: list[str] = []
        size = 0
        for i, page in enumerate(reader.pages):
            if i >= max_pages or size >= max_chars:
                break
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
        return True, normalise("\n".join(parts), max_chars)
    except FileNotDecryptedError:
        return False, "encrypted"
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError, OSError) as exc:
        return False, f"damaged: {type(exc).__name__}"


def _serve(conn) -> None:
    """The child's loop: receive ``(path, max_pages, max_chars)``, send ``(ok, text or reason)``, until the
    parent closes its end. After running out of memory it says so and ends (its parent starts another)."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ValueError, OSError):
        pass
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        while True:
            try:
                path, max_pages, max_chars = conn.recv()
            except (EOFError, OSError):
                return
            try:
                result = _read(path, max_pages, max_chars)
            except MemoryError:
                conn.send((False, "too-large"))
                return
            conn.send(result)
    finally:
        conn.close()


class _Reader:
    """The child process of this process that reads PDFs, one after another (issue 14: a PDF is untrusted).

    Started at the first PDF and kept: forking the site's worker for every PDF cost 15 ms or more a PDF
    (5,613 PDFs at the reference scale), reading one of the network's small PDFs about 2 ms. A child
    that runs out of time is killed, and one that runs out of memory or fails to read a PDF ends; the
    next PDF starts a new one. Another process (a forked build worker) never uses the child of the
    process it was forked from.
    """

    #: PDFs one child reads before it is replaced (bounds what one child's memory can collect)
    MAX_READS = 1000

    def __init__(self) -> None:
        self.owner = 0
        self.proc = None
        self.conn = None
        self.reads = 0

    def _start(self) -> None:
        import pypdf  # noqa: F401  (imported before the fork: the child has it)

        ctx = multiprocessing.get_context("fork")
        ours, theirs = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_serve, args=(theirs,), daemon=True)
        proc.start()
        theirs.close()
        self.owner, self.proc, self.conn, self.reads = os.getpid(), proc, ours, 0

    def stop(self) -> None:
        """End the child (killed if it is still reading)."""
        proc, conn = self.proc, self.conn
        mine = self.owner == os.getpid()
        self.proc = self.conn = None
        if not mine:
            return  # the parent's child: the parent ends it
        if conn is not None:
            conn.close()
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join()

    def read(self, path: str, max_pages: int, max_chars: int, seconds: float) -> tuple[bool, str]:
        """(True, text) or (False, reason) for the PDF at *path*, within *seconds* of the child's time."""
        # another process's child (this one was forked from it) is never used nor tested (is_alive asserts)
        if self.owner != os.getpid() or self.proc is None or not self.proc.is_alive() or self.reads >= self.MAX_READS:
            self.stop()
            self._start()
        assert self.conn is not None
        self.reads += 1
        try:
            self.conn.send((path, max_pages, max_chars))
            if not self.conn.poll(seconds):
                self.stop()
                return False, "too-slow"
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            self.stop()
            return False, "too-large"  # the child died (out of memory)
        if not ok:  # a PDF that failed may have left the child in any state: the next PDF gets a new one
            self.stop()
        return bool(ok), str(value)


_READER = _Reader()
atexit.register(_READER.stop)


def extract(path: Path, *, max_pages: int, max_chars: int, seconds: float, cache_dir: Path | None = None) -> str:
    """The text of the PDF at *path* (empty for a scan without text); raises :class:`PdfError`."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    cache = None
    if cache_dir is not None:
        cache = cache_dir / f"{digest}-{VERSION}-{max_pages}-{max_chars}.json"
        try:
            cached = json.loads(cache.read_text(encoding="utf-8"))
            if cached.get("ok"):
                return str(cached["text"])
            raise PdfError(str(cached.get("reason", "damaged")))
        except (OSError, ValueError, KeyError, AttributeError):
            pass
    ok, value = _READER.read(str(path), max_pages, max_chars, seconds)
    if cache is not None and (ok or value != "too-slow"):
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"ok": ok, "text" if ok else "reason": value}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass
    if not ok:
        raise PdfError(value.split(":")[0], value)
    return value
