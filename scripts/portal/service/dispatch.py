"""The static sites and the service on the same origins (``make serve``; a reverse proxy in production).

``http://<id>.localhost:PORT/…`` serves ``output/<id>/`` (its ``404.html``, or the language's,
for a missing page; never a hidden file such as the build's ``.portal-*`` bookkeeping) and
``…/api/…`` the interaction service, so the forms of the static pages post to their own origin
as they will behind nginx or Caddy. The site comes from the Host header through
:class:`portal.service.hosts.HostMap` (the preview's rule, :func:`portal.model.hosts.route`:
only ids of sites.yaml, never a path taken from the header); ``localhost`` gets the directory
page only, and an unknown host 404.

With the web editor (``portal service run --editor``, ``make serve``), ``…/admin/api/v1`` is
forwarded to the local ``decap-server`` (:class:`EditorProxy`): the CMS talks to its own origin,
and a site's editor may only read and write under ``content/sites/<id>/`` (the provincial portal's
also ``content/shared/``).
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from portal.model.sections import LANGUAGES
from portal.service.config import ServiceConfig
from portal.service.hosts import HostMap


class SiteFiles(StaticFiles):
    """One built site: its files, never a hidden one; a missing page gets the site's (or language's) 404.html."""

    def __init__(self, root: Path):
        super().__init__(directory=str(root), html=True, check_dir=False)
        self.root = root

    def not_found(self, parts: list[str]) -> Response:
        lang = parts[0] if parts and parts[0] in LANGUAGES else ""
        for page in ([self.root / lang / "404.html"] if lang else []) + [self.root / "404.html"]:
            if page.is_file():
                return FileResponse(page, status_code=404, media_type="text/html; charset=utf-8")
        return PlainTextResponse("Not Found", status_code=404)

    async def get_response(self, path: str, scope: Scope) -> Response:
        parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
        if any(p.startswith(".") for p in parts):
            return self.not_found(parts)
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            return self.not_found(parts)
        return self.not_found(parts) if response.status_code == 404 else response


#: the web editor's API path on every site's origin (Decap's local_backend url, portal.stages.cms)
EDITOR_API = "/admin/api/v1"
#: the largest request forwarded (decap-server accepts 50 MB of JSON: uploads are base64)
EDITOR_MAX_BYTES = 60 * 1024 * 1024
_PATH_KEYS = {"path", "newPath", "folder", "mediaFolder"}
mimetypes.add_type("text/yaml", ".yml")  # the editor's config.yml (Decap checks the type)


def editor_paths(value: object) -> list[str]:
    """Every repository path a decap-server request names (``path``, ``newPath``, ``folder``, ``mediaFolder``, ``paths``)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _PATH_KEYS and isinstance(item, str):
                found.append(item)
            elif key == "paths" and isinstance(item, list):
                found += [p for p in item if isinstance(p, str)]
            else:
                found += editor_paths(item)
    elif isinstance(value, list):
        for item in value:
            found += editor_paths(item)
    return found


def editor_allows(site: str, home: str | None, paths: list[str]) -> bool:
    """Whether a site's editor may touch every one of *paths* (relative to the checkout; a leading ``/`` is the
    checkout's root, as Decap writes a collection's media folder): its own content folder, and for the provincial
    portal also ``content/shared/``. Nothing with ``..`` or a backslash."""
    bases = [f"content/sites/{site}"] + (["content/shared"] if site == home else [])
    for p in paths:
        clean = p.strip("/")
        if "\\" in p or ".." in clean.split("/"):
            return False
        if not any(clean == b or clean.startswith(b + "/") for b in bases):
            return False
    return True


class EditorProxy:
    """ASGI: a site's ``POST /admin/api/v1`` → decap-server at *upstream*, same-origin only, paths of that site only."""

    def __init__(self, upstream: str, home: str | None):
        self.upstream = upstream
        self.home = home

    async def __call__(self, scope: Scope, receive: Receive, send: Send, site: str) -> None:
        headers = Headers(scope=scope)
        origin, host = headers.get("origin"), headers.get("host", "")
        if scope.get("method") != "POST":
            response: Response = PlainTextResponse("Method Not Allowed", status_code=405)
        elif origin is not None and origin not in (f"http://{host}", f"https://{host}"):
            response = PlainTextResponse("Forbidden", status_code=403)
        elif not headers.get("content-type", "").startswith("application/json"):
            response = PlainTextResponse("Unsupported Media Type", status_code=415)
        else:
            body = b""
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > EDITOR_MAX_BYTES:
                    await PlainTextResponse("Payload Too Large", status_code=413)(scope, receive, send)
                    return
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if not isinstance(data, dict) or not editor_allows(site, self.home, editor_paths(data.get("params"))):
                response = PlainTextResponse("Forbidden", status_code=403)
            else:
                status, payload = await asyncio.to_thread(self._forward, body)
                response = Response(payload, status_code=status, media_type="application/json")
        await response(scope, receive, send)

    def _forward(self, body: bytes) -> tuple[int, bytes]:
        request = urllib.request.Request(self.upstream, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return 502, b'{"error": "decap-server is not running"}'


class Dispatcher:
    """ASGI: ``/api/…`` → the service; ``/admin/api/v1`` → the web editor's local backend (when given);
    anything else → the static files of the Host's site."""

    def __init__(self, service: ASGIApp, output: Path, hosts: HostMap, editor: EditorProxy | None = None):
        self.service = service
        self.output = Path(output).resolve()
        self.hosts = hosts
        self.sites = {sid: SiteFiles(self.output / sid) for sid in hosts.ids}
        self.editor = editor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "lifespan" or path == "/api" or path.startswith("/api/"):
            await self.service(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        route = self.hosts.route(Headers(scope=scope).get("host"))
        if route.site and self.editor is not None and path == EDITOR_API:
            await self.editor(scope, receive, send, route.site)
            return
        if route.site:
            await self.sites[route.site](scope, receive, send)
            return
        page = self.output / "index.html"
        if route.directory and path in ("/", "/index.html") and page.is_file():
            response: Response = FileResponse(page, media_type="text/html; charset=utf-8")
        else:
            response = PlainTextResponse("Not Found", status_code=404)
        await response(scope, receive, send)


def create_dispatcher(cfg: ServiceConfig, output: Path, network=None, editor: EditorProxy | None = None) -> Dispatcher:
    from portal.service.app import create_app

    service = create_app(cfg, network)
    return Dispatcher(service, output, service.state.service.hosts, editor)


@dataclass
class Running:
    """A uvicorn server started in a thread on 127.0.0.1 and a free port (tests, benchmarks)."""

    server: uvicorn.Server
    thread: threading.Thread
    port: int

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def uvicorn_config(app: ASGIApp, cfg: ServiceConfig, host: str = "127.0.0.1", port: int = 8000,
                   **kwargs) -> uvicorn.Config:
    """uvicorn's settings: client addresses from ``X-Forwarded-For`` only when the proxy is trusted."""
    return uvicorn.Config(app, host=host, port=port, proxy_headers=True,
                          forwarded_allow_ips=cfg.trusted_proxies, server_header=False,
                          log_level=kwargs.pop("log_level", "warning"), **kwargs)


def start_in_thread(app: ASGIApp, cfg: ServiceConfig) -> Running:
    """Serve *app* on 127.0.0.1 on a port the OS picks; returns once it accepts connections."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(app, cfg, port=port, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        raise RuntimeError("the service did not start")
    return Running(server, thread, port)
