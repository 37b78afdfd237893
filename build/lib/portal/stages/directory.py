"""``output/index.html``: a directory of every site, for local preview only."""

from __future__ import annotations

from html import escape
from pathlib import Path

from portal.model.sites import Network

KIND_NAMES = {"province": "Cấp tỉnh", "department": "Sở, ban, ngành", "district": "Cấp huyện",
              "commune": "Xã", "ward": "Phường"}


def write_directory(network: Network, output: Path, port: int = 8000) -> Path:
    rows = []
    for kind, label in KIND_NAMES.items():
        sites = [s for s in network.sites if s.kind == kind]
        if not sites:
            continue
        items = "\n".join(
            f'<li><a href="http://{s.id}.localhost:{port}/">{escape(s.name())}</a> '
            f'<small>({escape(s.id)} · {escape(s.url)}{" · " + ", ".join(s.languages) if len(s.languages) > 1 else ""})</small>'
            f'{"" if (output / s.id / "index.html").exists() else " — <em>chưa dựng</em>"}</li>'
            for s in sites
        )
        rows.append(f"<h2>{escape(label)} ({len(sites)})</h2>\n<ul>\n{items}\n</ul>")
    html = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mạng Cổng Thông tin điện tử — xem trước</title>
<style>body{{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}a{{color:#0b4f8a}}small{{color:#555}}</style>
</head><body><main>
<h1>Mạng Cổng Thông tin điện tử: {len(network.sites)} cổng</h1>
<p>Bản xem trước cục bộ. Mỗi cổng được phục vụ tại <code>http://&lt;id&gt;.localhost:{port}/</code> khi chạy <code>make serve</code>.</p>
{chr(10).join(rows)}
</main></body></html>
"""
    path = output / "index.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
