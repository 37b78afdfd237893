"""Multimedia in posts (issue 16, item 3): galleries, infographics, video, audio, and the media origin.

Front matter (any post or page)::

    gallery:                                  # a folder of images, each with its alt text and caption
      - {image: files/hoi-lim/1.jpg, alt: "Hát quan họ trên thuyền", caption: "Liền anh, liền chị …"}
    infographic:                              # an image and its text alternative (required: accessibility)
      image: files/infographic/ket-qua-2026.png
      alt: "Kết quả cải cách hành chính năm 2026"
      text: |
        Tỷ lệ hồ sơ trực tuyến: 82 %. …
    video:                                    # self-hosted (captions required) …
      src: files/video/hoi-lim.mp4            # or a file on the media origin: https://media.bacninh.gov.vn/…
      poster: files/video/hoi-lim.jpg
      captions: files/video/hoi-lim.vi.vtt
      title: "Khai mạc Hội Lim"
    video: {embed: "https://video.bacninh.gov.vn/embed/123", title: "…"}   # … or a page of network.embed_origins

Radio posts add ``audio`` (:mod:`portal.model.outreach`). A file is named like ``image:`` (under the
site's ``files/``) or as an ``https://`` address on ``network.media_url``, the province's media
origin, whose large files stay out of Git: each such file is listed in ``media.yaml`` at the
project root with its size in bytes and SHA-256 (and an audio file's duration), and ``portal
check`` refuses a reference that the manifest does not list (:func:`load_manifest`). Pages load
them from their own origin under ``/media/…``, which the web server proxies to the media origin
(DESIGN.md: no page requests another origin); feeds name the media origin's own address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from portal.model import yamlio
from portal.model.errors import Problem
from portal.model.links import short
from portal.model.messages import _

MANIFEST_FILE = "media.yaml"
#: the path under which pages load the media origin's files (proxied by the web server)
MEDIA_PREFIX = "/media/"
#: the folder under files/ where the build writes image sizes (an editor's folder may not take it)
SIZES_DIR = "_sizes"
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp"})
AUDIO_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "aac": "audio/aac", "oga": "audio/ogg", "ogg": "audio/ogg",
               "opus": "audio/ogg", "wav": "audio/wav"}
VIDEO_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg"}
MIME_TYPES = {**AUDIO_TYPES, **VIDEO_TYPES, "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
              "webp": "image/webp", "gif": "image/gif", "avif": "image/avif", "pdf": "application/pdf", "vtt": "text/vtt",
              "doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "zip": "application/zip", "txt": "text/plain", "csv": "text/csv"}
#: the keys of this module, on any post or page
KEYS = frozenset({"gallery", "infographic", "video"})
GALLERY_KEYS = frozenset({"image", "alt", "caption"})
INFOGRAPHIC_KEYS = frozenset({"image", "alt", "text"})
VIDEO_KEYS = frozenset({"src", "poster", "captions", "title", "embed"})
#: at most this many images in one gallery (bounded work: each is resized at build time)
GALLERY_MAX = 60
#: a text alternative shorter than this is not a text alternative
INFOGRAPHIC_TEXT_MIN = 40
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")


def mime_type(name: str) -> str:
    """The MIME type of a file by its extension (``application/octet-stream`` when unknown)."""
    return MIME_TYPES.get(PurePosixPath(name.split("?")[0]).suffix.lower().lstrip("."), "application/octet-stream")


def extension(name: str) -> str:
    return PurePosixPath(urlsplit(name).path).suffix.lower().lstrip(".")


def parse_duration(value: Any) -> int | None:
    """Seconds of a duration written ``4:35``, ``1:02:03`` or ``275`` (seconds); None when it is none of these."""
    if value is None:
        return None
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    m = _DURATION.match(text)
    if m is None or int(m.group(3)) >= 60 or (m.group(1) is not None and int(m.group(2)) >= 60):
        return None
    return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + int(m.group(3))


def format_duration(seconds: int) -> str:
    """``HH:MM:SS`` (Apple's ``itunes:duration`` form), e.g. 275 → ``00:04:35``."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class MediaEntry:
    """A file on the media origin: its ``path`` there, ``size`` in bytes, ``sha256`` (hex), ``duration`` (s) or None."""

    path: str
    size: int
    sha256: str
    duration: int | None = None
    line: int = 0


def media_path(url: str, media_url: str) -> str | None:
    """The path of *url* on the media origin *media_url* (``https://media.x/a/b.mp3`` → ``a/b.mp3``), or None."""
    if not media_url or not url.startswith(media_url.rstrip("/") + "/"):
        return None
    path = unquote(urlsplit(url).path)[len(urlsplit(media_url).path.rstrip("/")) + 1:]
    parts = PurePosixPath(path).parts
    if not path or any(p in ("..", ".") or p.startswith(".") for p in parts):
        return None
    return path


def page_url(path: str) -> str:
    """Where a page loads a file of the media origin: on its own origin, ``/media/<path>``."""
    return MEDIA_PREFIX + quote(path, safe="/-._~")


def page_src(url: str, media_url: str) -> str:
    """What a page loads for a file named in front matter: ``/files/…`` as it is, a media origin address as ``/media/…``."""
    path = media_path(url, media_url) if isinstance(url, str) and url.startswith("http") else None
    return page_url(path) if path is not None else url


def origin_url(path: str, media_url: str) -> str:
    """The media origin's own address of *path* (for feeds and podcast apps)."""
    return media_url.rstrip("/") + "/" + quote(path, safe="/-._~")


def load_manifest(root: Path) -> tuple[dict[str, MediaEntry], list[Problem]]:
    """``media.yaml``: path on the media origin → :class:`MediaEntry`; problems at ``media.yaml:LINE``.

    A missing file is an empty manifest. Each entry: ``path: {size: BYTES, sha256: HEX, duration: "4:35"}``.
    """
    path = root / MANIFEST_FILE
    if not path.is_file():
        return {}, []
    rel = MANIFEST_FILE
    try:
        data = yamlio.load(path.read_text(encoding="utf-8"))
    except yamlio.YamlError as exc:
        return {}, [Problem(rel, exc.line, exc.message)]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem(rel, None, _("cannot be read ({reason}) — save it as UTF-8 text", reason=str(exc)))]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Problem(rel, 1, _("must map each file's path to {{size, sha256}} — write path/on/media.mp3: {{size: 123, sha256: …}}"))]
    entries: dict[str, MediaEntry] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        line = data.line_of(key) if hasattr(data, "line_of") else None
        name = str(key)
        if name.startswith("/") or ".." in PurePosixPath(name).parts or not name:
            problems.append(Problem(rel, line, _("'{path}' must be a path on the media origin without a leading '/' or '..'", path=short(name))))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(rel, line, _("'{path}' needs {{size: BYTES, sha256: HEX}} — run portal media add", path=short(name))))
            continue
        size, sha = str(value.get("size", "")).strip(), str(value.get("sha256", "")).strip().lower()
        if not size.isdigit() or int(size) <= 0:
            problems.append(Problem(rel, line, _("'{path}': size must be the file's size in bytes — run portal media add", path=short(name))))
            continue
        if not _SHA256.match(sha):
            problems.append(Problem(rel, line, _("'{path}': sha256 must be the file's SHA-256 in hex (64 characters) — run portal media add", path=short(name))))
            continue
        duration = parse_duration(value.get("duration")) if value.get("duration") is not None else None
        if value.get("duration") is not None and duration is None:
            problems.append(Problem(rel, line, _("'{path}': duration '{value}' is not a duration — write 4:35 or seconds", path=short(name), value=short(str(value.get("duration")), 20))))
        entries[name] = MediaEntry(name, int(size), sha, duration, line or 0)
    return entries, problems


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def validate(meta: dict[str, Any], line: Any, rel: str) -> list[Problem]:
    """The shape of ``gallery``, ``infographic`` and ``video`` (file names are resolved later, with the site's files).

    *line* maps a key to its line. Every image needs alt text; an infographic its text alternative; a
    self-hosted video its captions (``.vtt``) and an embedded one its title.
    """
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem(rel, line(key), message))

    gallery = meta.get("gallery")
    if gallery is not None:
        if not isinstance(gallery, list) or not gallery:
            add("gallery", _("gallery must be a list of images — write one line each: - {{image: files/anh/1.jpg, alt: \"Mô tả ảnh\", caption: \"…\"}}"))
        elif len(gallery) > GALLERY_MAX:
            add("gallery", _("a gallery has at most {limit} images — split it into several posts", limit=GALLERY_MAX))
        else:
            for i, item in enumerate(gallery):
                if isinstance(item, str):
                    add("gallery", _("image {n} of the gallery has no alt text — write {{image: {image}, alt: \"Mô tả ảnh\"}}", n=i + 1, image=short(item, 60)))
                    continue
                if not isinstance(item, dict):
                    add("gallery", _("image {n} of the gallery must be {{image: …, alt: …, caption: …}}", n=i + 1))
                    continue
                unknown = [k for k in item if k not in GALLERY_KEYS]
                if unknown:
                    add("gallery", _("image {n} of the gallery has the unknown key '{key}' — use image, alt and caption", n=i + 1, key=short(str(unknown[0]), 30)))
                if not _text(item.get("image")):
                    add("gallery", _("image {n} of the gallery has no image — write image: files/anh/1.jpg", n=i + 1))
                elif extension(item["image"]) not in IMAGE_EXTENSIONS:
                    add("gallery", _("image {n} of the gallery must be a JPEG, PNG or WebP file", n=i + 1))
                if not _text(item.get("alt")):
                    add("gallery", _("image {n} of the gallery has no alt text — describe it: alt: \"Mô tả ảnh\"", n=i + 1))
    info = meta.get("infographic")
    if info is not None:
        if not isinstance(info, dict):
            add("infographic", _("infographic must be {{image: files/….png, alt: \"…\", text: \"…\"}} — the text alternative is required"))
        else:
            unknown = [k for k in info if k not in INFOGRAPHIC_KEYS]
            if unknown:
                add("infographic", _("infographic has the unknown key '{key}' — use image, alt and text", key=short(str(unknown[0]), 30)))
            if not _text(info.get("image")):
                add("infographic", _("infographic has no image — write image: files/infographic/ten.png"))
            elif extension(info["image"]) not in IMAGE_EXTENSIONS:
                add("infographic", _("an infographic must be a JPEG, PNG or WebP image"))
            if not _text(info.get("alt")):
                add("infographic", _("infographic has no alt text — write alt: \"what the image shows, in a sentence\""))
            if len(_text(info.get("text"))) < INFOGRAPHIC_TEXT_MIN:
                add("infographic", _("infographic needs its text alternative (every figure and label of the image, at least {n} characters) — write text: | and the text on the next lines",
                                     n=INFOGRAPHIC_TEXT_MIN))
    video = meta.get("video")
    if video is not None:
        if not isinstance(video, dict):
            add("video", _("video must be {{src: files/….mp4, poster: files/….jpg, captions: files/….vtt, title: \"…\"}} or {{embed: https://…, title: \"…\"}}"))
        else:
            unknown = [k for k in video if k not in VIDEO_KEYS]
            if unknown:
                add("video", _("video has the unknown key '{key}' — use src, poster, captions, title or embed", key=short(str(unknown[0]), 30)))
            if _text(video.get("embed")):
                if _text(video.get("src")):
                    add("video", _("a video is either src (a file) or embed (a page), not both — keep one"))
                if not _text(video.get("title")):
                    add("video", _("an embedded video needs a title (read by screen readers) — write title: \"…\""))
            elif not _text(video.get("src")):
                add("video", _("video has no src — write src: files/video/ten.mp4 (or embed: for a video page)"))
            else:
                if extension(video["src"]) not in VIDEO_TYPES:
                    add("video", _("a video must be an MP4, WebM or OGV file — convert it to MP4 (H.264)"))
                if not _text(video.get("captions")):
                    add("video", _("a video needs captions for people who cannot hear it — write captions: files/video/ten.vtt (WebVTT)"))
                elif extension(video["captions"]) != "vtt":
                    add("video", _("captions must be a WebVTT file (.vtt)"))
                poster = _text(video.get("poster"))
                if poster and extension(poster) not in IMAGE_EXTENSIONS:
                    add("video", _("a video's poster must be a JPEG, PNG or WebP image"))
    return problems


def file_refs(meta: dict[str, Any]) -> list[tuple[str, Any, str, str]]:
    """Every file a post's media keys name: ``(key, container, field, kind)`` to resolve and rewrite in place.

    *kind*: ``image``, ``audio``, ``video``, ``captions``. The container is the mapping holding the field
    (the front matter itself for ``audio``).
    """
    refs: list[tuple[str, Any, str, str]] = []
    for item in meta.get("gallery") or ():
        if isinstance(item, dict) and _text(item.get("image")):
            refs.append(("gallery", item, "image", "image"))
    info = meta.get("infographic")
    if isinstance(info, dict) and _text(info.get("image")):
        refs.append(("infographic", info, "image", "image"))
    video = meta.get("video")
    if isinstance(video, dict) and not _text(video.get("embed")):
        for key, kind in (("src", "video"), ("poster", "image"), ("captions", "captions")):
            if _text(video.get(key)):
                refs.append(("video", video, key, kind))
    if _text(meta.get("audio")):
        refs.append(("audio", meta, "audio", "audio"))
    return refs
