"""Jinja filters of the theme for values that go into URLs (issue 12.2).

Autoescape makes every value safe as HTML *text*; a value put into ``href``/``src`` must
also be a harmless *URL*. Front matter gives paths of the site's files (``files/a.pdf``,
``/files/a.pdf``) or web addresses; sites.yaml gives phone numbers. Anything else
(``javascript:``, ``data:``, ``//other-host``) becomes ``#`` here: a link that goes nowhere,
even if validation upstream missed it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_CONTROL = re.compile(r"[\x00-\x20\x7f\"'<>\\`]")
_PHONE_KEEP = re.compile(r"[^0-9+]")


def local_href(value: object) -> str:
    """A front-matter path or address as a URL for ``href``/``src``.

    ``files/a.pdf`` → ``/files/a.pdf`` (root-relative: the site is built for the root of its
    domain, DESIGN.md "Output"); ``/x`` and ``http(s)``/``mailto``/``tel`` addresses are kept;
    anything with another scheme, a protocol-relative ``//host``, spaces, quotes or control
    characters → ``#``.
    """
    text = str(value or "").strip()
    if not text or _CONTROL.search(text):
        return "#"
    if text.startswith("//"):
        return "#"
    scheme = urlsplit(text).scheme.lower()
    if scheme:
        return text if scheme in _SAFE_SCHEMES else "#"
    return text if text.startswith("/") else "/" + text.removeprefix("./")


def tel_href(phone: object) -> str:
    """``0222 3822 569`` → ``tel:02223822569`` (RFC 3966: digits and a leading ``+`` only)."""
    digits = _PHONE_KEEP.sub("", str(phone or ""))
    plus = digits.startswith("+")
    digits = digits.replace("+", "")
    return "tel:" + ("+" if plus else "") + digits
