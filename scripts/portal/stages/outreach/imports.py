"""``portal import-feed``: items of an Atom, RSS 2.0 or JSON Feed become shared directives, on a branch (issue 16.6).

E.g. the Government Portal's direction and administration feed, for the provincial board to review
and merge. Each item becomes ``content/shared/<slug>.md`` with ``canonical`` (the item's address at
its source: every copy names the source as canonical), ``source_id`` (the item's id in the feed),
``audience`` (``--audience``), the item's title, date and summary, and its text converted from HTML
to Markdown (**markdownify**; images, scripts, styles, frames and forms are left out: pages load
nothing from another origin, and the sanitiser would refuse them anyway).

- **Untrusted input, bounded work**: at most :data:`MAX_BYTES` of feed, :data:`MAX_ITEMS` items,
  a network timeout of :data:`TIMEOUT` s; text is cleaned like every content file (NFC, invisible and
  control characters removed).
- **Idempotent**: an item whose ``source_id`` (or address) is already in ``content/shared/`` — or on the
  import branch, not yet merged — is skipped.
- **Validated as ``portal check`` would**: each new file is read, validated, rendered and its links
  resolved by :func:`portal.stages.check.check` before anything is committed; an item that fails is
  reported (with the reason) and not imported.
- **On a branch**: the files are committed on ``--branch`` (default ``nhap-tin/<date>``) through a
  temporary index (:func:`portal.stages.repository.commit_files`); the working tree is not touched
  (``--no-branch`` writes them into the working tree instead).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from portal.model import catalogue, yamlio
from portal.model.errors import PortalError, Problem
from portal.model.messages import _
from portal.model.sections import KINDS
from portal.model.sites import Network
from portal.model.text import clean, slugify
from portal.stages import repository

MAX_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 200
TIMEOUT = 20
TITLE_MAX = 400
IDENTITY = {"name": "portal import-feed", "email": "portal-import@localhost"}
_DROP = ["img", "picture", "source", "video", "audio", "iframe", "script", "style", "form", "input", "button", "object",
         "embed", "svg", "noscript", "head", "meta", "link"]


@dataclass
class FeedItem:
    """One item of a feed: ``source_id``, ``url``, ``title``, ``date``, ``summary``, ``html`` (its text), ``author``."""

    source_id: str
    url: str
    title: str
    date: dt.datetime | None
    summary: str = ""
    html: str = ""
    author: str = ""


@dataclass
class ImportReport:
    """What an import did: files written (path → title), items skipped (already imported), refused (with why)."""

    written: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    branch: str | None = None
    commit: str | None = None
    feed_title: str = ""


def read_source(source: str, root: Path) -> bytes:
    """The feed's bytes from an ``http(s)`` address or a file (at most :data:`MAX_BYTES`)."""
    if source.startswith(("https://", "http://")):
        req = urllib.request.Request(source, headers={"User-Agent": "portal-import-feed/1"})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                data = resp.read(MAX_BYTES + 1)
        except OSError as exc:
            raise PortalError([Problem(source, None, _("the feed cannot be read ({reason}) — check the address and the network", reason=str(exc)[:200]))]) from None
    else:
        path = Path(source) if Path(source).is_absolute() else (Path.cwd() / source)
        try:
            with path.open("rb") as f:
                data = f.read(MAX_BYTES + 1)
        except OSError as exc:
            raise PortalError([Problem(source, None, _("the feed cannot be read ({reason}) — check the file name", reason=exc.strerror or str(exc)))]) from None
    if len(data) > MAX_BYTES:
        raise PortalError([Problem(source, None, _("the feed is larger than {mb} MB — import a shorter feed", mb=MAX_BYTES // 1024 // 1024))])
    return data


def _text(value: Any, limit: int = 100_000) -> str:
    if not isinstance(value, str):
        return ""
    text, _bad = clean(value[:limit])
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).strip()


def _date(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    if isinstance(value, str) and value.strip():
        try:
            d = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            return d if d.tzinfo else d.replace(tzinfo=tz)
        except ValueError:
            return None
    if value is not None and hasattr(value, "tm_year"):  # feedparser's struct_time (UTC)
        return dt.datetime(*value[:6], tzinfo=dt.UTC)
    return None


def parse(data: bytes, tz: ZoneInfo) -> tuple[str, list[FeedItem]]:
    """(feed title, items) of a JSON Feed, RSS 2.0 or Atom document; PortalError when it is none of them."""
    head = data.lstrip()[:1]
    if head == b"{":
        try:
            doc = json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise PortalError([Problem("feed", None, _("the JSON Feed does not parse ({reason})", reason=str(exc)[:120]))]) from None
        if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
            raise PortalError([Problem("feed", None, _("not a JSON Feed (no version https://jsonfeed.org/version/…)"))])
        items = []
        for raw in (doc.get("items") or [])[:MAX_ITEMS]:
            if not isinstance(raw, dict):
                continue
            authors = raw.get("authors") or []
            items.append(FeedItem(
                source_id=_text(str(raw.get("id") or ""), 1000), url=_text(raw.get("url") or raw.get("external_url") or "", 2000),
                title=_text(raw.get("title"), 2000), date=_date(raw.get("date_published") or raw.get("date_modified"), tz),
                summary=_text(raw.get("summary"), 5000), html=_text(raw.get("content_html") or "") or _html_of_text(_text(raw.get("content_text"))),
                author=_text(authors[0].get("name") if authors and isinstance(authors[0], dict) else "", 200)))
        return _text(doc.get("title"), 500), items
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise PortalError([Problem("feed", None, _("the feed is neither RSS, Atom nor JSON Feed ({reason})", reason=str(parsed.bozo_exception)[:120]))])
    items = []
    for e in parsed.entries[:MAX_ITEMS]:
        content = ""
        if e.get("content"):
            content = e["content"][0].get("value", "")
        items.append(FeedItem(
            source_id=_text(e.get("id") or e.get("guid") or e.get("link") or "", 1000), url=_text(e.get("link") or "", 2000),
            title=_text(e.get("title"), 2000), date=_date(e.get("published_parsed") or e.get("updated_parsed"), tz),
            summary=_text(re.sub(r"<[^>]+>", " ", e.get("summary") or ""), 5000), html=_text(content or e.get("summary") or ""),
            author=_text(e.get("author") or "", 200)))
    return _text(parsed.feed.get("title"), 500), items


def _html_of_text(text: str) -> str:
    import html

    return "".join(f"<p>{html.escape(p)}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())


def to_markdown(html: str) -> str:
    """An item's HTML as Markdown for a post body: headings from ``##``, no images, scripts, frames or forms."""
    from markdownify import markdownify

    md = markdownify(html, heading_style="ATX", strip=_DROP, bullets="-", escape_underscores=False)
    md = re.sub(r"^(#{1,5}) ", lambda m: "#" * min(6, len(m.group(1)) + 1) + " ", md, flags=re.M)  # the title is the page's h1
    lines, level = [], 1
    for line in md.split("\n"):  # no skipped heading level (a rule of portal check)
        m = re.match(r"^(#{2,6}) ", line)
        if m:
            n = min(len(m.group(1)), level + 1)
            line, level = "#" * n + line[len(m.group(1)):], n
        lines.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _known_ids(network: Network, branch: str | None) -> set[str]:
    """``source_id`` and ``canonical`` of the shared directives in the working tree and on *branch*."""
    found: set[str] = set()

    def take(text: str) -> None:
        m = re.match(r"^---\n(.*?)\n---", text, re.S)
        if not m:
            return
        try:
            meta = yamlio.load(m.group(1)) or {}
        except yamlio.YamlError:
            return
        if isinstance(meta, dict):
            found.update(str(meta[k]) for k in ("source_id", "canonical") if isinstance(meta.get(k), str))

    for path in catalogue.shared_dir(network.root).glob("*.md"):
        try:
            take(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    pr = repository.open_repo(network.root)
    if branch and pr is not None:
        try:
            commit = pr.repo.commit(branch)
        except Exception:  # the branch does not exist yet
            return found
        try:
            tree = commit.tree / pr.to_repo("content/shared")
        except KeyError:
            return found
        for blob in tree.blobs:
            if blob.name.endswith(".md"):
                take(blob.data_stream.read().decode("utf-8", "replace"))
    return found


def item_file(item: FeedItem, audience: list[str], feed_title: str, tz: ZoneInfo, now: dt.datetime) -> tuple[str, str]:
    """(slug, Markdown text) of the shared directive an item becomes."""
    title = item.title[:TITLE_MAX].strip()
    when = (item.date or now).astimezone(tz)
    meta: dict[str, Any] = {"title": title, "date": when.strftime("%Y-%m-%d %H:%M")}
    if item.summary:
        meta["summary"] = " ".join(item.summary.split())[:500]
    meta["author"] = item.author or feed_title or "Nguồn ngoài"
    if audience:
        meta["audience"] = list(audience)
    meta["canonical"] = item.url
    meta["source_id"] = item.source_id or item.url
    body = to_markdown(item.html) if item.html else ""
    source = feed_title or item.url.split("/")[2]
    body = (body + "\n\n" if body else "") + f"Nguồn: [{source.replace('[', '(').replace(']', ')')}]({item.url})\n"
    return slugify(title) or "chi-dao", f"---\n{yamlio.front_matter(meta)}\n---\n{body}"


def import_feed(network: Network, source: str, *, audience: list[str], branch: str | None, now: dt.datetime,
                limit: int = MAX_ITEMS, write_tree: bool = False) -> ImportReport:
    """Import the items of the feed at *source* as shared directives (see the module)."""
    tz = ZoneInfo(network.timezone)
    bad = [a for a in audience if a not in KINDS and a not in network]
    if bad:
        raise PortalError([Problem("portal import-feed", None, _("--audience names '{item}', which is neither a site id nor a kind — use kinds ({kinds}) or site ids",
                                                                   item=bad[0], kinds=", ".join(KINDS)))])
    feed_title, items = parse(read_source(source, network.root), tz)
    report = ImportReport(branch=None if write_tree else branch, feed_title=feed_title)
    known = _known_ids(network, None if write_tree else branch)
    shared = catalogue.shared_dir(network.root)
    taken = {p.stem for p in shared.glob("*.md")}
    candidates: dict[str, tuple[FeedItem, str]] = {}
    for n, item in enumerate(items[:limit], start=1):
        where = f"{source} item {n}"
        if not item.url.startswith(("https://", "http://")) or not item.title:
            report.refused.append(Problem(where, None, _("the item has no title or no http(s) address — it is not imported")))
            continue
        if item.source_id in known or item.url in known:
            report.skipped.append(item.title)
            continue
        slug, text = item_file(item, audience, feed_title, tz, now)
        base, i = slug, 2
        while slug in taken:
            slug, i = f"{base}-{i}", i + 1
        taken.add(slug)
        known.update({item.source_id, item.url})
        candidates[f"content/shared/{slug}.md"] = (item, text)
    if not candidates:
        return report
    good = _validated(network, candidates, report)
    if not good:
        return report
    if write_tree:
        for rel, text in good.items():
            (network.root / rel).write_text(text, encoding="utf-8")
    else:
        pr = repository.open_repo(network.root)
        base = ""
        if pr is not None and branch:
            try:
                pr.repo.commit(branch)
                base = branch  # the import branch exists: add to it
            except Exception:
                base = ""
        message = f"Nhập {len(good)} chỉ đạo từ {feed_title or source}\n\nportal import-feed {source}"
        report.commit = repository.commit_files(network.root, {k: v.encode("utf-8") for k, v in good.items()}, branch or "nhap-tin",
                                                message, base=base, author=IDENTITY)
    report.written = {rel: candidates[rel][0].title for rel in good}
    return report


def _validated(network: Network, candidates: dict[str, tuple[FeedItem, str]], report: ImportReport) -> dict[str, str]:
    """The candidates that pass ``portal check`` (checked in a copy of the project's content and sites.yaml)."""
    from portal.model.sites import load_network
    from portal.stages.check import check

    with tempfile.TemporaryDirectory(prefix="portal-import-") as tmp:
        copy = Path(tmp) / "proj"
        copy.mkdir()
        shutil.copy(network.path, copy / "sites.yaml")
        shutil.copytree(network.root / "content", copy / "content", symlinks=True)
        for name in ("media.yaml",):
            if (network.root / name).is_file():
                shutil.copy(network.root / name, copy / name)
        for rel, (_item, text) in candidates.items():
            (copy / rel).write_text(text, encoding="utf-8")
        problems = check(load_network(copy), [copy / rel for rel in candidates])
    failed: dict[str, list[Problem]] = {}
    for p in problems:
        failed.setdefault(p.path, []).append(p)
    for rel, found in failed.items():
        if rel in candidates:
            item = candidates[rel][0]
            report.refused.append(Problem(rel, found[0].line, _("'{title}' is not imported: {problem}", title=item.title[:80], problem=found[0].message)))
    return {rel: text for rel, (_item, text) in candidates.items() if rel not in failed}
