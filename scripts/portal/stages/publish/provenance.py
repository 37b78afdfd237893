"""What is published, and from which commit: the checks every publication makes before anything changes.

- :func:`source_info`: the commit being published (HEAD) and the merge that brought it; a
  checkout with uncommitted build inputs is refused.
- :func:`check_built_from`: every site's output was built from that very commit (its build
  record, ``output/<id>/.portal-build.json``); output built from another commit, from
  uncommitted changes, or not by ``portal build`` is refused with the command that fixes it
  (issue 12.8: publishing stale output used to say "unchanged").
- :func:`unlisted`: sites that are published but no longer in sites.yaml (reported on every
  publish until ``portal retire`` takes them out of service).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from portal.model.errors import PortalError, Problem
from portal.model.messages import _
from portal.stages import repository
from portal.stages.output import read_build_record


def source_info(root: Path, allow_dirty: bool = False) -> dict[str, Any]:
    """The commit being published and the merge (HEAD) that brought it: refuse a dirty tree.

    Returns ``{"commit": sha | None, "merge": {sha, author, committer, date, subject} | None, "dirty": bool}``;
    raises :class:`PortalError` outside a Git checkout or with uncommitted build inputs (unless *allow_dirty*).
    """
    pr = repository.open_repo(root)
    if pr is None or not repository.has_commits(pr):
        if allow_dirty:
            return {"commit": None, "merge": None, "dirty": True}
        raise PortalError([Problem(str(root), None, _("is not a Git checkout with commits: a release must name the commit it was built from — publish from a clone (or pass --allow-dirty)"))])
    dirty = repository.dirty_paths(pr)
    if dirty and not allow_dirty:
        shown = ", ".join(dirty[:5]) + (_(" and {count} more", count=len(dirty) - 5) if len(dirty) > 5 else "")
        raise PortalError([Problem(dirty[0], None, _("uncommitted changes ({paths}): the output would not match any commit — commit or stash them, rebuild, then publish (or pass --allow-dirty)", paths=shown))])
    head = pr.repo.head.commit
    person = lambda actor: {"name": actor.name, "email": actor.email}  # noqa: E731
    return {
        "commit": head.hexsha,
        "merge": {"sha": head.hexsha, "author": person(head.author), "committer": person(head.committer),
                  "date": head.committed_datetime.isoformat(), "subject": head.summary},
        "dirty": bool(dirty),
    }


def check_built(out: Path, sites: Sequence[str]) -> None:
    """Every site of *sites* has a built tree in *out*; else nothing is published."""
    missing = [s for s in sites if not (out / s / "index.html").is_file()]
    if missing:
        raise PortalError([Problem(f"{out}/{s}", None, _("is not built — run portal build first (nothing was published)")) for s in missing])


def check_built_from(out: Path, sites: Sequence[str], source: dict[str, Any], allow_dirty: bool = False) -> None:
    """Every site's output in *out* was built by ``portal build`` from the commit of *source*; else nothing is published.

    With *allow_dirty*, output built from uncommitted changes passes (the release then names a
    commit it does not exactly match, as ``--allow-dirty`` says); a different commit never does.
    """
    problems: list[Problem] = []
    head = source.get("commit")
    for s in sites:
        record = read_build_record(out / s)
        where = f"{out}/{s}"
        if record is None:
            problems.append(Problem(where, None, _("has no build record (built by an older version, or copied in) — rebuild it: portal build --site {site}", site=s)))
        elif record.get("commit") != head:
            problems.append(Problem(where, None, _("was built from commit {built}, not from HEAD {head} — rebuild it (portal build --site {site}) and publish again",
                                                   built=(record.get("commit") or _("outside Git"))[:10], head=(head or _("outside Git"))[:10], site=s)))
        elif record.get("dirty") and not allow_dirty:
            changed = ", ".join(record["dirty"][:3])
            problems.append(Problem(where, None, _("was built with uncommitted changes ({paths}) — commit them, rebuild (portal build --site {site}), then publish", paths=changed, site=s)))
    if problems:
        problems.append(Problem("portal publish", None, _("nothing was published")))
        raise PortalError(problems)


def unlisted(published: Iterable[str], known: Iterable[str]) -> list[str]:
    """The published site ids that sites.yaml no longer lists, sorted."""
    ids = set(known)
    return sorted(s for s in published if s not in ids)
