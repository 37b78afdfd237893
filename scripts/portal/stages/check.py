"""``portal check``: validate sites.yaml and content without building, exactly as the build reads them.

The inputs are listed by :func:`portal.model.catalogue.site_inputs` (the build's own list),
and every post is rendered through the build's renderer, so that a post that passes the
check also builds: raw HTML the sanitiser would drop, links that resolve to nothing,
nesting too deep, a ``#`` heading are errors here, at ``file:line``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from portal.model import catalogue, codeowners, media
from portal.model.errors import Problem
from portal.model.messages import _
from portal.model.sites import Network
from portal.stages.render.cache import RENDERER


def _stray_problems(root: Path, network: Network) -> list[Problem]:
    """Anything under content/ that is neither content/shared/ nor a site's folder."""
    problems: list[Problem] = []
    content = root / "content"
    if content.is_symlink():
        return [Problem("content", None, _("is a symbolic link — keep the content folder itself in the project"))]
    if not content.is_dir():
        return problems
    for entry in sorted(content.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.name in ("sites", "shared") and entry.is_dir() and not entry.is_symlink():
            continue
        problems.append(Problem(f"content/{entry.name}", None, _("is not read — content/ holds only sites/<id>/ and shared/; move or remove it")))
    sites_dir = content / "sites"
    if sites_dir.is_symlink():
        problems.append(Problem("content/sites", None, _("is a symbolic link — keep the folder itself in the project")))
    elif sites_dir.is_dir():
        for folder in sorted(sites_dir.iterdir()):
            if folder.name.startswith("."):
                continue
            if folder.name not in network:
                problems.append(Problem(f"content/sites/{folder.name}", None, _(
                    "folder '{name}' is not a site in sites.yaml — add the site or move the folder", name=folder.name)))
    return problems


def _where(path: Path) -> Path:
    """*path* made absolute, its folder resolved but not the file itself (a link is reported, never followed)."""
    path = path if path.is_absolute() else Path.cwd() / path
    return path.parent.resolve() / path.name if path.name not in ("", ".", "..") else path.resolve()


def check(network: Network, paths: list[Path] | None = None) -> list[Problem]:
    """All problems of sites.yaml (raised earlier by load_network), shared directives and sites.

    With *paths*, only the sites (and shared content) that contain them are checked, and
    only the problems of those paths are returned.
    """
    root = network.root
    wanted_sites: set[str] | None = None  # None: every site
    want_shared = True
    if paths:
        wanted_sites, want_shared = set(), False
        for p in paths:
            p = _where(p)
            if not p.is_relative_to(root):
                return [Problem(str(p), None, _("is outside the project — give paths under content/"))]
            parts = p.relative_to(root).parts
            if len(parts) >= 3 and parts[:2] == ("content", "sites"):
                if parts[2] not in network:
                    return [Problem("/".join(parts[:3]), None, _("folder '{name}' is not a site in sites.yaml — add the site or move the folder",
                                                                 name=parts[2]))]
                wanted_sites.add(parts[2])
            elif parts[:2] == ("content", "shared"):
                want_shared = True
            else:  # the whole project, content/, sites.yaml…: check everything
                wanted_sites, want_shared = None, True
                break
    problems = catalogue.load_shared(network, render=RENDERER)  # always: sites' URLs are checked against shared ones
    catalogue.load_documents(network)  # relations resolve against every site's documents
    if not want_shared:
        problems = []
    if wanted_sites is None:  # the whole project: the board sign-off rules must match sites.yaml
        problems += codeowners.stale_problems(network)
        problems += _stray_problems(root, network)
        problems += media_problems(root, Path(os.environ["PORTAL_MEDIA_DIR"]) if os.environ.get("PORTAL_MEDIA_DIR") else None)
    for site in network.sites:
        if wanted_sites is not None and site.id not in wanted_sites:
            continue
        _posts, site_problems = catalogue.load_site(network, site, render=RENDERER)
        problems.extend(site_problems)
    if paths and wanted_sites is not None:  # only what was asked about (a whole site is checked for duplicates)
        prefixes = tuple(_where(p).relative_to(root).as_posix() for p in paths)
        problems = [p for p in problems if p.path.startswith(prefixes) or any(p.path == x.rstrip("/") for x in prefixes)]
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message))


def media_problems(root: Path, mirror: Path | None = None) -> list[Problem]:
    """``media.yaml``'s problems; with *mirror* (a local copy of the media origin, ``PORTAL_MEDIA_DIR``), every
    listed file is also checked there: present, of the listed size and SHA-256 (issue 16.3)."""
    entries, problems = media.load_manifest(root)
    if mirror is None:
        return problems
    for entry in entries.values():
        path = mirror / entry.path
        try:
            size = path.stat().st_size
        except OSError:
            problems.append(Problem(media.MANIFEST_FILE, entry.line, _("'{path}' is not in the media folder {folder} — upload it, or remove its line",
                                                                       path=entry.path, folder=str(mirror))))
            continue
        if size != entry.size:
            problems.append(Problem(media.MANIFEST_FILE, entry.line, _("'{path}' is {size} bytes, not {listed} as listed — run portal media add again for it",
                                                                       path=entry.path, size=size, listed=entry.size)))
            continue
        h = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != entry.sha256:
            problems.append(Problem(media.MANIFEST_FILE, entry.line, _("'{path}' differs from the listed SHA-256 — the file changed: upload the right one or run portal media add again",
                                                                       path=entry.path)))
    return problems
