"""YAML as editors write it: YAML 1.2 syntax, values kept as the text written, a line for every key.

Front matter and ``sites.yaml`` are read with **ruamel.yaml**'s parser (its C parser when
``ruamel.yaml.clib`` is installed) and built here from the parser's events, so that:

- every scalar stays the text as written (``number: 0107`` → ``"0107"``, ``summary: 1:30``
  → ``"1:30"``, ``tags: [NO, Yes]`` → ``["NO", "Yes"]``, ``date: 2026-01-05`` →
  ``"2026-01-05"``); only a plain ``null``, ``~`` or an empty value is ``None``. The
  callers convert what must be a number or a date and report what is not one
  (DESIGN.md, "sites.yaml": a text field keeps the text as written);
- a key given twice in one mapping is an error at the second one's line;
- anchors and aliases (``&a``, ``*a``), merge keys (``<<``) and tags (``!!python/…``) are
  refused: an alias "bomb" of 1 KB would otherwise expand to gigabytes in any code that
  walks or prints the value;
- nesting is limited (:data:`MAX_DEPTH`), so no input reaches Python's recursion limit;
- mappings and lists remember their line and the line of each key and item
  (:class:`LineDict`, :class:`LineList`), and which of their plain (unquoted) values other
  YAML tools would read as something else than the text (:func:`implicit_type`: ``NO``,
  ``0107``, ``1:30``): the checker asks editors to quote those in text fields.

Errors are :class:`YamlError` with a 1-based line and a message for an editor (through
:func:`portal.model.messages._`), never a ``repr()`` of a value.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from portal.model.messages import _

#: deepest nesting of mappings and lists accepted (front matter needs 3, sites.yaml 5)
MAX_DEPTH = 20
_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


#: YAML 1.1's booleans (PyYAML and most tools outside this project; ``true``/``false`` also YAML 1.2's)
_BOOL = re.compile(r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)")
#: integers whose value is written otherwise than as the text: a leading zero (YAML 1.1: octal, 0107 → 71;
#: YAML 1.2: 107), a sign, underscores, binary, octal or hexadecimal
_INT = re.compile(r"\+[0-9]+|[-+]?(?:0[0-9_]+|[0-9]+_[0-9_]*|0b[01_]+|0o[0-7]+|0x[0-9a-fA-F_]+)")
#: YAML 1.1's base-60 numbers (1:30 → 90, 1:30.5 → 90.5; an integer's first digit is 1-9: 08:30 stays text)
_SEXAGESIMAL = re.compile(r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*")
#: an integer every reading writes back the same
_DECIMAL = re.compile(r"-?[1-9][0-9]*|0")
#: floats of YAML 1.1 or 1.2 (core), and their infinities and not-a-number
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
#: the patterns above as text (each matches a whole value), for the web editor's script (portal.stages.cms), which
#: quotes what they match in the files Decap writes: (booleans, base 60, integers, floats), and the integers let through
IMPLICIT_PATTERNS = (_BOOL.pattern, _SEXAGESIMAL.pattern, _INT.pattern, _FLOAT.pattern)
DECIMAL_PATTERN = _DECIMAL.pattern


def implicit_type(text: str) -> str | None:
    """What YAML tools other than this reader make of the plain (unquoted) scalar *text* when it is not the same
    text: ``"bool"`` (``NO``, ``Yes``, ``off``: YAML 1.1), ``"number"`` (``0107`` → 71 or 107, ``75.000`` → 75.0,
    ``1_000``), ``"sexagesimal"`` (``1:30`` → 90: YAML 1.1); None when every reading gives back *text* (``2025``,
    ``1.5``, ``Hà Nội``). The web editor (Decap CMS, YAML 1.2) saves a file it opened with the values it read:
    ``number: 0107`` would come back as ``107``.
    """
    if len(text) > 40 or not text:
        return None
    if _BOOL.fullmatch(text):
        return "bool"
    if _SEXAGESIMAL.fullmatch(text):
        return "sexagesimal"
    if _INT.fullmatch(text):
        return "number"
    if _FLOAT.fullmatch(text) and not _DECIMAL.fullmatch(text):
        try:
            shown = repr(float(text.replace("_", "")))
        except ValueError:
            return "number"
        return None if shown == text else "number"
    return None


class LineDict(dict):
    """A mapping that knows its own line and the line of each key (1-based), and which keys have a plain
    value that other YAML tools read otherwise (``implicit``: key → :func:`implicit_type`; ``implicit_lines``:
    key → the value's line)."""

    line: int = 0
    key_lines: dict[str, int]
    implicit: dict[str, str]
    implicit_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that knows its own line and the line of each item (1-based), and which items are plain values
    that other YAML tools read otherwise (``implicit``: index → :func:`implicit_type`)."""

    line: int = 0
    item_lines: list[int]
    implicit: dict[int, str]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlError(ValueError):
    """YAML that cannot be read: ``line`` (1-based, in the text given, or None) and an editor's ``message``."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


#: ruamel.yaml's YAML 1.2 parser (pure Python): the reference for what is valid and for errors
_PURE = YAML(typ="safe", pure=True)
#: libyaml through ruamel.yaml.clib, 7× faster; it follows YAML 1.1's stricter syntax (a URL in a
#: flow list: [https://…]), so a text it refuses is parsed again by the 1.2 parser
_FAST = YAML(typ="safe")




#: a line whose quoted value is followed by more text (``summary: "8:30" sáng``, ``- 'a' b``)
_AFTER_QUOTE = re.compile(r"""\s*(?:-\s+)?(?:[^\s:#"'][^:#]*:\s+)?(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*[^\s#]""")


def _line(event: Any) -> int:
    return event.start_mark.line + 1


def _explain(exc: YAMLError, text: str) -> tuple[int | None, str]:
    """An editor's message for a syntax error: the common mistakes named in their terms."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0] if str(exc) else "")
    low = problem.lower()
    lines = text.split("\n")
    at = lines[line - 1] if line and line <= len(lines) else ""
    if "\t" in problem or "tab" in low or "\t" in at[: len(at) - len(at.lstrip())]:
        return line, _("a Tab is used for indentation — use spaces, not Tab")
    if "mapping values are not allowed" in low:
        return line, _("a value contains ': ' — put the title in double quotes: title: \"…\" (the same for any value with ': ')")
    if "cannot start any token" in low:
        return line, _("a value starts with a character YAML reserves (@, `, %, |, >) — put the value in double quotes")
    if "could not find expected ':'" in low or "simple key" in low:
        return line, _("a line is not 'key: value' — check the colon after the key, or put the value in double quotes")
    if "found unexpected end of stream" in low or "while scanning a quoted scalar" in low:
        return line, _("a quotation mark is not closed — close the double quotes at the end of the value")
    if _AFTER_QUOTE.match(at):
        return line, _("text follows the closing quotation mark — put the whole value inside the quotes: key: \"…\"")
    if "expected <block end>" in low or "indentation" in low or "block mapping" in low or "expected key" in low:
        return line, _("the indentation is wrong — start each key at the beginning of the line (lists: two spaces, then '- ')")
    return line, _("invalid YAML ({problem}) — check indentation, colons and quotes", problem=problem[:120])


def load(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse one YAML document into ``LineDict``/``LineList``/``str``/``None``.

    Raises :class:`YamlError` (line, message) for a syntax error, a key given twice, an
    anchor, alias, merge key or tag, nesting deeper than *max_depth*, or more than one
    document. Work is linear in the size of *text*: events are consumed as they come, so
    a refused construct stops the parse where it is.
    """
    try:
        return _load(text, _FAST, max_depth)
    except _Retry:
        return _load(text, _PURE, max_depth)


class _Retry(Exception):
    """The fast parser refused the text: parse it again with the YAML 1.2 parser."""


def _load(text: str, parser: YAML, max_depth: int) -> Any:
    stack: list[Any] = []       # open collections
    pending_key: list[Any] = []  # per open mapping: the key waiting for its value (or a marker)
    root: Any = None
    have_root = False
    documents = 0
    _NO_KEY = object()

    def attach(value: Any, event: Any, implicit: str | None = None) -> None:
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            return
        parent = stack[-1]
        if isinstance(parent, LineList):
            if implicit:
                parent.implicit[len(parent)] = implicit
            parent.append(value)
            parent.item_lines.append(_line(event))
            return
        key = pending_key[-1]
        if key is _NO_KEY:  # this value is a key
            if not isinstance(value, str) and value is not None:
                raise YamlError(_line(event), _("a key must be a plain word — write key: value"))
            k = "" if value is None else value
            if k == "<<":
                raise YamlError(_line(event), _("merge keys ('<<') are not allowed — write every key out"))
            if k in parent:
                raise YamlError(_line(event), _("'{key}' is given twice — keep one", key=k[:80]))
            parent.key_lines[k] = _line(event)
            pending_key[-1] = k
        else:
            parent[key] = value
            if implicit:
                parent.implicit[key] = implicit
                parent.implicit_lines[key] = _line(event)  # the value's line (it may stand below its key)
            pending_key[-1] = _NO_KEY

    try:
        for event in parser.parse(text):
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                raise YamlError(_line(event), _("YAML anchors and aliases (&name, *name) are not allowed — write the value out in full"))
            if getattr(event, "tag", None) not in _STANDARD_TAGS:
                raise YamlError(_line(event), _("YAML tags ('!…') are not allowed — write the value as plain text"))
            if type(event).__name__ == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise YamlError(_line(event), _("only one YAML document is allowed — remove the extra '---' line"))
            elif isinstance(event, ScalarEvent):
                plain = event.style in (None, "")
                value = None if plain and event.value in _NULLS else event.value
                attach(value, event, implicit_type(value) if plain and value is not None else None)
            elif isinstance(event, MappingStartEvent | SequenceStartEvent):
                if len(stack) >= max_depth:
                    raise YamlError(_line(event), _("the YAML is nested more than {depth} levels deep — simplify it", depth=max_depth))
                if pending_key and pending_key[-1] is _NO_KEY and isinstance(stack[-1], LineDict):
                    raise YamlError(_line(event), _("a key must be a plain word — write key: value"))
                coll: Any = LineDict() if isinstance(event, MappingStartEvent) else LineList()
                coll.line = _line(event)
                coll.implicit = {}
                if isinstance(coll, LineDict):
                    coll.key_lines = {}
                    coll.implicit_lines = {}
                else:
                    coll.item_lines = []
                attach(coll, event)
                stack.append(coll)
                pending_key.append(_NO_KEY)
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                stack.pop()
                pending_key.pop()
    except YamlError:
        raise
    except YAMLError as exc:
        if parser is not _PURE:
            raise _Retry from None
        raise YamlError(*_explain(exc, text)) from None
    return root if have_root else None


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter text for *meta* (keys in order, Unicode as written, one line per value where it fits; without
    the ``---`` lines around it and without a final newline; what other YAML tools read otherwise in double quotes):
    what the service, ``portal press draft`` and ``portal import-feed`` write, read back by :func:`load`."""
    import io

    y = YAML(typ="rt")
    y.width = 1000
    y.allow_unicode = True
    buf = io.StringIO()
    y.dump(_quoted(meta), buf)
    return buf.getvalue().strip()


def _quoted(value: Any) -> Any:
    """*value* with every text that other YAML tools would read otherwise (:func:`implicit_type`: ``NO``, ``1:30``)
    marked to be written in double quotes: the checker asks for them there (``portal.model.content``)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, str):
        return DoubleQuotedScalarString(value) if implicit_type(value) else value
    if isinstance(value, dict):
        return {k: _quoted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_quoted(v) for v in value]
    return value
