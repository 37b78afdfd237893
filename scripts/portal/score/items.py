"""The content items of a month: what each portal published, when it first reached the main branch, and what it weighs.

An *item* is a post in the site's default language (a translation is not another item; pages
are not items) or, for the provincial portal only, a shared directive. It counts in the month
it first reached the main branch (:class:`~portal.score.ledger.Ledger`), or — for a post dated
after its merge (a scheduled post) — the month its date comes, when that falls within the
similarity window. A draft counts in the month it is first seen published.

Its weight is 1, less for a near-duplicate of an earlier item (``similarity.same_site`` /
``other_site`` of scoring.yaml) or a very short text (``short_items``: nothing below
``none_below`` words, half below ``half_below``; sections in ``exempt_sections`` and items
with attachments or audio/video are exempt, since their substance is the file).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from portal.model.catalogue import FILES_DIR, PAGES_DIR
from portal.model.content import parse_date, split_front_matter, split_language
from portal.model.sites import Network
from portal.model.text import nfc, slugify
from portal.score.ledger import Ledger, Tree

SHARED_PREFIX = "content/shared/"
SITES_PREFIX = "content/sites/"
MEDIA_RE = re.compile(r"!\[|<(?:img|video|audio|iframe)\b|\.(?:mp3|m4a|ogg|oga|wav|mp4|webm|m4v)\b|youtube\.com/|youtu\.be/", re.I)
AUDIO_VIDEO_RE = re.compile(r"<(?:video|audio)\b|\.(?:mp3|m4a|ogg|oga|wav|mp4|webm|m4v)\b|youtube\.com/|youtu\.be/", re.I)
#: an older item longer than this is never short (the rubric's limits are far below): its audio or video need not be looked for
SHORT_ENOUGH = 400
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Item:
    """One post as it was at the month's end, with when it reached main and what it weighs in the score."""

    path: str                      # project-relative
    site: str                      # the owner: a site id; the provincial portal for a shared directive
    shared: bool
    category: str
    title: str
    status: str
    date: dt.datetime | None       # the front matter's (never used to place the item in a month)
    arrived: dt.datetime           # when it first reached main (UTC)
    meta: dict[str, Any]
    body: str
    words: int
    media: bool                    # a picture, audio or video (read for the month's items only)
    weight: float = 1.0
    reasons: list[dict[str, Any]] = field(default_factory=list)   # why it weighs less than 1 (or counts late), for the report
    counted_for: list[str] = field(default_factory=list)      # the criteria it counted for
    full: bool = True                                         # its whole front matter was read (else the few keys)
    audio_video: bool = False                                 # it carries audio or video (a radio bulletin, a clip)
    duplicate_of: str | None = None
    similarity: float | None = None

    @property
    def slug(self) -> str:
        """As the build makes it: the front matter's slug, else the title folded to ASCII."""
        slug = self.meta.get("slug")
        if isinstance(slug, str) and slug:
            return slug
        return slugify(self.title) or slugify(self.path.rsplit("/", 1)[-1][:-3])

    @property
    def published(self) -> bool:
        return self.status == "published"

    def url(self, network: Network) -> str:
        """The item's published address (the provincial portal's copy for a directive)."""
        site = network.site(self.site) if self.site in network else None
        base = site.url if site else ""
        return f"{base}/{self.category}/{self.slug}/"


def words_of(body: str) -> int:
    """How many words a Markdown body has, without link targets and tags (what a reader reads; Vietnamese: syllables)."""
    return len(_TAG.sub(" ", _LINK_TARGET.sub("]", body)).split())


def owner(path: str, network: Network) -> tuple[str | None, bool]:
    """(site id, shared?) of a content path; (None, False) for files, pages and what is not content."""
    if not path.endswith(".md"):
        return None, False
    if path.startswith(SHARED_PREFIX):
        return network.home, True
    if path.startswith(SITES_PREFIX):
        parts = path.split("/")
        if len(parts) >= 4 and parts[3] not in (PAGES_DIR, FILES_DIR) and parts[2] in network:
            return parts[2], False
    return None, False


