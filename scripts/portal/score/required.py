"""The required items of each portal (10 points): the interface ``portal audit`` plugs into, and what the repository shows today.

A *source* is a function ``(Context) → {site id: [Finding, …]}``. Each :class:`Finding` is one
thing checked (``check`` is the measure of a criterion in scoring.yaml: ``english``, ``contacts``,
``links``, ``alt_text``, ``attachments``), ``ok`` or not, with its state (``present``, ``stale``,
``missing``, ``broken``), the file to fix and what to do. A criterion's points are shared out
over its findings: ``points × ok / checked``; no finding for a check that applies to the site
means nothing is wrong (full points).

Today's source, :func:`repository_findings`, checks what the repository allows, on the tree of
the month's end:

- ``english``: for the kinds scoring.yaml names (Decree 42 art. 7.2), the English version of each
  required page (``pages/<slug>.en.md``) exists and is not more than ``max_days_behind`` days
  behind the Vietnamese (dates from the main line's history);
- ``contacts``: the site's ``contact`` in ``sites.yaml`` has every field named;
- ``links``: in the month's items and the site's pages, links and images to files and ``.md``
  posts of the site resolve to a file (links to other origins are not fetched);
- ``alt_text``: every image of those files has alt text (Markdown, ``<img>``, front matter ``image``);
- ``attachments``: every ``attachments`` entry of the month's items is a non-empty file of the site.

**Where the audit plugs in** (issue 14, ``portal audit``): it registers its own source with
:func:`register`. For each (site, check) that a later source reports, its findings replace the
earlier ones, so the audit's complete checks (readable PDFs, officials' contacts, the whole
portal rather than the month's items) take over without a change here; a check the audit adds
(e.g. ``documents``) is scored by adding a criterion with that measure to
:data:`portal.score.rubric.MEASURES` and scoring.yaml.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from portal.model.catalogue import PAGES_DIR
from portal.model.messages import _
from portal.model.sites import Network, Site
from portal.score.items import Item, front_matter
from portal.score.ledger import Ledger, Tree
from portal.score.months import Month
from portal.score.rubric import Criterion, Rubric

_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_ALT_ATTR = re.compile(r"\balt\s*=\s*([\"'])\s*\S", re.I)
_EXTERNAL = ("http:", "https:", "mailto:", "tel:", "//", "#", "data:")


@dataclass(frozen=True)
class Finding:
    """One required item checked on one site."""

    check: str               # the measure it feeds: english | contacts | links | alt_text | attachments | …
    ok: bool
    state: str               # present | stale | missing | broken
    path: str                # the file to fix (project-relative), or sites.yaml
    detail: str              # what is wrong and how to fix it (or what was found)
    line: int | None = None

    def to_json(self) -> dict:
        return {"check": self.check, "ok": self.ok, "state": self.state, "path": self.path, "line": self.line,
                "detail": self.detail}


@dataclass
class Context:
    """What a source may read: the network and the repository as they were at the month's end."""

    network: Network
    month: Month
    tz: ZoneInfo
    tree: Tree
    ledger: Ledger
    rubric: Rubric
    end: dt.datetime
    #: site id → the items that reached main or changed on it during the month
    month_items: dict[str, list[Item]] = field(default_factory=dict)

    def criteria(self, measure: str) -> list[Criterion]:
        return [c for c in self.rubric.criteria if c.measure == measure]


Source = Callable[[Context], dict[str, list[Finding]]]


def _site_dir(site: Site) -> str:
    return f"content/sites/{site.id}"


