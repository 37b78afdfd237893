"""Pelican plugin: galleries, infographics, video, radio audio and responsive images in posts (issue 16.3, 16.2).

The site's files were measured and resized before the run (:mod:`portal.stages.render.media`). Here:

- each ``<img>`` of a body that shows a file of the site becomes a ``<picture>`` (WebP and JPEG
  sizes, width and height, lazy): a 360 px phone downloads the 360 px variant;
- a radio bulletin's audio gets what its player, download link and podcast entry need
  (``article.radio``: page and feed addresses, MIME type, size in bytes, duration in seconds,
  broadcast time, priority), its duration read from the file under ``files/`` or from ``media.yaml``;
- every post and page gets ``media_key`` in its metadata: the measurements of the images it
  shows, so a page whose image changed is rendered again (portal.stages.render.incremental).

The figures themselves are written by the theme (``partials/media.html``, ``partials/radio.html``).
"""

from __future__ import annotations

import hashlib

from pelican import signals

from portal.model import catalogue, outreach
from portal.model import media as media_model
from portal.model.content import parse_date
from portal.stages.render import media


def _images(item) -> list[str]:
    md = item.metadata
    urls = [md.get("image")] if isinstance(md.get("image"), str) else []
    urls += [g.get("image") for g in md.get("gallery") or () if isinstance(g, dict)]
    info = md.get("infographic")
    if isinstance(info, dict):
        urls.append(info.get("image"))
    video = md.get("video")
    if isinstance(video, dict):
        urls.append(video.get("poster"))
    return [u for u in urls if isinstance(u, str) and u]


def _radio(item, settings) -> dict | None:
    md = item.metadata
    audio = md.get("audio")
    if not isinstance(audio, str) or not audio:
        return None
    media_url = settings.get("PORTAL_MEDIA_URL", "")
    site_url = settings["PORTAL_SITE"]["url"]
    info = media.info_of(audio)
    path = media_model.media_path(audio, media_url)
    entry = catalogue.load_media_manifest_from(settings).get(path) if path else None
    duration = media_model.parse_duration(md.get("duration"))
    if info is not None:
        page, feed, size = audio, site_url + audio, info.size
        duration = duration or info.duration
    elif entry is not None:
        page, feed, size = media_model.page_url(entry.path), media_model.origin_url(entry.path, media_url), entry.size
        duration = duration or entry.duration
    else:
        return None
    tz = item.date.tzinfo if getattr(item, "date", None) else None
    broadcast = parse_date(md.get("broadcast"), tz) if md.get("broadcast") else None  # type: ignore[arg-type]
    return {"page": page, "feed": feed, "type": media_model.mime_type(audio), "size": size, "duration": duration,
            "duration_text": media_model.format_duration(duration) if duration else "",
            "broadcast": broadcast or getattr(item, "date", None),
            "priority": outreach.priority_of(md.get("priority")) or "normal"}


def annotate(instance) -> None:
    """Responsive body images, the radio's audio, and the media key of a post or page."""
    settings = getattr(instance, "settings", None) or {}
    if not settings.get("PORTAL_SITE") or not hasattr(instance, "_content"):
        return
    if isinstance(instance._content, str):
        instance._content = media.responsive_body(instance._content)
    h = hashlib.sha1()
    for url in _images(instance):
        info = media.info_of(url)
        if info is not None:
            h.update(f"{url}:{info.width}x{info.height}:{sorted(info.variants)}".encode())
    radio = _radio(instance, settings) if getattr(getattr(instance, "category", None), "slug", "") == outreach.RADIO_CATEGORY else None
    if radio is not None:
        instance.metadata["radio"] = radio
        instance.radio = radio
        h.update(repr(sorted(radio.items())).encode())
    instance.metadata["media_key"] = h.hexdigest()[:16]


def register() -> None:
    signals.content_object_init.connect(annotate)
