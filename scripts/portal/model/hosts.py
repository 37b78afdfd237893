"""Which site a request is for, from its ``Host`` header: the rule of every local server (issue 12.7).

``portal serve`` (and the interaction service's dispatcher that ``make serve`` runs) serves
each site at ``http://<id>.localhost:PORT/`` and the directory of sites at ``localhost``. A
Host name is only ever *looked up* among the site ids of sites.yaml, never used to build a
path: ``..localhost``, ``x..localhost``, ``%2e%2e.localhost`` or ``a/b.localhost`` name no site.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

#: the names of this machine: their Host is the directory page
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", ""})
DOMAIN = "localhost"


@dataclass(frozen=True)
class Route:
    """Where a request goes: ``site`` (a known site id), or ``directory``, or neither (an unknown name: 404)."""

    site: str | None = None
    directory: bool = False


def host_name(header: str | None) -> str:
    """The host of a ``Host`` header, lower-case, without the port and a final dot: ``Tien-Du.localhost:8000`` → ``tien-du.localhost``."""
    host = (header or "").strip().lower()
    if host.startswith("["):  # [::1]:8000
        end = host.find("]")
        return host[: end + 1] if end > 0 else host
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return host[:-1] if host.endswith(".") else host


def route(header: str | None, site_ids: Container[str], domain: str = DOMAIN) -> Route:
    """The site (or the directory) that a ``Host`` header names.

    ``<id>.localhost[:port]`` → ``Route(site=id)`` when *id* is one of *site_ids* (compared
    exactly: ids are ``[a-z0-9-]+``); ``localhost``, ``127.0.0.1``, ``[::1]`` or no Host →
    ``Route(directory=True)``; anything else → ``Route()`` (unknown: answer 404).
    """
    host = host_name(header)
    if host in LOCAL_NAMES or host == domain:
        return Route(directory=True)
    suffix = "." + domain
    if host.endswith(suffix):
        candidate = host[: -len(suffix)]
        if candidate and candidate in site_ids:
            return Route(site=candidate)
    return Route()


def site_for_host(header: str | None, site_ids: Container[str], domain: str = DOMAIN) -> str | None:
    """The known site id that a ``Host`` header names, or None (the directory or an unknown name)."""
    return route(header, site_ids, domain).site
