"""The vocabularies of legal documents and the legal basis, as data (``legal.yaml``, extended by sites.yaml).

``portal/model/legal.yaml`` holds the national lists — document types with the code their
number carries (Decree 30/2020/NĐ-CP, Appendix III), central issuers, fields, relations and
their effect on status, statuses, attachment roles, procedure levels, officials' positions
(vi → en) — the defaults of the ``documents:`` settings, and the items every portal must carry
(Decree 42/2022/NĐ-CP art. 4 and 7.2; the Law on Access to Information art. 17) with their
cadence. sites.yaml extends it::

    documents:
      issuers: [HĐND tỉnh Bắc Ninh, {name: "Ban Chỉ đạo chuyển đổi số tỉnh", en: "…"}]
      fields: [Quan họ]
      comment_days: 30
    audit:
      cadence: {documents: 90}

Each portal's ``owner`` (sites.yaml) is an issuer too. Names are matched without regard to
case, spacing or the usual abbreviations (``UBND`` = ``Ủy ban nhân dân``, ``HĐND`` = ``Hội đồng
nhân dân``): :func:`match_key`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from portal.model import yamlio
from portal.model.errors import did_you_mean
from portal.model.messages import _
from portal.model.text import nfc, slugify

DATA = Path(__file__).with_name("legal.yaml")
#: abbreviations written either way in names of bodies (matched as the same words)
ABBREVIATIONS = {"ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân", "uỷ": "ủy"}
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
#: settings of ``documents:`` that are whole numbers, and their accepted range
NUMBER_SETTINGS = {"comment_days": (1, 365), "attachment_mb": (1, 4096), "pdf_pages": (1, 5000),
                   "pdf_text_kb": (1, 4096), "pdf_seconds": (1, 600)}
DOCUMENT_KEYS = {"doc_types", "issuers", "fields", "positions", *NUMBER_SETTINGS, "public_service_url"}
AUDIT_KEYS = {"cadence"}


def match_key(text: str) -> str:
    """The form two names are compared in: NFC, case folded, spaces collapsed, abbreviations expanded.

    >>> match_key("UBND  tỉnh Bắc Ninh") == match_key("Ủy ban nhân dân tỉnh Bắc Ninh")
    True
    """
    text = _SPACES.sub(" ", nfc(text).casefold().replace("uỷ", "ủy")).strip()
    return _WORD.sub(lambda m: ABBREVIATIONS.get(m.group(0), m.group(0)), text)


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: its Vietnamese ``name``, names in other languages, its ``slug``
    (for addresses: ``/van-ban/loai/<slug>/``) and, for document types, the ``code`` of numbers."""

    name: str
    names: tuple[tuple[str, str], ...] = ()
    code: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.name)

    def label(self, lang: str = "vi") -> str:
        """The name in *lang* (English for another language without one), else the Vietnamese."""
        names = dict(self.names)
        return names.get(lang) or (names.get("en") if lang != "vi" else None) or self.name


class Vocabulary:
    """Terms found by any way of writing their name (:func:`match_key`); the later of two equal names wins."""

    def __init__(self, terms: Iterable[Term] = ()):
        self._terms: dict[str, Term] = {}
        for t in terms:
            self.add(t)

    def add(self, term: Term) -> None:
        self._terms[match_key(term.name)] = term

    def find(self, text: str) -> Term | None:
        return self._terms.get(match_key(text))

    def hint(self, text: str) -> str:
        """``did you mean …`` with the closest name (names, not keys: what editors write); a long list is not spelled out."""
        import difflib

        names = [t.name for t in self._terms.values()]
        if len(names) > 12 and not difflib.get_close_matches(text, names, n=1, cutoff=0.6):
            return _("see the list in portal/model/legal.yaml and sites.yaml documents:")
        return did_you_mean(text, names)

    def by_slug(self, slug: str) -> Term | None:
        return next((t for t in self._terms.values() if t.slug == slug), None)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __len__(self) -> int:
        return len(self._terms)

    def copy(self) -> Vocabulary:
        return Vocabulary(self._terms.values())


