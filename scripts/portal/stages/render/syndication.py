"""Syndication out (issue 16.6, 16.2): JSON Feed 1.1 with the portal's extension, JSON-LD, the podcast feed.

One record per post (:func:`record`) feeds all of them, so the Government Portal, a data platform,
a podcast app and a search engine read the same metadata:

- **JSON Feed 1.1** (https://www.jsonfeed.org/version/1.1/) per site, language and section
  (``/feeds/all.json``, ``/feeds/<section>.json``). Each item carries the extension ``_portal``
  (JSON Feed §"Extensions": a key starting with ``_``, an object with ``about``)::

      "_portal": {"about": "https://github.com/…/README.md#json-feed-extension", "version": 1,
                  "site": "tien-du", "site_kind": "commune", "section": "van-ban", "section_name": "Văn bản",
                  "kind": "document" | "press_release" | "radio" | "directive" | "article" | "page",
                  "language": "vi", "canonical": "https://…", "shared": true, "audience": ["commune", "ward"],
                  "document": {"number", "doc_type", "issuer", "signer", "issued", "effective", "status"},
                  "press": {"period", "spokesperson", "briefing_date"},
                  "radio": {"broadcast", "priority", "duration_seconds"},
                  "attachments": [{"url", "title", "mime_type", "size_in_bytes", "sha256"}]}

  A radio bulletin's audio is also a native JSON Feed attachment (``url``, ``mime_type``,
  ``size_in_bytes``, ``duration_in_seconds``).
- **JSON-LD** (schema.org) in every post's and page's ``<head>``: ``NewsArticle`` (``Legislation``
  too for a document, ``audio`` for a radio bulletin), with the same fields.
- **The podcast feed** of a commune's radio (RSS 2.0 with Apple's ``itunes:`` tags and Podcasting
  2.0's ``podcast:guid``, ``podcast:locked``, ``podcast:transcript``), :func:`podcast_xml`.

A document's status is read leniently until the documents issue computes it: not yet in force
before ``effective``, in force otherwise.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import uuid
from typing import Any
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

from portal.model import media as media_model
from portal.model import outreach
from portal.stages.render import media

#: where the extension is documented (JSON Feed asks for an ``about`` URL)
EXTENSION_ABOUT = "https://bacninh.gov.vn/feeds/#json-feed-extension"
EXTENSION_VERSION = 1
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
#: Podcasting 2.0's namespace for podcast:guid (UUIDv5 of the feed's address without its scheme)
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a97be2ab21e0")
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_LOCALES = {"vi": "vi_VN", "en": "en_US", "ja": "ja_JP", "zh": "zh_CN", "ko": "ko_KR"}


def og_locale(lang: str) -> str:
    """Open Graph's ``language_TERRITORY`` for a portal language (``vi`` → ``vi_VN``)."""
    return _LOCALES.get(lang, "vi_VN")


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def document_status(md: dict[str, Any], now: dt.datetime) -> str:
    """``not_yet_in_force`` before ``effective``, else ``in_force`` (lenient until the documents issue)."""
    effective = md.get("effective") or md.get("issued")
    if isinstance(effective, dt.datetime) and effective > now:
        return "not_yet_in_force"
    return "in_force"