def _english(ctx: Context, site: Site, crit: Criterion) -> list[Finding]:
    if site.kind not in (crit.options.get("kinds") or []):
        return []
    found: list[Finding] = []
    base = f"{_site_dir(site)}/{PAGES_DIR}"
    max_behind = dt.timedelta(days=float(crit.options.get("max_days_behind") or 30))
    for slug in crit.options.get("pages") or []:
        vi, en = f"{base}/{slug}.md", f"{base}/{slug}.en.md"
        if "en" not in site.languages:
            found.append(Finding("english", False, "missing", "sites.yaml", _(
                "{site} does not publish in English — add en to its languages in sites.yaml and write {path}",
                site=site.id, path=en), site.line))
            continue
        if en not in ctx.tree:
            found.append(Finding("english", False, "missing", en, _("the English version of {page} is missing — write {path}",
                                                                    page=vi, path=en)))
            continue
        vi_date, en_date = ctx.ledger.last_change(vi, ctx.end), ctx.ledger.last_change(en, ctx.end)
        if vi_date and en_date and vi_date - en_date > max_behind and ctx.end - vi_date > max_behind:
            found.append(Finding("english", False, "stale", en, _(
                "{path} is {days} days behind the Vietnamese page (changed {date}) — bring the translation up to date",
                path=en, days=(vi_date - en_date).days, date=vi_date.astimezone(ctx.tz).date().isoformat())))
        else:
            found.append(Finding("english", True, "present", en, _("the English version is present and up to date")))
    return found


def _contacts(site: Site, crit: Criterion) -> list[Finding]:
    fields = crit.options.get("fields") or ["address", "phone", "email"]
    missing = [f for f in fields if not site.contact.get(f)]
    if missing:
        return [Finding("contacts", False, "missing", "sites.yaml", _(
            "the contact of {site} lacks {fields} — add them under contact: in sites.yaml", site=site.id,
            fields=", ".join(missing)), site.line)]
    return [Finding("contacts", True, "present", "sites.yaml", _("address, phone and e-mail are given"), site.line)]


def _files_checked(ctx: Context, site: Site, pages: dict[str, list[str]]) -> list[str]:
    """The month's items of the site and its pages (all languages)."""
    paths = [i.path for i in ctx.month_items.get(site.id, []) if not i.shared]
    return sorted(set(paths + pages.get(site.id, [])))


def _pages(ctx: Context) -> dict[str, list[str]]:
    """site id → its pages' files (content/sites/<id>/pages/*.md), from one pass over the tree."""
    found: dict[str, list[str]] = {}
    for p in ctx.tree.files:
        parts = p.split("/", 4)
        if len(parts) == 5 and parts[:2] == ["content", "sites"] and parts[3] == PAGES_DIR and p.endswith(".md"):
            found.setdefault(parts[2], []).append(p)
    return found


def _resolve(target: str, path: str, site: Site) -> str | None:
    """The project path a link in *path* points to, or None when it cannot be checked without a build."""
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target or target.lower().startswith(_EXTERNAL):
        return None
    last = target.rstrip("/").rsplit("/", 1)[-1]
    if target.endswith("/") or "." not in last:
        return None  # a page's address (/tin-tuc/…/): resolved by the build, not here
    if target.startswith("/"):
        return posixpath.normpath(f"{_site_dir(site)}{target}")
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), target))


def _links_and_images(ctx: Context, site: Site, path: str) -> list[Finding]:
    raw = ctx.tree.read(path)
    parsed = front_matter(raw) if raw is not None else None
    if parsed is None:
        return []
    meta, body = parsed
    found: list[Finding] = []
    for m in _LINK.finditer(body):
        image, alt, target = m.group(1) == "!", m.group(2), m.group(3)
        if image:
            ok = bool(alt.strip())
            found.append(Finding("alt_text", ok, "present" if ok else "missing", path,
                                 _("image {target} has alt text", target=target) if ok else
                                 _("image {target} has no alt text — describe it: ![Mô tả ảnh]({target})", target=target)))
        resolved = _resolve(target, path, site)
        if resolved is None:
            continue
        candidates = [resolved]
        if not target.startswith("/"):
            candidates.append(posixpath.normpath(f"{_site_dir(site)}/{target}"))
        ok = any(c in ctx.tree for c in candidates)
        found.append(Finding("links", ok, "present" if ok else "broken", path,
                             _("{target} resolves", target=target) if ok else
                             _("{target} points to no file of the site — fix the link or add the file", target=target)))
    for tag in _IMG_TAG.findall(body):
        ok = bool(_ALT_ATTR.search(tag))
        found.append(Finding("alt_text", ok, "present" if ok else "missing", path,
                             _("an <img> has alt text") if ok else _("an <img> has no alt text — add alt=\"…\" describing it")))
    if meta.get("image"):
        ok = bool(str(meta.get("image_alt") or "").strip())
        found.append(Finding("alt_text", ok, "present" if ok else "missing", path,
                             _("the post's image has image_alt") if ok else
                             _("the post's image has no image_alt — add image_alt: \"Mô tả ảnh\"")))
    return found


