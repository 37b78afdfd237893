"""QR codes drawn at build time with **segno**, as SVG (issue 16.5; 2024 plan task 11: QR codes at offices
and one-stop desks that lead to the portal and its social accounts).

- :func:`inline` — an ``<svg>`` element for a page (a printed article's address, a procedure's
  national record): paths only, no script, no style attribute (the pages' CSP forbids inline style);
- :func:`write` — an SVG file (the A4 poster's codes under ``/qr/``).

Error correction M (15 %): a code printed on paper and pinned to a wall still reads when a
corner is worn. The quiet zone is the standard 4 modules.

The codes inside pages are kept across builds, one file per site under ``.cache/qr/`` (``<id>.pickle.z``, a zlib-compressed pickle) (a
page's address rarely changes; a theme change re-renders every page, and drawing its code
again was a quarter of the render): :func:`open_cache` in the site's worker before it
renders, :func:`save_cache` after (only the codes that build used are kept).
"""

from __future__ import annotations

import html as htmllib
import os
from collections.abc import Iterable
from pathlib import Path

from markupsafe import Markup

from portal.model import store

ERROR = "m"
#: the data mask of the codes inside pages (one on every printed article: tens of thousands a build). Choosing
#: the best of the eight masks is three quarters of segno's time (measured at 150 sites: the printed articles'
#: codes were 71 % of a build's rendering); any mask gives a valid code, and the tests decode them.
PAGE_MASK = 2


#: bump when the drawing of a code changes: every cached code is drawn again
CACHE_FORMAT = "1"

#: the codes inside pages: 3 px a module, the class the print style sheet sizes
PAGE_SCALE = 3
PAGE_CSS = "qr"
SHARED_FILE = "shared.pickle.z"

#: the codes of the site being built, open between :func:`open_cache` and :func:`save_cache`
_cache: store.Kept | None = None
#: codes drawn once for every site (:func:`preload`), inherited by the forked site workers
_shared: dict[str, str] = {}


def _cache_version() -> str:
    import segno

    return f"{CACHE_FORMAT}|{segno.__version__}|{ERROR}|{PAGE_MASK}"


def open_cache(root: Path, site_id: str) -> None:
    """Load the codes one site's last build drew (``root/.cache/qr/<site_id>.pickle.z``); a missing,
    unreadable or outdated file is an empty cache (it only costs time)."""
    global _cache
    _cache = store.Kept(root / ".cache" / "qr" / f"{site_id}.pickle.z", _cache_version())


def save_cache() -> None:
    """Write the codes this build used (written aside, then renamed) and close the cache."""
    global _cache
    cache, _cache = _cache, None
    if cache is not None and cache.used:
        cache.save()


def _key(url: str, scale: int, css: str) -> str:
    return f"{scale}\x00{css}\x00{url}"


def _draw(url: str, scale: int, css: str) -> str:
    return _code(url, PAGE_MASK).svg_inline(scale=scale, border=4, dark="#000", light="#fff", svgclass=css, lineclass=None,
                                            omitsize=True)


def preload(root: Path, urls: Iterable[str]) -> int:
    """Draw once, in the build's parent before the site workers fork, the codes of *urls*: the addresses
    that many sites' pages show (a shared directive's copies all print its canonical address, on 900 of
    a commune's 1,300 pages at the province's scale). Kept in ``root/.cache/qr/shared.pickle.z`` across
    builds; returns how many were drawn (not found there)."""
    global _shared
    kept = store.Kept(root / ".cache" / "qr" / SHARED_FILE, _cache_version())
    codes = kept.used
    drawn = 0
    for url in urls:
        key = _key(url, PAGE_SCALE, PAGE_CSS)
        if key in codes:
            continue
        svg = kept.old.get(key)
        if svg is None:
            svg, drawn = _draw(url, PAGE_SCALE, PAGE_CSS), drawn + 1
        codes[key] = svg
    _shared = codes
    kept.save()
    return drawn


def _code(url: str, mask: int | None = None):
    import segno

    return segno.make(url, error=ERROR, micro=False, mask=mask)


def inline(url: str, label: str = "", scale: int = PAGE_SCALE, css: str = PAGE_CSS) -> Markup:
    """The QR code of *url* as an inline ``<svg>``: ``role="img"`` with *label*, or hidden from assistive
    technology when *label* is empty (the address is then written beside it as text)."""
    key = _key(url, scale, css)
    svg = _shared.get(key)
    if svg is None:
        cache = _cache
        svg = (cache.used.get(key) or cache.old.get(key) if cache is not None else None) or _draw(url, scale, css)
        if cache is not None:
            cache.used[key] = svg
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
