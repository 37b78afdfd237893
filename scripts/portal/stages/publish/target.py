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

What is published must be what HEAD says (:mod:`portal.stages.publish.provenance`): output built
from another commit is refused. A site that is published but no longer in sites.yaml is
reported by every publish and stays live until :func:`retire` switches it to a notice release.
Once ``current`` has switched, the log line is always kept: appended to ``publish-log.jsonl``,
or, when that fails, to ``publish-log.pending.jsonl`` (moved into the log by the next publish,
rollback or retire), and the error says which release is live. Folders are 0755 and files 0644.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.model.errors import PortalError, Problem
from portal.model.messages import _
from portal.stages.output import DIR_MODE, FILE_MODE, make_public
from portal.stages.publish import state, verify
from portal.stages.publish.manifest import Manifest, TreeDiff, compare, digest, manifest, write_json_atomic
from portal.stages.publish.provenance import check_built, check_built_from, source_info, unlisted

LOG_NAME = "publish-log.jsonl"
#: log lines that could not be appended to LOG_NAME (kept here, moved into the log by the next operation)
PENDING_LOG = "publish-log.pending.jsonl"
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
    warning: str | None = None  # the release is live but its log line was kept aside (see Target.record)


class LogLostError(Exception):
    """Neither the log nor the pending file could be written: the message carries the line itself."""


@dataclass
class PublishReport:
    target: str
    source: dict[str, Any]
    sites: list[SiteRelease]
    unlisted: list[str] = field(default_factory=list)  # published, not in sites.yaml, not retired

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

    def retired(self, site_id: str) -> bool:
        """Whether the site's current release is a retirement notice (:func:`retire`)."""
        current = self.current(site_id)
        return bool(current and self.read_meta(site_id, current).get("retired"))

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

    def _append(self, name: str, data: bytes) -> None:
        """One write of whole lines on an O_APPEND file (0644); raises OSError."""
        fd = os.open(self.path / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def log(self, entry: dict[str, Any]) -> None:
        """Append one line to the log; raises OSError (see :meth:`record` for the caller that must not lose it)."""
        self._append(LOG_NAME, (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))

    def flush_pending(self) -> None:
        """Move the lines kept in the pending file into the log (in their order); raises OSError, keeping them."""
        pending = self.path / PENDING_LOG
        if not pending.is_file():
            return
        data = pending.read_bytes()
        if data:
            self._append(LOG_NAME, data if data.endswith(b"\n") else data + b"\n")
        pending.unlink()

    def check_log(self) -> None:
        """Before anything changes: the log can be appended to (pending lines are moved into it first)."""
        try:
            self.flush_pending()
            self._append(LOG_NAME, b"")
        except OSError as exc:
            raise PortalError([Problem(str(self.path / LOG_NAME), None, _(
                "cannot be written ({reason}) — every release must be logged: fix it (permissions, disk space, chattr -i) and publish again; nothing was published",
                reason=exc.strerror or str(exc)))]) from None

    def record(self, entry: dict[str, Any]) -> str | None:
        """Log *entry* after ``current`` switched: never lost, never silent.

        Returns None when it is in the log; otherwise a warning saying where it was kept instead
        and why (the pending file, moved into the log by the next operation). Raises
        :class:`LogLostError` when nothing could be written (its message has the line itself).
        """
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        try:
            self.flush_pending()
            self.log(entry)
            return None
        except OSError as exc:
            reason = exc.strerror or str(exc)
        try:
            self._append(PENDING_LOG, (line + "\n").encode("utf-8"))
            return _("the publish log could not be written ({reason}); its line was kept in {path} and goes into the log with the next publish",
                     reason=reason, path=str(self.path / PENDING_LOG))
        except OSError as exc:
            raise LogLostError(_("the publish log could not be written ({reason}), nor {path} ({reason2}) — add this line to {log} by hand: {line}",
                                 reason=reason, path=str(self.path / PENDING_LOG), reason2=exc.strerror or str(exc),
                                 log=str(self.path / LOG_NAME), line=line)) from None

    def read_log(self) -> list[dict[str, Any]]:
        """Every line of the log, then those still pending (oldest first)."""
        entries = []
        lines: list[str] = []
        for name in (LOG_NAME, PENDING_LOG):
            if (self.path / name).is_file():
                lines += (self.path / name).read_text(encoding="utf-8").splitlines()
        for line in lines:
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
    """Copy *files* of *src* into *dest* (world-readable); files equal to the previous release are hard-linked from it."""
    dest.mkdir(parents=True, exist_ok=True)
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
    make_public(dest)


def _entry(action: str, site: str, release: str, previous: str | None, source: dict[str, Any], diff: TreeDiff,
           when: dt.datetime, **extra: Any) -> dict[str, Any]:
    return {
        "time": when.isoformat(), "action": action, "site": site, "release": release, "previous": previous,
        "source_commit": source.get("commit"), "merge_commit": source.get("merge"),
        "files": diff.to_json(LOG_LIST_LIMIT), "counts": diff.counts(), **extra,
    }


class SwitchedError(Exception):
    """``current`` switched to a new release, then something failed: the release is live."""

    def __init__(self, release: SiteRelease, problem: str):
        super().__init__(problem)
        self.release = release
        self.problem = problem


def _mkdirs(*folders: Path) -> None:
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, DIR_MODE)


