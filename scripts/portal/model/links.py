"""Links are part of the model: every link and resource in a post body resolved against its source.

The renderer (:mod:`portal.stages.render.markdown`) records each URL of a body as a
:class:`Ref` (its line and what it loads) and leaves a placeholder in the HTML; here each
ref is resolved against the site's inputs, as GitHub's preview of the pull request
resolves it (issue 13, item 4):

- ``files/ra-quan.jpg``, ``../files/x.pdf`` (relative to the source file; a path that
  names nothing there is tried from the site's folder, so ``files/x.jpg`` works from any
  sub-folder, as the README teaches) and ``/files/x.pdf`` (the site's root) → the
  published file, ``/files/…`` (percent-encoded);
- ``bai-dau.md``, ``../van-ban/qd-12.md#dieu-2`` → that post's published URL
  (``/tin-tuc/bai-dau/``, with the language prefix of a translation), its anchor checked;
  ``../../shared/chi-thi.md`` → the shared directive's copy on this site;
- ``#anchor`` → a heading (or footnote) of the same post;
- ``/tin-tuc/``, ``/lien-he/`` → a page the build makes;
- ``https://…``, ``mailto:``, ``tel:`` links → kept (a link to another site is fine).

Errors, at the ref's line: a target that does not exist (``link to 'x' resolves to
nothing``, with the name that differs only in case when there is one), a link that leaves
the site's folder, a draft, an anchor that is not in the target, a scheme other than
https/http/mailto/tel (``javascript:``, ``data:``…), and any image, audio, video or other
resource from another origin (DESIGN.md: nothing is loaded from another origin; an iframe
only from ``network.embed_origins``).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from portal.model.messages import _
from portal.model.text import clean_name

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_PATH = "/-._~!$&'()*+,;=:@"
_SAFE_PATH = SAFE_PATH
_SAFE_URL = _SAFE_PATH + "?#[]%"
LINK_SCHEMES = ("https", "http", "mailto", "tel")


def short(text: str, limit: int = 80) -> str:
    """A value for a message: at most *limit* characters, never expanded."""
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Ref:
    """One URL of a post body: ``index`` of its placeholder, ``offset`` (0-based line in the body),
    the ``url`` as written, and ``kind``: ``link`` (``<a href>``), ``resource`` (loaded with the
    page: images, audio, video, posters, captions) or ``embed`` (``<iframe src>``)."""

    index: int
    offset: int
    url: str
    kind: str


@dataclass(frozen=True)
class Target:
    """A post a link may point at: its URL on the site (``/tin-tuc/slug/``), anchors, and whether it is a draft.
    Frozen: a shared directive's target is one object in every site's index (:func:`portal.model.catalogue.prepare_links`)."""

    url: str
    anchors: frozenset[str]
    draft: bool


@dataclass
class LinkIndex:
    """What links of one site (or of the shared directives) may resolve to.

    Paths are relative to ``content/`` and in NFC: ``base`` is the site's folder
    (``sites/xa-a``, or ``shared``), ``files`` maps each published file
    (``sites/xa-a/files/a.jpg``) to its URL path (``/files/a.jpg``), ``posts`` each
    ``.md`` to its :class:`Target`, ``pages`` the root-relative paths the build makes
    besides (``/``, ``/tin-tuc/``, ``/tag/…/``…). ``origin`` is the site's own
    (``https://host``), ``embed_origins`` those iframes may show.
    """

    base: str
    origin: str = ""
    files: dict[str, str] = field(default_factory=dict)
    posts: dict[str, Target] = field(default_factory=dict)
    pages: set[str] = field(default_factory=set)
    embed_origins: frozenset[str] = frozenset()
    _lower: dict[str, str] | None = None

    def add_post(self, content_rel: str, target: Target) -> None:
        self.posts[content_rel] = target
        self.pages.add(target.url)
        self._lower = None

    def case_twin(self, path: str) -> str | None:
        """A known path that differs from *path* only in the case of its letters."""
        if self._lower is None:
            self._lower = {p.casefold(): p for p in (*self.files, *self.posts)}
            self._lower.update({p.casefold(): p for p in self.pages})
        other = self._lower.get(path.casefold())
        return other if other is not None and other != path else None


def origin_of(url: str) -> str:
    """``https://host[:port]`` of *url* (lower case); empty when it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if not parts.scheme or not parts.hostname:
        return ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}" + (f":{port}" if port else "")


def _display(path: str, base: str) -> str:
    """A content path as the editor wrote it relative to the site folder."""
    return path[len(base) + 1:] if path.startswith(base + "/") else path


