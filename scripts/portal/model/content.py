"""Reading content files: one read-time step, YAML front matter, folded slugs, validation.

A file is read once per build into a :class:`Post`; the Pelican reader plugin and the
shared-directives plugin take the parsed posts from here instead of reading again. The
text goes through :func:`portal.model.text.clean` first (NFC, invisible characters
removed, control characters reported at their line), so every later stage sees the same
text. Every problem is a :class:`~portal.model.errors.Problem` at ``file:line`` with a
message for editors (:func:`portal.model.messages._`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from portal.model import documents, drafts, media, outreach, procedures, store, yamlio
from portal.model.dates import date_hint, end_of_day, parse_date
from portal.model.errors import Problem, did_you_mean
from portal.model.limits import DEFAULT, Limits
from portal.model.links import Ref, short
from portal.model.messages import _
from portal.model.sections import LANGUAGES, RESERVED_PATHS
from portal.model.text import SLUG_MAX, SLUG_RE, clean, slugify

COMMON_KEYS = {"title", "date", "category", "summary", "tags", "image", "image_alt", "author", "slug", "status", "expires"}
#: a document's keys (portal.model.documents): any article may carry them (a numbered directive is a document)
DOCUMENT_KEYS = set(documents.KEYS)
SHARED_KEYS = {"audience"}
#: drafts for comment (category du-thao): the comment period, who drafts it, its files, later the report on the
#: comments and the adopted document (portal.model.drafts)
DRAFT_KEYS = set(drafts.KEYS)
#: questions answered through the interaction service (category hoi-dap): tracking code, dates, who answered,
#: who asked (a name only with the sender's consent, otherwise initials); never a phone, e-mail or address
QA_KEYS = {"code", "received", "due", "answered", "answered_by", "asker"}
#: the keys only a category admits: drafts for comment, administrative procedures (portal.model.procedures), Q&A,
#: press releases and radio bulletins (portal.model.outreach)
CATEGORY_KEYS = {drafts.CATEGORY: DRAFT_KEYS, procedures.CATEGORY: set(procedures.KEYS), "hoi-dap": QA_KEYS,
                 outreach.PRESS_CATEGORY: set(outreach.PRESS_KEYS), outreach.RADIO_CATEGORY: set(outreach.RADIO_KEYS)}
#: keys whose value is a date (checked here; what they mean: documents, drafts, the interaction service, outreach)
DATE_KEYS = ("issued", "effective", "valid_until", "comment_from", "comment_until", "received", "due", "answered",
             "briefing_date", "broadcast")
#: addresses under a section that its own pages take (the filter pages of documents and procedures)
RESERVED_IN_SECTION = {documents.CATEGORY: frozenset(documents.FACETS), procedures.CATEGORY: frozenset(procedures.FACETS)}
PAGE_KEYS = {"title", "date", "summary", "slug", "status", "image", "image_alt", "author", "order", *media.KEYS}
STATUSES = ("published", "draft")

#: Paths a page may not take: they belong to lists, feeds, search, files, the theme, languages.
RESERVED_SLUGS = RESERVED_PATHS
#: Slugs a post may not take inside its section: the section's later list pages are /<section>/page/N/.
RESERVED_POST_SLUGS = frozenset({"page", "feeds"})

#: The body ``portal new`` writes: a file that still has only this is not an article yet.
BODY_HINT = "<!-- Viết nội dung ở đây. Tiêu đề mục bắt đầu bằng ##; ảnh cần mô tả: ![Mô tả](files/anh.jpg) -->\n"
#: longest title and tag accepted (legal documents' titles reach 350 characters)
TITLE_MAX = 500
TAG_MAX = 100
#: paths under /hoi-dap/ taken by the interaction service's pages (plugins/interaction)
QA_RESERVED = frozenset({"gui-cau-hoi", "tra-cuu", "khao-sat", "thong-ke"})

_LANG_SUFFIX = re.compile(r"^(?P<base>.+?)\.(?P<lang>[A-Za-z]{2}(?:[-_][A-Za-z]+)?)$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def is_live(status: str, date: dt.datetime | None, expires: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a post of *status*, *date* and *expires* is on its site at *now*: published, its date has come
    and it has not expired (the registry decides it from these alone for the documents it keeps)."""
    if status != "published":
        return False
    if date is not None and date > now:
        return False
    return not (expires is not None and expires < now)


