"""Dates and sign-off from Git history: each post's last content commit and the merge that published it.

A build calls :func:`prepare` once in its parent process, before the workers fork: one
``git log`` pass over the content of the sites being built (not one call per file), one
``git rev-list`` for the commit graph and one ``git log --first-parent`` for the merges.
The result, :data:`HISTORY` (project-relative path → :class:`Revision`), is read by
:mod:`portal.stages.render.metadata`. A shallow clone or uncommitted content makes dates unreliable:
then the build uses front matter only and says so once.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import git

from portal.stages import repository

_SEP = "\x1f"
_REC = "\x1e"


@dataclass(frozen=True)
class Merge:
    """The commit on the main line that brought a change in: a merge (the board's sign-off) or a direct commit."""

    sha: str
    author: str
    author_email: str
    committer: str
    committer_email: str
    date: dt.datetime
    subject: str
    parents: int = 1

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def is_merge(self) -> bool:
        """A real merge (2+ parents): a pull request approved and merged, the editorial sign-off."""
        return self.parents >= 2

    def to_json(self) -> dict[str, str]:
        return {"sha": self.sha, "author": self.author, "author_email": self.author_email,
                "committer": self.committer, "committer_email": self.committer_email,
                "date": self.date.isoformat(), "subject": self.subject}


@dataclass(frozen=True)
class Revision:
    updated: dt.datetime | None  # the last commit that changed what the file says; None: never since its first import
    commit: str                  # the file's last commit (its import, a move or a change): what was published
    merge: Merge | None          # the main-line commit that brought *commit* in (None: not on HEAD's main line)


#: project-relative path → its last revision (filled by prepare(), inherited by forked workers)
HISTORY: dict[str, Revision] = {}


def _stamp(seconds: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC)


@dataclass(frozen=True)
class _Change:
    sha: str
    when: dt.datetime
    status: str          # A added, M modified, D deleted, R<score> renamed from *source*, T type change
    old_blob: str
    new_blob: str
    source: str | None   # a rename's former path (project-relative)


def _changes(pr: repository.ProjectRepo, specs: list[str]) -> dict[str, list[_Change]]:
    """path → its changes, newest first, from one ``git log --raw`` pass (renames followed by ``-M``)."""
    out = pr.git.log("--no-merges", "-M", "--raw", "--no-abbrev", "-z", f"--format={_REC}%H{_SEP}%ct", "HEAD", "--", *specs)
    result: dict[str, list[_Change]] = {}
    for record in out.split(_REC):
        record = record.strip("\0\n")
        if not record:
            continue
        header, _, rest = record.partition("\0")  # '<sha><SEP><time>\0\n:<modes> <blobs> <status>\0<path>\0…'
        sha, ct = header.strip().split(_SEP)
        when = _stamp(ct)
        fields = rest.lstrip("\n").split("\0")
        i = 0
        while i < len(fields):
            meta = fields[i].strip("\n")
            i += 1
            if not meta.startswith(":"):
                continue
            parts = meta[1:].split()
            old_blob, new_blob, status = parts[2], parts[3], parts[4]
            source = None
            if status[0] in "RC":
                source, path = fields[i], fields[i + 1]
                i += 2
            else:
                path = fields[i]
                i += 1
            rel = pr.from_repo(path)
            if rel is None:
                continue
            src = pr.from_repo(source) if source else None
            result.setdefault(rel, []).append(_Change(sha, when, status, old_blob, new_blob, src))
    return result


def _says(pr: repository.ProjectRepo, blob: str) -> str:
    """What a file says, for comparing two versions: its text (NFC) with every run of white space as one space."""
    data = pr.repo.odb.stream(bytes.fromhex(blob)).read()
    return " ".join(unicodedata.normalize("NFC", data.decode("utf-8", "replace")).split())


def _last_update(pr: repository.ProjectRepo, rel: str, changes: dict[str, list[_Change]]) -> dt.datetime | None:
    """The date of the newest commit that changed what *rel* says (issue 13.6).

    Not an update: the file's first import (added), a move without change (a rename of 100 %),
    and a change of white space or line breaks only (e.g. re-wrapped lines, trailing spaces). A move
    is followed to the former path, so an edit made before the move still counts.
    """
    seen: set[str] = set()
    path: str | None = rel
    before: dt.datetime | None = None
    while path is not None and path not in seen:
        seen.add(path)
        nxt: str | None = None
        for ch in changes.get(path, ()):
            if before is not None and ch.when > before:
                continue
            kind = ch.status[0]
            if kind in "AD":
                return None
            if kind in "RC":
                if ch.status[1:] == "100" or _says(pr, ch.old_blob) == _says(pr, ch.new_blob):
                    nxt, before = ch.source, ch.when
                    break
                return ch.when
            if _says(pr, ch.old_blob) != _says(pr, ch.new_blob):
                return ch.when
        path = nxt
    return None


def last_commits(pr: repository.ProjectRepo, paths: Iterable[str]) -> dict[str, tuple[str, dt.datetime | None]]:
    """path → (sha of its last commit, date of its last real update or None): one ``git log`` pass."""
    changes = _changes(pr, [pr.to_repo(p) for p in paths])
    result: dict[str, tuple[str, dt.datetime | None]] = {}
    for rel, items in changes.items():
        if items[0].status[0] == "D":
            continue  # deleted at HEAD: no page
        result[rel] = (items[0].sha, _last_update(pr, rel, changes))
    return result


def publishers(pr: repository.ProjectRepo) -> tuple[dict[str, str], dict[str, Merge]]:
    """commit → the main-line commit (first-parent chain of HEAD) that brought it in, and those commits' details."""
    mainline: dict[str, Merge] = {}
    order: list[str] = []
    fmt = _SEP.join(["%H", "%an", "%ae", "%cn", "%ce", "%ct", "%s"])
    parents: dict[str, list[str]] = {}
    for line in pr.git.rev_list("--parents", "HEAD").split("\n"):
        shas = line.split()
        if shas:
            parents[shas[0]] = shas[1:]
    for line in pr.git.log("--first-parent", f"--format={fmt}", "HEAD").split("\n"):
        if not line:
            continue
        sha, an, ae, cn, ce, ct, subject = line.split(_SEP, 6)
        mainline[sha] = Merge(sha, an, ae, cn, ce, _stamp(ct), subject, parents=len(parents.get(sha, ())))
        order.append(sha)
    owner: dict[str, str] = {sha: sha for sha in mainline}
    for m in reversed(order):  # oldest first: a commit belongs to the first merge that reaches it
        stack = list(parents.get(m, [])[1:])
        while stack:
            c = stack.pop()
            if c in owner:
                continue
            owner[c] = m
            stack.extend(parents.get(c, []))
    return owner, mainline


def content_paths(root: Path, sites: Iterable[str] | None) -> list[str]:
    """The content folders whose history a build of *sites* (None: all) needs."""
    if sites is None:
        return ["content"]
    return ["content/shared", *(f"content/sites/{s}" for s in sites)]


def load(root: Path | str, sites: Iterable[str] | None = None) -> tuple[dict[str, Revision], str | None]:
    """The history of the content of *sites* (and the shared directives); and a note when it is unusable."""
    pr = repository.open_repo(root)
    if pr is None or not repository.has_commits(pr):
        return {}, None  # not a Git checkout (e.g. a generated network): front matter only, nothing to say
    paths = [p for p in content_paths(pr.root, sites) if (pr.root / p).exists()]
    if not paths:
        return {}, None
    if repository.is_shallow(pr):
        return {}, ("this is a shallow Git clone: 'updated' dates and sign-off come from front matter only — "
                    "fetch the whole history (git fetch --unshallow; in CI actions/checkout with fetch-depth: 0)")
    dirty = repository.dirty_paths(pr, paths)
    if dirty:
        more = f" and {len(dirty) - 1} more" if len(dirty) > 1 else ""
        return {}, (f"uncommitted content ({dirty[0]}{more}): 'updated' dates and sign-off come from front matter only — "
                    "commit the changes (or stash them) for dates from Git history")
    try:
        last = last_commits(pr, paths)
        owner, mainline = publishers(pr)
    except git.GitCommandError as exc:
        return {}, f"cannot read Git history ({exc.stderr.strip() or exc}): 'updated' dates come from front matter only"
    history = {rel: Revision(updated=when, commit=sha, merge=mainline.get(owner.get(sha, ""))) for rel, (sha, when) in last.items()}
    return history, None


def prepare(root: Path | str, sites: Iterable[str] | None = None) -> str | None:
    """Fill :data:`HISTORY` for a build; return a note to show once when history is not used."""
    history, note = load(root, sites)
    HISTORY.clear()
    HISTORY.update(history)
    return note


@dataclass(frozen=True)
class Step:
    """One commit of the main line (HEAD's first-parent chain) and what it changed against the one before.

    ``changes`` are ``(status, path, old_path)`` with project-relative paths: status ``A`` added,
    ``M`` modified, ``D`` deleted, ``R`` renamed from ``old_path``, ``C`` copied from it. A merge is
    compared with its first parent, so a pull request's files arrive at the merge (the board's sign-off).
    """

    sha: str
    date: dt.datetime
    changes: tuple[tuple[str, str, str | None], ...]


def mainline(root: Path | str, paths: Iterable[str] = ("content", "sites.yaml")) -> tuple[list[Step], str | None]:
    """Every main-line commit that changed *paths* (project-relative), oldest first: one ``git log`` pass.

    Returns (steps, note): the note says why there are none (not a Git checkout, no commits, a
    shallow clone — whose history would move items into the wrong month). Renames are detected
    (``-M``), so a moved file keeps its identity. Dates are committer dates (UTC).
    """
    pr = repository.open_repo(root)
    if pr is None or not repository.has_commits(pr):
        return [], "not a Git checkout with commits: there is no history to read"
    if repository.is_shallow(pr):
        return [], ("this is a shallow Git clone: the history is incomplete — fetch it whole "
                    "(git fetch --unshallow; in CI actions/checkout with fetch-depth: 0)")
    specs = [pr.to_repo(p) for p in paths]
    try:
        out = pr.git.log("--first-parent", "--reverse", "--diff-merges=first-parent", "-M", "--name-status", "-z",
                         f"--format={_REC}%H{_SEP}%ct", "HEAD", "--", *specs)
    except git.GitCommandError as exc:
        return [], f"cannot read Git history ({exc.stderr.strip() or exc})"
    steps: list[Step] = []
    for record in out.split(_REC):
        if not record.strip("\0\n"):
            continue
        header, _, rest = record.partition("\0")
        header = header.strip()
        if not header:
            header, _, rest = rest.partition("\0")
        sha, ct = header.strip().split(_SEP)
        fields = [f.strip("\n") for f in rest.split("\0")]
        changes: list[tuple[str, str, str | None]] = []
        i = 0
        while i < len(fields):
            status = fields[i]
            i += 1
            if not status:
                continue
            if status[0] in "RC":
                old, new = fields[i], fields[i + 1]
                i += 2
                rel_old, rel_new = pr.from_repo(old), pr.from_repo(new)
                if rel_new is not None:
                    changes.append((status[0], rel_new, rel_old))
            else:
                path = fields[i]
                i += 1
                rel = pr.from_repo(path)
                if rel is not None:
                    changes.append((status[0], rel, None))
        steps.append(Step(sha, _stamp(ct), tuple(changes)))
    return steps, None