def front_matter(raw: bytes) -> tuple[dict[str, Any], str] | None:
    """(front matter, body) of a content file's bytes; None when it has none or it is not valid."""
    return split_front_matter(raw)


@dataclass(frozen=True)
class _Parsed:
    meta: dict[str, Any]
    body: str                      # "" for a light parse: read it again with body_of() when needed
    words: int
    media: bool
    audio_video: bool


_LIGHT_KEYS = re.compile(r"^(title|category|status|date|slug|attachments|image|comment_from|comment_until|report):[ \t]*(.*?)[ \t]*$",
                         re.M)


def light_front_matter(raw: bytes) -> tuple[dict[str, Any], str] | None:
    """The few keys an older item is needed for (title, category, status, date, slug, …) without a YAML parse.

    Items outside the month and its similarity window only tell whether a section was updated:
    reading them this way is thirty times faster than YAML, for the same plain values
    (``category: tin-tuc``, ``date: 2026-11-02 08:00``, quoted titles).
    """
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    meta: dict[str, Any] = {}
    for key, value in _LIGHT_KEYS.findall(text[3:end]):
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta.setdefault(key, nfc(value) if value else True)
    nl = text.find("\n", end + 4)
    return meta, nfc(text[nl + 1:]) if nl >= 0 else ""


#: (blob id, full?) → its parse (or None): a file unchanged between two months is parsed once per process
_PARSED: dict[tuple[str, bool], _Parsed | None] = {}


def _parse(tree: Tree, path: str, full: bool) -> _Parsed | None:
    sha = tree.files.get(path)
    if sha is None:
        return None
    key = (sha, full)
    if key not in _PARSED:
        raw = tree.read(path)
        fm = (front_matter if full else light_front_matter)(raw) if raw is not None else None
        if len(_PARSED) > 300_000:
            _PARSED.clear()
        words = words_of(fm[1]) if fm is not None else 0
        _PARSED[key] = None if fm is None else _Parsed(
            fm[0], fm[1] if full else "", words, full and (bool(fm[0].get("image")) or bool(MEDIA_RE.search(fm[1]))),
            (full or words < SHORT_ENOUGH) and bool(AUDIO_VIDEO_RE.search(fm[1])))
    return _PARSED[key]


def body_of(tree: Tree, item: Item) -> str:
    """An item's body: kept when its front matter was read whole, else read again from the blob (not kept in memory)."""
    if item.full:
        return item.body
    raw = tree.read(item.path)
    found = light_front_matter(raw) if raw is not None else None
    return found[1] if found else ""


def read_item(tree: Tree, path: str, network: Network, ledger: Ledger, tz: ZoneInfo, *, full: bool = True) -> Item | None:
    """The item at *path* in *tree*; None when it is not an item (a translation, a page, a file) or unreadable.

    *full*: its whole front matter (YAML); else the few keys of :func:`light_front_matter`.
    """
    site, shared = owner(path, network)
    if site is None:
        return None
    _base, lang = split_language_of(path)
    default = network.default_language if shared else network.site(site).default_language
    if lang and lang != default:
        return None
    arrived = ledger.first_seen.get(path)
    parsed = _parse(tree, path, full) if arrived is not None else None
    if parsed is None or arrived is None:
        return None
    meta = parsed.meta
    title = str(meta.get("title") or "").strip()
    category = "chi-dao-dieu-hanh" if shared else str(meta.get("category") or "")
    return Item(path=path, site=site, shared=shared, category=category, title=title,
                status=str(meta.get("status") or "published"), date=parse_date(meta.get("date"), tz),
                arrived=arrived, meta=meta, body=parsed.body, words=parsed.words, media=parsed.media,
                audio_video=parsed.audio_video, full=full)


def split_language_of(path: str) -> tuple[str, str | None]:
    from pathlib import PurePosixPath

    return split_language(PurePosixPath(path))  # type: ignore[arg-type]


def is_exempt_from_length(item: Item, exempt_sections: list[str]) -> bool:
    """Documents, procedures, drafts and items with attachments or audio/video carry their substance in a file."""
    return item.category in exempt_sections or bool(item.meta.get("attachments")) or item.audio_video
