"""Legal documents (``category: van-ban``, and every numbered post): their keys, number, relations and status.

A document's front matter (DESIGN.md, "Content")::

    number: 953/KH-UBND            # số ký hiệu; its code matches doc_type (Decree 30/2020, App. III)
    doc_type: Kế hoạch             # a type of the vocabulary (legal.yaml + sites.yaml documents.doc_types)
    issuer: UBND tỉnh Bắc Ninh     # an issuer of the vocabulary, or a portal's owner (sites.yaml)
    signer: {name: Trần Văn Khải, title: Chủ tịch}   # or just the name
    issued: 2026-04-06
    effective: 2026-04-06          # default: issued
    valid_until: 2026-12-31        # optional: the last day it applies
    fields: [Chuyển đổi số]        # fields of the vocabulary (at least one for van-ban)
    summary: …                     # required for van-ban
    attachments:                   # at least one for van-ban: files under the site's files/
      - {path: files/van-ban/953-kh-ubnd.pdf, role: full_text}
    relations:                     # → other documents anywhere in the network, by number
      replaces: [2145/QĐ-UBND]
      based_on: [{number: 42/2022/NĐ-CP, issuer: Chính phủ, url: https://…}]   # outside the network: a url

A document of ``van-ban`` lives in the site's ``van-ban/`` folder (as ``portal new`` puts it), so
that the network's documents are found without reading every post (:mod:`portal.model.registry`).
Its **status is computed**, never typed (:func:`status`): not yet in force before ``effective``;
expired after ``valid_until`` or once a document that replaces or repeals it is in force; partly
expired once an amending one is; in force otherwise. A document never disappears: ``expires`` is
refused (:mod:`portal.model.content`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from portal.model.dates import date_hint, parse_date
from portal.model.errors import Problem
from portal.model.links import short
from portal.model.messages import _
from portal.model.text import fold, nfc
from portal.model.vocabulary import Legal, Term

CATEGORY = "van-ban"
FOLDER = "van-ban"
#: keys of a document (any article may carry them; van-ban requires most)
KEYS = {"number", "doc_type", "issuer", "signer", "issued", "effective", "valid_until", "fields", "attachments", "relations"}
REQUIRED = ("number", "doc_type", "issuer", "signer", "issued", "summary", "fields", "attachments")
#: the filter pages of /van-ban/: path segment → facet (portal.stages.render.listings)
FACETS = {"loai": "doc_type", "co-quan": "issuer", "linh-vuc": "field", "nam": "year", "hieu-luc": "status"}
#: ``<n>[/<year>]/<CODE>[-<issuer>…]``: 953/KH-UBND, 45/2025/QĐ-UBND, 2701/UBND-KSTT, 10/2022/QH15
NUMBER_RE = re.compile(r"^(?P<n>\d{1,6})(?:/(?P<year>\d{4}))?/(?P<code>[^\W\d_][^\W_]*)(?P<rest>(?:-[^\W_][\w.]*)*)$")
_TRAILING_DIGITS = re.compile(r"\d+$")
_SIGNER_KEYS = {"name", "title"}
_RELATION_ITEM_KEYS = {"number", "issuer", "url", "title"}


def number_key(number: str) -> str:
    """The form numbers are compared in: NFC, upper case, no spaces (``953/kh-ubnd`` = ``953/KH-UBND``)."""
    return re.sub(r"\s+", "", nfc(number)).upper()


def number_spellings(number: str) -> list[str]:
    """How readers type a number: as written, lower case, with spaces for punctuation, folded (``QĐ`` → ``QD``).

    >>> number_spellings("953/KH-UBND")
    ['953/KH-UBND', '953/kh-ubnd', '953 KH UBND', '953 kh ubnd', '953KHUBND']
    """
    forms = [number, number.lower()]
    spaced = re.sub(r"[/\-.]+", " ", number)
    forms += [spaced, spaced.lower(), spaced.replace(" ", "")]
    folded = fold(number)
    if folded != number:
        forms += [folded, folded.lower(), re.sub(r"[/\-.]+", " ", folded).lower()]
    return list(dict.fromkeys(forms))


def check_number(number: str, doc_type: Term | None, legal: Legal) -> str | None:
    """What is wrong with *number* for a document of *doc_type* (None: nothing).

    The type's code (Decree 30/2020/NĐ-CP, Appendix III) is the segment after the last ``/``
    up to the first ``-`` (a law's ``QH15`` is ``QH``); a letter (công văn) carries the
    issuer's abbreviation there instead, which must then not be another type's code.
    """
    m = NUMBER_RE.match(number)
    if m is None:
        return _("number '{number}' is not a document number — write it as on the document, e.g. 953/KH-UBND or 45/2025/QĐ-UBND (without 'Số')",
                 number=short(number, 40))
    if doc_type is None:
        return None
    code = _TRAILING_DIGITS.sub("", m.group("code")) if m.group("code").upper().startswith("QH") else m.group("code")
    owner = legal.codes.get(code.upper())
    if owner is not None and owner.code.upper() != doc_type.code.upper():
        return _("number '{number}' carries the code {code} of a {other}, but doc_type is '{doc_type}' — correct the number or the type",
                 number=short(number, 40), code=code, other=owner.name, doc_type=doc_type.name)
    if owner is None and doc_type.code:
        return _("number '{number}' lacks the code of a {doc_type} ({code}) — write it n/{code}-…, e.g. 12/{code}-UBND",
                 number=short(number, 40), doc_type=doc_type.name, code=doc_type.code)
    return None


@dataclass(frozen=True)
class Reference:
    """A relation as written: its ``kind``, the ``number`` named (and its ``issuer`` if given), its line;
    ``url``: an address outside the network (then it need not resolve)."""

    kind: str
    number: str
    issuer: str = ""
    url: str = ""
    title: str = ""
    line: int = 0

    @property
    def key(self) -> str:
        return number_key(self.number)


@dataclass
class Document:
    """A document's keys, read and checked (dates as :class:`datetime.date`)."""

    number: str
    doc_type: Term | None
    issuer: Term | None
    signer: dict[str, str]
    issued: dt.date | None
    effective: dt.date | None
    valid_until: dt.date | None
    fields: list[Term]
    references: list[Reference] = field(default_factory=list)

    @property
    def key(self) -> str:
        return number_key(self.number)

    @property
    def starts(self) -> dt.date | None:
        """The first day it applies: ``effective``, else ``issued``."""
        return self.effective or self.issued


def is_document(meta: dict[str, Any], category: str) -> bool:
    """A post is a document when it is in van-ban or carries a number."""
    return category == CATEGORY or bool(meta.get("number"))


def _date(meta: dict[str, Any], key: str) -> dt.date | None:
    value = parse_date(meta.get(key), dt.UTC)
    return value.date() if value is not None else None


def read(meta: dict[str, Any], line: Any, legal: Legal, rel: str, category: str) -> tuple[Document, list[Problem]]:
    """The :class:`Document` of a post's front matter *meta* (keys' lines from *line(key)*), and its problems.

    Problems name ``rel:line`` and say what to write instead; a van-ban post must have every
    key of :data:`REQUIRED`. Dates that are not dates are reported by the content check.
    """
    problems: list[Problem] = []

    def add(key: str, message: str, at: int | None = None) -> None:
        problems.append(Problem(rel, at if at is not None else line(key), message))

    full = category == CATEGORY
    for key in REQUIRED if full else ("doc_type", "issuer", "issued"):
        value = meta.get(key)
        if value in (None, "", []):
            add(key, _("{key} is missing — a legal document needs {key}: {example}", key=key, example=_EXAMPLES[key]), 1 if key not in meta else None)

    doc_type = issuer = None
    raw_type = meta.get("doc_type")
    if isinstance(raw_type, str) and raw_type:
        doc_type = legal.doc_types.find(raw_type)
        if doc_type is None:
            add("doc_type", _("doc_type '{value}' is not a known type of document — {hint} (sites.yaml documents.doc_types adds one)",
                              value=short(raw_type, 40), hint=legal.doc_types.hint(raw_type)))
    raw_issuer = meta.get("issuer")
    if isinstance(raw_issuer, str) and raw_issuer:
        issuer = legal.issuers.find(raw_issuer)
        if issuer is None:
            add("issuer", _("issuer '{value}' is not a known issuing body — {hint} (sites.yaml documents.issuers adds one)",
                            value=short(raw_issuer, 60), hint=legal.issuers.hint(raw_issuer)))
    number = meta.get("number")
    number = nfc(number.strip()) if isinstance(number, str) else ""
    if number:
        message = check_number(number, doc_type, legal)
        if message:
            add("number", message)

    signer: dict[str, str] = {}
    raw_signer = meta.get("signer")
    if isinstance(raw_signer, str) and raw_signer.strip():
        signer = {"name": raw_signer.strip()}
    elif isinstance(raw_signer, dict):
        unknown = set(raw_signer) - _SIGNER_KEYS
        if unknown or not isinstance(raw_signer.get("name"), str) or not all(isinstance(v, str) for v in raw_signer.values()):
            add("signer", _("signer must be a name, or {{name: …, title: …}} — e.g. signer: {{name: Trần Văn Khải, title: Chủ tịch}}"))
        else:
            signer = {k: v.strip() for k, v in raw_signer.items()}
    elif raw_signer is not None and not isinstance(raw_signer, str):
        add("signer", _("signer must be a name, or {{name: …, title: …}} — e.g. signer: {{name: Trần Văn Khải, title: Chủ tịch}}"))

    issued, effective, valid_until = _date(meta, "issued"), _date(meta, "effective"), _date(meta, "valid_until")
    if issued and effective and effective < issued:
        add("effective", _("effective ({effective}) is before issued ({issued}) — a document applies from the day it is issued at the earliest",
                           effective=effective.isoformat(), issued=issued.isoformat()))
    start = effective or issued
    if start and valid_until and valid_until < start:
        add("valid_until", _("valid_until ({until}) is before the document applies ({start}) — check the dates",
                             until=valid_until.isoformat(), start=start.isoformat()))
    if "valid_until" in meta and valid_until is None:
        add("valid_until", _("valid_until '{value}' is not a date — {hint}", value=short(str(meta["valid_until"]), 40),
                             hint=date_hint(meta["valid_until"])))

    fields = read_fields(meta.get("fields"), legal, add)
    references = _references(meta.get("relations"), line, legal, add)
    return Document(number, doc_type, issuer, signer, issued, effective, valid_until, fields, references), problems


def read_fields(raw: Any, legal: Legal, add: Any) -> list[Term]:
    """The ``fields`` of a document or procedure: terms of the vocabulary, each once.

    *add(key, message, line=None)* reports a list that is not one, and each unknown field at its line.
    """
    fields: list[Term] = []
    if raw is None:
        return fields
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(f, str) for f in items):
        add("fields", _("fields must be a list of fields — write fields: [Đất đai, Xây dựng - Đô thị]"))
        return fields
    for i, name in enumerate(items):
        term = legal.fields.find(name)
        if term is None:
            add("fields", _("field '{value}' is not in the list of fields — {hint} (sites.yaml documents.fields adds one)",
                            value=short(name, 40), hint=legal.fields.hint(name)),
                items.line_of(i) + 1 if hasattr(items, "line_of") else None)
        elif term not in fields:
            fields.append(term)
    return fields


