"""What Pagefind indexes of one published page: trusted fields from the build, text from the body.

A content page carries, first thing in its ``<head>`` (``partials/search_record.html``), a
JSON record that the build writes from the validated post: title, date, section, summary,
tags, image, and a document's number, type and issuer. Nothing in a post's body can reach
it: the body comes later in the document. The body's text is read from the element marked
``data-search-body`` (the template's first one, before any body), by an HTML parser, as
plain text: whatever markup a body holds — ``data-pagefind-*`` attributes, an unclosed
``<script>`` or ``<textarea>`` — can at most change the text indexed for that same page.

Pagefind is then given a page of our own making (:func:`stage`): every field, filter and
metadata value from the record (or from sites.yaml, for the network index), and the text
escaped, never the published HTML. Vietnamese text is written as the tokens of
:mod:`portal.stages.search.vietnamese`; :class:`Staged.display` keeps what readers see
(the original text and fields), which :mod:`portal.stages.search.bundle` puts into the
bundle's fragments once Pagefind has run.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from portal.model import i18n
from portal.stages.search import vietnamese as vi
from portal.stages.search.bundle import display_digest

RECORD_ID = "search-record"
BODY_MARK = 'data-search-body'
_RECORD_RE = re.compile(r'<script type="application/json" id="search-record">(.*?)</script>', re.S)
_LANG_RE = re.compile(r'<html[^>]*\slang="([^"]+)"', re.I)
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{3,}")
_LANG_CODES = {tag.lower(): code for code, tag in i18n.HTML_LANG.items()}
#: bounds on what one page can make the index do (untrusted content)
MAX_FIELD = 2_000          # characters of one field of the record
MAX_TAGS = 50
MAX_TEXT = 300_000         # characters of body text
#: the record's text fields, in the order they are indexed; the rest are for display only
TEXT_FIELDS = ("summary", "number", "doc_type", "issuer", "signer")
FILTER_FIELDS = ("section", "year", "doc_type", "issuer", "status")
#: filters with several values a page (a record's list → one filter): a document's fields
LIST_FILTERS = {"fields": "field"}
DISPLAY_FIELDS = ("title", "date", "section", "image", "image_alt", "number", "doc_type")
_SKIP = {"script", "style", "template", "noscript", "svg", "math", "iframe", "object", "head", "title"}
_BLOCKS = {"p", "div", "li", "ul", "ol", "table", "tr", "td", "th", "blockquote", "pre", "section", "article",
           "figure", "figcaption", "dl", "dt", "dd", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "caption"}
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
SEGMENTED = {"zh", "ja"}  # Pagefind's extended build splits these into words itself


class RecordError(ValueError):
    """A page marked for the index without a readable record (a template problem, not content)."""


@dataclass
class Staged:
    """One page as Pagefind gets it (*html*), its language, and what readers see of it (*display*).

    *display*: ``{"content": str, "meta": {name: str}, "filters": {name: [str]}}``; the
    content has exactly one word (split at spaces) per position Pagefind indexed.
    """

    html: str
    lang: str
    display: dict = field(default_factory=dict)
    #: the page's distinct folded syllables (Vietnamese pages; :attr:`Parsed.folded`)
    folded: list[str] = field(default_factory=list)


def page_language(doc: str) -> str:
    """The portal's language code of a page (``zh`` for ``zh-Hans``), from ``<html lang>``."""
    m = _LANG_RE.search(doc[:2000])
    return language_code(m.group(1) if m else "vi")


def language_code(tag: str) -> str:
    """The portal's language code of an HTML language tag or of Pagefind's index language (``zh-Hans``, ``zh-hans`` → ``zh``)."""
    return _LANG_CODES.get(tag.lower(), tag.split("-")[0].lower())


