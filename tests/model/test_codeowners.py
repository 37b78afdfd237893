"""portal codeowners: each board owns its portal's content; portal check fails while CODEOWNERS is stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from portal.model import codeowners
from portal.model.sites import load_network

from ..conftest import REPO, make_project, mini_content

CLI = [sys.executable, "-m", "portal.cli"]


def all_paths(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*") if p.is_file())


def test_every_content_path_is_owned_by_its_board(project: Path):
    network = load_network(project)
    text = codeowners.render(network)
    paths = all_paths(project)
    assert paths
    for rel in paths:
        owners = codeowners.owners_of(text, rel)
        if rel.startswith("content/shared/"):
            assert owners == ["@org/btb-tinh"], rel
        else:
            site = rel.split("/")[2]
            assert owners == network.site(site).editors, rel
    for rel in ("sites.yaml", "themes/portal/templates/base.html", "translations/vi/LC_MESSAGES/messages.po",
                "plugins/sitemap/__init__.py", "scripts/portal/build.py", ".github/workflows/pr.yml"):
        assert codeowners.owners_of(text, rel) == ["@org/maint"], rel


def test_a_site_without_editors_falls_back_to_its_parent_board(tmp_path: Path):
    sites = """\
network: {home: tinh, maintainers: ["@org/maint"]}
sites:
  - {id: tinh, kind: province, name: {vi: Tỉnh}, url: "https://tinh.example.vn", editors: ["@org/tinh"]}
  - {id: so-a, kind: department, name: {vi: Sở A}, url: "https://soa.example.vn", parent: tinh}
"""
    root = make_project(tmp_path / "p", sites)
    text = codeowners.render(load_network(root))
    assert codeowners.owners_of(text, "content/sites/so-a/tin-tuc/a.md") == ["@org/tinh"]
    assert "no editors for so-a" in text


def test_stale_codeowners_fails_check(project: Path):
    run = lambda *a: subprocess.run([*CLI, "--root", str(project), *a], capture_output=True, text=True)  # noqa: E731
    assert run("check").returncode == 0, "a project without .github/ needs no CODEOWNERS"
    (project / ".github").mkdir()
    res = run("check")
    assert res.returncode == 1 and ".github/CODEOWNERS: is missing — run `portal codeowners`" in res.stderr
    assert run("codeowners").returncode == 0
    assert run("check").returncode == 0 and run("codeowners", "--check").returncode == 0
    sites = project / "sites.yaml"
    sites.write_text(sites.read_text(encoding="utf-8").replace("@org/btb-xa-hai", "@org/ban-bien-tap-xa-hai"), encoding="utf-8")
    res = run("check")
    assert res.returncode == 1
    line = next(i for i, text in enumerate(codeowners.render(load_network(project)).splitlines(), 1) if "ban-bien-tap-xa-hai" in text)
    assert f".github/CODEOWNERS:{line}: is stale" in res.stderr
    assert run("codeowners", "--check").returncode == 1
    assert run("check", str(project / "content/sites/xa-mot")).returncode == 0, "checking one site's content is not about CODEOWNERS"
    run("codeowners")
    assert run("check").returncode == 0


def test_the_repository_codeowners_is_current_and_covers_all_content():
    network = load_network(REPO)
    assert codeowners.stale_problems(network) == [], "run `portal codeowners` and commit .github/CODEOWNERS"
    text = (REPO / codeowners.PATH).read_text(encoding="utf-8")
    for rel in all_paths(REPO):
        owners = codeowners.owners_of(text, rel)
        board = network.home_site.editors if rel.startswith("content/shared/") else network.site(rel.split("/")[2]).editors
        assert owners == board, rel
    for site in network.sites:  # also the folders a site does not have yet
        assert codeowners.owners_of(text, f"content/sites/{site.id}/tin-tuc/moi.md") == site.editors


def test_mini_project_fixture_is_valid(tmp_path: Path):
    root = make_project(tmp_path / "p")
    mini_content(root)
    assert codeowners.stale_problems(load_network(root)) == []