_EXAMPLES = {
    "number": "953/KH-UBND", "doc_type": "Quyết định", "issuer": "UBND tỉnh Bắc Ninh", "signer": "Trần Văn Khải",
    "issued": "2026-04-06", "summary": "what the document decides, in one sentence", "fields": "[Chuyển đổi số]",
    "attachments": "[{path: files/van-ban/so-van-ban.pdf, role: full_text}]",
}


def _references(raw: Any, line: Any, legal: Legal, add: Any) -> list[Reference]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        add("relations", _("relations must map a kind to numbers — write relations: {{replaces: [2145/QĐ-UBND]}}"))
        return []
    refs: list[Reference] = []
    for kind, items in raw.items():
        kline = raw.line_of(kind) + 1 if hasattr(raw, "line_of") else None
        if kind not in legal.relations:
            from portal.model.errors import did_you_mean

            add("relations", _("relations: '{kind}' is not a kind of relation — {hint}", kind=short(str(kind), 30),
                               hint=did_you_mean(str(kind), legal.relations)), kline)
            continue
        items = [items] if isinstance(items, str | dict) else items
        if not isinstance(items, list):
            add("relations", _("relations.{kind} must be a list of numbers — write {kind}: [2145/QĐ-UBND]", kind=kind), kline)
            continue
        for i, item in enumerate(items):
            at = items.line_of(i) + 1 if hasattr(items, "line_of") else kline
            if isinstance(item, str):
                ref = Reference(kind, nfc(item.strip()), line=at or 0)
            elif isinstance(item, dict) and isinstance(item.get("number"), str) and not set(item) - _RELATION_ITEM_KEYS \
                    and all(isinstance(v, str) for v in item.values()):
                url = item.get("url", "")
                if url and not url.startswith(("https://", "http://")):
                    add("relations", _("relations: the url of {number} must be an https:// address", number=short(item["number"], 40)), at)
                    continue
                ref = Reference(kind, nfc(item["number"].strip()), nfc(item.get("issuer", "").strip()), url,
                                nfc(item.get("title", "").strip()), at or 0)
            else:
                add("relations", _("relations.{kind}: an item is a number, or {{number: …, issuer: …, url: …}}", kind=kind), at)
                continue
            if NUMBER_RE.match(ref.number) is None:
                add("relations", _("relations.{kind}: '{number}' is not a document number — write it as on the document, e.g. 2145/QĐ-UBND",
                                   kind=kind, number=short(ref.number, 40)), at)
                continue
            refs.append(ref)
    return refs


