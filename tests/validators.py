"""Validators the tests run over built networks: a crawl of every internal link, the Nu HTML Checker, feeds.

- :func:`broken_links`: every ``href``, ``src``, ``srcset`` and ``action`` of every HTML page of an
  output folder that points into the network (root-relative, relative, or an absolute URL on a
  site's own address from sites.yaml, or ``http://<id>.localhost:PORT/`` on the directory page)
  must name a file that was built, and its ``#anchor`` an ``id`` of that page.
- :func:`nu_messages`: the Nu HTML Checker (``vnu-jar`` from npm, run with Java) over every page, once.
- :func:`feed_problems`: every Atom feed parses (feedparser, not bozo), has entries, ``xml:lang``,
  ``tag:`` ids from the site's address, unique per feed and across the network unless two entries
  are copies of one canonical page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

REPO = Path(__file__).resolve().parents[1]
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: the folders of an output that are not pages (search bundles)
NOT_PAGES = ("pagefind", "pagefind-chi-dao")
LINK_ATTRS = {"href", "src", "action", "poster", "data"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        for key in ("id", "name") if tag == "a" else ("id",):
            if key in a:
                self.ids.add(a[key])
        for key, value in a.items():
            if key in LINK_ATTRS and not (tag == "meta"):
                self.links.append((tag, key, value))
            elif key in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append((tag, key, candidate.strip().split()[0]))


def html_pages(output: Path) -> list[Path]:
    """Every HTML page of an output folder (not the search bundles)."""
    pages = []
    for dirpath, dirnames, filenames in os.walk(output):
        dirnames[:] = [d for d in dirnames if d not in NOT_PAGES and not d.startswith(".")]
        pages += [Path(dirpath) / f for f in filenames if f.endswith(".html")]
    return sorted(pages)


def _parse(path: Path, cache: dict[Path, _Page]) -> _Page:
    if path not in cache:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        cache[path] = page
    return cache[path]


def _target(output: Path, site: str, path: str) -> Path | None:
    """The file a URL path of *site* serves, or None."""
    base = output / site
    full = base / unquote(path).lstrip("/")
    if path.endswith("/") or path == "":
        full = full / "index.html"
    if full.is_file():
        return full
    if (full / "index.html").is_file():
        return full / "index.html"
    return None


def broken_links(output: Path, sites: dict[str, str]) -> list[str]:
    """``page: attribute=value — why`` for every internal link or anchor that resolves to nothing.

    *sites* maps each site id to its address from sites.yaml (``https://host``).
    """
    by_host = {urlsplit(url).netloc: sid for sid, url in sites.items()}
    cache: dict[Path, _Page] = {}
    problems: list[str] = []
    for page_path in html_pages(output):
        rel = page_path.relative_to(output)
        site = rel.parts[0] if len(rel.parts) > 1 else None  # None: the directory page output/index.html
        page_url = "/" + "/".join(rel.parts[1:]) if site else "/"
        page = _parse(page_path, cache)
        for tag, attr, value in page.links:
            value = value.strip()
            parts = urlsplit(value)
            if parts.scheme in ("mailto", "tel"):
                continue
            if parts.scheme in ("javascript", "data", "vbscript"):
                problems.append(f"{rel}: <{tag} {attr}={value!r}> — a script or data URL")
                continue
            if parts.scheme in ("http", "https"):
                host = parts.netloc
                if host in by_host:
                    target_site = by_host[host]
                elif parts.hostname and parts.hostname.endswith(".localhost") and parts.hostname[:-10] in sites:
                    target_site = parts.hostname[:-10]
                else:
                    continue  # another origin: not ours to check
                path = parts.path or "/"
            elif value.startswith("//"):
                problems.append(f"{rel}: <{tag} {attr}={value!r}> — protocol-relative URL")
                continue
            else:
                if site is None:
                    problems.append(f"{rel}: <{tag} {attr}={value!r}> — the directory page links only to sites")
                    continue
                target_site = site
                path = urlsplit(urljoin(page_url, value)).path if value and not value.startswith("#") else page_url
            if path == "/api" or path.startswith("/api/"):
                continue  # the interaction service on the site's own origin (issue 15), not a built file
            target = _target(output, target_site, path)
            if target is None:
                problems.append(f"{rel}: <{tag} {attr}={value!r}> — {target_site}{path} was not built")
                continue
            if parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in _parse(target, cache).ids:
                    problems.append(f"{rel}: <{tag} {attr}={value!r}> — no id '{parts.fragment}' in {target.relative_to(output)}")
    return problems


def java() -> str | None:
    return shutil.which("java")


def nu_messages(output: Path) -> list[dict]:
    """The Nu HTML Checker's errors over every HTML page under *output* (one run, JSON messages)."""
    res = subprocess.run([java() or "java", "-Xss8m", "-jar", str(VNU_JAR), "--skip-non-html", "--errors-only",
                          "--format", "json", str(output)], capture_output=True, text=True, timeout=1800)
    data = json.loads(res.stderr or res.stdout or '{"messages": []}')
    return [m for m in data.get("messages", []) if m.get("type") in ("error", "non-document-error")
            and not any(f"/{d}/" in m.get("url", "") for d in NOT_PAGES)]


def canonical_of(page: Path) -> str | None:
    text = page.read_text(encoding="utf-8")
    i = text.find('<link rel="canonical" href="')
    if i < 0:
        return None
    start = i + len('<link rel="canonical" href="')
    return text[start: text.index('"', start)]


def feed_problems(output: Path, sites: dict[str, str]) -> tuple[list[str], int]:
    """Problems of every Atom feed under *output* and the number of feeds read."""
    import feedparser

    by_host = {urlsplit(url).netloc: sid for sid, url in sites.items()}
    problems: list[str] = []
    canonicals: dict[str, set[str]] = defaultdict(set)
    feeds = sorted(p for p in output.rglob("*.atom.xml") if not any(d in p.parts for d in NOT_PAGES))
    for path in feeds:
        rel = path.relative_to(output)
        site = rel.parts[0]
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            problems.append(f"{rel}: not well-formed: {parsed.bozo_exception}")
            continue
        if not parsed.entries:
            problems.append(f"{rel}: an empty feed")
        lang = parsed.feed.get("language")
        if not lang:
            problems.append(f"{rel}: no xml:lang")
        own = urlsplit(sites[site]).hostname
        seen: set[str] = set()
        for e in parsed.entries:
            eid = e.get("id", "")
            if eid in seen:
                problems.append(f"{rel}: id {eid} twice")
            seen.add(eid)
            if not eid.startswith("tag:") or "None" in eid.split(",")[0]:
                problems.append(f"{rel}: id {eid!r} is not a tag: URI from the site's address")
                continue
            host = eid[4:].split(",", 1)[0]
            link = urlsplit(e.get("link", ""))
            if link.netloc != urlsplit(sites[site]).netloc:
                problems.append(f"{rel}: entry link {e.get('link')} is not on the site's address")
                continue
            page = _target(output, site, link.path)
            if page is None:
                problems.append(f"{rel}: entry link {e.get('link')} was not built")
                continue
            canonical = canonical_of(page) or e.get("link")
            if host != own and host != urlsplit(canonical).hostname:
                problems.append(f"{rel}: id {eid} is on {host}, neither the site's nor its canonical's host")
            canonicals[eid].add(canonical)
        if by_host and not parsed.feed.get("title"):
            problems.append(f"{rel}: no title")
    for eid, urls in canonicals.items():
        if len(urls) > 1:
            problems.append(f"id {eid} is used by entries of different canonical pages: {sorted(urls)}")
    return problems, len(feeds)


def json_feed_problems(path: Path) -> list[str]:
    """JSON Feed 1.1's rules (https://www.jsonfeed.org/version/1.1/) for one feed file, and the portal's extension."""
    import datetime as dt

    rel = str(path)
    problems: list[str] = []
    try:
        feed = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"{rel}: not JSON: {exc}"]

    def date_ok(value) -> bool:  # RFC 3339
        try:
            return isinstance(value, str) and "T" in value and dt.datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            return False

    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"{rel}: version is {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append(f"{rel}: no title")
    for key in ("home_page_url", "feed_url", "icon"):
        if key in feed and not str(feed[key]).startswith("https://"):
            problems.append(f"{rel}: {key} is not an https URL")
    if not isinstance(feed.get("items"), list):
        return [*problems, f"{rel}: items is not a list"]
    seen: set[str] = set()
    for item in feed["items"]:
        iid = item.get("id")
        if not isinstance(iid, str) or not iid:
            problems.append(f"{rel}: an item without a string id")
        elif iid in seen:
            problems.append(f"{rel}: id {iid} twice")
        seen.add(str(iid))
        if not (isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str)):
            problems.append(f"{rel}: item {iid} has neither content_html nor content_text")
        for key in ("date_published", "date_modified"):
            if key in item and not date_ok(item[key]):
                problems.append(f"{rel}: item {iid}: {key} {item[key]!r} is not RFC 3339")
        for att in item.get("attachments", []):
            if not str(att.get("url", "")).startswith("https://") or not att.get("mime_type"):
                problems.append(f"{rel}: item {iid}: an attachment needs url and mime_type")
        for key, value in item.items():
            if key.startswith("_") and (not isinstance(value, dict) or "about" not in value):
                problems.append(f"{rel}: item {iid}: extension {key} is not an object with 'about'")
            if not key.startswith("_") and key not in {"id", "url", "external_url", "title", "content_html", "content_text", "summary",
                                                        "image", "banner_image", "date_published", "date_modified", "authors",
                                                        "tags", "language", "attachments"}:
                problems.append(f"{rel}: item {iid}: unknown key {key} (extensions start with _)")
        ext = item.get("_portal", {})
        for key in ("site", "kind", "language", "canonical"):
            if key not in ext:
                problems.append(f"{rel}: item {iid}: _portal has no {key}")
    return problems


