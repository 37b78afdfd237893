"""Attachments of documents and drafts: each a file of the site's ``files/`` with a role, checked.

``attachments:`` items are a path, or ``{path, role, title}``; the paths are resolved like every
link (:mod:`portal.model.links`, by the catalogue), then :func:`check` adds, for each file, its
type, its size (at most sites.yaml ``documents.attachment_mb``) and — for a PDF — its text
(:mod:`portal.model.pdftext`): a document's or draft's PDF must have text (a signed digital
document, not a scan), which the search indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.model import pdftext
from portal.model.errors import Problem
from portal.model.inputs import StaticFile
from portal.model.links import short
from portal.model.messages import _
from portal.model.vocabulary import Legal

_ITEM_KEYS = {"path", "role", "title"}


@dataclass
class Attachment:
    """One attached file: its URL path (``/files/…``), what to call it, its ``role`` (legal.yaml
    ``attachment_roles``), type (``PDF``), size in bytes, and its text (PDFs)."""

    url: str
    title: str
    role: str
    kind: str
    size: int
    text: str = ""

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


def human_size(n: int) -> str:
    """``1536`` → ``1,5 KB`` (Vietnamese decimal comma)."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(n, 1) / 1024:.0f} KB" if n >= 10 * 1024 else f"{max(n, 1) / 1024:.1f} KB".replace(".", ",")


def check(rel: str, items: Any, line: Any, static: dict[str, StaticFile], legal: Legal, root: Path,
          *, default_role: str, need_text: bool) -> tuple[list[Attachment], list[Problem]]:
    """The attachments of the post at *rel*: *items* are the resolved ``attachments`` (paths ``/files/…``).

    *static*: the site's files by name (``files/…``); *need_text*: a PDF without text is an
    error (documents and drafts). Problems are at the item's line (*line(i)*).
    """
    found: list[Attachment] = []
    problems: list[Problem] = []
    limit = int(legal.setting("attachment_mb"))
    for i, item in enumerate(items or ()):
        at = line(i)
        path = item.get("path") if isinstance(item, dict) else item
        if isinstance(item, dict):
            unknown = set(item) - _ITEM_KEYS
            if unknown:
                problems.append(Problem(rel, at, _("an attachment has the unknown key '{key}' — use path, role and title",
                                                   key=short(sorted(unknown)[0], 30))))
        role = item.get("role") if isinstance(item, dict) and item.get("role") else (default_role if i == 0 else "appendix")
        if role not in legal.roles:
            from portal.model.errors import did_you_mean

            problems.append(Problem(rel, at, _("attachment role '{role}' is not known — {hint}", role=short(str(role), 30),
                                               hint=did_you_mean(str(role), legal.roles))))
            continue
        f = static.get(str(path).lstrip("/")) if isinstance(path, str) else None
        if f is None:
            continue  # the link check reported it
        title = item.get("title") if isinstance(item, dict) and isinstance(item.get("title"), str) else ""
        att = Attachment(str(path), title.strip(), role, Path(f.name).suffix.lstrip(".").upper(), f.size)
        if f.size > limit * 1024 * 1024:
            problems.append(Problem(rel, at, _("attachment {file} is {size}, over the limit of {limit} MB for a document's file — compress it, or split it into parts with role appendix",
                                               file=f.name, size=human_size(f.size), limit=limit)))
            continue
        if att.kind == "PDF":
            try:
                att.text = pdftext.extract(f.path, max_pages=int(legal.setting("pdf_pages")),
                                           max_chars=int(legal.setting("pdf_text_kb")) * 1024,
                                           seconds=float(legal.setting("pdf_seconds")), cache_dir=root / pdftext.CACHE_DIR)
            except pdftext.PdfError as exc:
                problems.append(Problem(rel, at, _PDF_MESSAGES.get(exc.reason, _PDF_MESSAGES["damaged"])(f.name)))
                continue
            except OSError as exc:
                problems.append(Problem(rel, at, _("attachment {file} cannot be read ({reason}) — check the file", file=f.name, reason=exc.strerror)))
                continue
            if need_text and not att.text.strip():
                problems.append(Problem(rel, at, _("attachment {file} is a PDF without text (a scanned image?) — attach the PDF of the signed electronic document, or a scan with recognised text (OCR)",
                                                   file=f.name)))
                continue
        found.append(att)
    return found, problems


_PDF_MESSAGES = {
    "encrypted": lambda file: _("attachment {file} is a PDF protected by a password — attach a copy without a password", file=file),
    "too-slow": lambda file: _("attachment {file} is a PDF that takes too long to read — save it again (Print to PDF) and attach that copy", file=file),
    "too-large": lambda file: _("attachment {file} is a PDF too large to read — save it again (Print to PDF) or split it", file=file),
    "damaged": lambda file: _("attachment {file} is not a readable PDF — save it again from the signed document and attach that copy", file=file),
}