# --- the network's documents and their status -------------------------------------------------

@dataclass
class Record:
    """One document of the network, as every site sees it: where it is (site, ``url`` path, absolute
    ``href``) and what decides its status and relations."""

    site: str | None           # None: a shared directive (the provincial portal's copy)
    rel: str                   # its file, project-relative
    url: str                   # root-relative path on its site, e.g. /van-ban/slug/
    href: str                  # absolute URL
    title: str
    document: Document
    category: str = CATEGORY

    @property
    def key(self) -> str:
        return self.document.key


@dataclass
class Registry:
    """Every document of the network by number (:func:`number_key`), with the relations pointing at each."""

    records: list[Record] = field(default_factory=list)
    by_key: dict[str, list[Record]] = field(default_factory=dict)
    #: rel of a document → (relation kind, the document that names it)
    incoming: dict[str, list[tuple[str, Record]]] = field(default_factory=dict)

    def add(self, record: Record) -> None:
        self.records.append(record)
        self.by_key.setdefault(record.key, []).append(record)

    def find(self, ref: Reference, legal: Legal, *, near: str | None = None,
             issuer: Term | None = None) -> tuple[Record | None, str | None]:
        """The document *ref* names, or (None, why not: ``missing`` or ``ambiguous``).

        A number several issuers gave (each commune has its 12/QĐ-UBND) names the one of
        ``ref.issuer`` when given, else the one of *issuer* (the naming document's own: an
        agency replaces its own documents) if it has one, else it is ambiguous. Copies of one
        document (same number and issuer) are one: the copy on site *near* if there is one,
        else the first in the network's order.
        """
        found = self.by_key.get(ref.key, [])
        if ref.issuer:
            wanted = legal.issuers.find(ref.issuer)
            found = [r for r in found if r.document.issuer is not None and wanted is not None and r.document.issuer.name == wanted.name]
        if not found:
            return None, "missing"
        issuers = {r.document.issuer.name if r.document.issuer else "" for r in found}
        if len(issuers) > 1 and issuer is not None and issuer.name in issuers:
            found = [r for r in found if r.document.issuer is not None and r.document.issuer.name == issuer.name]
        elif len(issuers) > 1:
            return None, "ambiguous"
        mine = [r for r in found if r.site == near]
        return (mine or found)[0], None

    def link(self, legal: Legal) -> None:
        """Fill :attr:`incoming` from every record's references."""
        self.incoming.clear()
        for rec in self.records:
            for ref in rec.document.references:
                target, _why = self.find(ref, legal, near=rec.site, issuer=rec.document.issuer)
                if target is not None and target is not rec:
                    self.incoming.setdefault(target.rel, []).append((ref.kind, rec))

    def status(self, record: Record, today: dt.date, legal: Legal) -> tuple[str, list[tuple[str, Record]]]:
        """(status key, the relations that decided it). See the module's docstring; keys of legal.yaml ``statuses``."""
        doc = record.document
        if doc.starts and doc.starts > today:
            return "pending", []
        by: dict[str, list[tuple[str, Record]]] = {}
        for kind, source in self.incoming.get(record.rel, []):
            effect = legal.relations[kind].effect
            starts = source.document.starts
            if effect and (starts is None or starts <= today):
                by.setdefault(effect, []).append((kind, source))
        if by.get("expired"):
            return "expired", by["expired"]
        if doc.valid_until and doc.valid_until < today:
            return "expired", []
        if by.get("partly_expired"):
            return "partly_expired", by["partly_expired"]
        return "in_force", []


def status_changes(doc: Document, incoming: list[tuple[str, Record]], legal: Legal) -> list[dt.date]:
    """The days on which *doc*'s status may change (it starts, it ends, a relation comes into force)."""
    days = [d for d in (doc.starts, doc.valid_until + dt.timedelta(days=1) if doc.valid_until else None) if d]
    days += [src.document.starts for kind, src in incoming if legal.relations[kind].effect and src.document.starts]
    return sorted(set(days))
