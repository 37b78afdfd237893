"""Each shared directive's copy rendered once per language and shape of site, not once per site (issue 20.2).

Most pages of the network are copies of the provincial directives (71 % at the reference scale):
a commune's copy of a directive differs from another commune's only by the site's own strings —
its name, address, owner, contacts — in the title, the head's Open Graph and JSON-LD, the header
and the footer. So a copy is rendered once with *sentinels* in place of those strings, kept as a
*template*, and each other site of the same *shape* fills in its own values.

- **Sentinels** (:class:`Sentinel`): each distinct non-empty string of a site's context (see
  :data:`STRUCTURAL` for what is not replaced) becomes ``Zq<nnnn>x`` followed by :data:`PROBE`.
  The token is plain ASCII, left alone by every escaping; the probe's characters are changed by
  each escaping in its own way, so the text that follows a token in the template says which
  escaping the template applied there (:data:`FORMS`: as it is, HTML, Jinja's ``tojson``, JSON,
  URL). Equal values share a sentinel, so the templates' comparisons of two values (``short_name !=
  display_name``) come out as they do for the site. A value passed through ``tel_href`` becomes a
  derived sentinel (``Zq<nnnn>t``), filled with the value's ``tel:`` address.
- **The shape** of a site is its context with the sentinels in (:func:`sentinels`): the same
  structure (kind, sections, languages, which contacts are given, which values are equal) gives the
  same template. The template's key is the page key (:func:`portal.stages.render.incremental.page_key`)
  of the copy under the run key of that shape.
- **Checked where it is made** (:func:`make`): the site that makes a template renders the page
  itself too; the template is kept only if filling it with that site's values gives the very same
  bytes, every token has a known form, and none of the site's own strings (8 characters or more)
  is left in the template — a value that reached the page by another way than the swapped context
  would otherwise be copied to every site. Otherwise the copy is marked as one to render on every
  site (still correct, only not shared).
- **Kept** in ``.cache/copies/<code key>/``, zlib-compressed, written atomically (two workers may
  make the same template at once: they write the same bytes); folders of other code keys, and
  templates older than :data:`MAX_AGE`, are removed at the start of a build (:func:`prune`).
  ``PORTAL_COPY_TEMPLATES=0`` turns the scheme off (the tests compare both ways, byte for byte).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import escape

from portal.stages.render.filters import URL_SAFE, tel_href

#: the site context's keys whose values shape the page (kept as they are, part of the template's key)
STRUCTURAL = frozenset({"kind", "languages", "default_language", "sections", "menu", "home", "is_home",
                        "contact_page", "has_feed", "public_services"})
#: shortest of a site's own strings looked for in a template (a shorter one may be ordinary text)
RESIDUE_MIN = 8
PROBE = "<>&'\" đ"
_TOKEN = re.compile(r"Zq(\d{4,})([xt])")  # a value, or its tel: address
#: a leftover that looks like a token in any case: a transformation the forms do not know (upper, title…)
_LOOSE = re.compile(r"zq\d{4,}[a-z]", re.IGNORECASE)
#: a site's address as its sentinel keeps it (``https://zq0003u.invalid``): code joins paths to it (``urljoin``)
_URL_VALUE = re.compile(r"(https?)://([a-z0-9.-]+(?::\d+)?)")
_URL_TOKEN = re.compile(r"(://|%3A//)zq(\d{4,})u\.invalid")
MARK_BAD = b"-"
ENV = "PORTAL_COPY_TEMPLATES"


def _json_html(text: str) -> str:
    """Jinja's ``tojson`` (markupsafe's htmlsafe dump) of a string, without its quotes."""
    dumped = json.dumps(text)
    return (dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))[1:-1]


#: how a value can appear in a page: (name, the text for a value); each gives the probe a different text
FORMS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("raw", lambda s: s),
    ("html", lambda s: str(escape(s))),
    ("tojson", _json_html),
    ("json", lambda s: json.dumps(s, ensure_ascii=False)[1:-1]),
    ("json_ascii", lambda s: json.dumps(s)[1:-1]),
    ("html_json", lambda s: str(escape(json.dumps(s, ensure_ascii=False)[1:-1]))),
    ("url", lambda s: quote(s, safe="/")),
    ("url_path", lambda s: quote(s, safe=URL_SAFE)),
    ("html_url_path", lambda s: str(escape(quote(s, safe=URL_SAFE)))),
)
#: the probe's text in each form, longest first (tried in that order after a token)
_PROBES = sorted(((fn(PROBE), name, fn) for name, fn in FORMS), key=lambda t: -len(t[0]))
assert len({p for p, _, _ in _PROBES}) == len(FORMS), "two forms give the probe the same text"


class Sentinel(str):
    """A site's value in the sentinel render: ``Zq<nnnn>x`` and :data:`PROBE`; ``number`` its index."""

    number: int
    kind: str

    def __new__(cls, number: int, kind: str = "x") -> Sentinel:
        obj = super().__new__(cls, f"Zq{number:04d}{kind}{PROBE}")
        obj.number, obj.kind = number, kind
        return obj

    def __getnewargs__(self) -> tuple[int, str]:  # type: ignore[override]  # copy, deepcopy, pickle
        return (self.number, self.kind)

    def tel(self) -> Sentinel:
        """The sentinel of this value's ``tel:`` address (``tel_href``)."""
        return Sentinel(self.number, "t")


