"""The static sites and the service on the same origins (``make serve``; a reverse proxy in production).

``http://<id>.localhost:PORT/…`` serves ``output/<id>/`` (its ``404.html`` for a missing page)
and ``…/api/…`` the interaction service, so the forms of the static pages post to their own
origin as they will behind nginx or Caddy. The site comes from the Host header through
:class:`portal.service.hosts.HostMap` (only ids of sites.yaml, never a path taken from the
header); any other host gets the directory of all sites (``output/index.html``).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.datastructures import Headers
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from portal.service.config import ServiceConfig
from portal.service.hosts import HostMap


class Dispatcher:
    """ASGI: ``/api/…`` → the service; anything else → the static files of the Host's site."""

    def __init__(self, service: ASGIApp, output: Path, hosts: HostMap):
        self.service = service
        self.output = Path(output).resolve()
        self.hosts = hosts
        self.sites = {sid: StaticFiles(directory=str(self.output / sid), html=True, check_dir=False) for sid in hosts.ids}
        self.directory = StaticFiles(directory=str(self.output), html=True, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "lifespan" or path == "/api" or path.startswith("/api/"):
            await self.service(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        site = self.hosts.site_for(Headers(scope=scope).get("host"))
        app = self.sites.get(site) if site else None
        await (app or self.directory)(scope, receive, send)


def create_dispatcher(cfg: ServiceConfig, output: Path, network=None) -> Dispatcher:
    from portal.service.app import create_app

    service = create_app(cfg, network)
    return Dispatcher(service, output, service.state.service.hosts)


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