def read_record(doc: str) -> dict | None:
    """The trusted record in the page's head (None: the page is not for the index).

    Only a record before ``<body`` counts; every value is text (tags: a list of text),
    cut to :data:`MAX_FIELD` characters. Raises :class:`RecordError` for a record that is
    not a JSON object.
    """
    m = _RECORD_RE.search(doc)
    body = doc.find("<body")
    if m is None or (body >= 0 and m.start() > body):
        return None
    try:
        data = json.loads(m.group(1))
    except ValueError as exc:
        raise RecordError(f"the search record is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RecordError("the search record is not a JSON object")
    record: dict = {}
    for key, value in data.items():
        if isinstance(value, str):
            record[key] = value[:MAX_FIELD]
        elif isinstance(value, bool):
            record[key] = value
        elif isinstance(value, list) and (key == "tags" or key in LIST_FILTERS):
            record[key] = [str(v)[:MAX_FIELD] for v in value[:MAX_TAGS] if isinstance(v, str)]
    return record


class _Text(HTMLParser):
    """The text of the element that starts the input, as blocks ``(tag, text)``; markup ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._parts: list[str] = []
        self._tag = "p"
        self._depth = 0
        self._skip = 0
        self._size = 0
        self.done = False

    def _flush(self, tag: str = "p") -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            self.blocks.append((self._tag, text))
        self._parts, self._tag = [], tag

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.done:
            return
        if tag not in ("br", "hr", "img", "input", "meta", "link", "wbr", "source", "track", "area", "col", "embed"):
            self._depth += 1
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCKS:
            self._flush(tag if tag in _HEADINGS else "p")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag in _SKIP and self._skip:
            self._skip -= 1
        if tag in _BLOCKS:
            self._flush()
        self._depth -= 1
        if self._depth <= 0 or tag == "article":
            self._flush()
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.done or self._skip or self._size > MAX_TEXT:
            return
        self._size += len(data)
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def body_region(doc: str) -> str:
    """The part of the page the body's text is read from: from the first ``data-search-body`` element's
    start tag to the first ``</article>`` after it, else to the end ("" when there is no such element).

    The rest of the page (its footer and scripts) is not even tokenised. A literal ``</article>`` inside
    the body cuts its text there: a post's body cannot hold one (the sanitiser drops comments and scripts
    and escapes ``<`` in attribute values), and the theme puts none inside the element."""
    at = doc.find(BODY_MARK)
    if at < 0:
        return ""
    start = doc.rfind("<", 0, at)
    end = doc.find(_ARTICLE_END, at)
    return doc[start:] if end < 0 else doc[start:end + len(_ARTICLE_END)]


_ARTICLE_END = "</article>"


def body_blocks(doc: str) -> list[tuple[str, str]]:
    """The text of the page's body (the first ``data-search-body`` element, :func:`body_region`), as ``(tag, text)`` blocks."""
    region = body_region(doc)
    if not region:
        return []
    parser = _Text()
    parser.feed(region)
    parser.close()
    return parser.blocks


def hangul_suffixes(text: str) -> list[str]:
    """The suffixes (two syllables or more) of every Hangul word of three syllables or more."""
    seen: dict[str, None] = {}
    for run in _HANGUL_RUN.findall(text):
        for i in range(1, len(run) - 1):
            seen.setdefault(run[i:], None)
    return list(seen)


def _hidden(kind: str, name: str, value: str) -> str:
    """An element that Pagefind reads for a filter, metadata or sort but does not index as text."""
    return f'<span data-pagefind-ignore data-pagefind-{kind}="{name}">{html.escape(value, quote=False)}</span>'


@dataclass
class Parsed:
    """What one published page gives the index, before a build adds its own filters and fields.

    Read from the page alone (:func:`parse`), so it can be kept across builds and between a
    site's bundle and the network index, keyed by the page's bytes, a copy of a directive by what it reads (:mod:`.parsed`).
    *record*: :func:`read_record`; *title*, *content*: display words; *body*: the indexed
    blocks as Pagefind's HTML (Vietnamese as pair tokens); *folded*: the page's distinct
    folded syllables (:func:`portal.stages.search.vietnamese.page_syllables`, Vietnamese
    pages only, else empty) for the bundle's frequent syllables.
    """

    lang: str
    record: dict
    title: list[str]
    content: list[str]
    body: str
    folded: list[str]


