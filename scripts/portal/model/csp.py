"""The Content-Security-Policy of every published page (issue 12.4), in one place.

Pages carry it as ``<meta http-equiv="Content-Security-Policy">`` (the theme's ``base.html``,
the directory page, a retired site's notice); the sample web-server configurations in the
README send the same as an HTTP header. Scripts, styles, images, fonts and fetches come
from the page's own origin only, so a script that slipped into a page (a sanitiser bypass,
a tampered file) neither runs inline nor loads from elsewhere, and no page requests
anything from another origin.

- :data:`POLICY`: every page.
- :data:`SEARCH_POLICY`: the search pages, which also compile Pagefind's WebAssembly
  (``'wasm-unsafe-eval'`` allows WebAssembly only, not JavaScript ``eval``).

Source: CSP Level 3 (W3C), ``<meta>`` delivery ignores ``frame-ancestors``, ``report-uri`` and
``sandbox``; the header in the README adds ``frame-ancestors 'self'``.
"""

from __future__ import annotations

import base64
import hashlib

DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


def policy(**extra: list[str]) -> str:
    """The policy text, with *extra* sources added per directive (``script_src=["'wasm-unsafe-eval'"]``).

    Directive names are given with ``_`` for ``-``; a directive not in :data:`DIRECTIVES`
    starts from ``default-src``'s sources (``'self'``), as browsers would fall back to it.
    """
    directives = {name: list(sources) for name, sources in DIRECTIVES.items()}
    for key, sources in extra.items():
        name = key.replace("_", "-")
        directives.setdefault(name, list(DIRECTIVES["default-src"]))
        directives[name] += [s for s in sources if s not in directives[name]]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def style_hash(css: str) -> str:
    """The CSP source (``'sha256-…'``) that allows exactly this inline ``<style>`` text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"


POLICY = policy()
SEARCH_POLICY = policy(script_src=["'wasm-unsafe-eval'"])
#: the HTTP header for the sample server configurations (frame-ancestors only works as a header)
HEADER_POLICY = policy(frame_ancestors=["'self'"])
