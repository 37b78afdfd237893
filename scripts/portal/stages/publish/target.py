"""Publishing built sites to a target folder: releases, an atomic ``current`` switch, rollback, a log.

Layout of a target ``DIR``::

    DIR/publish-log.jsonl               one JSON line per site published or rolled back
    DIR/<id>/current -> releases/<R>    what the web server serves (a symlink)
    DIR/<id>/releases/<R>/              a complete copy of output/<id>/ (unchanged files hard-linked)
    DIR/<id>/manifests/<R>.json         every file's hash in release R, and where it came from

A release is written under a temporary name, renamed into ``releases/`` once complete,
and only then does ``current`` switch (a new symlink renamed over the old one): a
reader, or a publish killed at any moment, sees the old release or the new one, never a
mix. Only sites whose output differs from their current release get a new release.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.model.errors import PortalError, Problem
from portal.stages import repository
from portal.stages.publish import verify
from portal.stages.publish.manifest import Manifest, TreeDiff, compare, digest, manifest, write_json_atomic

LOG_NAME = "publish-log.jsonl"
LOCK_NAME = ".publish.lock"
CURRENT = "current"
RELEASES = "releases"
MANIFESTS = "manifests"
TMP_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"
LINK_PREFIX = ".current-"
DEFAULT_KEEP = 10
#: at most this many paths per list in a log line (the manifests keep everything)
LOG_LIST_LIMIT = 2000


@dataclass
class SiteRelease:
    site: str
    release: str | None         # None: unchanged, nothing published
    previous: str | None
    diff: TreeDiff = field(default_factory=TreeDiff)
    pruned: list[str] = field(default_factory=list)


@dataclass
class PublishReport:
    target: str
    source: dict[str, Any]
    sites: list[SiteRelease]

    @property
    def released(self) -> list[SiteRelease]:
        return [s for s in self.sites if s.release is not None]

    @property
    def unchanged(self) -> list[str]:
        return [s.site for s in self.sites if s.release is None]


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def release_id(when: dt.datetime, commit: str | None) -> str:
    """Sortable by time: ``20261122T020000123456Z-abc1234``."""
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{commit[:7]}" if commit else stamp


def source_info(root: Path, allow_dirty: bool = False) -> dict[str, Any]:
    """The commit being published and the merge (HEAD) that brought it: refuse a dirty tree."""
    pr = repository.open_repo(root)
    if pr is None or not repository.has_commits(pr):
        if allow_dirty:
            return {"commit": None, "merge": None, "dirty": True}
        raise PortalError([Problem(str(root), None, "is not a Git checkout with commits: a release must name the commit it was built from — publish from a clone (or pass --allow-dirty)")])
    dirty = repository.dirty_paths(pr)
    if dirty and not allow_dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise PortalError([Problem(dirty[0], None, f"uncommitted changes ({shown}): the output would not match any commit — commit or stash them, rebuild, then publish (or pass --allow-dirty)")])
    head = pr.repo.head.commit
    person = lambda actor: {"name": actor.name, "email": actor.email}  # noqa: E731
    return {
        "commit": head.hexsha,
        "merge": {"sha": head.hexsha, "author": person(head.author), "committer": person(head.committer),
                  "date": head.committed_datetime.isoformat(), "subject": head.summary},
        "dirty": bool(dirty),
    }


class Target:
    """A publication folder: releases of every site, their ``current`` links, the log."""

    def __init__(self, path: Path | str):
        self.path = Path(path).absolute()

    def site(self, site_id: str) -> Path:
        return self.path / site_id

    def releases_dir(self, site_id: str) -> Path:
        return self.site(site_id) / RELEASES

    def manifest_path(self, site_id: str, release: str) -> Path:
        return self.site(site_id) / MANIFESTS / f"{release}.json"

    def releases(self, site_id: str) -> list[str]:
        """Complete releases, oldest first (temporary and half-deleted ones are not releases)."""
        folder = self.releases_dir(site_id)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))

    def current(self, site_id: str) -> str | None:
        link = self.site(site_id) / CURRENT
        if not link.is_symlink():
            return None
        return Path(os.readlink(link)).name

    def sites(self) -> list[str]:
        if not self.path.is_dir():
            return []
        return sorted(p.name for p in self.path.iterdir() if p.is_dir() and (p / CURRENT).is_symlink())

    def read_manifest(self, site_id: str, release: str) -> Manifest:
        path = self.manifest_path(site_id, release)
        try:
            return json.loads(path.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError):
            return manifest(self.releases_dir(site_id) / release)

    def read_meta(self, site_id: str, release: str) -> dict[str, Any]:
        try:
            return json.loads(self.manifest_path(site_id, release).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    # --- writing -------------------------------------------------------------------------

    def check_writable(self) -> None:
        """Fail before anything changes when the target cannot be written."""
        path = self.path
        if path.exists() and not path.is_dir():
            raise PortalError([Problem(str(path), None, "is not a folder — give a folder as the publish target")])
        probe_dir = path
        while not probe_dir.exists():
            probe_dir = probe_dir.parent
        if not os.access(probe_dir, os.W_OK | os.X_OK):
            raise PortalError([Problem(str(probe_dir), None, "is not writable — run as the user that owns the publish target, or fix its permissions")])
        try:
            path.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".probe-", dir=path)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise PortalError([Problem(str(path), None, f"cannot be written ({exc.strerror}) — fix its permissions or choose another target")]) from None
        for entry in path.iterdir():
            if entry.is_dir() and not os.access(entry, os.W_OK | os.X_OK):
                raise PortalError([Problem(str(entry), None, "is not writable — fix its permissions before publishing")])

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One publish or rollback at a time on a target."""
        self.path.mkdir(parents=True, exist_ok=True)
        with (self.path / LOCK_NAME).open("a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                raise PortalError([Problem(str(self.path), None, "another publish or rollback is running on this target — wait for it to finish")]) from None
            yield

    def clean_leftovers(self, site_id: str) -> None:
        """What an interrupted publish left: temporary releases, half-deleted ones, temporary links."""
        site = self.site(site_id)
        folder = self.releases_dir(site_id)
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.name.startswith((TMP_PREFIX, TRASH_PREFIX)):
                    shutil.rmtree(entry, ignore_errors=True)
        if site.is_dir():
            for entry in site.glob(f"{LINK_PREFIX}*"):
                entry.unlink(missing_ok=True)
        mdir = site / MANIFESTS
        if mdir.is_dir():
            releases = set(self.releases(site_id))
            for entry in mdir.iterdir():
                if entry.name.endswith(".tmp") or entry.name.removesuffix(".json") not in releases:
                    entry.unlink(missing_ok=True)  # a temporary file, or a release that never completed

    def switch(self, site_id: str, release: str) -> None:
        """Point ``current`` at *release* atomically: a new link renamed over the old one."""
        site = self.site(site_id)
        tmp = site / f"{LINK_PREFIX}{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(f"{RELEASES}/{release}", tmp)
        os.replace(tmp, site / CURRENT)
        _fsync_dir(site)

    def log(self, entry: dict[str, Any]) -> None:
        """Append one line: one write of a whole line on an O_APPEND file."""
        data = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        fd = os.open(self.path / LOG_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def read_log(self) -> list[dict[str, Any]]:
        path = self.path / LOG_NAME
        if not path.is_file():
            return []
        entries = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue  # a line cut by a crash (should not happen: lines are written whole)
        return entries

    def prune(self, site_id: str, keep: int) -> list[str]:
        """Remove all but the *keep* newest releases; never the current one."""
        current = self.current(site_id)
        releases = self.releases(site_id)
        doomed = [r for r in releases[: max(0, len(releases) - keep)] if r != current]
        for r in doomed:
            src = self.releases_dir(site_id) / r
            trash = self.releases_dir(site_id) / f"{TRASH_PREFIX}{r}"
            os.rename(src, trash)  # a half-deleted release is never mistaken for a release
            self.manifest_path(site_id, r).unlink(missing_ok=True)
            shutil.rmtree(trash, ignore_errors=True)
        return doomed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_tree(src: Path, dest: Path, files: Manifest, previous: Path | None, old: Manifest) -> None:
    """Copy *files* of *src* into *dest*; files equal to the previous release are hard-linked from it."""
    for rel, value in files.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        source = src / rel
        if value.startswith("link:"):
            os.symlink(value[len("link:"):], target)
            continue
        if previous is not None and old.get(rel) == value:
            try:
                os.link(previous / rel, target)
                continue
            except OSError:
                pass
        shutil.copyfile(source, target)
        shutil.copymode(source, target)


def _entry(action: str, site: str, release: str, previous: str | None, source: dict[str, Any], diff: TreeDiff,
           when: dt.datetime) -> dict[str, Any]:
    return {
        "time": when.isoformat(), "action": action, "site": site, "release": release, "previous": previous,
        "source_commit": source.get("commit"), "merge_commit": source.get("merge"),
        "files": diff.to_json(LOG_LIST_LIMIT), "counts": diff.counts(),
    }


def publish_site(target: Target, site_id: str, tree: Path, source: dict[str, Any], keep: int,
                 when: dt.datetime) -> SiteRelease:
    """Publish one built site; nothing happens when it equals the current release."""
    target.clean_leftovers(site_id)
    new = manifest(tree)
    current = target.current(site_id)
    old: Manifest = target.read_manifest(site_id, current) if current else {}
    if current and digest(old) == digest(new):
        return SiteRelease(site=site_id, release=None, previous=current, pruned=target.prune(site_id, keep))
    rid = release_id(when, source.get("commit"))
    while (target.releases_dir(site_id) / rid).exists():
        when += dt.timedelta(microseconds=1)
        rid = release_id(when, source.get("commit"))
    releases = target.releases_dir(site_id)
    releases.mkdir(parents=True, exist_ok=True)
    (target.site(site_id) / MANIFESTS).mkdir(parents=True, exist_ok=True)
    tmp = releases / f"{TMP_PREFIX}{rid}"
    _copy_tree(tree, tmp, new, releases / current if current else None, old)
    diff = compare(old, new)
    write_json_atomic(target.manifest_path(site_id, rid),
                      {"release": rid, "site": site_id, "digest": digest(new), "source": source, "files": new})
    os.rename(tmp, releases / rid)  # complete: now it is a release
    _fsync_dir(releases)
    target.switch(site_id, rid)
    target.log(_entry("publish", site_id, rid, current, source, diff, when))
    pruned = target.prune(site_id, keep)
    return SiteRelease(site=site_id, release=rid, previous=current, diff=diff, pruned=pruned)


def publish(root: Path | str, target_dir: Path | str, sites: Sequence[str], *, output: Path | str | None = None,
            keep: int = DEFAULT_KEEP, allow_dirty: bool = False, now: dt.datetime | None = None) -> PublishReport:
    """Publish the built *sites* (from output/) into *target_dir*; everything is checked before anything changes."""
    root = Path(root).resolve()
    out = Path(output) if output else root / "output"
    if keep < 1:
        raise PortalError([Problem("portal publish", None, f"--keep {keep}: keep at least 1 release (the current one)")])
    missing = [s for s in sites if not (out / s / "index.html").is_file()]
    if missing:
        raise PortalError([Problem(f"{out}/{s}", None, "is not built — run portal build first (nothing was published)") for s in missing])
    source = source_info(root, allow_dirty)
    broken = verify.check_built(root, out, sites)  # every resource the pages reference is in the release
    if broken:
        raise PortalError(broken)
    target = Target(target_dir)
    target.check_writable()
    when = now or now_utc()
    results: list[SiteRelease] = []
    with target.locked():
        for s in sites:
            try:
                results.append(publish_site(target, s, out / s, source, keep, when))
            except OSError as exc:
                target.clean_leftovers(s)
                done = ", ".join(r.site for r in results if r.release) or "none"
                raise PortalError([Problem(str(target.site(s)), None, f"not published: {exc.strerror or exc} ({exc.filename or ''}) — "
                                           f"its current release is unchanged; sites published before it: {done}; fix and publish again")]) from None
    return PublishReport(target=str(target.path), source=source, sites=results)


def rollback(target_dir: Path | str, site_id: str, release: str | None = None, *, now: dt.datetime | None = None) -> SiteRelease:
    """Switch *site_id* back to *release* (default: the release before the current one)."""
    target = Target(target_dir)
    where = str(target.site(site_id))
    current = target.current(site_id)
    releases = target.releases(site_id)
    if current is None:
        raise PortalError([Problem(where, None, f"site '{site_id}' has never been published to {target.path} — check --target and --site")])
    if release is None:
        older = [r for r in releases if r < current]
        if not older:
            raise PortalError([Problem(where, None, f"no release before the current one ({current}) — nothing to roll back to")])
        release = older[-1]
    elif release not in releases:
        known = ", ".join(releases[-5:]) or "none"
        raise PortalError([Problem(where, None, f"release '{release}' does not exist — known releases (newest last): {known}; nothing changed")])
    if release == current:
        return SiteRelease(site=site_id, release=None, previous=current)
    target.check_writable()
    with target.locked():
        diff = compare(target.read_manifest(site_id, current), target.read_manifest(site_id, release))
        target.switch(site_id, release)
        source = target.read_meta(site_id, release).get("source", {})
        target.log(_entry("rollback", site_id, release, current, source, diff, now or now_utc()))
    return SiteRelease(site=site_id, release=release, previous=current, diff=diff)