def content_key(doc: str) -> str | None:
    """What :func:`parse` reads of *doc*, as a SHA-1: its language tag, its record and :func:`body_region`
    (None when the page is not for the index). Two pages with the same key have the same parse: the copies
    of one directive on many portals (their chrome differs, not their record or body)."""
    import hashlib

    m = _RECORD_RE.search(doc)
    body = doc.find("<body")
    if m is None or (body >= 0 and m.start() > body):
        return None
    tag = _LANG_RE.search(doc[:2000])
    h = hashlib.sha1((tag.group(1) if tag else "").encode())
    for part in (m.group(1), body_region(doc)):
        h.update(b"\0")
        h.update(part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def parse(doc: str) -> Parsed | None:
    """What Pagefind indexes of a published page, before the build's own fields (None: not for the index).

    Raises :class:`RecordError` (see :func:`read_record`). The costly part of staging: the
    body's HTML parse and the Vietnamese tokens (about 2–3 ms a page).
    """
    record = read_record(doc)
    if record is None:
        return None
    lang = page_language(doc)
    tokenize = lang == "vi"
    title = vi.display_words(record.get("title", ""))
    blocks: list[tuple[str, str]] = [("p", record[k]) for k in TEXT_FIELDS if record.get(k)]
    blocks += body_blocks(doc)
    if record.get("tags"):
        blocks.append(("p", " · ".join(record["tags"])))
    content: list[str] = []
    body: list[str] = []
    for tag, text in blocks:
        words = vi.display_words(text)
        if not words:
            continue
        content += words
        indexed = vi.pair_tokens(words) if tokenize else [html.escape(w, quote=False) for w in words]
        body.append(f"<{tag}>{' '.join(indexed)}</{tag}>")
    folded = sorted(vi.page_syllables(content + title)) if tokenize else []
    return Parsed(lang=lang, record=record, title=title, content=content, body="".join(body), folded=folded)


def stage(doc: str, *, filters: dict[str, str] | None = None, meta: dict[str, str] | None = None) -> Staged | None:
    """The page Pagefind indexes for one published page (None if the page is not for the index).

    :func:`parse`, then :func:`assemble`. Raises :class:`RecordError` (see :func:`read_record`).
    """
    parsed = parse(doc)
    return None if parsed is None else assemble(parsed, filters=filters, meta=meta)


def assemble(parsed: Parsed, *, filters: dict[str, str] | None = None, meta: dict[str, str] | None = None) -> Staged:
    """The page Pagefind indexes from a :class:`Parsed` page.

    *filters* and *meta* add trusted values (the network index's ``site``, ``kind``). The
    record's fields become Pagefind's metadata and filters; the summary, a document's
    details, the body and the tags its text.
    """
    record, lang, title, content = parsed.record, parsed.lang, parsed.title, parsed.content
    tokenize = lang == "vi"
    fields: list[str] = []
    meta_in = dict(meta or {})
    if tokenize:
        fields.append(_hidden("meta", "title", " ".join(vi.pair_tokens(title))))
        fields.append(_hidden("meta", "tw", " ".join(vi.title_tokens(title))))
        if record.get("number"):
            fields.append(_hidden("meta", "number", " ".join(vi.pair_tokens(vi.display_words(record["number"])))))
        for name, value in meta_in.items():
            fields.append(_hidden("meta", name, " ".join(vi.pair_tokens(vi.display_words(value)))))
    else:
        fields.append(_hidden("meta", "title", " ".join(title)))
        for name, value in meta_in.items():
            fields.append(_hidden("meta", name, value))
        if lang == "ko":
            parts = hangul_suffixes(" ".join(content + title))
            if parts:
                fields.append(_hidden("meta", "ko_parts", " ".join(parts)))
    filter_values = {k: [record[k]] for k in FILTER_FIELDS if record.get(k)}
    filter_values.update({name: list(record[key]) for key, name in LIST_FILTERS.items() if record.get(key)})
    filter_values.update({k: [v] for k, v in (filters or {}).items()})
    fields += [_hidden("filter", k, v) for k, values in filter_values.items() for v in values]

    display = {
        "content": " ".join(content),
        "meta": {k: " ".join(title) if k == "title" else record[k] for k in DISPLAY_FIELDS if record.get(k)},
        "filters": filter_values,
        # the content replaces Pagefind's (one word a position) except where Pagefind segments words itself
        "own_content": lang not in SEGMENTED,
        "time": record.get("time", ""),  # not shown: the date sort (bundle.DATES_FILE)
    }
    # An anchor (not indexed) named after what readers see: the fragment's name changes with it.
    version = f'<span id="v{display_digest(display)}"></span>'
    html_tag = i18n.HTML_LANG.get(lang, lang)
    staged = (f'<!doctype html><html lang="{html.escape(html_tag)}"><head><meta charset="utf-8"><title></title></head>'
              f'<body><main data-pagefind-body>{version}{"".join(fields)}{parsed.body}</main></body></html>\n')
    return Staged(html=staged, lang=lang, display=display, folded=parsed.folded)