def _prune(target: Target, site_id: str, keep: int) -> list[str]:
    """Best effort: an old release that cannot be removed now is removed by a later publish."""
    try:
        return target.prune(site_id, keep)
    except OSError:
        return []


def publish_site(target: Target, site_id: str, tree: Path, source: dict[str, Any], keep: int,
                 when: dt.datetime, *, action: str = "publish", meta: dict[str, Any] | None = None) -> SiteRelease:
    """Publish one built site; nothing happens when it equals the current release.

    Raises OSError when it fails before ``current`` switched (nothing changed for readers), and
    :class:`SwitchedError` when the release went live but its log line could not be written
    anywhere; when it could only be kept aside, the result carries a ``warning``.
    """
    target.clean_leftovers(site_id)
    current = target.current(site_id)
    old: Manifest = target.read_manifest(site_id, current) if current else {}
    new = manifest(tree, target.releases_dir(site_id) / current if current else None, old)
    if current and digest(old) == digest(new) and bool(meta and meta.get("retired")) == target.retired(site_id):
        return SiteRelease(site=site_id, release=None, previous=current, pruned=_prune(target, site_id, keep))
    rid = release_id(when, source.get("commit"))
    while (target.releases_dir(site_id) / rid).exists():
        when += dt.timedelta(microseconds=1)
        rid = release_id(when, source.get("commit"))
    releases = target.releases_dir(site_id)
    _mkdirs(target.site(site_id), releases, target.site(site_id) / MANIFESTS)
    tmp = releases / f"{TMP_PREFIX}{rid}"
    _copy_tree(tree, tmp, new, releases / current if current else None, old)
    diff = compare(old, new)
    mpath = target.manifest_path(site_id, rid)
    write_json_atomic(mpath, {"release": rid, "site": site_id, "digest": digest(new), "source": source, "files": new,
                              "state": state.collect(tree), **(meta or {})})
    os.chmod(mpath, FILE_MODE)
    os.rename(tmp, releases / rid)  # complete: now it is a release
    _fsync_dir(releases)
    target.switch(site_id, rid)
    # live from here on: what follows never undoes it, and the log line is never lost
    result = SiteRelease(site=site_id, release=rid, previous=current, diff=diff)
    try:
        result.warning = target.record(_entry(action, site_id, rid, current, source, diff, when, **(meta or {})))
    except LogLostError as exc:
        raise SwitchedError(result, str(exc)) from None
    result.pruned = _prune(target, site_id, keep)
    return result


