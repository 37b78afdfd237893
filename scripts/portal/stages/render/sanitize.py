"""The allowlist every post body passes (issue 12, item 2): what an article may contain, and nothing else.

One allowlist, used twice:

- by :mod:`portal.stages.render.markdown`, which reports everything in a post that the
  allowlist would drop as an error at ``file:line`` (editors see what would be removed,
  instead of finding it silently missing), and
- by :func:`clean`, which passes the final HTML of every post through **nh3** (ammonia)
  with the same lists, so that nothing outside them is ever published, even if the report
  missed it.

Allowed: the elements of articles, tables, figures, footnotes and ``<audio>``/``<video>``
(:data:`TAGS`), their harmless attributes (:data:`ATTRIBUTES`; ``class`` and ``id`` only
as the renderer writes them: :data:`CLASSES`, slugs), URLs that are root-relative
(``/files/…``, as the link resolution writes every local link), fragments (``#…``),
``https``/``http``/``mailto``/``tel`` links, and ``<iframe>`` only from the origins
``sites.yaml`` lists in ``network.embed_origins``. Never: script, style (element or
attribute), event handlers, forms, ``<meta>``/``<base>``/``<link>``, ``<object>``/``<embed>``,
SVG/MathML, ``javascript:``/``data:`` URLs, resources from another origin, ``data-*``
attributes (``data-pagefind-*`` included: the search index takes its fields from the build).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import nh3

#: elements a post body may contain
TAGS: frozenset[str] = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup",
    "mark", "small", "abbr", "cite", "q", "dfn", "code", "pre", "kbd", "samp", "var", "bdi", "bdo", "wbr",
    "ruby", "rt", "rp", "time", "span", "div", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img", "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "colgroup", "col", "section", "details", "summary", "audio", "video", "source", "track", "iframe",
})
#: attributes allowed on every element
GENERIC: frozenset[str] = frozenset({"lang", "dir", "title"})
#: attributes allowed per element, as an editor may write them in raw HTML
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "audio": frozenset({"src", "controls", "preload", "loop", "muted"}),
    "video": frozenset({"src", "controls", "preload", "poster", "width", "height", "loop", "muted", "playsinline"}),
    "source": frozenset({"src", "type", "media"}),
    "track": frozenset({"src", "kind", "srclang", "label", "default"}),
    "iframe": frozenset({"src", "width", "height", "allowfullscreen"}),
    "th": frozenset({"colspan", "rowspan", "scope", "abbr"}),
    "td": frozenset({"colspan", "rowspan"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "bdo": frozenset({"dir"}),
    "details": frozenset({"open"}),
    "del": frozenset({"datetime"}),
    "ins": frozenset({"datetime"}),
}
#: attributes that hold a URL, per element → what the URL loads: "link" (followed when
#: clicked), "resource" (loaded with the page: same origin only), "embed" (an iframe:
#: ``network.embed_origins`` only)
URL_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("a", "href"): "link",
    ("img", "src"): "resource",
    ("audio", "src"): "resource",
    ("video", "src"): "resource",
    ("video", "poster"): "resource",
    ("source", "src"): "resource",
    ("track", "src"): "resource",
    ("iframe", "src"): "embed",
}
#: classes the renderer writes (footnotes, table column alignment); no others survive
CLASSES: dict[str, frozenset[str]] = {
    "sup": frozenset({"footnote-ref"}),
    "a": frozenset({"footnote-backref"}),
    "hr": frozenset({"footnotes-sep"}),
    "section": frozenset({"footnotes"}),
    "ol": frozenset({"footnotes-list"}),
    "li": frozenset({"footnote-item"}),
    "th": frozenset({"align-left", "align-center", "align-right"}),
    "td": frozenset({"align-left", "align-center", "align-right"}),
}
#: elements that carry an ``id`` the renderer writes (heading anchors, footnotes)
ID_TAGS: frozenset[str] = frozenset({"h2", "h3", "h4", "h5", "h6", "a", "li"})
#: link schemes allowed in ``<a href>``
SCHEMES: frozenset[str] = frozenset({"https", "http", "mailto", "tel"})
#: elements removed with their content
DROP_WITH_CONTENT: frozenset[str] = frozenset({"script", "style"})

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def _nh3_attributes() -> dict[str, set[str]]:
    attrs: dict[str, set[str]] = {"*": set(GENERIC)}
    for tag, names in ATTRIBUTES.items():
        attrs.setdefault(tag, set()).update(names)
    for tag in ID_TAGS:
        attrs.setdefault(tag, set()).add("id")
    return attrs


def url_allowed(tag: str, attr: str, value: str, embed_origins: Iterable[str]) -> bool:
    """Whether a URL in the final HTML is allowed: root-relative or a fragment; for links also
    https/http/mailto/tel; for iframes an origin of *embed_origins*; nothing else."""
    kind = URL_ATTRIBUTES.get((tag, attr))
    if kind is None:
        return False
    v = value.strip()
    if v.startswith("#") or (v.startswith("/") and not v.startswith("//") and not v.startswith("/\\")):
        return True
    m = _SCHEME.match(v)
    if m is None:
        return False
    scheme = m.group(1).lower()
    if kind == "link":
        return scheme in SCHEMES
    if kind == "embed" and scheme == "https":
        parts = urlsplit(v)
        return f"https://{parts.netloc.lower()}" in set(embed_origins)
    return False


def clean(html: str, embed_origins: Iterable[str] = (), reserved_ids: Iterable[str] = ()) -> str:
    """*html* with everything outside the allowlist removed (nh3), URLs checked by :func:`url_allowed`."""
    origins = frozenset(embed_origins)
    reserved = frozenset(reserved_ids)

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if (tag, attr) in URL_ATTRIBUTES:
            return value if url_allowed(tag, attr, value, origins) else None
        if attr == "id":
            return value if _ID.match(value) and value not in reserved else None
        return value

    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes=_nh3_attributes(),
        attribute_filter=attribute_filter,
        strip_comments=True,
        link_rel=None,
        url_schemes=set(SCHEMES),
        allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
    )
