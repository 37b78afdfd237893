"""Images, audio and video of one site, prepared at build time (issue 16, item 3), and the card images.

- Every raster image under the site's ``files/`` (JPEG, PNG, WebP) is measured and resized with
  **Pillow** into widths for phones and screens (:data:`WIDTHS`, never wider than the original),
  each as WebP and JPEG, under ``files/_sizes/<path>-<width>.<webp|jpg>``. Results are cached by
  the file's content in ``.cache/media/`` (an image is resized once, whatever site or build).
  Bounded work: an image over :data:`MAX_PIXELS` pixels or that Pillow cannot read is a problem
  at its file, not a crash.
- Audio files are measured with **mutagen** (duration in seconds; a radio bulletin's
  ``duration`` comes from here when the file is under ``files/``).
- :func:`picture` writes the ``<picture>`` of an image (WebP then JPEG ``srcset`` with widths,
  ``sizes``, ``width``/``height`` of the original, ``loading="lazy"``): a 360 px phone downloads
  the 360 px variant. :func:`responsive_body` does the same to the ``<img>`` of a post's
  sanitised body that show a file of the site.
- :func:`card_image` draws the default sharing card of a site (1200×630: its name, address and an
  emblem placeholder; Open Graph) and :func:`cover_image` a podcast's square cover (1400×1400,
  Apple's minimum).

The measurements of the site being built are in :data:`INFO` (file name → :class:`MediaInfo`, with each file's SHA-256).
"""

from __future__ import annotations

import hashlib
import html as htmllib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from portal.model import media as media_model
from portal.model.errors import Problem
from portal.model.inputs import Inputs
from portal.model.messages import _

#: widths of the resized variants, in CSS pixels at 1× (phones 360, tablets and 2× phones 720, screens 1080)
WIDTHS = (360, 720, 1080)
#: the largest image accepted, in pixels (a decompression bomb is refused before it is decoded)
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 78
WEBP_QUALITY = 72
#: the column of an article is at most this wide (portal.css: .wrap max-width)
COLUMN = 920
#: the sizes attribute of an image in an article's column
SIZES = f"(max-width: {COLUMN + 40}px) calc(100vw - 2rem), {COLUMN}px"
#: the sizes of a gallery's thumbnails: two per row on phones, three on screens
GALLERY_SIZES = f"(max-width: 600px) calc(50vw - 1.5rem), {COLUMN // 3}px"
#: fonts with Vietnamese letters for the card images, first found wins (Debian: fonts-dejavu-core)
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
         "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf", "/usr/share/fonts/opentype/noto/NotoSans-Bold.ttf")


@dataclass
class MediaInfo:
    """One file of the site: ``size`` in bytes; an image's ``width``/``height`` and its ``variants``
    (width → {"webp": url, "jpg": url}); an audio or video file's ``duration`` in seconds."""

    name: str
    size: int
    sha256: str = ""
    width: int = 0
    height: int = 0
    duration: int | None = None
    variants: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return "/" + self.name


#: files/… name → measurements, for the site being built in this process
INFO: dict[str, MediaInfo] = {}


def _cache_dir(root: Path) -> Path:
    folder = root / ".cache" / "media"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _link(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)
    os.chmod(dest, 0o644)


def _variant_name(name: str, width: int, fmt: str) -> str:
    """``files/hoi-lim/1.jpg`` → ``files/_sizes/hoi-lim/1-360.webp``."""
    rel = PurePosixPath(name).relative_to("files")
    return str(PurePosixPath("files", media_model.SIZES_DIR, rel.parent, f"{rel.stem}-{width}.{fmt}")).replace("/./", "/")


