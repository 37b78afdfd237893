"""Reading content files: YAML front matter, NFC text, folded slugs, validation.

A file is read once per build into a :class:`Post`; the Pelican reader plugin and the
shared-directives plugin take the parsed posts from here instead of reading again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from portal.model import yamlio
from portal.model.errors import Problem, did_you_mean
from portal.model.sections import LANGUAGES
from portal.model.text import SLUG_RE, nfc, slugify

COMMON_KEYS = {"title", "date", "category", "summary", "tags", "image", "image_alt", "author", "slug", "status", "expires"}
DOCUMENT_KEYS = {"number", "doc_type", "issuer", "signer", "issued", "effective", "attachments"}
SHARED_KEYS = {"audience"}
PAGE_KEYS = {"title", "date", "summary", "slug", "status", "image", "image_alt", "author", "order"}
STATUSES = ("published", "draft")

#: Paths a page may not take: they belong to lists, feeds, the theme and languages.
RESERVED_SLUGS = {"feeds", "tag", "page", "theme", "pagefind", "tim-kiem", "tim-kiem-toan-tinh", "cac-cong-thanh-phan", "cham-diem",
                  *LANGUAGES}

_LANG_SUFFIX = re.compile(r"^(?P<base>.+?)\.(?P<lang>[A-Za-z]{2}(?:[-_][A-Za-z]+)?)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")
_EMPTY_ALT = re.compile(r"!\[\s*\]\(")


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
        """Published, its date has come and it has not expired."""
        if self.status != "published":
            return False
        if self.date is not None and self.date > now:
            return False
        return not (self.expires is not None and self.expires < now)

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def split_language(path: Path) -> tuple[str, str | None]:
    """``foo.en.md`` → (``foo``, ``en``); ``foo.md`` → (``foo``, None)."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    m = _LANG_SUFFIX.match(stem)
    if m:
        return str(path.parent / m.group("base")), m.group("lang")
    return str(path.parent / stem), None


