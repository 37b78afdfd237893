"""Checks of the addresses and texts that sites.yaml puts into every page (issue 12.6).

Each check returns ``None`` when the value is fine, else the message to report at its line
(through :func:`portal.model.messages._`). Values that pass are still escaped on output
(the theme autoescapes); these checks keep what cannot be made right by escaping out of the
build: a URL that breaks out of ``href``, a social link to an unexpected host, a phone number
that is no number.

Sources: URLs as parsed by :func:`urllib.parse.urlsplit` (RFC 3986), host names per RFC 1123
(letters, digits, ``-``; IDN in its ASCII ``xn--`` form or as Unicode letters), phone numbers
as written in Vietnam (digits, spaces, ``.``, ``-``, ``(``, ``)``, a leading ``+``), e-mail
addresses in the ``local@domain`` form of RFC 5321 without quoting.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from portal.model.messages import _

#: what each social network's links must point to (the host or a subdomain of it)
SOCIAL_HOSTS: dict[str, tuple[str, ...]] = {
    "facebook": ("facebook.com", "fb.com", "fb.me"),
    "zalo": ("zalo.me",),
    "youtube": ("youtube.com", "youtu.be"),
    "tiktok": ("tiktok.com",),
    "instagram": ("instagram.com",),
}

_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\"'<>\\^`{|}]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PHONE = re.compile(r"^\+?[(]?[0-9][0-9 .()\-]{2,30}[0-9]$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _host_ok(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


def check_web_address(value: object, what: str) -> str | None:
    """An ``http(s)`` address with a host name and nothing that could leave an HTML attribute.

    Refused: another scheme (``javascript:``, ``data:``, ``ftp:``), no host, user info
    (``user@host``), a port out of range, spaces, quotes, ``<``, ``>``, backslashes and
    control characters anywhere.
    """
    if not isinstance(value, str) or not value.strip():
        return _("{what} is empty — write the full address, e.g. https://bacninh.gov.vn", what=what)
    if _UNSAFE.search(value):
        return _("{what} contains spaces, quotes, angle brackets or control characters — write a plain address such as https://bacninh.gov.vn", what=what)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        return _("{what} is not a valid address — write it as https://host.example.vn", what=what)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not _host_ok(parts.hostname):
        return _("{what} '{value}' is not a valid http(s) address — write it as https://host.example.vn", what=what, value=value)
    if parts.username is not None or parts.password is not None:
        return _("{what} contains a user name ('@' before the host) — give only https://host/…", what=what)
    return None


def check_site_url(value: object) -> str | None:
    """A portal's ``url``: a web address of the root of its domain (no path, query or fragment)."""
    problem = check_web_address(value, "url")
    if problem:
        return problem
    parts = urlsplit(str(value))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return _("url '{url}' has a path — a portal is built for the root of its domain; give only https://host", url=value)
    return None


def check_social(network: str, value: object) -> str | None:
    """A link of ``social``: a web address on the network's own hosts (:data:`SOCIAL_HOSTS`)."""
    problem = check_web_address(value, f"social.{network}")
    if problem:
        return problem
    host = (urlsplit(str(value)).hostname or "").lower()
    allowed = SOCIAL_HOSTS.get(network, ())
    if allowed and not any(host == h or host.endswith("." + h) for h in allowed):
        return _("social.{network} points to {host}, not to {expected} — link the agency's own page there",
                 network=network, host=host, expected=" / ".join(allowed))
    return None


def check_phone(value: object, what: str) -> str | None:
    """A phone number people can tap to call: digits with spaces, dots, dashes or brackets, maybe a leading ``+``."""
    if not isinstance(value, str | int) or not _PHONE.match(str(value).strip()):
        return _("{what} '{value}' is not a phone number — write digits, e.g. 0222 3822 569 or +84 222 3822 569",
                 what=what, value=value)
    return None


def check_email(value: object, what: str = "contact.email") -> str | None:
    """An e-mail address readers can tap to write to: ``name@domain.vn``, no spaces, quotes or brackets."""
    text = str(value).strip() if isinstance(value, str) else ""
    if not _EMAIL.match(text) or not _host_ok(text.rsplit("@", 1)[1]):
        return _("{what} '{value}' is not an e-mail address — write it as name@bacninh.gov.vn", what=what, value=value)
    return None


def check_text(value: object, what: str) -> str | None:
    """A name, address or description: text on one line, without control characters (escaped on output)."""
    if not isinstance(value, str):
        return _("{what} must be text — put it in double quotes", what=what)
    if _CONTROL.search(value) or "\n" in value.strip():
        return _("{what} contains a line break or a control character — write it on one line", what=what)
    return None
