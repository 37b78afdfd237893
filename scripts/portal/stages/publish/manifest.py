"""Manifests of built trees: every file's SHA-256, a digest of the whole tree, and differences.

A publish compares a site's new output with its current release through these; a pull
request's summary compares two output folders (``portal diff``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from portal.model.messages import _

Manifest = dict[str, str]  # path relative to the tree (posix) → "sha256:<hex>" or "link:<target>"

_CHUNK = 1 << 20
#: the build's own bookkeeping inside output/<id>/ (the incremental build's .portal-manifest.json, the search
#: bundles' .portal-search-key and .portal-stage.json): never published
BUILD_ONLY_PREFIX = ".portal-"


def is_published(rel: str) -> bool:
    """Whether a path of a built tree belongs to the site (and not to the build's bookkeeping)."""
    return not any(part.startswith(BUILD_ONLY_PREFIX) for part in rel.split("/"))


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def manifest(tree: Path, previous: Path | None = None, known: Manifest | None = None) -> Manifest:
    """Every file (and symlink) under *tree*, with its content hash; empty folders do not count.

    *previous* (a release) and *known* (its manifest): a file of *tree* that is the very file of
    *previous* at the same path (a hard link: the build links unchanged pages, and a fresh runner's
    tree is linked from the release) takes its hash from *known* instead of being read. Releases
    are never written in place, so the same file has the same content.
    """
    result: Manifest = {}
    known = known or {}
    for dirpath, dirnames, filenames in os.walk(tree):
        base = Path(dirpath)
        for name in [*filenames, *(d for d in dirnames if (base / d).is_symlink())]:
            path = base / name
            rel = path.relative_to(tree).as_posix()
            if not is_published(rel):
                continue
            if path.is_symlink():
                result[rel] = "link:" + os.readlink(path)
                continue
            hashed = known.get(rel)
            if hashed is not None and previous is not None and hashed.startswith("sha256:") and _same_file(path, previous / rel):
                result[rel] = hashed
            else:
                result[rel] = file_hash(path)
    return dict(sorted(result.items()))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samestat(os.stat(a, follow_symlinks=False), os.stat(b, follow_symlinks=False))
    except OSError:
        return False


def digest(m: Manifest) -> str:
    """One hash for a whole tree: equal trees, equal digests."""
    h = hashlib.sha256()
    for rel, value in sorted(m.items()):
        h.update(f"{rel}\0{value}\n".encode())
    return h.hexdigest()


@dataclass
class TreeDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}

    def pages(self) -> TreeDiff:
        """Only the HTML pages of the difference."""
        def keep(items: list[str]) -> list[str]:
            return [p for p in items if p.endswith(".html")]

        return TreeDiff(keep(self.added), keep(self.changed), keep(self.removed))

    def to_json(self, limit: int | None = None) -> dict[str, object]:
        out: dict[str, object] = {}
        for key in ("added", "changed", "removed"):
            items: list[str] = getattr(self, key)
            out[key] = items if limit is None else items[:limit]
        if limit is not None and any(len(getattr(self, k)) > limit for k in ("added", "changed", "removed")):
            out["truncated"] = True
        return out


def compare(old: Manifest, new: Manifest) -> TreeDiff:
    return TreeDiff(
        added=sorted(set(new) - set(old)),
        changed=sorted(p for p in set(new) & set(old) if new[p] != old[p]),
        removed=sorted(set(old) - set(new)),
    )


def write_json_atomic(path: Path, data: object) -> None:
    """Write JSON so that a reader (or a crash) sees the old file or the new one, never a part."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def compare_outputs(old_root: Path, new_root: Path, sites: list[str] | None = None) -> dict[str, TreeDiff]:
    """Per site: the pages added, changed and removed between two output folders."""
    if sites is None:
        names = {p.name for p in (*_dirs(old_root), *_dirs(new_root))}
        sites = sorted(names)
    result: dict[str, TreeDiff] = {}
    for site in sites:
        old = manifest(old_root / site) if (old_root / site).is_dir() else {}
        new = manifest(new_root / site) if (new_root / site).is_dir() else {}
        result[site] = compare(old, new).pages()
    return result


def _dirs(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")] if root.is_dir() else []


def markdown(diffs: dict[str, TreeDiff], listed: int = 20) -> str:
    """A pull request summary: pages added, changed and removed per site."""
    lines = [_("### Pages added, changed and removed"), "", _("| site | added | changed | removed |"), "|---|---:|---:|---:|"]
    for site, d in diffs.items():
        c = d.counts()
        lines.append(f"| `{site}` | {c['added']} | {c['changed']} | {c['removed']} |")
    for site, d in diffs.items():
        if d.empty:
            continue
        lines += ["", f"<details><summary>{site}</summary>", ""]
        for key, sign in (("added", "+"), ("changed", "~"), ("removed", "-")):
            items: list[str] = getattr(d, key)
            lines += [f"- {sign} `/{p.removesuffix('index.html')}`" for p in items[:listed]]
            if len(items) > listed:
                lines.append(_("- … and {count} more {kind}", count=len(items) - listed,
                               kind={"added": _("added"), "changed": _("changed"), "removed": _("removed")}[key]))
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