def _absolute(site_url: str, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else urljoin(site_url + "/", url.lstrip("/"))


def _attachments(md: dict[str, Any], site_url: str) -> list[dict[str, Any]]:
    out = []
    for a in md.get("attachments") or ():
        href = a.get("path") if isinstance(a, dict) else a
        if not isinstance(href, str):
            continue
        info = media.info_of(href)
        entry: dict[str, Any] = {"url": _absolute(site_url, href),
                                 "title": (a.get("title") if isinstance(a, dict) and a.get("title") else href.rsplit("/", 1)[-1]),
                                 "mime_type": media_model.mime_type(href)}
        if info is not None:
            entry["size_in_bytes"] = info.size
            if info.sha256:
                entry["sha256"] = info.sha256
        out.append(entry)
    return out


def kind_of(item: Any) -> str:
    """What a post is, for feeds: document, press_release, radio, directive, article or page."""
    if not hasattr(item, "category"):
        return "page"
    md = item.metadata
    section = item.category.slug
    if getattr(item, "shared", False):
        return "directive"
    if section == outreach.PRESS_CATEGORY:
        return "press_release"
    if section == outreach.RADIO_CATEGORY:
        return "radio"
    if md.get("number") or section == "van-ban":
        return "document"
    return "article"


def record(item: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """The portal's metadata of one post or page (the ``_portal`` extension; see the module)."""
    site = settings["PORTAL_SITE"]
    md = item.metadata
    url = _absolute(site["url"], "/" + item.url)
    rec: dict[str, Any] = {"about": EXTENSION_ABOUT, "version": EXTENSION_VERSION, "site": site["id"], "site_kind": site["kind"],
                           "kind": kind_of(item), "language": settings["PORTAL_LANG"],
                           "canonical": md.get("canonical") or url}
    if hasattr(item, "category"):
        rec["section"] = item.category.slug
        rec["section_name"] = settings["PORTAL_SECTION_NAMES"].get(item.category.slug, item.category.slug)
    if getattr(item, "shared", False):
        rec["shared"] = True
        audience = md.get("portal_audience")
        rec["audience"] = audience if audience else ["all"]
        if md.get("source_id"):
            rec["source_id"] = md["source_id"]
    if md.get("number") or md.get("doc_type"):
        rec["document"] = {k: v for k, v in {
            "number": md.get("number"), "doc_type": md.get("doc_type"), "issuer": md.get("issuer"), "signer": md.get("signer"),
            "issued": _iso(md.get("issued")), "effective": _iso(md.get("effective")),
            "status": document_status(md, settings["PORTAL_NOW"])}.items() if v}
    if rec["kind"] == "press_release":
        rec["press"] = {k: v for k, v in {"period": md.get("period"), "spokesperson": md.get("spokesperson"),
                                          "briefing_date": _iso(md.get("briefing_date"))}.items() if v}
    radio = md.get("radio")
    if radio:
        rec["radio"] = {"broadcast": _iso(radio.get("broadcast")), "priority": radio["priority"],
                        "duration_seconds": radio.get("duration")}
    attachments = _attachments(md, site["url"])
    if attachments:
        rec["attachments"] = attachments
    return rec


def feed_item(item: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """One JSON Feed 1.1 item of a post, with the ``_portal`` extension."""
    site = settings["PORTAL_SITE"]
    md = item.metadata
    url = _absolute(site["url"], "/" + item.url)
    entry: dict[str, Any] = {"id": md.get("canonical") or url, "url": url, "title": str(item.title),
                             "content_html": str(item.content)}
    if md.get("summary"):
        entry["summary"] = str(md["summary"])
    if getattr(item, "date", None):
        entry["date_published"] = _iso(item.date)
    if md.get("modified"):
        entry["date_modified"] = _iso(md["modified"])
    if md.get("canonical") and md["canonical"] != url:
        entry["external_url"] = md["canonical"]
    if isinstance(md.get("image"), str):
        entry["image"] = _absolute(site["url"], md["image"])
    if getattr(item, "tags", None):
        entry["tags"] = [str(t) for t in item.tags]
    if getattr(item, "authors", None):
        entry["authors"] = [{"name": str(a)} for a in item.authors]
    entry["language"] = settings["PORTAL_HTML_LANG"]
    radio = md.get("radio")
    if radio:
        att = {"url": radio["feed"], "mime_type": radio["type"], "size_in_bytes": radio["size"]}
        if radio.get("duration"):
            att["duration_in_seconds"] = radio["duration"]
        entry["attachments"] = [att]
    entry["_portal"] = record(item, settings)
    return entry


def json_feed(entries: list[dict[str, Any]], settings: dict[str, Any], feed_path: str, title: str,
              home_path: str) -> dict[str, Any]:
    """A JSON Feed 1.1 document at *feed_path* (root-relative) of *entries*, the posts' :func:`feed_item`
    (newest first; made once per post by the caller: a post is in several feeds and in the change list)."""
    site = settings["PORTAL_SITE"]
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION, "title": title, "home_page_url": _absolute(site["url"], home_path),
        "feed_url": _absolute(site["url"], feed_path), "language": settings["PORTAL_HTML_LANG"],
        "icon": _absolute(site["url"], settings.get("PORTAL_CARD", "/theme/card.png")),
        "authors": [{"name": settings["SITENAME"], "url": site["url"] + "/"}],
        "items": entries,
    }
    if site.get("description"):
        feed["description"] = site["description"]
    return feed


def dumps(data: Any) -> str:
    """JSON as published: UTF-8 text, keys in a stable order (an unchanged site rebuilds byte-identical)."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def json_ld(item: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """schema.org metadata of a post or page (JSON-LD), the same fields as :func:`record`."""
    site = settings["PORTAL_SITE"]
    md = item.metadata
    url = _absolute(site["url"], "/" + item.url)
    rec = record(item, settings)
    publisher = {"@type": "GovernmentOrganization", "name": site["name"], "url": site["url"] + "/",
                 "logo": {"@type": "ImageObject", "url": _absolute(site["url"], "/theme/img/emblem.svg")}}
    types: list[str] = ["NewsArticle"] if hasattr(item, "category") else ["WebPage"]
    data: dict[str, Any] = {"@context": "https://schema.org", "headline": str(item.title)[:110], "name": str(item.title),
                            "url": url, "mainEntityOfPage": md.get("canonical") or url, "inLanguage": settings["PORTAL_HTML_LANG"],
                            "publisher": publisher, "isPartOf": {"@type": "WebSite", "name": site["name"], "url": site["url"] + "/"}}
    if getattr(item, "date", None):
        data["datePublished"] = _iso(item.date)
    data["dateModified"] = _iso(md.get("modified")) or data.get("datePublished")
    if md.get("summary"):
        data["description"] = str(md["summary"])
    if rec.get("section_name"):
        data["articleSection"] = rec["section_name"]
    if getattr(item, "tags", None):
        data["keywords"] = [str(t) for t in item.tags]
    if getattr(item, "authors", None):
        data["author"] = [{"@type": "Person" if rec["kind"] != "radio" else "Organization", "name": str(a)} for a in item.authors]
    else:
        data["author"] = publisher
    image = md.get("image") if isinstance(md.get("image"), str) else settings.get("PORTAL_CARD", "/theme/card.png")
    data["image"] = _absolute(site["url"], image)
    if rec["kind"] == "press_release":
        data["genre"] = "press release"
    doc = rec.get("document")
    if doc:
        types.append("Legislation")
        data.update({k: v for k, v in {"legislationIdentifier": doc.get("number"), "legislationType": doc.get("doc_type"),
                                       "legislationDate": doc.get("issued"), "legislationDateVersion": doc.get("effective"),
                                       "legislationLegalForce": "https://schema.org/InForce" if doc.get("status") == "in_force" else "https://schema.org/NotInForce",
                                       "legislationPassedBy": {"@type": "GovernmentOrganization", "name": doc["issuer"]} if doc.get("issuer") else None,
                                       }.items() if v})
    view = md.get("document")
    if isinstance(view, dict) and isinstance(view.get("jsonld"), dict):
        # a legal document (plugins/legal_documents): its own Legislation data (status from relations, files,
        # relations both ways) completes this one — one JSON-LD block a page
        if "Legislation" not in types:
            types.append("Legislation")
        data.update({k: v for k, v in view["jsonld"].items() if k not in ("@context", "@type", "name", "url", "inLanguage")})
    radio = md.get("radio")
    if radio:
        data["audio"] = {"@type": "AudioObject", "contentUrl": _absolute(site["url"], radio["page"]), "encodingFormat": radio["type"],
                         "contentSize": str(radio["size"]), "duration": f"PT{radio['duration']}S" if radio.get("duration") else None,
                         "transcript": url}
        data["audio"] = {k: v for k, v in data["audio"].items() if v}
    if rec.get("attachments"):
        data["associatedMedia"] = [{"@type": "MediaObject", "contentUrl": a["url"], "name": a["title"], "encodingFormat": a["mime_type"],
                                    **({"contentSize": str(a["size_in_bytes"])} if "size_in_bytes" in a else {}),
                                    **({"sha256": a["sha256"]} if "sha256" in a else {})} for a in rec["attachments"]]
    if rec.get("shared") and md.get("canonical"):
        data["isBasedOn"] = md["canonical"]
    data["@type"] = types[0] if len(types) == 1 else types
    return data


def page_json_ld(settings: dict[str, Any], url_path: str, name: str) -> dict[str, Any]:
    """schema.org metadata of a list or the home page: the site as a ``WebSite`` of its agency."""
    site = settings["PORTAL_SITE"]
    return {"@context": "https://schema.org", "@type": "WebSite" if url_path in ("", "/", settings["PORTAL_LANG_PREFIX"]) else "CollectionPage",
            "name": name, "url": _absolute(site["url"], url_path), "inLanguage": settings["PORTAL_HTML_LANG"],
            "publisher": {"@type": "GovernmentOrganization", "name": site["name"], "url": site["url"] + "/"}}


def podcast_guid(feed_url: str) -> str:
    """Podcasting 2.0 ``podcast:guid``: UUIDv5 of the feed's address without scheme or trailing slash."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def _rfc822(value: dt.datetime) -> str:
    return email.utils.format_datetime(value)


def podcast(items: list[Any], settings: dict[str, Any], feed_path: str, cover_path: str, title: str, guid_of) -> str:
    """The podcast feed of a site's radio bulletins with audio (RSS 2.0, iTunes, Podcasting 2.0), newest first.

    Each item: ``title``, ``link``, ``guid`` (*guid_of(url, date)*: the post's tag URI, ``isPermaLink="false"``),
    ``pubDate`` (RFC 822), ``enclosure`` (URL, length in bytes, MIME type), ``itunes:duration`` (HH:MM:SS),
    ``description`` and ``content:encoded`` (the transcript), ``podcast:transcript`` (the post's page, ``text/html``).
    Sources: Apple Podcasts' RSS requirements, the Podcasting 2.0 namespace (podcastindex.org).
    """
    site = settings["PORTAL_SITE"]
    for prefix, ns in (("itunes", ITUNES_NS), ("podcast", PODCAST_NS), ("atom", ATOM_NS), ("content", CONTENT_NS)):
        ET.register_namespace(prefix, ns)
    feed_url = _absolute(site["url"], feed_path)
    rss = ET.Element("rss", {"version": "2.0"})
    ch = ET.SubElement(rss, "channel")

    def sub(parent: ET.Element, tag: str, text: str | None = None, attrs: dict[str, str] | None = None, **kw: str) -> ET.Element:
        el = ET.SubElement(parent, tag, {**(attrs or {}), **kw})
        if text is not None:
            el.text = text
        return el

    name = settings["SITENAME"]
    sub(ch, "title", title)
    sub(ch, "link", _absolute(site["url"], settings["PORTAL_LANG_PREFIX"] + outreach.RADIO_CATEGORY + "/"))
    description = f"{title} — {name}"
    sub(ch, "description", description)
    sub(ch, "language", settings["PORTAL_HTML_LANG"])
    sub(ch, f"{{{ATOM_NS}}}link", href=feed_url, rel="self", type="application/rss+xml")
    sub(ch, f"{{{ITUNES_NS}}}author", name)
    owner = sub(ch, f"{{{ITUNES_NS}}}owner")
    sub(owner, f"{{{ITUNES_NS}}}name", name)
    if site.get("contact", {}).get("email"):
        sub(owner, f"{{{ITUNES_NS}}}email", site["contact"]["email"])
    sub(ch, f"{{{ITUNES_NS}}}image", href=_absolute(site["url"], cover_path))
    sub(ch, f"{{{ITUNES_NS}}}category", attrs={"text": "Government"})
    sub(ch, f"{{{ITUNES_NS}}}explicit", "false")
    sub(ch, f"{{{ITUNES_NS}}}type", "episodic")
    sub(ch, f"{{{PODCAST_NS}}}guid", podcast_guid(feed_url))
    sub(ch, f"{{{PODCAST_NS}}}locked", "yes" if site.get("contact", {}).get("email") else "no",
        **({"owner": site["contact"]["email"]} if site.get("contact", {}).get("email") else {}))
    sub(ch, f"{{{PODCAST_NS}}}medium", "podcast")
    image = sub(ch, "image")
    sub(image, "url", _absolute(site["url"], cover_path))
    sub(image, "title", title)
    sub(image, "link", _absolute(site["url"], settings["PORTAL_LANG_PREFIX"] + outreach.RADIO_CATEGORY + "/"))
    newest = max((i.date for i in items), default=None)
    if newest is not None:
        sub(ch, "lastBuildDate", _rfc822(newest))
    for item in items:
        radio = item.metadata["radio"]
        url = _absolute(site["url"], "/" + item.url)
        it = sub(ch, "item")
        sub(it, "title", str(item.title))
        sub(it, "link", url)
        sub(it, "guid", guid_of(url, item.date), isPermaLink="false")
        sub(it, "pubDate", _rfc822(item.date))
        summary = str(item.metadata.get("summary") or item.title)
        sub(it, "description", summary)
        sub(it, f"{{{CONTENT_NS}}}encoded", str(item.content))
        sub(it, "enclosure", url=radio["feed"], length=str(radio["size"]), type=radio["type"])
        if radio.get("duration"):
            sub(it, f"{{{ITUNES_NS}}}duration", media_model.format_duration(radio["duration"]))
        sub(it, f"{{{ITUNES_NS}}}episodeType", "full")
        sub(it, f"{{{ITUNES_NS}}}explicit", "false")
        sub(it, f"{{{ITUNES_NS}}}summary", summary)
        sub(it, f"{{{PODCAST_NS}}}transcript", url=url, type="text/html", language=settings["PORTAL_HTML_LANG"])
    ET.indent(rss, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def item_version(entry: dict[str, Any]) -> str:
    """A short hash of what a feed item says (its version for ``/changes.json``)."""
    return hashlib.sha256(json.dumps(entry, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]
