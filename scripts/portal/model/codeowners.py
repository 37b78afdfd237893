"""Board sign-off rules: ``.github/CODEOWNERS`` generated from sites.yaml.

- ``content/sites/<id>/`` → that site's ``editors`` (its Editorial Board); a site without
  editors falls back to its parent's board, then to the maintainers;
- ``content/shared/`` → the provincial portal's editors;
- ``scoring.yaml`` and ``scoring/`` (the monthly scoring's rubric, adjustments, approved reports) → the same board;
- everything else (code, theme, translations, sites.yaml) → the network's ``maintainers``.

CODEOWNERS takes the last matching line, so the catch-all comes first. ``portal check``
reports a CODEOWNERS that no longer matches sites.yaml.
"""

from __future__ import annotations

from pathlib import Path

from portal.model.errors import Problem
from portal.model.messages import _
from portal.model.sites import Network, Site

PATH = ".github/CODEOWNERS"
HEADER = """\
# Generated from sites.yaml by `portal codeowners` — do not edit by hand:
# change the editors or maintainers in sites.yaml, then run `portal codeowners`.
# A pull request needs the approval of the owners of every file it changes: each
# portal's Editorial Board approves its own content (the editorial sign-off).
"""


def _board(network: Network, site: Site) -> list[str]:
    seen: set[str] = set()
    cur: Site | None = site
    while cur is not None and cur.id not in seen:
        if cur.editors:
            return cur.editors
        seen.add(cur.id)
        cur = network.site(cur.parent) if cur.parent and cur.parent in network else None
    return network.maintainers


def render(network: Network) -> str:
    """The CODEOWNERS text for *network*."""
    maint = " ".join(network.maintainers)
    lines = [HEADER]
    lines.append("# Code, theme, plugins, translations, sites.yaml, CI: the maintainers")
    if maint:
        lines += [f"*  {maint}", f"/sites.yaml  {maint}", f"/.github/  {maint}", ""]
    else:
        lines += ["# (no network.maintainers in sites.yaml)", ""]
    lines.append("# Shared directives: the provincial portal's board")
    lines.append(f"/content/shared/  {' '.join(_board(network, network.home_site))}")
    lines += ["", "# The monthly scoring (rubric, adjustments, reports): the provincial portal's board approves it"]
    lines.append(f"/scoring.yaml  {' '.join(_board(network, network.home_site))}")
    lines.append(f"/scoring/  {' '.join(_board(network, network.home_site))}")
    lines += ["", "# Each portal's content: its own Editorial Board"]
    width = max((len(f"/content/sites/{s.id}/") for s in network.sites), default=0)
    for s in network.sites:
        owners = " ".join(_board(network, s))
        note = "" if s.editors else f"  # no editors for {s.id}: its parent's board"
        lines.append(f"{f'/content/sites/{s.id}/':<{width}}  {owners}{note}".rstrip())
    return "\n".join(lines) + "\n"


def write(network: Network) -> Path:
    path = network.root / PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(network), encoding="utf-8")
    return path


def stale_problems(network: Network) -> list[Problem]:
    """A problem when CODEOWNERS is out of date; none when the project does not use .github/ at all."""
    path = network.root / PATH
    if not path.is_file():
        if (network.root / ".github").is_dir():
            return [Problem(PATH, None, _("is missing — run `portal codeowners` and commit it (each board must approve its portal's content)"))]
        return []
    have = path.read_text(encoding="utf-8").splitlines()
    want = render(network).splitlines()
    if have == want:
        return []
    line = next((i for i, (a, b) in enumerate(zip(have, want, strict=False), 1) if a != b), min(len(have), len(want)) + 1)
    return [Problem(PATH, line, _("is stale: it does not match the editors and maintainers in sites.yaml — run `portal codeowners` and commit it"))]


def owners_of(text: str, path: str) -> list[str]:
    """The owners CODEOWNERS *text* gives to repository *path* (last match wins), for the forms it uses."""
    owners: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        pattern, *who = line.split()
        if pattern == "*" or (pattern.endswith("/") and ("/" + path).startswith(pattern)) or pattern == "/" + path:
            owners = who
    return owners
