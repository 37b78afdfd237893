"""What changed → what to build: the sites a Git change affects (DESIGN.md, "plan").

Rules: a site's own content → that site; a legal document (or a numbered directive) → also
the sites of the documents it names and of those that name it, both versions (their pages show
its relations, and their status may depend on it); a shared directive → the sites of its audience,
both the old and the new audience when it changed (a deleted directive → its old one);
the theme, plugins, translations, ``pelicanconf.py`` and the pipeline's code → every
site; one site's entry in ``sites.yaml`` → that site, but every site when what every
portal shows about it changed (its name, url or kind, or the site was added or removed:
each portal's directory page lists them all); ``network``/``defaults`` → every site.

The change is ``git diff REV`` against the working tree (in CI: the checked-out merge),
plus untracked files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git

from portal.model import yamlio
from portal.model.catalogue import resolve_audience
from portal.model.content import Post, split_front_matter, split_language
from portal.model.messages import _
from portal.model.sites import Network, load_network
from portal.model.text import nfc
from portal.stages import repository

#: any change under these (project-relative) rebuilds every site
EVERY_SITE = ("themes/", "plugins/", "translations/", "pelicanconf.py", "scripts/portal/", "pyproject.toml")
#: the monthly scoring's rubric, adjustments and approved reports: the provincial portal's scoreboard (issue 17)
SCORING = "scoring/"
#: fields of a site's entry that every portal shows (the directory of portals)
NETWORK_VISIBLE = ("kind", "name", "url")


@dataclass(frozen=True)
class Change:
    status: str  # A (added, or untracked), M (modified), D (deleted), T (type changed)
    path: str    # relative to the project root

    def to_json(self) -> dict[str, str]:
        return {"status": self.status, "path": self.path}


@dataclass
class Plan:
    since: str
    base: str                     # the commit REV names
    head: str | None              # HEAD (the working tree may differ, see dirty)
    changes: list[Change]
    sites: list[str]              # in sites.yaml order
    reasons: dict[str, list[str]] = field(default_factory=dict)
    every_site: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since, "base": self.base, "head": self.head, "every_site": self.every_site,
            "sites": self.sites, "reasons": self.reasons, "changes": [c.to_json() for c in self.changes],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    def content_changes(self, site: str | None = None) -> dict[str, list[str]]:
        """Posts added, changed and removed (of one site, or all), for summaries."""
        out: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
        key = {"A": "added", "M": "changed", "T": "changed", "D": "removed"}
        for c in self.changes:
            if not c.path.endswith(".md") or not c.path.startswith("content/"):
                continue
            if site is not None and not c.path.startswith(f"content/sites/{site}/"):
                continue
            out[key.get(c.status, "changed")].append(c.path)
        return out

    def markdown(self) -> str:
        """A summary for a pull request: the affected sites and why, and the posts changed."""
        lines = [_("### Sites affected since `{since}` ({count})", since=self.since, count=len(self.sites)), ""]
        if not self.sites:
            lines.append(_("No site changes."))
        else:
            lines += [_("| site | why |"), "|---|---|"]
            for s in self.sites:
                why = "; ".join(self.reasons.get(s, []))
                lines.append(f"| `{s}` | {why} |")
        posts = self.content_changes()
        names = {"added": _("added"), "changed": _("changed"), "removed": _("removed")}
        counts = ", ".join(f"{len(v)} {names[k]}" for k, v in posts.items())
        lines += ["", _("Content files: {counts}.", counts=counts)]
        for k, v in posts.items():
            lines += [f"- {names[k]}: `{p}`" for p in v[:50]]
        return "\n".join(lines) + "\n"


class _Reasons:
    def __init__(self, network: Network):
        self.network = network
        self.by_site: dict[str, list[str]] = {}
        self.every: list[str] = []

    def add(self, sites: set[str] | list[str], why: str) -> None:
        for s in sites:
            if s in self.network:
                reasons = self.by_site.setdefault(s, [])
                if why not in reasons:
                    reasons.append(why)

    def all(self, why: str) -> None:
        if why not in self.every:
            self.every.append(why)


def diff_changes(pr: repository.ProjectRepo, base: git.Commit) -> list[Change]:
    """Files that differ between *base* and the working tree (renames as delete + add), plus untracked."""
    scope = pr.prefix or "."
    out = pr.git.diff("--name-status", "--no-renames", "-z", base.hexsha, "--", scope)
    parts = [p for p in out.split("\0") if p != ""]
    changes: dict[str, Change] = {}
    for status, path in zip(parts[::2], parts[1::2], strict=False):
        rel = pr.from_repo(path)
        if rel is not None:
            changes[rel] = Change(status[0], rel)
    for path in pr.repo.untracked_files:
        rel = pr.from_repo(path)
        if rel is not None:
            changes[rel] = Change("A", rel)
    return [changes[k] for k in sorted(changes)]


def _front_matter(raw: bytes | None) -> dict[str, Any] | None:
    """The front matter of a file's bytes; None when it cannot be read (be conservative then)."""
    found = split_front_matter(raw) if raw is not None else None
    return found[0] if found else None