@dataclass
class Plan:
    """One language run's sentinels: ``context`` the site context with sentinels in, ``values`` the
    site's string for each sentinel number, ``top`` the settings that repeat a value (``SITENAME``…)
    with their sentinels, ``shape`` the run key of the shape (set by the caller), ``folder`` the cache."""

    context: dict[str, Any]
    values: list[str]
    top: dict[str, Any] = field(default_factory=dict)
    shape: str = ""
    folder: Path | None = None


def sentinels(ctx: dict[str, Any], top: dict[str, str]) -> Plan:
    """Put sentinels in place of the site's own strings in *ctx* (``site_context``), equal strings
    sharing one; *top* maps setting names (``SITENAME``, ``FEED_DOMAIN``, ``PORTAL_SITE_ID``) to their
    values, given sentinels the same way. Keys in :data:`STRUCTURAL`, empty strings and strings found
    under those keys (a parent portal that is the provincial portal) are kept."""
    numbers: dict[str, int] = {}
    values: list[str] = []
    network: set[str] = set()  # the strings of the structural keys (the provincial portal's name…): kept

    def strings(value: Any) -> None:
        if isinstance(value, str):
            network.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                strings(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                strings(v)

    for key in STRUCTURAL & ctx.keys():
        strings(ctx[key])

    def token(text: str) -> Sentinel | str:
        if text in network:
            return text
        url = _URL_VALUE.fullmatch(text)
        if url is not None and url.group(2) not in numbers:  # an address: its host and port are the value
            numbers[url.group(2)] = len(values)
            values.append(url.group(2))
        elif url is None and text not in numbers:
            numbers[text] = len(values)
            values.append(text)
        if url is not None:
            return f"{url.group(1)}://zq{numbers[url.group(2)]:04d}u.invalid"
        return Sentinel(numbers[text])

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return token(value) if value else value
        if isinstance(value, dict):
            return {k: walk(v) for k, v in sorted(value.items())}
        if isinstance(value, (list, tuple)):
            return type(value)(walk(v) for v in value)
        return value

    out = {k: (v if k in STRUCTURAL else walk(v)) for k, v in sorted(ctx.items())}
    tops = {k: walk(v) for k, v in sorted(top.items())}
    return Plan(out, values, tops)


def fill(template: str, values: list[str]) -> str | None:
    """The template with each token replaced by its value in the token's form; None when a token
    has no known form after it or names no value, or when token-like text is left between tokens
    (a transformation the forms do not know: ``upper``, ``truncate``, a host split from its address…)."""
    missing: list[int] = []

    def host(m: re.Match) -> str:  # a site's address (``://zq0003u.invalid``, or URL-quoted ``%3A//…``): its host
        number = int(m.group(2))
        if number >= len(values):
            missing.append(number)
            return ""
        return m.group(1) + (values[number] if m.group(1) == "://" else quote(values[number], safe="/"))

    template = _URL_TOKEN.sub(host, template)
    if missing:
        return None
    parts: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        number, kind = int(m.group(1)), m.group(2)
        literal = template[pos:m.start()]
        if number >= len(values) or _LOOSE.search(literal):
            return None
        rest = m.end()
        for probe, _name, fn in _PROBES:
            if template.startswith(probe, rest):
                parts.append(literal)
                parts.append(fn(values[number] if kind == "x" else tel_href(values[number])))
                pos = rest + len(probe)
                break
        else:
            return None
    if _LOOSE.search(template, pos):
        return None
    parts.append(template[pos:])
    return "".join(parts)


def residue(template: str, values: list[str]) -> str | None:
    """The first of the site's own strings (at least :data:`RESIDUE_MIN` characters) found in *template*,
    as it is or HTML-escaped: it reached the page other than through the sentinels."""
    for value in values:
        if len(value) < RESIDUE_MIN:
            continue
        if value in template or str(escape(value)) in template or _json_html(value) in template:
            return value
    return None


def enabled() -> bool:
    """Whether copies are rendered from templates (``PORTAL_COPY_TEMPLATES`` unset or not ``0``)."""
    return os.environ.get(ENV, "1") != "0"


def folder(root: Path, code_key: str) -> Path:
    """The cache of templates for this checkout's code (theme, plugins, catalogs)."""
    return root / ".cache" / "copies" / code_key[:16]


#: a template older than this is removed at the start of a build (made again when a copy needs it): the
#: templates of directives edited or withdrawn are not kept for ever (seconds)
MAX_AGE = 30 * 24 * 3600


def prune(root: Path, code_key: str, now: float | None = None) -> int:
    """Remove the templates of other code keys (another theme or code: never read again), and those of
    this code key older than :data:`MAX_AGE`; returns how many templates of this code key were removed."""
    base = root / ".cache" / "copies"
    keep = code_key[:16]
    removed = 0
    if not base.is_dir() or base.is_symlink():
        return removed
    try:
        children = list(base.iterdir())
        templates = list((base / keep).glob("*/*.html.z"))
    except OSError:  # an unreadable cache: left as it is (its templates are checked when read)
        return removed
    for child in children:
        if child.name != keep and not child.is_symlink() and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
    limit = (time.time() if now is None else now) - MAX_AGE
    for path in templates:
        try:
            if path.lstat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def _path(plan: Plan, key: str) -> Path:
    assert plan.folder is not None
    return plan.folder / key[:2] / f"{key}.html.z"


def lookup(plan: Plan, key: str) -> str | bool | None:
    """The kept template for *key*; False when the copy renders on every site; None when not made yet."""
    try:
        data = _path(plan, key).read_bytes()
    except OSError:
        return None
    if data == MARK_BAD:
        return False
    try:
        return zlib.decompress(data).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        return None


def _store(plan: Plan, key: str, data: bytes) -> None:
    path = _path(plan, key)
    try:  # a cache that cannot be written is no fault of the site: its copies are rendered, as they were
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def make(plan: Plan, key: str, page: str, template: str) -> bool:
    """Keep *template* (the sentinel render) for *key* if filling it with this site's values gives *page*
    (the direct render) and none of the site's strings is left in it; else mark the copy as rendered on
    every site. Returns whether the template was kept."""
    ok = residue(template, plan.values) is None and fill(template, plan.values) == page
    _store(plan, key, zlib.compress(template.encode("utf-8"), 1) if ok else MARK_BAD)
    return ok
