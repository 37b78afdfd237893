"""QR codes drawn at build time with **segno**, as SVG (issue 16.5; 2024 plan task 11: QR codes at offices
and one-stop desks that lead to the portal and its social accounts).

- :func:`inline` — an ``<svg>`` element for a page (a printed article's address, a procedure's
  national record): paths only, no script, no style attribute (the pages' CSP forbids inline style);
- :func:`write` — an SVG file (the A4 poster's codes under ``/qr/``).

Error correction M (15 %): a code printed on paper and pinned to a wall still reads when a
corner is worn. The quiet zone is the standard 4 modules.
"""

from __future__ import annotations

import html as htmllib
import os
from pathlib import Path

from markupsafe import Markup

ERROR = "m"
#: the data mask of the codes inside pages (one on every printed article: tens of thousands a build). Choosing
#: the best of the eight masks is three quarters of segno's time (measured at 150 sites: the printed articles'
#: codes were 71 % of a build's rendering); any mask gives a valid code, and the tests decode them.
PAGE_MASK = 2


def _code(url: str, mask: int | None = None):
    import segno

    return segno.make(url, error=ERROR, micro=False, mask=mask)


def inline(url: str, label: str = "", scale: int = 3, css: str = "qr") -> Markup:
    """The QR code of *url* as an inline ``<svg>``: ``role="img"`` with *label*, or hidden from assistive
    technology when *label* is empty (the address is then written beside it as text)."""
    svg = _code(url, PAGE_MASK).svg_inline(scale=scale, border=4, dark="#000", light="#fff", svgclass=css, lineclass=None, omitsize=True)
    aria = f' role="img" aria-label="{htmllib.escape(label)}"' if label else ' aria-hidden="true" focusable="false"'
    return Markup(svg.replace("<svg ", f"<svg{aria} ", 1))


def write(path: Path, url: str, title: str, scale: int = 10) -> None:
    """The QR code of *url* as an SVG file at *path* (written aside, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    _code(url).save(str(tmp), kind="svg", scale=scale, border=4, dark="#000", light="#fff", title=title,
                    xmldecl=True, svgns=True, lineclass=None, svgclass=None)
    os.replace(tmp, path)
    os.chmod(path, 0o644)
