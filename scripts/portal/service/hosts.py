"""Which portal a request is for, from its Host header (issue 15: the service answers on each portal's origin).

``<id>.localhost[:port]`` (local preview, ``make serve``) or the host of a site's ``url`` in
sites.yaml (production, behind the reverse proxy). Only known site ids are returned: the
Host header never becomes a path. (The preview server's own rule lives in
``portal.stages.preview``; this module is the service's until the two are one.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

from portal.model.sites import Network


class HostMap:
    """Host name → site id for one network (built once)."""

    def __init__(self, network: Network):
        self.ids = set(network.ids)
        self.by_host = {}
        for site in network.sites:
            host = (urlsplit(site.url).hostname or "").lower()
            if host:
                self.by_host[host] = site.id

    def site_for(self, host_header: str | None) -> str | None:
        """The site id for a Host header value, or None for an unknown host."""
        host = (host_header or "").strip().lower()
        if host.startswith("["):  # IPv6 literal: never a site
            return None
        host = host.rsplit(":", 1)[0] if ":" in host else host
        host = host.rstrip(".")
        if host.endswith(".localhost"):
            candidate = host[: -len(".localhost")]
            return candidate if candidate in self.ids else None
        return self.by_host.get(host)
