"""What the search tests share: a sites.yaml of a few sites, and a folder of sites served on 127.0.0.1."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HEAD = "network:\n  home: tinh\n  default_language: vi\n  timezone: Asia/Ho_Chi_Minh\nsites:\n"
PROVINCE = ("tinh", "province", "Cổng Thông tin điện tử tỉnh Thử", "https://tinh.example.vn")


def sites_yaml(*sites: tuple[str, str, str, str]) -> str:
    """A sites.yaml: the provincial portal ``tinh`` and *sites* ``(id, kind, name, url)``, children of it."""
    lines = [HEAD]
    for sid, kind, name, url in (PROVINCE, *sites):
        lines.append(f'  - id: {sid}\n    kind: {kind}\n    name: {{vi: "{name}"}}\n    url: {url}\n')
        if sid != "tinh":
            lines.append("    parent: tinh\n")
        lines.append(f'    editors: ["@org/btb-{sid}"]\n')
    return "".join(lines)


@contextmanager
def serving(folder: Path) -> Iterator[int]:
    """Serve *folder* (one sub-folder per site, or a link to one) as ``http://<id>.localhost:PORT/``; yields the port."""
    from portal.stages.preview import make_server

    os.environ["PORTAL_SERVE_QUIET"] = "1"
    sites = [p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    server = make_server(folder, "127.0.0.1", 0, site_ids=sites)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