def _image(root: Path, name: str, path: Path, output: Path) -> tuple[MediaInfo | None, str | None]:
    from PIL import Image, ImageOps

    size = path.stat().st_size
    cache = _cache_dir(root)
    key = _digest(path)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                return None, "!" + _("the image is {w}×{h} pixels, more than {limit} million — resize it (2000 px wide is plenty)",
                               w=im.width, h=im.height, limit=MAX_PIXELS // 1_000_000)
            im = ImageOps.exif_transpose(im)
            width, height = im.size
            widths = [w for w in WIDTHS if w < width] + [min(width, WIDTHS[-1])]
            info = MediaInfo(name, size, key, width, height)
            loaded = None
            for w in dict.fromkeys(widths):
                info.variants[w] = {}
                for fmt in ("webp", "jpg"):
                    cached = cache / f"{key}-{w}.{fmt}"
                    if not cached.is_file():
                        if loaded is None:
                            loaded = im.convert("RGBA") if im.mode in ("RGBA", "LA", "P") else im.convert("RGB")
                        h = max(1, round(height * w / width))
                        small = loaded.resize((w, h), Image.Resampling.LANCZOS) if w != width else loaded
                        if fmt == "jpg" and small.mode == "RGBA":
                            flat = Image.new("RGB", small.size, "white")
                            flat.paste(small, mask=small.split()[-1])
                            small = flat
                        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
                        small.save(tmp, "WEBP" if fmt == "webp" else "JPEG", quality=WEBP_QUALITY if fmt == "webp" else JPEG_QUALITY,
                                   **({"method": 4} if fmt == "webp" else {"optimize": True, "progressive": True}))
                        os.replace(tmp, cached)
                    vname = _variant_name(name, w, fmt)
                    _link(cached, output / vname)
                    info.variants[w][fmt] = "/" + vname
            return info, None
    except Image.DecompressionBombError:
        return None, "!" + _("the image is more than {limit} million pixels — resize it (2000 px wide is plenty)", limit=MAX_PIXELS // 1_000_000)
    except (OSError, ValueError, SyntaxError) as exc:
        return None, _("the image cannot be read ({reason}) — save it again as JPEG or PNG", reason=str(exc)[:120])


def _audio(name: str, path: Path) -> MediaInfo:
    info = MediaInfo(name, path.stat().st_size, _digest(path))
    try:
        import mutagen

        f = mutagen.File(path)
        if f is not None and getattr(f, "info", None) is not None and getattr(f.info, "length", 0):
            info.duration = max(1, round(f.info.length))
    except Exception:  # a file mutagen cannot read still plays in a browser: no duration then
        info.duration = None
    return info


def prepare(root: Path, inputs: Inputs | None, output: Path) -> list[Problem]:
    """Measure every file of the site and resize its images into *output* (see the module); fills :data:`INFO`."""
    INFO.clear()
    problems: list[Problem] = []
    if inputs is None:
        return problems
    for f in inputs.static:
        ext = media_model.extension(f.name)
        if ext in media_model.IMAGE_EXTENSIONS:
            info, problem = _image(root, f.name, f.path, output)
            if problem and f.size and problem.startswith("!"):
                problems.append(Problem(_rel(root, f.path), None, problem[1:]))
            elif info is not None:
                INFO[f.name] = info
            else:  # a file Pillow cannot read is published as it is, without sizes (a browser may still show it)
                INFO[f.name] = MediaInfo(f.name, f.size, _digest(f.path))
        elif ext in media_model.AUDIO_TYPES or ext in media_model.VIDEO_TYPES:
            INFO[f.name] = _audio(f.name, f.path)
        else:
            INFO[f.name] = MediaInfo(f.name, f.size, _digest(f.path))
    return problems


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def info_of(url: str) -> MediaInfo | None:
    """The measurements of the file at root-relative *url* (``/files/…``), if it is one of the site's."""
    from urllib.parse import unquote

    return INFO.get(unquote(url).lstrip("/")) if isinstance(url, str) and url.startswith("/files/") else None


def _srcset(info: MediaInfo, fmt: str) -> str:
    return ", ".join(f"{v[fmt]} {w}w" for w, v in sorted(info.variants.items()))


def picture(url: str, alt: str, sizes: str = SIZES, *, lazy: bool = True, extra: str = "") -> Markup:
    """The ``<picture>`` of the site's image at *url* with its variants; a plain ``<img>`` when it has none.

    Every value is escaped; *extra* is trusted attribute text written by the templates (e.g. ``aria-describedby``).
    """
    e = htmllib.escape
    info = info_of(url)
    loading = ' loading="lazy" decoding="async"' if lazy else ""
    if info is None or not info.variants:
        return Markup(f'<img src="{e(url)}" alt="{e(alt)}"{loading}{extra}>')
    largest = info.variants[max(info.variants)]
    return Markup(
        f'<picture><source type="image/webp" srcset="{e(_srcset(info, "webp"))}" sizes="{e(sizes)}">'
        f'<img src="{e(largest["jpg"])}" srcset="{e(_srcset(info, "jpg"))}" sizes="{e(sizes)}" alt="{e(alt)}"'
        f' width="{info.width}" height="{info.height}"{loading}{extra}></picture>')


_IMG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def responsive_body(html: str) -> str:
    """The ``<img>`` of a sanitised body that show one of the site's images, as :func:`picture` writes them."""
    if "<img" not in html:
        return html

    def one(m: re.Match) -> str:
        attrs = {k: htmllib.unescape(v) for k, v in _ATTR.findall(m.group(1))}
        src = attrs.get("src", "")
        info = info_of(src)
        if info is None or not info.variants:  # not one of the site's images, or one Pillow could not read: as written
            return m.group(0)
        title = attrs.get("title")
        extra = f' title="{htmllib.escape(title)}"' if title else ""
        return str(picture(src, attrs.get("alt", ""), extra=extra))

    return _IMG.sub(one, html)


def _font(size: int):
    from PIL import ImageFont

    for path in FONTS:
        if os.path.isfile(path):
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size=size), False


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(lines[-1] + " " + word, font=font) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _draw_card(path: Path, size: tuple[int, int], name: str, caption: str, kicker: str) -> None:
    """A card: the portal's red band, an emblem placeholder (a gold star in a circle), the name, a caption."""
    from PIL import Image, ImageDraw

    w, h = size
    im = Image.new("RGB", size, "#fdfaf3")
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, w, round(h * 0.08)), fill="#a50e0e")
    d.rectangle((0, h - round(h * 0.05), w, h), fill="#a50e0e")
    r = round(min(w, h) * 0.13)
    cx, cy = round(w * 0.12) + r // 2, round(h * 0.42)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill="#c8102e", outline="#d4a017", width=max(4, r // 12))
    import math

    star = [(cx + (r * 0.62 if i % 2 == 0 else r * 0.25) * math.sin(i * math.pi / 5),
             cy - (r * 0.62 if i % 2 == 0 else r * 0.25) * math.cos(i * math.pi / 5)) for i in range(10)]
    d.polygon(star, fill="#ffd700")
    font, unicode_ok = _font(round(h * 0.075))
    small, _ok = _font(round(h * 0.045))
    if not unicode_ok:  # no font with Vietnamese letters on this machine: ASCII rather than empty boxes
        from unidecode import unidecode

        name, caption, kicker = unidecode(name), unidecode(caption), unidecode(kicker)
    left = cx + r + round(w * 0.05)
    lines = _wrap(d, name, font, w - left - round(w * 0.05))[:4]
    y = cy - (len(lines) * round(h * 0.09)) // 2
    d.text((left, y - round(h * 0.07)), kicker, font=small, fill="#7a5c00")
    for line in lines:
        d.text((left, y), line, font=font, fill="#1a1a1a")
        y += round(h * 0.09)
    d.text((left, y + round(h * 0.02)), caption, font=small, fill="#444444")
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(tmp, "PNG", optimize=True)
    os.replace(tmp, path)


#: the card's size (Open Graph's recommended 1.91:1) and the podcast cover's (Apple: 1400–3000 px square)
CARD_SIZE = (1200, 630)
COVER_SIZE = (1400, 1400)


def _cached_card(root: Path, dest: Path, size: tuple[int, int], name: str, caption: str, kicker: str) -> None:
    key = hashlib.sha1(repr((size, name, caption, kicker, FONTS, 2)).encode()).hexdigest()
    cached = _cache_dir(root) / f"card-{key}.png"
    if not cached.is_file():
        _draw_card(cached, size, name, caption, kicker)
    _link(cached, dest)


def card_image(root: Path, dest: Path, name: str, host: str) -> None:
    """The site's default sharing card (1200×630 PNG) at *dest*: its name, address and emblem placeholder."""
    _cached_card(root, dest, CARD_SIZE, name, host, "Cổng Thông tin điện tử")


def cover_image(root: Path, dest: Path, name: str, title: str) -> None:
    """A podcast's square cover (1400×1400 PNG) at *dest*."""
    _cached_card(root, dest, COVER_SIZE, name, title, "Phát thanh cơ sở")
