"""Which portal a request is for, from its Host header (issue 15: the service answers on each portal's origin).

In production the Host is the host of a site's ``url`` in sites.yaml (behind the reverse
proxy); locally it is ``<id>.localhost[:port]``, resolved by the preview's one rule,
:func:`portal.model.hosts.route` (``localhost`` itself is the directory of sites). Only known
site ids are returned: the Host header never becomes a path.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from portal.model import hosts
from portal.model.sites import Network


class HostMap:
    """Host name → site id for one network (built once)."""

    def __init__(self, network: Network):
        self.ids = frozenset(network.ids)
        self.by_host = {}
        for site in network.sites:
            host = (urlsplit(site.url).hostname or "").lower()
            if host:
                self.by_host[host] = site.id

    def route(self, host_header: str | None) -> hosts.Route:
        """A site's production host, else the local rule (``<id>.localhost``, the directory, or unknown)."""
        site = self.by_host.get(hosts.host_name(host_header))
        return hosts.Route(site=site) if site else hosts.route(host_header, self.ids)

    def site_for(self, host_header: str | None) -> str | None:
        """The site id for a Host header value, or None (the directory or an unknown host)."""
        return self.route(host_header).site