@dataclass(frozen=True)
class Relation:
    """A kind of relation: its names both ways and its ``effect`` on the named document (``expired``,
    ``partly_expired`` or none)."""

    kind: str
    names: dict[str, str]
    effect: str

    def label(self, lang: str, reverse: bool = False) -> str:
        key = f"reverse_{lang}" if reverse else lang
        return self.names.get(key) or self.names.get("reverse_en" if reverse else "en") or self.kind


@dataclass(frozen=True)
class Required:
    """One item every portal (of ``kinds``, or every kind) must carry: names, legal ``basis``, ``cadence`` in days."""

    key: str
    names: dict[str, str]
    basis: str
    cadence: int
    kinds: tuple[str, ...] = ()

    def label(self, lang: str = "vi") -> str:
        return self.names.get(lang) or self.names.get("en") or self.key

    def short(self, lang: str = "vi") -> str:
        """A few words, for a table's heading."""
        return self.names.get(f"short_{lang}") or self.names.get("short_en") or self.label(lang)


@dataclass
class Legal:
    """Everything of ``legal.yaml``, as extended by sites.yaml (see the module's docstring)."""

    doc_types: Vocabulary
    issuers: Vocabulary
    fields: Vocabulary
    levels: Vocabulary
    online: Vocabulary
    positions: Vocabulary
    relations: dict[str, Relation]
    statuses: dict[str, dict[str, str]]
    roles: dict[str, dict[str, str]]
    basis: dict[str, str]
    required: dict[str, Required]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> dict[str, Term]:
        """Number code (upper case) → the document type that carries it."""
        return {t.code.upper(): t for t in self.doc_types if t.code}

    def status_label(self, key: str, lang: str = "vi") -> str:
        s = self.statuses.get(key, {})
        return s.get(lang) or s.get("en") or key

    def status_slug(self, key: str) -> str:
        return self.statuses.get(key, {}).get("slug", key)

    def role_label(self, key: str, lang: str = "vi") -> str:
        r = self.roles.get(key, {})
        return r.get(lang) or r.get("en") or key

    def basis_text(self, ref: str) -> str:
        """``decree-42 art. 4`` → the decree's full name and the article."""
        name, _sep, rest = ref.partition(" ")
        return (self.basis.get(name, name) + (f", {rest}" if rest else "")).strip()

    def setting(self, key: str) -> Any:
        return self.settings[key]

    def with_owners(self, owners: Iterable[Term]) -> Legal:
        """A copy whose issuers include each portal's own agency (sites.yaml ``owner``)."""
        issuers = self.issuers.copy()
        for t in owners:
            if issuers.find(t.name) is None:
                issuers.add(t)
        return Legal(**{**self.__dict__, "issuers": issuers})


def _terms(items: Any) -> list[Term]:
    out = []
    for item in items or ():
        if isinstance(item, str):
            out.append(Term(nfc(item.strip())))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names = tuple((k, nfc(str(v))) for k, v in item.items() if k not in ("name", "code") and isinstance(v, str))
            out.append(Term(nfc(item["name"].strip()), names, str(item.get("code") or "")))
    return out


@cache
def defaults() -> Legal:
    """``legal.yaml`` as shipped (read once)."""
    data = yamlio.load(DATA.read_text(encoding="utf-8"))
    settings: dict[str, Any] = dict(data["settings"])
    for key in NUMBER_SETTINGS:
        settings[key] = int(settings[key])
    return Legal(
        doc_types=Vocabulary(_terms(data["doc_types"])),
        issuers=Vocabulary(_terms(data["issuers"])),
        fields=Vocabulary(_terms(data["fields"])),
        levels=Vocabulary(_terms(data["procedure_levels"])),
        online=Vocabulary(_terms(data["procedure_online"])),
        positions=Vocabulary(_terms(data["positions"])),
        relations={k: Relation(k, {n: str(x) for n, x in v.items() if n != "effect"}, str(v.get("effect") or ""))
                   for k, v in data["relations"].items()},
        statuses={k: dict(v) for k, v in data["statuses"].items()},
        roles={k: dict(v) for k, v in data["attachment_roles"].items()},
        basis=dict(data["basis"]),
        required={k: Required(k, {n: str(x) for n, x in v.items() if n in ("vi", "en", "short_vi", "short_en")}, str(v["basis"]),
                              int(v["cadence"]), tuple(v.get("kinds") or ()))
                  for k, v in data["required"].items()},
        settings=settings,
    )