def _audience(network: Network, rel: str, read) -> set[str] | None:
    """The sites one version of a shared file reaches; None: unknown (every site); empty: no such file."""
    raw = read(rel)
    if raw is None:
        return set()
    meta = _front_matter(raw)
    if meta is None:
        return None
    if "audience" not in meta:
        base, lang = split_language(Path(rel))
        if lang:  # a translation without audience takes its original's
            original = _front_matter(read(f"{base}.md"))
            if original is not None and "audience" in original:
                meta["audience"] = original["audience"]
    post = Post(path=Path(rel), rel=rel, kind="article", site=None, lang="", base="", meta=meta,
                lines={}, body="", body_line=1, digest="")
    ids, _problems = resolve_audience(post, network)
    return ids


def _sites_yaml(r: _Reasons, old_raw: bytes | None, new_raw: bytes | None) -> None:
    def parse(raw: bytes | None) -> Any:
        if raw is None:
            return None
        try:
            return yamlio.load(nfc(raw.decode("utf-8-sig")))
        except (yamlio.YamlError, UnicodeDecodeError):
            return None

    old, new = parse(old_raw), parse(new_raw)
    if not isinstance(old, dict) or not isinstance(new, dict):
        r.all(_("sites.yaml: could not compare with the old version"))
        return
    for key in ("network", "defaults", "documents"):
        if old.get(key) != new.get(key):
            r.all(_("sites.yaml: {key} changed", key=key))
    if old.get("audit") != new.get("audit"):
        r.add([r.network.home], _("sites.yaml: {key} changed", key="audit"))

    def entries(data: dict) -> dict[str, dict]:
        items = data.get("sites") if isinstance(data.get("sites"), list) else []
        return {str(s.get("id")): dict(s) for s in items if isinstance(s, dict)}

    olds, news = entries(old), entries(new)
    for sid in sorted(set(olds) | set(news)):
        a, b = olds.get(sid), news.get(sid)
        if a == b:
            continue
        if a is None:
            r.add([sid], _("sites.yaml: site added"))
            r.all(_("sites.yaml: site '{site}' added (every portal's directory lists it)", site=sid))
        elif b is None:
            r.all(_("sites.yaml: site '{site}' removed (every portal's directory lists it)", site=sid))
        else:
            changed = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            r.add([sid], _("sites.yaml: {key} changed", key=", ".join(changed)))
            visible = [k for k in changed if k in NETWORK_VISIBLE]
            if visible:
                r.all(_("sites.yaml: {keys} of '{site}' changed (every portal's directory shows it)", keys=", ".join(visible), site=sid))


