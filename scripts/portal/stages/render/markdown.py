"""Markdown to HTML as the reviewer saw it: CommonMark + GitHub's tables, strikethrough and autolinks.

One rendering path for every site, the shared directives, ``portal check`` and the editors'
index (issue 13, item 3): **markdown-it-py** with **mdit-py-plugins** (footnotes, heading
anchors folded like slugs), the dialect of the pull request's preview and of the web
editor. ``##`` in a body is ``<h2>`` (the title is the page's only ``<h1>``).

:func:`render` parses a body once and returns a :class:`Rendered`:

- ``html``: the HTML with every URL replaced by a placeholder (the URLs are resolved per
  site afterwards: :mod:`portal.model.links`, then :func:`finish`);
- ``refs``: each URL with its line (:class:`portal.model.links.Ref`);
- ``anchors``: the ids of its headings and footnotes;
- ``problems``: ``(line offset in the body, message)`` for everything the reader would
  not get as written — a ``#`` heading, a skipped heading level, an image without alt
  text, nesting deeper than ``network.limits.nesting``, and whatever the allowlist
  (:mod:`portal.stages.render.sanitize`) would drop: raw ``<script>``, ``<style>``,
  event handlers, forms, unknown elements and attributes, ``data-*``…

:func:`finish` puts the resolved URLs in and passes the result through the sanitiser.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.metadata import version

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from portal.model.limits import DEFAULT
from portal.model.links import Ref, short
from portal.model.messages import _
from portal.model.text import slugify
from portal.stages.render import sanitize

#: ids the theme uses on every page: a heading anchor never takes one (it gets "-1")
THEME_IDS = frozenset({
    "main", "content", "top", "header", "footer", "nav", "menu", "search", "search-q", "site-search-q",
    "search-config", "search-hint", "search-sort", "footer-agency", "footer-network", "footer-social",
    "h-about", "h-directives",
})
_CONTAINERS = {"bullet_list_open": 1, "ordered_list_open": 1, "blockquote_open": 1,
               "bullet_list_close": -1, "ordered_list_close": -1, "blockquote_close": -1}
_ALIGN = {"text-align:left": "align-left", "text-align:center": "align-center", "text-align:right": "align-right"}
#: bumped when the output of this module changes for the same input (part of the cache key)
RENDERER_VERSION = "2"


@dataclass
class Rendered:
    """One body rendered: ``html`` with URL placeholders, ``refs``, ``anchors``, ``problems``
    (line offset from the body's first line, message), ``nonce`` (the placeholders' prefix)."""

    html: str
    refs: list[Ref] = field(default_factory=list)
    anchors: frozenset[str] = frozenset()
    problems: list[tuple[int, str]] = field(default_factory=list)
    nonce: str = ""

    def placeholder(self, index: int) -> str:
        return f"{self.nonce}-{index}"


def config_key(nesting: int = DEFAULT.nesting) -> str:
    """What the output depends on besides the text: library versions, this module, the nesting limit."""
    parts = [RENDERER_VERSION, str(nesting)] + [f"{p}={version(p)}" for p in ("markdown-it-py", "mdit-py-plugins", "linkify-it-py")]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _anchor(text: str) -> str:
    slug = slugify(text, limit=60) or "muc"
    return slug + "-1" if slug in THEME_IDS else slug


def _image(self, tokens: list[Token], idx: int, options, env) -> str:  # alt first, as the reader's assistive tools read it
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    attrs = f' alt="{htmllib.escape(alt)}" src="{htmllib.escape(str(token.attrGet("src") or ""))}"'
    title = token.attrGet("title")
    if title:
        attrs += f' title="{htmllib.escape(str(title))}"'
    return f"<img{attrs}>"


_PARSERS: dict[int, MarkdownIt] = {}
#: what every autolink contains: a scheme's or an e-mail's ':' / '@', or a domain's '.' before a letter (www.x, x.vn)
_MAY_LINK = re.compile(r"[:@]|\.[^\W\d_]")


def parser(nesting: int = DEFAULT.nesting) -> MarkdownIt:
    """The one Markdown parser (per nesting limit): CommonMark, GFM tables, strikethrough, autolinks, footnotes, anchors."""
    md = _PARSERS.get(nesting)
    if md is None:
        md = MarkdownIt("commonmark", {"html": True, "linkify": True, "typographer": False, "xhtmlOut": False,
                                       "maxNesting": 2 * nesting + 8})
        md.enable(["table", "strikethrough", "linkify"])
        md.use(footnote_plugin)
        md.use(anchors_plugin, min_level=1, max_level=6, slug_func=_anchor)
        md.validateLink = lambda url: True   # every URL is checked by portal.model.links
        md.normalizeLink = lambda url: url   # ... and encoded there
        md.add_render_rule("image", _image)
        pretest = md.linkify.pretest  # linkify-it's own quick test costs 0.15 ms a paragraph: skip it where no URL can be
        md.linkify.pretest = lambda text: bool(_MAY_LINK.search(text)) and pretest(text)
        _PARSERS[nesting] = md
    return md


class _RawHtml(HTMLParser):
    """Rewrites one fragment of raw HTML: allowed elements and attributes kept, URLs replaced by
    placeholders, everything else left out and reported."""

    def __init__(self, out: Rendered, line: int, depth: list[int], nesting: int):
        super().__init__(convert_charrefs=False)
        self.out, self.line0, self.depth, self.nesting = out, line, depth, nesting
        self.parts: list[str] = []
        self.skip: str | None = None  # inside <script>/<style>: drop the content

    def problem(self, message: str) -> None:
        self.out.problems.append((self.line0 + self.getpos()[0] - 1, message))

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> None:
        if tag in sanitize.DROP_WITH_CONTENT:
            self.problem(_("scripts are not allowed in posts — remove the <script> element") if tag == "script"
                         else _("styles are not allowed in posts — the portal's theme formats every post; remove the <style> element"))
            if not close:
                self.skip = tag
                self.parts.append(f"<{tag}>")  # kept for the sanitiser, which drops it with its content
            return
        if tag not in sanitize.TAGS:
            if tag == "h1":
                self.problem(_("a heading of level 1 is the page title's — start headings in the body at '## '"))
            elif tag in ("form", "input", "button", "select", "textarea", "option", "label", "fieldset"):
                self.problem(_("forms are not allowed in posts — remove the <{tag}> element; link the online service instead", tag=tag))
            else:
                self.problem(_("the HTML element <{tag}> is not allowed in posts — remove it", tag=short(tag, 30)))
            return
        allowed = sanitize.ATTRIBUTES.get(tag, frozenset()) | sanitize.GENERIC
        kept: list[str] = []
        for name, value in attrs:
            if name.startswith("on"):
                self.problem(_("event handlers ({attr}) are not allowed in posts — remove the attribute", attr=short(name, 30)))
            elif name == "style":
                self.problem(_("styles are not allowed in posts — the portal's theme formats every post; remove style=\"…\""))
            elif name.startswith("data-pagefind"):
                self.problem(_("{attr} is set by the portal's search, not by posts — remove the attribute", attr=short(name, 40)))
            elif name not in allowed:
                self.problem(_("the attribute {attr} is not allowed on <{tag}> — remove it", attr=short(name, 30), tag=tag))
            elif (tag, name) in sanitize.URL_ATTRIBUTES:
                index = len(self.out.refs)
                self.out.refs.append(Ref(index, self.line0 + self.getpos()[0] - 1, value or "", sanitize.URL_ATTRIBUTES[(tag, name)]))
                kept.append(f' {name}="{self.out.placeholder(index)}"')
            elif tag == "img" and name == "alt" and not (value or "").strip():
                self.problem(_("image without alt text — describe it: alt=\"Mô tả ảnh\""))
            else:
                kept.append(f' {name}' if value is None else f' {name}="{htmllib.escape(value)}"')
        if tag == "img" and not any(n == "alt" for n, _v in attrs):
            self.problem(_("image without alt text — describe it: alt=\"Mô tả ảnh\""))
        if not close and tag not in {"br", "hr", "img", "wbr", "source", "track", "col"}:
            self.depth[0] += 1
            if self.depth[0] == self.nesting + 1:
                self.problem(_("HTML elements are nested more than {limit} levels deep — simplify the post", limit=self.nesting))
        self.parts.append(f"<{tag}{''.join(kept)}>")

    def handle_starttag(self, tag, attrs):
        if self.skip is None:
            self._tag(tag, attrs, close=False)

    def handle_startendtag(self, tag, attrs):
        if self.skip is None:
            self._tag(tag, attrs, close=True)

    def handle_endtag(self, tag):
        if self.skip is not None:
            if tag == self.skip:
                self.skip = None
                self.parts.append(f"</{tag}>")
            return
        if tag in sanitize.DROP_WITH_CONTENT:  # the end of an element opened in an earlier fragment
            self.parts.append(f"</{tag}>")
            return
        if tag in sanitize.TAGS:
            self.depth[0] = max(0, self.depth[0] - 1)
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if self.skip is None:
            self.parts.append(htmllib.escape(data, quote=False))

    def handle_entityref(self, name):
        if self.skip is None:
            self.parts.append(f"&{name};")

    def handle_charref(self, name):
        if self.skip is None:
            self.parts.append(f"&#{name};")

    def handle_comment(self, data):
        pass  # comments are notes for editors: never published

    def handle_decl(self, decl):
        self.problem(_("declarations (<!…>) are not allowed in posts — remove it"))

    def handle_pi(self, data):
        self.problem(_("processing instructions (<?…>) are not allowed in posts — remove it"))

    def unknown_decl(self, data):
        self.problem(_("declarations (<!…>) are not allowed in posts — remove it"))


def _raw(out: Rendered, content: str, line: int, depth: list[int], nesting: int) -> str:
    p = _RawHtml(out, line, depth, nesting)
    p.feed(content)
    p.close()
    return "".join(p.parts)


def render(body: str, nesting: int = DEFAULT.nesting) -> Rendered:
    """Parse and render one body (text already cleaned by :func:`portal.model.text.clean`).

    Never raises for any text: a failure of the parser is a problem at line 0.
    """
    out = Rendered(html="", nonce="u" + secrets.token_hex(8))
    md = parser(nesting)
    try:
        tokens = md.parse(body)
    except RecursionError:
        out.problems.append((0, _("the post is nested too deeply to read — simplify its lists and quotes")))
        return out
    depth = 0
    html_depth = [0]
    level = 1
    anchors: set[str] = set()
    for token in tokens:
        if token.type in _CONTAINERS:
            depth += _CONTAINERS[token.type]
            if depth > nesting:
                out.problems.append(((token.map or [0])[0], _("lists or quotes are nested more than {limit} levels deep — use at most {limit} levels",
                                                              limit=nesting)))
                out.html = ""
                return out
        elif token.type == "heading_open":
            n = int(token.tag[1])
            line = (token.map or [0])[0]
            if n == 1:
                out.problems.append((line, _("a heading with one '#' is the level of the page title — start headings in the body at '## '")))
            elif n > level + 1:
                out.problems.append((line, _("the heading jumps from level {a} to level {b} — write {hashes} here (one '#' more than the heading above)",
                                             a=level, b=n, hashes="#" * (level + 1))))
            level = n
            if token.attrGet("id"):
                anchors.add(str(token.attrGet("id")))
        elif token.type in ("th_open", "td_open"):
            style = token.attrGet("style")
            if style:
                del token.attrs["style"]
                token.attrSet("class", _ALIGN.get(str(style), "align-left"))
        elif token.type == "html_block":
            token.content = _raw(out, token.content, (token.map or [0])[0], html_depth, nesting)
        elif token.type == "inline" and token.children:
            line = (token.map or [0])[0]
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "html_inline":
                    child.content = _raw(out, child.content, line, html_depth, nesting)
                    line += child.content.count("\n")
                elif child.type in ("link_open", "image"):
                    attr = "href" if child.type == "link_open" else "src"
                    index = len(out.refs)
                    out.refs.append(Ref(index, line, str(child.attrGet(attr) or ""), "link" if attr == "href" else "resource"))
                    child.attrSet(attr, out.placeholder(index))
                    if child.type == "image" and not child.content.strip():
                        out.problems.append((line, _("image without alt text — describe it: ![Mô tả ảnh](files/anh.jpg)")))
                elif child.type in ("text", "code_inline"):
                    line += child.content.count("\n")
        elif token.type == "footnote_open":
            anchors.add(f"fn{token.meta.get('id', 0) + 1}")
    try:
        out.html = md.renderer.render(tokens, md.options, {})
    except RecursionError:
        out.problems.append((0, _("the post is nested too deeply to read — simplify its lists and quotes")))
        return out
    for i in range(1, out.html.count('class="footnote-ref"') + 1):
        anchors.add(f"fnref{i}")
    out.anchors = frozenset(anchors)
    return out


def finish(rendered: Rendered, urls: dict[int, str], embed_origins: frozenset[str] | tuple[str, ...] = ()) -> str:
    """The published HTML: each placeholder replaced by its resolved URL (a missing one by ``#``), then sanitised."""
    html = rendered.html
    if rendered.refs:
        html = re.sub(re.escape(rendered.nonce) + r"-(\d+)", lambda m: htmllib.escape(urls.get(int(m.group(1)), "#")), html)
    return sanitize.clean(html, embed_origins, THEME_IDS)


def to_text(body: str) -> str:
    """The words of a Markdown body without markup (for the editors' index), rendered like the pages."""
    rendered = render(body)
    html = finish(rendered, {}, ())
    return htmllib.unescape(_TAGS.sub(" ", html))


_TAGS = re.compile(r"<[^>]+>")