def _attachments(ctx: Context, site: Site) -> list[Finding]:
    found: list[Finding] = []
    for item in ctx.month_items.get(site.id, []):
        raw = item.meta.get("attachments")
        entries = [raw] if isinstance(raw, (str, dict)) else raw if isinstance(raw, list) else []
        for entry in entries:
            name = entry if isinstance(entry, str) else str(entry.get("file") or entry.get("path") or "") if isinstance(entry, dict) else ""
            if not name:
                continue
            candidates = [posixpath.normpath(f"{_site_dir(site)}/{name.lstrip('/')}"),
                          posixpath.normpath(posixpath.join(posixpath.dirname(item.path), name))]
            where = next((c for c in candidates if c in ctx.tree), None)
            size = ctx.tree.size(where) if where else None
            ok = bool(size)
            found.append(Finding("attachments", ok, "present" if ok else ("broken" if where else "missing"), item.path,
                                 _("attachment {file} is there ({size} bytes)", file=name, size=size) if ok else
                                 _("attachment {file} is empty — attach the signed file again", file=name) if where else
                                 _("attachment {file} is not in the site's files/ — add it or fix the path", file=name)))
    return found


def repository_findings(ctx: Context) -> dict[str, list[Finding]]:
    """What the repository shows today at the month's end (see the module's docstring)."""
    result: dict[str, list[Finding]] = {}
    english = ctx.criteria("english")
    contacts = ctx.criteria("contacts")
    pages = _pages(ctx)
    for site in ctx.network.sites:
        found: list[Finding] = []
        for crit in english:
            found += _english(ctx, site, crit)
        for crit in contacts:
            found += _contacts(site, crit)
        if ctx.criteria("links") or ctx.criteria("alt_text"):
            for path in _files_checked(ctx, site, pages):
                found += _links_and_images(ctx, site, path)
        if ctx.criteria("attachments"):
            found += _attachments(ctx, site)
        result[site.id] = found
    return result


def audit_findings(ctx: Context) -> dict[str, list[Finding]]:
    """``portal audit``'s findings (:mod:`portal.stages.audit`, issue 14): every required item of legal.yaml per
    site, read from the working tree as the build reads it, on the month's end or now, whichever is sooner.

    Its checks are the required items' keys (``documents``, ``procedures``, ``organisation``, ``contacts`` —
    officials' phones and e-mails —, ``english`` — the organisation and contacts in English —, …): a
    criterion scores one when scoring.yaml names it as its measure. It reads today's content, so it is a
    source for the running month only (``portal score`` without ``--month``): history is scored from the
    repository.
    """
    from portal.stages import audit

    report = audit.audit(ctx.network, min(ctx.end, dt.datetime.now(ctx.tz)))
    return {site: [Finding(f["check"], f["ok"], f["state"], f["path"], f["detail"], f["line"]) for f in found]
            for site, found in audit.findings_for_scoring(report).items()}


#: the sources, in order; a later one's findings for a (site, check) replace an earlier one's
SOURCES: list[Source] = [repository_findings]


def register(source: Source) -> None:
    """Add a source of findings (``portal audit``'s, issue 14); it takes over the checks it reports."""
    if source not in SOURCES:
        SOURCES.append(source)


def findings(ctx: Context) -> dict[str, list[Finding]]:
    """Every site's findings, from every source (later sources take over the checks they report)."""
    merged: dict[str, dict[str, list[Finding]]] = {}
    for source in SOURCES:
        for site, found in source(ctx).items():
            by_check: dict[str, list[Finding]] = {}
            for f in found:
                by_check.setdefault(f.check, []).append(f)
            merged.setdefault(site, {}).update(by_check)
    return {site: [f for check in sorted(checks) for f in checks[check]] for site, checks in merged.items()}
