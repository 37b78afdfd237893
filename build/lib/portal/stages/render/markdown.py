"""Markdown to HTML, the same for every site: headings start at h2 under the page title."""

from __future__ import annotations

import markdown

from portal.model.text import slugify

_EXTENSIONS = ["extra", "sane_lists", "toc", "smarty"]
_CONFIG = {
    "toc": {"baselevel": 2, "slugify": lambda value, _sep: slugify(value)},
    "smarty": {"smart_quotes": False},
}

_md: markdown.Markdown | None = None


def render(text: str) -> str:
    """Convert one document's Markdown body to HTML."""
    global _md
    if _md is None:
        _md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG, output_format="html")
    return _md.reset().convert(text)
