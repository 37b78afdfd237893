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
