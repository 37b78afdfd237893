"""Local preview: every site at ``http://<id>.localhost:PORT/``, the directory at ``localhost``."""

from __future__ import annotations

import http.server
import os
from functools import partial
from pathlib import Path


class HostRoutingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``output/<id>/`` for the host ``<id>.localhost``; ``output/`` otherwise."""

    output: Path = Path("output")

    def __init__(self, *args, output: Path, **kwargs):
        self.output = output
        super().__init__(*args, directory=str(output), **kwargs)

    def site_root(self) -> Path:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        if host.endswith(".localhost"):
            site = host[: -len(".localhost")]
            candidate = self.output / site
            if site and "/" not in site and candidate.is_dir():
                return candidate
        return self.output

    def translate_path(self, path: str) -> str:
        root = self.site_root()
        rel = super().translate_path(path)
        # SimpleHTTPRequestHandler maps onto self.directory; re-base onto the site root.
        return os.path.join(str(root), os.path.relpath(rel, self.directory))

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            root = self.site_root()
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


def make_server(output: Path, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    handler = partial(HostRoutingHandler, output=output.resolve())
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(output: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    server = make_server(output, host, port)
    print(f"Serving {output} at http://localhost:{port}/ (each site at http://<id>.localhost:{port}/); Ctrl-C stops.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