@dataclass
class Post:
    """One content file, parsed and (once valid) rendered."""

    path: Path               # absolute
    rel: str                 # relative to the project root, for messages
    kind: str                # "article" | "page"
    site: str | None         # owning site id; None for a shared directive
    lang: str
    base: str                # path without the language suffix and extension: translations share it
    meta: dict[str, Any]
    lines: dict[str, int]    # front-matter key → line
    body: str
    body_line: int
    digest: str
    html: str = ""
    date: dt.datetime | None = None
    expires: dt.datetime | None = None
    problems: list[Problem] = field(default_factory=list)
    #: the URLs of the body (set by the renderer) and its anchors
    refs: list[Ref] = field(default_factory=list)
    anchors: frozenset[str] = frozenset()
    #: the renderer's result until the links are resolved (opaque to the model)
    rendered: Any = None
    #: its front matter is valid: it has an address (checked for collisions) even if its body has problems
    addressable: bool = False
    #: what its legal keys say (portal.model.documents.Document, drafts.Draft, procedures.Procedure), or None
    document: Any = None
    draft: Any = None
    procedure: Any = None
    #: its attachments, checked (portal.model.attachments.Attachment)
    attachments: list[Any] = field(default_factory=list)
    #: its plain (unquoted) values that other YAML tools read as something else: (key, line, value,
    #: :func:`portal.model.yamlio.implicit_type`), for the keys and the items of lists of the front matter
    implicit: list[tuple[str, int, str, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))

    @property
    def slug(self) -> str:
        return str(self.meta.get("slug", ""))

    @property
    def category(self) -> str:
        return str(self.meta.get("category", ""))

    @property
    def status(self) -> str:
        return str(self.meta.get("status", "published"))

    @property
    def shared(self) -> bool:
        return self.site is None

    def url(self) -> str:
        """The path of the post inside its language tree, e.g. ``tin-tuc/slug/``."""
        if self.kind == "page":
            return f"{self.slug}/"
        return f"{self.category}/{self.slug}/"

    def is_live(self, now: dt.datetime) -> bool:
        """Published, its date has come and it has not expired (:func:`is_live`)."""
        return is_live(self.status, self.date, self.expires, now)

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)

    def body_problem(self, offset: int, message: str) -> Problem:
        """A problem at line *offset* (0-based) of the body."""
        return Problem(self.rel, self.body_line + offset, message)


