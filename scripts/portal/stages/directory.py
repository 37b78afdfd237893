"""``output/index.html``: a directory of every site, for local preview only.

Rendered with Jinja2 (autoescape on: names and addresses from sites.yaml are text); it links
each built site at ``http://<id>.localhost:PORT/`` with the port of the server that serves it
(``portal serve`` rewrites it once it has bound its port), and names unbuilt sites without a link.
"""

from __future__ import annotations

import os
from pathlib import Path

from portal.model.sites import Network
from portal.stages import standalone

KIND_NAMES = {"province": "Cấp tỉnh", "department": "Sở, ban, ngành", "district": "Cấp huyện",
              "commune": "Xã", "ward": "Phường"}
DEFAULT_PORT = 8000
STYLE = ('body{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;max-width:60rem;margin:2rem auto;'
         "padding:0 1rem;line-height:1.5}a{color:#0b4f8a}small{color:#555}")

TEMPLATE = """{% extends "base.html" %}
{% block body %}
<h1>Mạng Cổng Thông tin điện tử: {{ total }} cổng</h1>
<p>Bản xem trước cục bộ. Mỗi cổng được phục vụ tại <code>http://&lt;id&gt;.localhost:{{ port }}/</code> khi chạy <code>make serve</code> (<code>portal serve --port {{ port }}</code>).</p>
{% for label, sites in groups %}
<h2>{{ label }} ({{ sites|length }})</h2>
<ul>
{% for s in sites %}
<li>{% if s.built %}<a href="http://{{ s.id }}.localhost:{{ port }}/">{{ s.name }}</a>{% else %}{{ s.name }} — <em>chưa dựng</em>{% endif %}
<small>({{ s.id }} · {{ s.url }}{% if s.languages|length > 1 %} · {{ s.languages|join(', ') }}{% endif %})</small></li>
{% endfor %}
</ul>
{% endfor %}
{% endblock %}
"""

def write_directory(network: Network, output: Path, port: int | None = None) -> Path:
    """Write ``output/index.html`` (mode 0644) for a server on *port* (default ``$PORT`` or 8000); return its path."""
    if port is None:
        port = int(os.environ.get("PORT") or DEFAULT_PORT)
    groups = []
    for kind, label in KIND_NAMES.items():
        sites = [{"id": s.id, "name": s.name(), "url": s.url, "languages": s.languages,
                  "built": (output / s.id / "index.html").is_file()} for s in network.sites if s.kind == kind]
        if sites:
            groups.append((label, sites))
    html = standalone.render(TEMPLATE, title="Mạng Cổng Thông tin điện tử — xem trước", style=STYLE,
                             groups=groups, total=len(network.sites), port=port)
    output.mkdir(parents=True, exist_ok=True)
    path = output / "index.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.chmod(tmp, 0o644)
    tmp.replace(path)
    return path
