"""The text of a PDF attachment, for search and for the check that a document's PDF is not a bare scan.

A PDF is untrusted input: it is read with **pypdf** in a forked child process that may use at
most :data:`MEMORY_BYTES` of memory and *seconds* of time, and that reads at most *max_pages*
pages and keeps at most *max_chars* characters (sites.yaml ``documents.pdf_pages``,
``pdf_text_kb``, ``pdf_seconds``). A child that runs out of either is ended; the PDF is then
reported as unreadable, never hangs or crashes the build. The text is cached by the file's
SHA-256 (``.cache/pdf-text/``), so each PDF is read once per checkout.
"""

from __future__ import annotations

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


def _extract(path: str, max_pages: int, max_chars: int, conn) -> None:
    """In the child: read the text of the first *max_pages* pages, send (ok, text or reason)."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ValueError, OSError):
        pass
    try:
        import logging

        from pypdf import PdfReader
        from pypdf.errors import FileNotDecryptedError, PdfReadError

        logging.getLogger("pypdf").setLevel(logging.CRITICAL)
        try:
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted:
                try:
                    reader.decrypt("")
                except Exception:
                    conn.send((False, "encrypted"))
                    return
            parts: list[str] = []
            size = 0
            for i, page in enumerate(reader.pages):
                if i >= max_pages or size >= max_chars:
                    break
                text = page.extract_text() or ""
                parts.append(text)
                size += len(text)
            conn.send((True, normalise("\n".join(parts), max_chars)))
        except FileNotDecryptedError:
            conn.send((False, "encrypted"))
        except MemoryError:
            conn.send((False, "too-large"))
        except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError, OSError) as exc:
            conn.send((False, f"damaged: {type(exc).__name__}"))
    finally:
        conn.close()


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
    ok, value = _run(str(path), max_pages, max_chars, seconds)
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


def _run(path: str, max_pages: int, max_chars: int, seconds: float) -> tuple[bool, str]:
    import pypdf  # noqa: F401  (imported once here: every forked child inherits it)

    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_extract, args=(path, max_pages, max_chars, sender), daemon=True)
    proc.start()
    sender.close()
    try:
        if receiver.poll(seconds):
            try:
                ok, value = receiver.recv()
            except (EOFError, OSError):
                ok, value = False, "too-large"  # the child died (out of memory)
        else:
            ok, value = False, "too-slow"
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
    return bool(ok), str(value)