def split_language(path: Path) -> tuple[str, str | None]:
    """``foo.en.md`` → (``foo``, ``en``); ``foo.md`` → (``foo``, None)."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    m = _LANG_SUFFIX.match(stem)
    if m:
        return str(path.parent / m.group("base")), m.group("lang")
    return str(path.parent / stem), None


def split_front_matter(raw: bytes) -> tuple[dict[str, Any], str] | None:
    """(front matter, body) of a content file's bytes, without validating them; None when there is no valid front matter.

    For readers of many files that need no line numbers (the plan's audiences, the monthly scoring).
    """
    try:
        text, _bad = clean(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return None
    try:
        meta = yamlio.load("\n".join(lines[1:end])) or {}
    except yamlio.YamlError:
        return None
    return (dict(meta), "\n".join(lines[end + 1:])) if isinstance(meta, dict) else None


#: the store of front matters' parses open in :func:`front_matter_memo` ({SHA-1 of the front matter's text: its
#: parse, pickled}), None outside one
_MEMO: store.Kept | None = None
#: bump when what the store keeps changes
_MEMO_FORMAT = 1


@lru_cache(maxsize=1)
def _memo_key() -> str:
    """What a front matter's parse depends on besides its text: the parser's code and the YAML library, Python."""
    import ruamel.yaml

    h = hashlib.sha1(f"front matter {_MEMO_FORMAT} {sys.version} {ruamel.yaml.__version__}\n".encode())
    h.update(Path(yamlio.__file__).read_bytes())
    return h.hexdigest()


@contextmanager
def front_matter_memo(path: Path) -> Iterator[None]:
    """Within the block, :func:`read_post` takes the parse of a front matter it has seen before from the store
    *path* (:class:`portal.model.store.Kept`, e.g. ``<root>/.cache/front-matter/<site>.pickle.z``) and keeps the
    parses it used or made there afterwards, when they changed (a file gone is dropped from it).

    Parsing the front matter (:func:`portal.model.yamlio.load`) is about half of reading a post: a site's
    200 posts, or all 30,000 for the provincial portal's audit page, read at every build (issue 20). Only a
    parse without error is kept; each use unpickles its own copy (a post's metadata is changed later).
    """
    global _MEMO
    saved = _MEMO
    _MEMO = store.Kept(path, _memo_key())
    try:
        yield
        _MEMO.save()
    finally:
        _MEMO = saved


def _load_front_matter(text: str) -> Any:
    """:func:`portal.model.yamlio.load` of *text*, through the memo when one is open (raises :class:`~portal.model.yamlio.YamlError`)."""
    if _MEMO is None:
        return yamlio.load(text)
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    _LAST_FRONT_MATTER[0] = digest
    found = _MEMO.old.get(digest)
    if found is not None:
        try:
            value = pickle.loads(found)
        except Exception:  # a damaged entry: parsed again
            pass
        else:
            _MEMO.used[digest] = found
            return value
    value = yamlio.load(text)
    _MEMO.used[digest] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return value


#: the name in the front matters' store of the front matter :func:`_load_front_matter` last read (a checked post
#: keeps it, so that its entry stays in that store while the post is taken from the checked one)
_LAST_FRONT_MATTER: list[str | None] = [None]
#: the store of checked posts open in :func:`checked_memo` ({the post's path relative to the project: (kind, SHA-256
#: of the file's bytes, the post pickled, its front matter's name in the front matters' store)}), None outside one
_CHECKED: store.Kept | None = None
#: bump when what the store keeps changes
_CHECKED_FORMAT = 2


@lru_cache(maxsize=1)
def _model_key() -> str:
    """The code a checked post depends on: every module of :mod:`portal.model` (reading, cleaning, validating,
    the vocabularies), the YAML library, Python."""
    import unidecode  # the slug of a title without Latin letters (portal.model.text.slugify)

    version = getattr(unidecode, "__version__", "") or _distribution_version("unidecode")
    h = hashlib.sha1(f"checked posts {_CHECKED_FORMAT} {_memo_key()} unidecode {version}\n".encode())
    for module in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(module.name.encode() + b"\0" + module.read_bytes())
    return h.hexdigest()


def _distribution_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return ""


@contextmanager
def checked_memo(path: Path, settings: str) -> Iterator[None]:
    """Within the block, :func:`read_checked` takes a post whose file's bytes it has checked before, under the same
    *settings* (what :func:`validate` is given: the site's sections, languages, time zone, limits) and code, from
    the store *path* (:class:`portal.model.store.Kept`, ``<root>/.cache/checked/<site>.pickle.z``), and keeps there
    afterwards the posts it used or checked (a file gone is dropped).

    Reading, cleaning and validating a site's 200 posts is a tenth of a site's build, and the provincial portal's
    audit page reads every site's (issue 20). Keyed on the file's bytes, not its time: a fresh checkout (CI) finds
    them too. Only a post without problems is kept (a problem's message is in the editor's language).
    """
    global _CHECKED
    saved = _CHECKED
    _CHECKED = store.Kept(path, hashlib.sha1(f"{_model_key()}\n{settings}".encode()).hexdigest())
    try:
        yield
        _CHECKED.save()
    finally:
        _CHECKED = saved


def read_checked(path: Path, root: Path, *, site: str | None, kind: str, tz: ZoneInfo, limits: Limits,
                 sections: list[str] | None, languages: list[str], default_language: str) -> Post:
    """:func:`read_post`, :func:`validate` and :func:`check_body` of one file, its ``addressable`` set as
    :func:`portal.model.catalogue.read_site` sets it (valid front matter: before the body's check); through the
    store of an open :func:`checked_memo` when the file's bytes are the ones checked there (the post unpickled: a
    copy of its own)."""
    post = _new_post(path, root, site, kind)
    raw = _read_raw(post, limits)
    if raw is None:
        return post
    memo = _CHECKED
    if memo is None:
        _parse(post, raw)
        return check_post(post, sections, languages, tz, default_language)
    identity = hashlib.sha256(raw).hexdigest()  # not SHA-1: the bytes are an editor's, the entry skips their checks
    found = memo.old.get(post.rel)
    if isinstance(found, tuple) and len(found) == 4 and found[0] == kind and found[1] == identity:
        try:
            kept = pickle.loads(found[2])
        except Exception:  # a damaged entry: checked again
            kept = None
        if isinstance(kept, Post) and not kept.problems:
            kept.path, kept.rel, kept.base = post.path, post.rel, post.base  # the project may be elsewhere
            memo.used[post.rel] = found
            if _MEMO is not None and found[3]:
                _MEMO.carry(found[3])  # its front matter's parse stays for when the post changes
            return kept
    _LAST_FRONT_MATTER[0] = None
    _parse(post, raw)
    check_post(post, sections, languages, tz, default_language)
    if not post.problems:
        memo.used[post.rel] = (kind, identity, pickle.dumps(post, protocol=pickle.HIGHEST_PROTOCOL), _LAST_FRONT_MATTER[0])
    return post


def check_post(post: Post, sections: list[str] | None, languages: list[str], tz: ZoneInfo, default_language: str) -> Post:
    """:func:`validate` and :func:`check_body` of a read post, its ``addressable`` set between them (a valid
    front matter gives an address even when the body is still the hint); returns *post*."""
    validate(post, sections=sections, languages=languages, tz=tz, default_language=default_language)
    post.addressable = not post.problems  # a post whose body is still the hint has an address (as before check_body)
    check_body(post)
    return post


def read_post(path: Path, root: Path, *, site: str | None, kind: str, tz: ZoneInfo, limits: Limits = DEFAULT) -> Post:
    """Parse one file; problems go to ``post.problems`` (the post may be partial then).

    The text is cleaned (:func:`portal.model.text.clean`); a control character is an
    error at its line; the front matter is read by :func:`portal.model.yamlio.load` (or taken from the
    store of an open :func:`front_matter_memo`).
    """
    post = _new_post(path, root, site, kind)
    raw = _read_raw(post, limits)
    return post if raw is None else _parse(post, raw)


def _new_post(path: Path, root: Path, site: str | None, kind: str) -> Post:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    base, lang = split_language(path)
    return Post(path=path, rel=rel, kind=kind, site=site, lang=lang or "", base=base,
                meta={}, lines={}, body="", body_line=1, digest="")


def _read_raw(post: Post, limits: Limits) -> bytes | None:
    """The file's bytes (its digest set), or None with the problem added (unreadable, over the limit)."""
    try:
        with post.path.open("rb") as f:
            raw = f.read(limits.markdown_bytes + 1)
    except OSError as exc:
        post.problems.append(Problem(post.rel, None, _("cannot be read ({reason}) — check the file's permissions", reason=exc.strerror)))
        return None
    if len(raw) > limits.markdown_bytes:
        post.problems.append(Problem(post.rel, None, _(
            "is over the limit of {limit} KB for a post — split it into several posts, or put large tables in an attached file",
            limit=limits.markdown_kb)))
        return None
    post.digest = hashlib.sha1(raw).hexdigest()
    return raw


def _parse(post: Post, raw: bytes) -> Post:
    """The text of *raw* cleaned, its front matter and body into *post* (problems added to it)."""
    rel, add = post.rel, post.problems.append
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        add(Problem(rel, line, _("is not UTF-8 (byte {byte}) — save the file as UTF-8 (Unicode)", byte=exc.start)))
        return post
    text, bad = clean(text)
    for b in bad:
        add(Problem(rel, b.line, _("contains the invisible control character {char} (pasted from Word or a PDF?) — delete it and retype that spot",
                                   char=b.name)))
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        add(Problem(rel, 1, _("front matter is missing — start the file with a line '---', then title:, date:, category:, then '---'")))
        return post
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        add(Problem(rel, 1, _("front matter is not closed — add a line '---' after the last key")))
        return post
    try:
        meta = _load_front_matter("\n".join(lines[1:end])) or {}
    except yamlio.YamlError as exc:
        add(Problem(rel, exc.line + 1 if exc.line else 2, exc.message))
        return post
    if not isinstance(meta, dict):
        add(Problem(rel, 2, _("front matter must be 'key: value' lines — e.g. title: Tiêu đề")))
        return post
    post.lines = {k: v + 1 for k, v in getattr(meta, "key_lines", {}).items()}
    post.meta = dict(meta)
    post.implicit = _implicit_values(meta)
    post.body = "\n".join(lines[end + 1:])
    post.body_line = end + 2
    return post


#: the front matter's free-text keys (the web editor's string, text and list fields without a pattern: schema.fields()):
#: a plain value other YAML tools read otherwise (``NO``, ``0107``, ``1:30``) is asked to be quoted there
TEXT_KEYS = frozenset({"title", "summary", "tags", "image_alt", "author", "slug", "drafting_agency", "code", "agency",
                       "time_limit", "fee", "required_documents", "result", "spokesperson", "source_id", "answered_by",
                       "asker"})


def _implicit_values(meta: Any) -> list[tuple[str, int, str, str]]:
    """The plain values of the front matter *meta* (a :class:`~portal.model.yamlio.LineDict`) and of its lists that
    other YAML tools read otherwise: ``(key, line in the front matter, value, kind)``."""
    lines = getattr(meta, "implicit_lines", {})
    found = [(k, lines.get(k) or meta.line_of(k), str(meta[k]), kind) for k, kind in getattr(meta, "implicit", {}).items()]
    for key, value in meta.items():
        for index, kind in getattr(value, "implicit", {}).items() if isinstance(value, yamlio.LineList) else ():
            found.append((key, value.line_of(index), str(value[index]), kind))
    return found


def _check_implicit(post: Post) -> None:
    """A text field's plain value that YAML 1.1 tools (PyYAML…) or the web editor (Decap CMS, YAML 1.2) read as
    a yes/no, a number or a base-60 number, and so would change when they save the file: asked to be quoted
    (field case 10: ``number: 0107`` → 71, ``summary: 1:30`` → 90, ``tags: [NO, Yes]`` → False, True)."""
    for key, line, value, kind in post.implicit:
        if key in TEXT_KEYS:
            what = (_("a yes/no value") if kind == "bool" else _("a number") if kind == "number"
                    else _("a number in base 60 ({value} = {number})", value=value, number=_base60(value)))
            post.problems.append(Problem(post.rel, line + 1, _(
                "'{value}' is read as {what} by other YAML tools, which change it when they save the file — put it in double quotes: \"{value}\"",
                value=short(value, 40), what=what)))


def _base60(text: str) -> str:
    """The number YAML 1.1 reads in the base-60 *text* (``8:30`` → ``510``, ``1:30.5`` → ``90.5``)."""
    sign = -1 if text.startswith("-") else 1
    whole, _dot, fraction = text.lstrip("+-").replace("_", "").partition(".")
    number = 0
    for part in whole.split(":"):
        number = number * 60 + int(part)
    return f"{sign * number}.{fraction}" if fraction else str(sign * number)


def _check_string(post: Post, key: str) -> None:
    value = post.meta.get(key)
    if value is None or isinstance(value, str):
        return
    post.problems.append(Problem(post.rel, post.line(key), _("{key} must be text — write it on one line: {key}: \"…\"", key=key)))
    post.meta[key] = ""


def placeholder_message() -> str:
    """The problem of a post whose body is still ``portal new``'s hint."""
    return _("the post has no text yet — replace the line '<!-- Viết nội dung ở đây … -->' with the text of the post")


def is_placeholder(body: str) -> bool:
    """Whether *body* is still what ``portal new`` wrote (the hint comment, or nothing but comments)."""
    return not _COMMENT.sub("", body).strip()


def known_keys(kind: str, category: str, *, shared: bool = False) -> set[str]:
    """The front-matter keys ``portal check`` accepts in a file of *kind* (``article`` | ``page``) of *category*
    (a section slug; a shared directive's is ``chi-dao-dieu-hanh``); the web editor's form offers a widget for each
    (:mod:`portal.model.schema`, tested)."""
    known = PAGE_KEYS if kind == "page" else COMMON_KEYS | DOCUMENT_KEYS | (SHARED_KEYS if shared else set())
    if kind == "article":
        known = known | CATEGORY_KEYS.get(category, set()) | media.KEYS
        known = known | outreach.keys_for(category or ("chi-dao-dieu-hanh" if shared else ""), shared)
    return known


def validate(post: Post, *, sections: list[str] | None, languages: list[str], tz: ZoneInfo,
             default_language: str = "vi") -> None:
    """Check a parsed post against the front-matter contract (DESIGN.md)."""
    if post.problems and not post.meta:
        return
    rel, add, meta = post.rel, post.problems.append, post.meta
    if not post.lang:
        post.lang = default_language
    elif post.lang not in LANGUAGES:
        add(Problem(rel, None, _("language '{lang}' in the file name is not supported — use one of {langs} (foo.en.md)",
                                 lang=short(post.lang, 10), langs=", ".join(LANGUAGES))))
    elif post.lang not in languages:
        add(Problem(rel, None, _("language '{lang}' is not enabled for its site — add it to languages in sites.yaml or remove the file", lang=post.lang)
                    if post.site else _("language '{lang}' is not enabled for any site — add it to languages in sites.yaml or remove the file", lang=post.lang)))

    known = known_keys(post.kind, str(meta.get("category") or ""), shared=post.shared)
    for key in list(meta):
        if key not in known:
            hint = _("audience is only for content/shared/") if key == "audience" else did_you_mean(key, known)
            add(Problem(rel, post.line(key), _("unknown front-matter key '{key}' — {hint}", key=short(key, 40), hint=hint)))

    for key in ("title", "summary", "image", "image_alt", "author", "slug", "category", "number",
                "doc_type", "issuer", "status", "order"):
        _check_string(post, key)
    _check_implicit(post)
    for key in ("title", "summary", "author", "image_alt", "doc_type", "issuer", "number"):
        if isinstance(meta.get(key), str):
            meta[key] = meta[key].strip()

    if not meta.get("title"):
        add(Problem(rel, post.line("title") if "title" in meta else 1, _("title is missing — add title: <the headline>")))
    elif len(meta["title"]) > TITLE_MAX:
        add(Problem(rel, post.line("title"), _("the title has {n} characters, more than {limit} — shorten it (the full name can go in the body)",
                                               n=len(meta["title"]), limit=TITLE_MAX)))

    translation = post.lang != default_language  # date, category, slug come from the original
    required_date = post.kind == "article" and not translation
    if "date" in meta:
        post.date = parse_date(meta["date"], tz)
        if post.date is None:
            add(Problem(rel, post.line("date"), _("date '{value}' is not a date — {hint}", value=_shown(meta["date"]), hint=date_hint(meta["date"]))))
    elif required_date:
        add(Problem(rel, 1, _("date is missing — add date: YYYY-MM-DD")))
    if "expires" in meta:
        exp = parse_date(meta["expires"], tz)
        if exp is None:
            add(Problem(rel, post.line("expires"), _("expires '{value}' is not a date — {hint}", value=_shown(meta["expires"]), hint=date_hint(meta["expires"]))))
        else:
            post.expires = end_of_day(exp)
    if "expires" in meta and post.kind == "article" and (documents.is_document(meta, str(meta.get("category") or ""))
                                                         or meta.get("category") == drafts.CATEGORY):
        fix = "comment_until" if meta.get("category") == drafts.CATEGORY else "valid_until"
        add(Problem(rel, post.line("expires"), _("expires is not for legal documents or drafts: they change status and stay published — remove expires and write {fix}: YYYY-MM-DD",
                                                 fix=fix)))
        post.expires = None
    for key in DATE_KEYS:
        if key == "valid_until":
            continue  # portal.model.documents reports it with the document's other dates
        if key in meta and parse_date(meta[key], tz) is None:
            add(Problem(rel, post.line(key), _("{key} '{value}' is not a date — {hint}", key=key, value=_shown(meta[key]), hint=date_hint(meta[key]))))

    if post.kind == "article":
        category = meta.get("category")
        if post.shared:
            if category is None:
                meta["category"] = "chi-dao-dieu-hanh"
            elif category != "chi-dao-dieu-hanh":
                add(Problem(rel, post.line("category"), _("a shared directive's category must be 'chi-dao-dieu-hanh', not '{category}' — change it or remove the key",
                                                          category=_shown(category))))
        elif not category and not translation:
            add(Problem(rel, 1, _("category is missing — add category: <section slug> (e.g. tin-tuc)")))
        elif category and sections is not None and category not in sections:
            add(Problem(rel, post.line("category"), _("category '{category}' is not a section of this site — {hint}",
                                                      category=_shown(category), hint=did_you_mean(str(category), sections))))

    status = meta.get("status", "published")
    if status not in STATUSES:
        add(Problem(rel, post.line("status"), _("status '{status}' is not known — use published or draft", status=_shown(status))))

    slug = meta.get("slug")
    if slug is None and translation:
        pass  # inherited from the original
    elif slug is None or slug == "":
        meta["slug"] = slugify(str(meta.get("title", ""))) or slugify(Path(post.base).name)
    elif isinstance(slug, str) and not SLUG_RE.match(slug):
        add(Problem(rel, post.line("slug"), _("slug '{slug}' is not lower-case ASCII words joined by '-' — try '{suggestion}'",
                                              slug=_shown(slug), suggestion=slugify(slug))))
    elif isinstance(slug, str) and len(slug) > SLUG_MAX:
        add(Problem(rel, post.line("slug"), _("slug has {n} characters, more than {limit} — try '{suggestion}'",
                                              n=len(slug), limit=SLUG_MAX, suggestion=slugify(slug))))
    where = post.line("slug") if slug else post.line("title")
    if post.kind == "article" and meta.get("category") == "hoi-dap" and meta.get("slug") in QA_RESERVED:
        add(Problem(rel, where, _("post address /hoi-dap/{slug}/ is taken by the Q&A section's own page — give the post another slug: (slug: …)",
                                  slug=meta["slug"])))
    if post.kind == "article" and meta.get("category") == outreach.PRESS_CATEGORY and meta.get("slug") == outreach.PRESS_ARCHIVE:
        add(Problem(rel, where, _("post address /{category}/{slug}/ is taken by the section's monthly archive — give the post another slug: (slug: …)",
                                  category=outreach.PRESS_CATEGORY, slug=meta["slug"])))
    if post.kind == "page" and meta.get("slug") in RESERVED_SLUGS | set(sections or ()):
        add(Problem(rel, where, _("page address /{slug}/ is taken by a section or the site itself — give the page another slug: (slug: …)",
                                  slug=meta["slug"])))
    elif post.kind == "article" and meta.get("slug") in RESERVED_IN_SECTION.get(str(meta.get("category") or ""), ()):
        add(Problem(rel, where, _("post address …/{slug}/ is taken by the section's filter pages — give the post another slug: (slug: …)",
                                  slug=meta["slug"])))
    elif post.kind == "article" and meta.get("slug") in RESERVED_POST_SLUGS:
        add(Problem(rel, where, _("post address …/{slug}/ is taken by the section's list pages — give the post another slug: (slug: …)",
                                  slug=meta["slug"])))

    tags = meta.get("tags")
    if tags is not None:
        if isinstance(tags, str):
            tags = [t.strip() for t in tags.split(",") if t.strip()]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            add(Problem(rel, post.line("tags"), _("tags must be a list of words — write tags: [chuyển đổi số, cải cách hành chính]")))
            tags = []
        for i, t in enumerate(tags):
            if len(t) > TAG_MAX:
                add(Problem(rel, tags.line_of(i) + 1 if hasattr(tags, "line_of") else post.line("tags"),
                            _("a tag has {n} characters, more than {limit} — a tag is a few words", n=len(t), limit=TAG_MAX)))
        meta["tags"] = [t.strip() for t in tags if t.strip() and len(t) <= TAG_MAX]

    attachments = meta.get("attachments")
    if attachments is not None:
        if isinstance(attachments, str):
            attachments = [attachments]
        if not isinstance(attachments, list) or not all(isinstance(a, str | dict) for a in attachments):
            add(Problem(rel, post.line("attachments"), _("attachments must be a list of file paths — write attachments: [files/qd-123.pdf]")))
        else:
            meta["attachments"] = attachments
    # multimedia, press releases, radio bulletins, imported directives (issue 16)
    post.problems.extend(media.validate(meta, post.line, rel))
    if post.kind == "article":
        post.problems.extend(outreach.validate(meta, post.line, rel, post.body))


def check_body(post: Post) -> None:
    """The body's own rule before rendering: a file still holding ``portal new``'s hint is not an article."""
    if post.meta and BODY_HINT.strip() in post.body and is_placeholder(post.body):
        post.problems.append(Problem(post.rel, post.body_line, placeholder_message()))


def _shown(value: Any) -> str:
    """A front-matter value for a message: text shortened; a list or mapping never expanded."""
    if isinstance(value, str):
        return short(value, 60)
    if isinstance(value, dict):
        return _("(a mapping)")
    if isinstance(value, list):
        return _("(a list)")
    return short(str(value), 60)


def sort_key(problem: Problem) -> tuple[str, int, str]:
    return (problem.path, problem.line or 0, problem.message)
