"""Local preview: every site at ``http://<id>.localhost:PORT/``, the directory at ``localhost``.

Which site a request is for comes from :func:`portal.model.hosts.route`: a Host name is
looked up among the known site ids, never turned into a path. Within a site, a request path
is mapped under the site's folder only: ``..`` and encoded slashes are dropped by
:class:`http.server.SimpleHTTPRequestHandler`, hidden names (``.portal-*`` bookkeeping,
``.git``) and anything that resolves outside the site's folder are 404. The directory host
serves only the directory page itself.
"""

from __future__ import annotations

import http.server
import os
import re
from collections.abc import Collection
from functools import partial
from pathlib import Path

from portal.model.hosts import Route, route
from portal.model.messages import _

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DIRECTORY_PAGE = "index.html"


def built_sites(output: Path) -> set[str]:
    """The site ids that have a folder in *output* (names of the form of a site id only)."""
    try:
        return {e.name for e in os.scandir(output) if e.is_dir(follow_symlinks=False) and _ID.match(e.name)}
    except OSError:
        return set()


class HostRoutingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``output/<id>/`` for the host ``<id>.localhost`` when *id* is a known site; the directory page at ``localhost``."""

    output: Path = Path("output")
    site_ids: Collection[str] | None = None

    def __init__(self, *args, output: Path, site_ids: Collection[str] | None = None, **kwargs):
        self.output = output
        self.site_ids = site_ids
        super().__init__(*args, directory=str(output), **kwargs)

    def route(self) -> Route:
        known = self.site_ids if self.site_ids is not None else built_sites(self.output)
        return route(self.headers.get("Host"), known)

    def site_root(self) -> Path | None:
        """The folder of the site this request is for, or None (the directory, or an unknown host)."""
        r = self.route()
        return self.output / r.site if r.site else None

    def translate_path(self, path: str) -> str:
        r = self.route()
        missing = str(self.output / ".missing" / "-")  # a path that never exists: 404
        if r.directory:
            clean = path.split("?", 1)[0].split("#", 1)[0]
            return str(self.output / DIRECTORY_PAGE) if clean in ("/", "/" + DIRECTORY_PAGE) else missing
        if r.site is None:
            return missing
        root = self.output / r.site
        rel = os.path.relpath(super().translate_path(path), self.directory)  # '..' and %2e%2e already dropped
        if rel == os.curdir:
            return str(root)
        parts = Path(rel).parts
        if any(p.startswith(".") for p in parts):  # .portal-* bookkeeping, .git, '..': never served
            return missing
        full = os.path.realpath(root / rel)
        if os.path.commonpath([full, os.path.realpath(root)]) != os.path.realpath(root):
            return missing
        return str(root / rel)

    def send_error(self, code, message=None, explain=None):
        root = self.site_root()
        if code == 404 and root is not None:
            path = self.path.split("?")[0]
            for lang in ("en", "ja", "zh", "ko"):
                if path.startswith(f"/{lang}/") and (root / lang / "404.html").exists():
                    page = root / lang / "404.html"
                    break
            else:
                page = root / "404.html"
            if page.exists():
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):
        if os.environ.get("PORTAL_SERVE_QUIET"):
            return
        super().log_message(format, *args)


def make_server(output: Path, host: str = "127.0.0.1", port: int = 8000,
                site_ids: Collection[str] | None = None) -> http.server.ThreadingHTTPServer:
    """A server of *output* on *host*:*port* (0: a free port); *site_ids* the known sites (default: the built ones)."""
    handler = partial(HostRoutingHandler, output=output.resolve(), site_ids=site_ids)
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(output: Path, host: str = "127.0.0.1", port: int = 8000, network=None) -> None:
    """Serve *output* until Ctrl-C; with *network*, only its sites, and the directory page rewritten for the port in use."""
    output.mkdir(parents=True, exist_ok=True)
    server = make_server(output, host, port, network.ids if network is not None else None)
    port = server.server_address[1]
    if network is not None:
        from portal.stages.directory import write_directory

        write_directory(network, output, port)
    print(_("Serving {output} at http://localhost:{port}/ (each site at http://<id>.localhost:{port}/); Ctrl-C stops.", output=output, port=port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