def parse_date(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    """A front-matter date (``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``) in the network's zone."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=tz)
        except ValueError:
            return None
    return None


def end_of_day(value: dt.datetime) -> dt.datetime:
    """An ``expires`` date without a time means through the end of that day."""
    if value.hour == 0 and value.minute == 0:
        return value + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return value


def split_front_matter(raw: bytes) -> tuple[dict[str, Any], str] | None:
    """(front matter, body) of a content file's bytes, without validating them; None when there is no valid front matter.

    For readers of many files that need no line numbers (the plan's audiences, the monthly scoring).
    """
    try:
        text = nfc(raw.decode("utf-8-sig")).replace("\r\n", "\n")
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
    except yaml.YAMLError:
        return None
    return (dict(meta), "\n".join(lines[end + 1:])) if isinstance(meta, dict) else None


def read_post(path: Path, root: Path, *, site: str | None, kind: str, tz: ZoneInfo) -> Post:
    """Parse one file; problems go to ``post.problems`` (the post may be partial then)."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    base, lang = split_language(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        post = Post(path=path, rel=rel, kind=kind, site=site, lang=lang or "", base=base,
                    meta={}, lines={}, body="", body_line=1, digest="")
        post.problems.append(Problem(rel, None, f"cannot be read ({exc.strerror}) — check the file's permissions"))
        return post
    digest = hashlib.sha1(raw).hexdigest()
    post = Post(path=path, rel=rel, kind=kind, site=site, lang=lang or "", base=base,
                meta={}, lines={}, body="", body_line=1, digest=digest)
    add = post.problems.append
    try:
        text = nfc(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        add(Problem(rel, None, f"is not UTF-8 ({exc.reason} at byte {exc.start}) — save the file as UTF-8"))
        return post
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        add(Problem(rel, 1, "front matter is missing — start the file with a line '---', then title:, date:, category:, then '---'"))
        return post
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        add(Problem(rel, 1, "front matter is not closed — add a line '---' after the last key"))
        return post
    try:
        meta = yamlio.load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        add(Problem(rel, yamlio.error_line(exc, offset=1), yamlio.error_text(exc)))
        return post
    if not isinstance(meta, dict):
        add(Problem(rel, 2, "front matter must be 'key: value' lines — e.g. title: Tiêu đề"))
        return post
    post.lines = {k: v + 1 for k, v in getattr(meta, "key_lines", {}).items()}
    post.meta = dict(meta)
    post.body = "\n".join(lines[end + 1:])
    post.body_line = end + 2
    return post


def _check_string(post: Post, key: str) -> None:
    value = post.meta.get(key)
    if value is None:
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        post.meta[key] = str(value)
    elif not isinstance(value, str):
        post.problems.append(Problem(post.rel, post.line(key), f"{key} must be text — quote it: {key}: \"…\""))


def validate(post: Post, *, sections: list[str] | None, languages: list[str], tz: ZoneInfo,
             default_language: str = "vi") -> None:
    """Check a parsed post against the front-matter contract (DESIGN.md)."""
    if post.problems and not post.meta:
        return
    rel, add, meta = post.rel, post.problems.append, post.meta
    if not post.lang:
        post.lang = default_language
    elif post.lang not in LANGUAGES:
        add(Problem(rel, None, f"language '{post.lang}' in the file name is not supported — use one of {', '.join(LANGUAGES)} (foo.en.md)"))
    elif post.lang not in languages:
        where = "its site" if post.site else "any site"
        add(Problem(rel, None, f"language '{post.lang}' is not enabled for {where} — add it to languages in sites.yaml or remove the file"))

    known = PAGE_KEYS if post.kind == "page" else COMMON_KEYS | DOCUMENT_KEYS | (SHARED_KEYS if post.shared else set())
    for key in list(meta):
        if key not in known:
            hint = "audience is only for content/shared/" if key == "audience" else did_you_mean(key, known)
            add(Problem(rel, post.line(key), f"unknown front-matter key '{key}' — {hint}"))

    for key in ("title", "summary", "image", "image_alt", "author", "slug", "category", "number",
                "doc_type", "issuer", "signer"):
        _check_string(post, key)
    for key in ("title", "summary", "author", "image_alt", "doc_type", "issuer", "signer"):
        if isinstance(meta.get(key), str):
            meta[key] = meta[key].strip()

    if not meta.get("title"):
        add(Problem(rel, 1, "title is missing — add title: <the headline>"))

    translation = post.lang != default_language  # date, category, slug come from the original
    required_date = post.kind == "article" and not translation
    if "date" in meta:
        post.date = parse_date(meta["date"], tz)
        if post.date is None:
            add(Problem(rel, post.line("date"), f"date {meta['date']!r} is not a date — write YYYY-MM-DD or YYYY-MM-DD HH:MM"))
    elif required_date:
        add(Problem(rel, 1, "date is missing — add date: YYYY-MM-DD"))
    if "expires" in meta:
        exp = parse_date(meta["expires"], tz)
        if exp is None:
            add(Problem(rel, post.line("expires"), f"expires {meta['expires']!r} is not a date — write YYYY-MM-DD"))
        else:
            post.expires = end_of_day(exp)
    for key in ("issued", "effective"):
        if key in meta and parse_date(meta[key], tz) is None:
            add(Problem(rel, post.line(key), f"{key} {meta[key]!r} is not a date — write YYYY-MM-DD"))

    if post.kind == "article":
        category = meta.get("category")
        if post.shared:
            if category is None:
                meta["category"] = "chi-dao-dieu-hanh"
            elif category != "chi-dao-dieu-hanh":
                add(Problem(rel, post.line("category"), f"a shared directive's category must be 'chi-dao-dieu-hanh', not {category!r} — change it or remove the key"))
        elif not category and not translation:
            add(Problem(rel, 1, "category is missing — add category: <section slug> (e.g. tin-tuc)"))
        elif category and sections is not None and category not in sections:
            add(Problem(rel, post.line("category"), f"category '{category}' is not a section of this site — {did_you_mean(str(category), sections)}"))

    status = meta.get("status", "published")
    if status not in STATUSES:
        add(Problem(rel, post.line("status"), f"status {status!r} is not known — use published or draft"))

    slug = meta.get("slug")
    if slug is None and translation:
        pass  # inherited from the original
    elif slug is None:
        meta["slug"] = slugify(str(meta.get("title", ""))) or slugify(Path(post.base).name)
    elif isinstance(slug, str) and not SLUG_RE.match(slug):
        add(Problem(rel, post.line("slug"), f"slug '{slug}' is not lower-case ASCII words joined by '-' — try '{slugify(slug)}'"))
    if post.kind == "page" and meta.get("slug") in RESERVED_SLUGS | set(sections or ()):
        add(Problem(rel, post.line("slug") if slug else 1, f"page slug '{meta['slug']}' is taken by a section or the site itself — give the page another slug"))

    tags = meta.get("tags")
    if tags is not None:
        if isinstance(tags, str):
            tags = [t.strip() for t in tags.split(",") if t.strip()]
        if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
            add(Problem(rel, post.line("tags"), "tags must be a list — write tags: [chuyển đổi số, cải cách hành chính]"))
            tags = []
        meta["tags"] = [nfc(str(t)).strip() for t in tags if str(t).strip()]

    attachments = meta.get("attachments")
    if attachments is not None:
        if isinstance(attachments, str):
            attachments = [attachments]
        if not isinstance(attachments, list) or not all(isinstance(a, (str, dict)) for a in attachments):
            add(Problem(rel, post.line("attachments"), "attachments must be a list of file paths — write attachments: [files/qd-123.pdf]"))
        else:
            meta["attachments"] = attachments

    for offset, text_line in enumerate(post.body.split("\n")):
        if _EMPTY_ALT.search(text_line):
            add(Problem(rel, post.body_line + offset, "image without alt text — describe it: ![Mô tả ảnh](đường-dẫn)"))


def sort_key(problem: Problem) -> tuple[str, int, str]:
    return (problem.path, problem.line or 0, problem.message)
