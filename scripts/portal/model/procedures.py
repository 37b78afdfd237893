"""Administrative procedures (``category: thu-tuc-hanh-chinh``): what a citizen needs to know before going.

Front matter::

    code: "1.004946"                 # the procedure's code in the National Database of Administrative Procedures
    level: Cấp xã                    # procedure_levels of legal.yaml
    agency: UBND xã Tiên Du          # who receives and decides
    time_limit: 15 ngày làm việc
    fee: 75.000 đồng                 # or "Không"
    required_documents: [Đơn đề nghị theo mẫu, Bản sao giấy tờ về quyền sử dụng đất]
    result: Giấy phép xây dựng
    online: Toàn trình               # procedure_online of legal.yaml (optional)
    fields: [Xây dựng - Đô thị]

The page links its record on the National Public Service Portal: sites.yaml
``documents.public_service_url`` with ``{code}`` (the portal's address by default; Decree
61/2018 and Decree 42/2022 art. 4 ask portals to publish procedures and link their online service).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from portal.model.documents import read_fields
from portal.model.errors import Problem
from portal.model.links import short
from portal.model.messages import _
from portal.model.vocabulary import Legal, Term

CATEGORY = "thu-tuc-hanh-chinh"
KEYS = {"code", "level", "agency", "time_limit", "fee", "required_documents", "result", "online", "fields"}
REQUIRED = ("code", "level", "agency", "time_limit", "fee", "required_documents", "result", "fields")
#: 1.004946, 2.000889, or the full form 1.004946.000.00.00.H04
CODE_RE = re.compile(r"^\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$")
#: the filter pages of /thu-tuc-hanh-chinh/: path segment → facet
FACETS = {"linh-vuc": "field", "cap": "level", "co-quan": "agency"}
_TEXT = ("agency", "time_limit", "fee", "result")


@dataclass
class Procedure:
    """A procedure's keys, read and checked."""

    code: str
    level: Term | None
    agency: str
    time_limit: str
    fee: str
    required_documents: list[str]
    result: str
    online: Term | None
    fields: list[Term] = field(default_factory=list)

    def record_url(self, legal: Legal) -> str:
        """Its record on the National Public Service Portal."""
        return str(legal.setting("public_service_url")).replace("{code}", quote(self.code, safe=""))


def read(meta: dict[str, Any], line: Any, legal: Legal, rel: str) -> tuple[Procedure, list[Problem]]:
    """The :class:`Procedure` of a post's front matter, and its problems (``rel:line``, with the fix)."""
    problems: list[Problem] = []

    def add(key: str, message: str, at: int | None = None) -> None:
        problems.append(Problem(rel, at if at is not None else (line(key) if key in meta else 1), message))

    for key in REQUIRED:
        if meta.get(key) in (None, "", []):
            add(key, _("{key} is missing — a procedure needs {key}: {example}", key=key, example=_EXAMPLES[key]))
    code = meta.get("code")
    code = code.strip() if isinstance(code, str) else ""
    if code and not CODE_RE.match(code):
        add("code", _("code '{code}' is not a procedure code — write it as in the National Database, e.g. code: \"1.004946\"",
                      code=short(code, 40)))
    terms: dict[str, Term | None] = {}
    for key, vocab in (("level", legal.levels), ("online", legal.online)):
        raw = meta.get(key)
        terms[key] = None
        if isinstance(raw, str) and raw:
            terms[key] = vocab.find(raw)
            if terms[key] is None:
                add(key, _("{key} '{value}' is not known — {hint}", key=key, value=short(raw, 40), hint=vocab.hint(raw)))
        elif raw is not None:
            add(key, _("{key} must be text — e.g. {key}: {example}", key=key, example=_EXAMPLES[key]))
    texts: dict[str, str] = {}
    for key in _TEXT:
        raw = meta.get(key)
        if raw is not None and not isinstance(raw, str):
            add(key, _("{key} must be text — write it on one line: {key}: \"…\"", key=key))
        texts[key] = raw.strip() if isinstance(raw, str) else ""
    docs = meta.get("required_documents")
    items: list[str] = []
    if docs is not None:
        docs = [docs] if isinstance(docs, str) else docs
        if not isinstance(docs, list) or not all(isinstance(d, str) for d in docs):
            add("required_documents", _("required_documents must be a list — one line each: - Đơn đề nghị theo mẫu"))
        else:
            items = [d.strip() for d in docs if d.strip()]
    fields = read_fields(meta.get("fields"), legal, add)
    return Procedure(code, terms["level"], texts["agency"], texts["time_limit"], texts["fee"], items, texts["result"],
                     terms["online"], fields), problems


_EXAMPLES = {"code": "\"1.004946\"", "level": "Cấp xã", "agency": "UBND xã Tiên Du", "time_limit": "15 ngày làm việc",
             "fee": "\"75.000 đồng\" (or Không)", "required_documents": "[Đơn đề nghị theo mẫu]", "result": "Giấy phép xây dựng",
             "fields": "[Xây dựng - Đô thị]", "online": "Toàn trình"}