def podcast_problems(path: Path, output_site: Path) -> list[str]:
    """A podcast feed by the rules podcast validators apply (Apple Podcasts' RSS requirements, Podcasting 2.0):
    the channel's required tags, a square cover of 1400–3000 px, each episode's enclosure (https URL of a file
    that exists, its exact length in bytes, an audio MIME type), ``itunes:duration``, a unique non-permalink guid,
    an RFC 822 pubDate, and ``podcast:guid`` as UUIDv5 of the feed's address."""
    import email.utils
    import re
    import uuid
    from xml.etree import ElementTree as ET

    it, pc = "{http://www.itunes.com/dtds/podcast-1.0.dtd}", "{https://podcastindex.org/namespace/1.0}"
    rel = str(path)
    problems: list[str] = []
    root = ET.parse(path).getroot()
    ch = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or ch is None:
        return [f"{rel}: not RSS 2.0"]
    for tag in ("title", "link", "description", "language", f"{it}author", f"{it}explicit", f"{it}image", f"{it}category", f"{pc}guid"):
        if ch.find(tag) is None:
            problems.append(f"{rel}: channel has no {tag}")
    cover = ch.find(f"{it}image")
    if cover is not None:
        href = cover.get("href", "")
        local = output_site / href.split("/", 3)[-1]
        if not href.startswith("https://") or not local.is_file():
            problems.append(f"{rel}: itunes:image {href} is not a built https file")
        else:
            from PIL import Image

            with Image.open(local) as im:
                if im.width != im.height or not 1400 <= im.width <= 3000:
                    problems.append(f"{rel}: cover is {im.size}, not a square of 1400–3000 px")
    cat = ch.find(f"{it}category")
    if cat is not None and not cat.get("text"):
        problems.append(f"{rel}: itunes:category has no text attribute")
    self_link = ch.find("{http://www.w3.org/2005/Atom}link")
    guid = ch.find(f"{pc}guid")
    if self_link is not None and guid is not None:
        bare = self_link.get("href", "").split("://", 1)[-1].rstrip("/")
        if guid.text != str(uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a97be2ab21e0"), bare)):
            problems.append(f"{rel}: podcast:guid is not UUIDv5 of the feed's address")
    guids: set[str] = set()
    items = ch.findall("item")
    if not items:
        problems.append(f"{rel}: no episode")
    for item in items:
        title = item.findtext("title") or "?"
        enc = item.find("enclosure")
        if enc is None:
            problems.append(f"{rel}: {title}: no enclosure")
        else:
            url, length, kind = enc.get("url", ""), enc.get("length", ""), enc.get("type", "")
            if not url.startswith("https://"):
                problems.append(f"{rel}: {title}: enclosure URL {url} is not https")
            local = output_site / url.split("/", 3)[-1]
            if not local.is_file():
                problems.append(f"{rel}: {title}: enclosure {url} was not built")
            elif not length.isdigit() or int(length) != local.stat().st_size:
                problems.append(f"{rel}: {title}: enclosure length {length} is not the file's {local.stat().st_size} bytes")
            if not kind.startswith("audio/"):
                problems.append(f"{rel}: {title}: enclosure type {kind}")
        duration = item.findtext(f"{it}duration") or ""
        if not re.match(r"^(\d+|\d{1,2}:\d{2}|\d+:\d{2}:\d{2})$", duration):
            problems.append(f"{rel}: {title}: itunes:duration {duration!r}")
        g = item.find("guid")
        if g is None or not g.text:
            problems.append(f"{rel}: {title}: no guid")
        else:
            if g.text in guids:
                problems.append(f"{rel}: {title}: guid twice")
            guids.add(g.text)
        try:
            email.utils.parsedate_to_datetime(item.findtext("pubDate") or "")
        except (TypeError, ValueError):
            problems.append(f"{rel}: {title}: pubDate is not RFC 822")
    return problems