Report = Callable[[int | None, str], None]


def _extend_terms(vocab: Vocabulary, value: Any, line: int, what: str, add: Report, *, codes: bool = False) -> Vocabulary:
    if value is None:
        return vocab
    if not isinstance(value, list):
        add(line, _("documents.{what} must be a list — write {what}: [\"…\", {{name: \"…\", en: \"…\"}}]", what=what))
        return vocab
    vocab = vocab.copy()
    for i, item in enumerate(value):
        iline = value.line_of(i) if isinstance(value, yamlio.LineList) else line
        if isinstance(item, dict):
            unknown = set(item) - {"name", "en", "code"} if codes else set(item) - {"name", "en"}
            if unknown:
                add(iline, _("documents.{what}: unknown key '{key}' — use name and en", what=what, key=sorted(unknown)[0]))
        terms = _terms([item])
        if not terms or not terms[0].name:
            add(iline, _("documents.{what}: an item needs a name — write \"…\" or {{name: \"…\", en: \"…\"}}", what=what))
            continue
        vocab.add(terms[0])
    return vocab


def extend(base: Legal, documents: Any, audit: Any, add: Report, line_of: Callable[[str], int]) -> Legal:
    """*base* extended by sites.yaml's ``documents:`` and ``audit:`` mappings; problems go to *add(line, message)*."""
    legal = Legal(**base.__dict__)
    legal.settings = dict(base.settings)
    if isinstance(documents, dict):
        for key in documents:
            if key not in DOCUMENT_KEYS:
                add(documents.line_of(key), _("unknown key '{key}' in documents — {hint}", key=str(key)[:40],
                                              hint=did_you_mean(str(key), DOCUMENT_KEYS)))
        ln = documents.line_of
        legal.doc_types = _extend_terms(base.doc_types, documents.get("doc_types"), ln("doc_types"), "doc_types", add, codes=True)
        legal.issuers = _extend_terms(base.issuers, documents.get("issuers"), ln("issuers"), "issuers", add)
        legal.fields = _extend_terms(base.fields, documents.get("fields"), ln("fields"), "fields", add)
        legal.positions = _extend_terms(base.positions, documents.get("positions"), ln("positions"), "positions", add)
        for key, (low, high) in NUMBER_SETTINGS.items():
            if key in documents:
                text = documents[key]
                if not isinstance(text, str) or not text.isdigit() or not low <= int(text) <= high:
                    add(ln(key), _("documents.{key} must be a whole number from {low} to {high}", key=key, low=low, high=high))
                else:
                    legal.settings[key] = int(text)
        url = documents.get("public_service_url")
        if url is not None:
            if not isinstance(url, str) or not url.startswith("https://") or "{code}" not in url or any(c in url for c in " \"'<>"):
                add(ln("public_service_url"), _("documents.public_service_url must be an https:// address with {{code}} where the procedure's code goes"))
            else:
                legal.settings["public_service_url"] = url
    elif documents is not None:
        add(line_of("documents"), _("documents must be a mapping (key: value lines) — indent its keys under it"))
    if isinstance(audit, dict):
        for key in audit:
            if key not in AUDIT_KEYS:
                add(audit.line_of(key), _("unknown key '{key}' in audit — {hint}", key=str(key)[:40], hint=did_you_mean(str(key), AUDIT_KEYS)))
        cadence = audit.get("cadence")
        if isinstance(cadence, dict):
            required = dict(base.required)
            for key, value in cadence.items():
                if key not in required:
                    add(cadence.line_of(key), _("audit.cadence: '{key}' is not a required item — {hint}", key=str(key)[:40],
                                                hint=did_you_mean(str(key), required)))
                elif not isinstance(value, str) or not value.isdigit() or not 1 <= int(value) <= 3650:
                    add(cadence.line_of(key), _("audit.cadence.{key} must be a number of days from 1 to 3650", key=key))
                else:
                    r = required[key]
                    required[key] = Required(r.key, r.names, r.basis, int(value), r.kinds)
            legal.required = required
        elif cadence is not None:
            add(audit.line_of("cadence"), _("audit.cadence must map items to days — write cadence: {{documents: 90}}"))
    elif audit is not None:
        add(line_of("audit"), _("audit must be a mapping (key: value lines) — indent its keys under it"))
    return legal
