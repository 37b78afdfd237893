"""``portal check``: validate sites.yaml and content without building."""

from __future__ import annotations

from pathlib import Path

from portal.model import catalogue, codeowners
from portal.model.errors import Problem
from portal.model.sites import Network


def check(network: Network, paths: list[Path] | None = None) -> list[Problem]:
    """All problems of sites.yaml (raised earlier by load_network), shared directives and sites.

    With *paths*, only the sites (and shared content) that contain them are checked.
    """
    root = network.root
    wanted_sites: set[str] | None = None  # None: every site
    want_shared = True
    if paths:
        wanted_sites, want_shared = set(), False
        for p in paths:
            p = p.resolve() if p.is_absolute() else (Path.cwd() / p).resolve()
            if not p.is_relative_to(root):
                return [Problem(str(p), None, "is outside the project — give paths under content/")]
            parts = p.relative_to(root).parts
            if len(parts) >= 3 and parts[:2] == ("content", "sites"):
                if parts[2] not in network:
                    return [Problem("/".join(parts[:3]), None, f"folder '{parts[2]}' is not a site in sites.yaml — add the site or move the folder")]
                wanted_sites.add(parts[2])
            elif parts[:2] == ("content", "shared"):
                want_shared = True
            else:  # the whole project, content/, sites.yaml…: check everything
                wanted_sites, want_shared = None, True
                break
    problems = catalogue.load_shared(network)  # always: sites' URLs are checked against shared ones
    if not want_shared:
        problems = []
    if wanted_sites is None:  # the whole project: the board sign-off rules must match sites.yaml
        problems += codeowners.stale_problems(network)
    sites_dir = root / "content" / "sites"
    if sites_dir.is_dir() and (wanted_sites is None):
        for folder in sorted(sites_dir.iterdir()):
            if folder.is_dir() and folder.name not in network:
                problems.append(Problem(f"content/sites/{folder.name}", None, f"folder '{folder.name}' is not a site in sites.yaml — add the site or move the folder"))
    for site in network.sites:
        if wanted_sites is not None and site.id not in wanted_sites:
            continue
        _posts, site_problems = catalogue.load_site(network, site)
        problems.extend(site_problems)
    if paths and wanted_sites is not None:  # only what was asked about (a whole site is checked for duplicates)
        prefixes = tuple(p.resolve().relative_to(root).as_posix() if p.is_absolute() else (Path.cwd() / p).resolve().relative_to(root).as_posix() for p in paths)
        problems = [p for p in problems if p.path.startswith(prefixes)]
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message))
