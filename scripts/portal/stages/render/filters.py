"""Jinja filters of the theme for values that go into URLs (issue 12.2).

Autoescape makes every value safe as HTML *text*; a value put into ``href``/``src`` must
also be a harmless *URL*. Front matter gives paths of the site's files (``files/a.pdf``,
``/files/a.pdf``) or web addresses; sites.yaml gives phone numbers. Anything else
(``javascript:``, ``data:``, ``//other-host``) becomes ``#`` here: a link that goes nowhere,
even if validation upstream missed it.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: characters a URL keeps as they are; anything else in a local path (a space, Vietnamese letters, quotes) is
#: percent-encoded as UTF-8, so a file named ``qd 12.pdf`` is linked as ``qd%2012.pdf``
URL_SAFE = "/#?&=%~:@!$()*+,;-._"
_PHONE_KEEP = re.compile(r"[^0-9+]")


def local_href(value: object) -> str:
    """A front-matter path or address as a URL for ``href``/``src``.

    ``files/a.pdf`` → ``/files/a.pdf`` (root-relative: the site is built for the root of its
    domain, DESIGN.md "Output"), percent-encoded (``files/van ban/qd 12.pdf`` →
    ``/files/van%20ban/qd%2012.pdf``); ``/x`` and ``http(s)``/``mailto``/``tel`` addresses are
    kept, encoded the same way; anything with another scheme, a protocol-relative ``//host``
    or control characters → ``#``.
    """
    text = str(value or "").strip()
    if not text or _CONTROL.search(text):
        return "#"
    if text.startswith("//"):
        return "#"
    scheme = urlsplit(text).scheme.lower()
    if scheme:
        return quote(text, safe=URL_SAFE) if scheme in _SAFE_SCHEMES else "#"
    return quote(text if text.startswith("/") else "/" + text.removeprefix("./"), safe=URL_SAFE)


def tel_href(phone: object) -> str:
    """``0222 3822 569`` → ``tel:02223822569`` (RFC 3966: digits and a leading ``+`` only).

    A site's value in a copy's template (:class:`portal.stages.render.copies.Sentinel`) gives its own
    derived sentinel, filled with the site's ``tel:`` address."""
    if hasattr(phone, "tel"):  # a Sentinel (str has no such attribute)
        return phone.tel()
    digits = _PHONE_KEEP.sub("", str(phone or ""))
    plus = digits.startswith("+")
    digits = digits.replace("+", "")
    return "tel:" + ("+" if plus else "") + digits