def publish(root: Path | str, target_dir: Path | str, sites: Sequence[str], *, output: Path | str | None = None,
            keep: int = DEFAULT_KEEP, allow_dirty: bool = False, now: dt.datetime | None = None) -> PublishReport:
    """Publish the built *sites* (from output/) into *target_dir*; everything is checked before anything changes.

    Refused (:class:`PortalError`, nothing changed): a site not built, output built from another
    commit than HEAD, uncommitted changes (unless *allow_dirty*), a target that cannot be written,
    a second publish on the same target. A failure while publishing names what is live: the sites
    published before it, and whether that site's ``current`` switched.
    """
    from portal.model.sites import load_network

    root = Path(root).resolve()
    out = Path(output) if output else root / "output"
    if keep < 1:
        raise PortalError([Problem("portal publish", None, _("--keep {keep}: keep at least 1 release (the current one)", keep=keep))])
    check_built(out, sites)
    source = source_info(root, allow_dirty)
    check_built_from(out, sites, source, allow_dirty)
    broken = verify.check_references(root, out, sites)  # every resource the pages reference is in the release
    if broken:
        raise PortalError(broken)
    network = load_network(root)
    target = Target(target_dir)
    target.check_writable()
    when = now or now_utc()
    results: list[SiteRelease] = []
    with target.locked():
        _mkdirs(target.path)
        target.check_log()
        for s in sites:
            try:
                results.append(publish_site(target, s, out / s, source, keep, when))
            except SwitchedError as exc:
                results.append(exc.release)
                raise PortalError([Problem(str(target.site(s)), None, _(
                    "published: release {release} is live (current was {previous}), but {problem}; sites published before it: {done}",
                    release=exc.release.release, previous=exc.release.previous or _("none"), problem=exc.problem,
                    done=_done(results[:-1])))]) from None
            except OSError as exc:
                target.clean_leftovers(s)
                raise PortalError([Problem(str(target.site(s)), None, _(
                    "not published: {error} ({file}) — its current release is unchanged ({current}); sites published before it: {done}; fix and publish again",
                    error=exc.strerror or str(exc), file=exc.filename or "", current=target.current(s) or _("none"),
                    done=_done(results)))]) from None
        hidden = unlisted(target.sites(), network.ids)
    return PublishReport(target=str(target.path), source=source, sites=results,
                         unlisted=[s for s in hidden if not target.retired(s)])


def _done(results: list[SiteRelease]) -> str:
    return ", ".join(r.site for r in results if r.release) or _("none")


def rollback(target_dir: Path | str, site_id: str, release: str | None = None, *, now: dt.datetime | None = None) -> SiteRelease:
    """Switch *site_id* back to *release* (default: the release before the current one)."""
    target = Target(target_dir)
    where = str(target.site(site_id))
    current = target.current(site_id)
    releases = target.releases(site_id)
    if current is None:
        raise PortalError([Problem(where, None, _("site '{site}' has never been published to {target} — check --target and --site", site=site_id, target=str(target.path)))])
    if release is None:
        older = [r for r in releases if r < current]
        if not older:
            raise PortalError([Problem(where, None, _("no release before the current one ({current}) — nothing to roll back to", current=current))])
        release = older[-1]
    elif release not in releases:
        known = ", ".join(releases[-5:]) or _("none")
        raise PortalError([Problem(where, None, _("release '{release}' does not exist — known releases (newest last): {known}; nothing changed", release=release, known=known))])
    if release == current:
        return SiteRelease(site=site_id, release=None, previous=current)
    target.check_writable()
    result = SiteRelease(site=site_id, release=release, previous=current)
    with target.locked():
        target.check_log()
        result.diff = diff = compare(target.read_manifest(site_id, current), target.read_manifest(site_id, release))
        target.switch(site_id, release)
        meta = target.read_meta(site_id, release)
        extra = {"retired": True} if meta.get("retired") else {}
        try:
            result.warning = target.record(_entry("rollback", site_id, release, current, meta.get("source", {}), diff,
                                                  now or now_utc(), **extra))
        except LogLostError as exc:
            raise PortalError([Problem(where, None, _("rolled back: release {release} is live (current was {previous}), but {problem}",
                                                      release=release, previous=current, problem=str(exc)))]) from None
    return result


def unlisted_sites(target_path: Path | str, known: Iterable[str]) -> list[str]:
    """The sites published in *target_path* that sites.yaml (*known*) no longer lists and that are not
    retired, sorted ([] when there is no target yet): warned about on every publish, refused or not."""
    target = Target(target_path)
    if not target.path.is_dir():
        return []
    return [s for s in unlisted(target.sites(), known) if not target.retired(s)]