def _related_sites(network: Network, rel: str, versions: list[dict[str, Any] | None], registry: Any) -> set[str]:
    """The sites of the documents one version of a document names, and of those that name it."""
    from portal.model import documents

    sites: set[str] = set()
    for meta in versions:
        if not meta or not documents.is_document(meta, str(meta.get("category") or "")):
            continue
        doc, _problems = documents.read(meta, lambda _key: 0, network.legal, rel, str(meta.get("category") or ""))
        for ref in doc.references:
            target, _why = registry.find(ref, network.legal, issuer=doc.issuer)
            if target is not None:
                sites.add(target.site or network.home)
        for record in registry.by_key.get(doc.key, []):
            sites.update(source.site or network.home for _kind, source in registry.incoming.get(record.rel, []))
    return sites


def affected(network: Network, changes: list[Change], read_old, read_new) -> _Reasons:
    """Apply the rules to *changes*; read_old/read_new(rel) → bytes | None give both versions."""
    r = _Reasons(network)
    registry = None
    for c in changes:
        p = c.path
        if p.endswith(".md") and (p.startswith("content/shared/") or "/van-ban/" in p):
            versions = [_front_matter(read_old(p)), _front_matter(read_new(p))]
            if any(v and v.get("number") for v in versions):
                if registry is None:
                    from portal.model import catalogue

                    catalogue.ensure_loaded(network, catalogue.now_in(network))
                    registry = catalogue.DOCUMENTS
                r.add(_related_sites(network, p, versions, registry), _("a related document changed: {path}", path=p))
        if p.startswith("content/sites/"):
            parts = p.split("/")
            if len(parts) >= 4:
                verb = {"A": _("added {path}", path=p), "D": _("deleted {path}", path=p)}.get(c.status) or _("changed {path}", path=p)
                r.add([parts[2]], verb)
        elif p.startswith("data/interaction/"):  # the service's exports and published comments (issue 15)
            parts = p.split("/")
            if len(parts) >= 4:
                r.add([parts[2]], _("interaction data {path} changed", path=p))
                if re.fullmatch(r"\d{4}-\d{2}\.json", parts[-1]) and len(parts) == 4:  # a monthly export: the scoreboard reads it
                    r.add([network.home], _("monthly scoring: {path} changed (the provincial portal's scoreboard)", path=p))
        elif p.startswith("content/shared/"):
            if not p.endswith(".md"):
                r.all(_("shared file {path} changed", path=p))
                continue
            old, new = _audience(network, p, read_old), _audience(network, p, read_new)
            if old is None or new is None:
                r.all(_("shared directive {path} changed (audience unreadable)", path=p))
                continue
            why = {"A": _("shared directive added: {path}", path=p), "D": _("shared directive deleted: {path}", path=p)}.get(c.status) \
                or _("shared directive changed: {path}", path=p)
            r.add(old | new, why + (_(" (audience changed)") if old != new and old and new else ""))
        elif p == "sites.yaml":
            _sites_yaml(r, read_old(p), read_new(p))
        elif p == "scoring.yaml" or p.startswith(SCORING):
            r.add([network.home], _("monthly scoring: {path} changed (the provincial portal's scoreboard)", path=p))
        elif p.startswith(EVERY_SITE):
            r.all(_("{path} changed", path=p))
    return r


def make_plan(root: Path | str, since: str) -> Plan:
    """The plan of the change from *since* to the working tree of the project at *root*."""
    network = load_network(root)
    pr = repository.require_repo(network.root, "portal plan --since")
    base = repository.resolve(pr, since)
    changes = diff_changes(pr, base)

    def read_old(rel: str) -> bytes | None:
        return repository.show(pr, base, rel)

    def read_new(rel: str) -> bytes | None:
        path = network.root / rel
        return path.read_bytes() if path.is_file() else None

    r = affected(network, changes, read_old, read_new)
    if r.every:
        for s in network.ids:
            r.by_site.setdefault(s, []).extend(w for w in r.every if w not in r.by_site.get(s, []))
    sites = [s for s in network.ids if s in r.by_site]
    head = pr.repo.head.commit.hexsha if repository.has_commits(pr) else None
    return Plan(since=since, base=base.hexsha, head=head, changes=changes, sites=sites,
                reasons={s: r.by_site[s] for s in sites}, every_site=bool(r.every))
