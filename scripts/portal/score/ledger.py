"""When each content file first reached the main branch, and the repository as it was at a month's end.

The score of a month counts an item in the month its content first reached the main branch:
the date of the main-line commit (the merge, the board's sign-off) that brought it, from one
``git log --first-parent`` pass (:func:`portal.stages.history.mainline`) — never the front
matter's date, so back-dating changes nothing. A renamed or moved file keeps its first date.
Everything else a month is scored on (the content, ``sites.yaml``) is read from the tree of
the last main-line commit before the month's end (:class:`Tree`), so the same repository and
month always give the same figures, whatever the working tree holds.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from portal.model.errors import PortalError
from portal.model.sites import Network, load_network
from portal.stages import history, repository

SCORED_PATHS = ("content", "sites.yaml")


@dataclass
class Ledger:
    """The main line's history of the content, read once.

    - ``steps``: main-line commits that changed ``content/`` or ``sites.yaml``, oldest first;
    - ``first_seen``: project-relative path (every name it had) → when its content first reached main (UTC);
    - ``changed``: path → the dates of later changes to it on main;
    - ``note``: why there is no history (not a Git checkout, a shallow clone), else None.
    """

    root: Path
    steps: list[history.Step] = field(default_factory=list)
    first_seen: dict[str, dt.datetime] = field(default_factory=dict)
    changed: dict[str, list[dt.datetime]] = field(default_factory=dict)
    note: str | None = None

    @classmethod
    def read(cls, root: Path | str) -> Ledger:
        root = Path(root).resolve()
        steps, note = history.mainline(root, SCORED_PATHS)
        ledger = cls(root=root, steps=steps, note=note)
        for step in steps:
            for status, path, old in step.changes:
                if status == "A" or status == "C":
                    ledger.first_seen.setdefault(path, step.date)  # re-added after a deletion: still the first date
                elif status == "R":  # the old name keeps its dates too: older trees still hold it
                    ledger.first_seen[path] = ledger.first_seen.get(old or "", step.date)
                    ledger.changed[path] = [*ledger.changed.get(old or "", []), step.date]
                elif status == "M":
                    ledger.changed.setdefault(path, []).append(step.date)
        return ledger

    def at(self, moment: dt.datetime) -> history.Step | None:
        """The last main-line commit before *moment* (the state of the repository then), or None."""
        found = None
        for step in self.steps:
            if step.date < moment:
                found = step
        return found

    def first(self) -> dt.datetime | None:
        return self.steps[0].date if self.steps else None

    def last_change(self, path: str, before: dt.datetime) -> dt.datetime | None:
        """When *path*'s content last changed on main before *before* (its arrival or a later change)."""
        dates = [d for d in [self.first_seen.get(path), *self.changed.get(path, ())] if d is not None and d < before]
        return max(dates) if dates else None


class Tree:
    """The files of the project at one commit: ``files`` (path → blob id) and their bytes on demand.

    Blobs are read through GitPython's persistent ``git cat-file --batch`` and kept by id, so a
    file that did not change between two months is read once per process.
    """

    _blobs: ClassVar[dict[str, bytes]] = {}

    def __init__(self, root: Path, commit: str | None, paths: tuple[str, ...] = SCORED_PATHS):
        self.root = root
        self.commit = commit
        self.files: dict[str, str] = {}
        self._pr = repository.open_repo(root) if commit else None
        if self._pr is None or commit is None:
            return
        specs = [self._pr.to_repo(p) for p in paths]
        out = self._pr.git.ls_tree("-r", "-z", "--full-tree", commit, "--", *specs)
        for entry in out.split("\0"):
            if not entry:
                continue
            info, _, path = entry.partition("\t")
            _mode, kind, sha = info.split()
            rel = self._pr.from_repo(path)
            if kind == "blob" and rel is not None:
                self.files[rel] = sha

    def __contains__(self, rel: str) -> bool:
        return rel in self.files

    def read(self, rel: str) -> bytes | None:
        sha = self.files.get(rel)
        if sha is None or self._pr is None:
            return None
        data = Tree._blobs.get(sha)
        if data is None:
            data = self._pr.repo.odb.stream(bytes.fromhex(sha)).read()
            Tree._blobs[sha] = data
        return data

    def read_many(self, rels: list[str]) -> None:
        """Read the blobs of *rels* that are not read yet, through one ``git cat-file --batch`` (thousands at once)."""
        import subprocess

        if self._pr is None:
            return
        shas = sorted({self.files[r] for r in rels if r in self.files} - Tree._blobs.keys())
        if len(shas) < 50:
            return  # a few: read one by one
        for start in range(0, len(shas), 4000):  # in chunks: the output is held in memory once more while cut up
            chunk = shas[start:start + 4000]
            res = subprocess.run(["git", "cat-file", "--batch"], input="\n".join(chunk).encode() + b"\n",
                                 capture_output=True, cwd=self._pr.repo.working_tree_dir, check=True)
            out, pos = res.stdout, 0
            for sha in chunk:
                end = out.index(b"\n", pos)
                header = out[pos:end].split()
                pos = end + 1
                if len(header) < 3 or header[1] != b"blob":
                    continue
                size = int(header[2])
                Tree._blobs[sha] = out[pos:pos + size]
                pos += size + 1
        if len(Tree._blobs) > 400_000:
            Tree._blobs.clear()

    def size(self, rel: str) -> int | None:
        sha = self.files.get(rel)
        if sha is None or self._pr is None:
            return None
        return self._pr.repo.odb.info(bytes.fromhex(sha)).size

    def network(self, fallback: Network) -> Network:
        """``sites.yaml`` as it was at this commit (*fallback* when absent or invalid then)."""
        raw = self.read("sites.yaml")
        if raw is None:
            return fallback
        with tempfile.TemporaryDirectory(prefix="portal-score-") as tmp:
            (Path(tmp) / "sites.yaml").write_bytes(raw)
            try:
                net = load_network(tmp)
            except PortalError:
                return fallback
        net.root = fallback.root
        net.path = fallback.path
        return net