def resolve(ref: Ref, source: str, anchors: frozenset[str], index: LinkIndex, *, source_draft: bool = False) -> tuple[str | None, str | None]:
    """(the URL to publish, None) or (None, the editor's message) for *ref* of the post at *source*.

    *source* is the post's path relative to ``content/`` (NFC), *anchors* its own ids.
    """
    raw = ref.url.strip()
    shown = short(raw)
    if not raw:
        return None, _("a link or image has no address — write the file name or the https:// address")
    if raw.startswith("#"):
        frag = unquote(raw[1:])
        if frag and frag not in anchors:
            return None, _("link to '{target}' resolves to nothing — no heading of this post has that anchor ({known})",
                           target=shown, known=", ".join(sorted(anchors)[:8]) or _("none"))
        return "#" + quote(frag, safe=_SAFE_PATH), None
    if raw.startswith("//") or raw.startswith("\\\\"):
        raw = "https:" + raw
    m = _SCHEME.match(raw)
    if m is not None:
        scheme = m.group(1).lower()
        if ref.kind == "link":
            if scheme not in LINK_SCHEMES:
                return None, _("links of type '{scheme}:' are not allowed — use an https:// address, mailto: or tel:", scheme=short(scheme, 20))
            return quote(raw, safe=_SAFE_URL), None
        origin = origin_of(raw) if scheme in ("http", "https") else scheme + ":"
        if scheme in ("http", "https") and index.origin and origin == index.origin:
            parts = urlsplit(raw)
            raw = parts.path or "/"
            if parts.query:
                raw += "?" + parts.query
        elif ref.kind == "embed":
            if origin in index.embed_origins:
                return quote(raw, safe=_SAFE_URL), None
            allowed = ", ".join(sorted(index.embed_origins)) or _("none yet")
            return None, _("'{target}' is embedded from {origin}, which sites.yaml does not allow — network.embed_origins lists the allowed ones ({allowed})",
                           target=shown, origin=short(origin, 60), allowed=allowed)
        else:
            return None, _("'{target}' is loaded from another site ({origin}) — pages load nothing from other sites: put the file under files/ and use files/name",
                           target=shown, origin=short(origin, 60))
    # a path: relative to the source file, or to the site's root
    path_part, _sep, frag = raw.partition("#")
    path_part, _sep, query = path_part.partition("?")
    path = clean_name(unquote(path_part))
    from_site: str | None = None
    if path.startswith("/"):
        url_path = posixpath.normpath(path) + ("/" if path.endswith("/") and path != "/" else "")
        url_path = "/" if url_path in ("/.", "//") else url_path
        target_path = index.base + url_path if url_path.startswith("/files/") else None
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if joined.startswith("../") or joined == "..":
            return None, _("link to '{target}' leaves the content folder — link files of this site only", target=shown)
        if not (joined.startswith(index.base + "/") or joined.startswith("shared/")):
            return None, _("link to '{target}' points into another portal's folder — link that portal's page by its https:// address",
                           target=shown)
        target_path, url_path = joined, None
        from_site = None if path.startswith("../") else posixpath.normpath(f"{index.base}/{path}")
        if target_path not in index.files and target_path not in index.posts and from_site is not None:
            if from_site in index.files or from_site in index.posts:  # README's convention: files/x.jpg from any folder
                target_path = from_site
    suffix = ("?" + query if query else "")
    if target_path is not None and target_path in index.files:
        return index.files[target_path] + suffix + ("#" + quote(frag, safe=_SAFE_PATH) if frag else ""), None
    if target_path is not None and target_path.endswith(".md") and target_path in index.posts:
        target = index.posts[target_path]
        if ref.kind != "link":
            return None, _("'{target}' is a post, not a file — an image or a video must be a file under files/", target=shown)
        if target.draft and not source_draft:
            return None, _("link to '{target}' points to a draft, which is not published — publish it first or remove the link", target=shown)
        if frag and unquote(frag) not in target.anchors:
            return None, _("link to '{target}' resolves to nothing — that post has no heading with the anchor '#{anchor}'",
                           target=shown, anchor=short(unquote(frag), 40))
        return target.url + ("#" + quote(unquote(frag), safe=_SAFE_PATH) if frag else ""), None
    if url_path is not None and ref.kind == "link":
        wanted = url_path if url_path.endswith("/") or "." in url_path.rsplit("/", 1)[-1] else url_path + "/"
        if wanted in index.pages or url_path in index.pages:
            return quote(wanted if wanted in index.pages else url_path, safe=_SAFE_PATH) + suffix + (
                "#" + quote(frag, safe=_SAFE_PATH) if frag else ""), None
    lookup = target_path if target_path is not None else (url_path or "")
    twin = index.case_twin(lookup) or (index.case_twin(from_site) if url_path is None and from_site else None)
    if twin is not None:
        return None, _("link to '{target}' resolves to nothing — did you mean '{other}'? (the case of the letters differs)",
                       target=shown, other=short(_display(twin, index.base)))
    if target_path is not None and target_path.endswith(".md"):
        return None, _("link to '{target}' resolves to nothing — there is no such post: check the file name", target=shown)
    return None, _("link to '{target}' resolves to nothing — check the name, or add the file under files/", target=shown)
