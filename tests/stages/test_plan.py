"""portal plan: what a Git change affects, on real temporary repositories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal.model.errors import PortalError
from portal.stages.plan import make_plan

from .. import gitrepo
from ..conftest import make_project, mini_content, post, write

ALL = ["tinh", "so-a", "xa-mot", "xa-hai", "phuong-ba"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "repo")
    mini_content(root)
    gitrepo.init(root)
    gitrepo.git(root, "checkout", "-q", "-b", "feature")
    return root


def plan_of(root: Path, since: str = "main") -> list[str]:
    return make_plan(root, since).sites


def test_one_commune_post(repo: Path):
    post(repo, "content/sites/xa-mot/tin-tuc/moi.md", "Tin mới của xã Một")
    gitrepo.commit(repo, "Xã Một: tin mới")
    plan = make_plan(repo, "main")
    assert plan.sites == ["xa-mot"]
    assert plan.reasons["xa-mot"] == ["added content/sites/xa-mot/tin-tuc/moi.md"]
    assert not plan.every_site


def test_uncommitted_and_untracked_changes_count(repo: Path):
    post(repo, "content/sites/xa-hai/tin-tuc/chua-commit.md", "Chưa commit")
    (repo / "content/sites/so-a/tin-tuc/tin-dau.md").write_text("---\ntitle: Sửa\ndate: 2026-02-01\ncategory: tin-tuc\n---\nx\n", encoding="utf-8")
    assert plan_of(repo) == ["so-a", "xa-hai"]


def test_deleted_post_rebuilds_its_site(repo: Path):
    (repo / "content/sites/phuong-ba/tin-tuc/tin-dau.md").unlink()
    gitrepo.commit(repo, "Xoá tin")
    plan = make_plan(repo, "main")
    assert plan.sites == ["phuong-ba"]
    assert plan.content_changes("phuong-ba")["removed"] == ["content/sites/phuong-ba/tin-tuc/tin-dau.md"]


def test_directive_body_reaches_its_audience(repo: Path):
    path = repo / "content/shared/xa-phuong.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nBổ sung.\n", encoding="utf-8")
    gitrepo.commit(repo, "Sửa chỉ đạo")
    assert plan_of(repo) == ["tinh", "xa-mot", "xa-hai", "phuong-ba"]


def test_directive_with_changed_audience_reaches_old_and_new(repo: Path):
    path = repo / "content/shared/hai-don-vi.md"
    text = path.read_text(encoding="utf-8")
    assert "audience: [so-a, xa-hai]" in text
    path.write_text(text.replace("audience: [so-a, xa-hai]", "audience: [xa-mot]"), encoding="utf-8")
    gitrepo.commit(repo, "Đổi đối tượng")
    plan = make_plan(repo, "main")
    assert plan.sites == ["tinh", "so-a", "xa-mot", "xa-hai"]  # old {so-a, xa-hai} + new {xa-mot} + the province
    assert "phuong-ba" not in plan.sites
    assert all("audience changed" in r[0] for r in plan.reasons.values())


def test_deleted_directive_reaches_its_old_audience(repo: Path):
    (repo / "content/shared/hai-don-vi.md").unlink()
    gitrepo.commit(repo, "Xoá chỉ đạo")
    assert plan_of(repo) == ["tinh", "so-a", "xa-hai"]


def test_directive_translation_takes_the_original_audience(repo: Path):
    post(repo, "content/shared/hai-don-vi.en.md", "Tasks for Department A and Commune Hai", category="", date="")
    gitrepo.commit(repo, "Bản dịch")
    assert plan_of(repo) == ["tinh", "so-a", "xa-hai"]


def test_theme_plugins_translations_settings_rebuild_everything(repo: Path):
    for rel in ("themes/portal/templates/article.html", "plugins/sitemap/__init__.py",
                "translations/vi/LC_MESSAGES/messages.po", "pelicanconf.py"):
        gitrepo.git(repo, "checkout", "-q", "-B", "feature", "main")
        with (repo / rel).open("a", encoding="utf-8") as f:
            f.write("\n")
        gitrepo.commit(repo, f"Sửa {rel}")
        plan = make_plan(repo, "main")
        assert plan.sites == ALL and plan.every_site, rel
        assert plan.reasons["xa-mot"] == [f"{rel} changed"]


def test_readme_changes_nothing(repo: Path):
    write(repo / "README.md", "# Ghi chú\n")
    gitrepo.commit(repo, "README")
    plan = make_plan(repo, "main")
    assert plan.sites == [] and plan.changes[0].path == "README.md"


def _edit_sites(repo: Path, old: str, new: str) -> None:
    path = repo / "sites.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    gitrepo.commit(repo, "sites.yaml")


def test_one_site_entry_rebuilds_that_site(repo: Path):
    _edit_sites(repo, 'editors: ["@org/btb-xa-hai"]',
                'editors: ["@org/btb-xa-hai"]\n    contact: {phone: "0222 3999 999"}')
    plan = make_plan(repo, "main")
    assert plan.sites == ["xa-hai"]
    assert plan.reasons["xa-hai"] == ["sites.yaml: contact changed"]


def test_a_name_every_portal_lists_rebuilds_everything(repo: Path):
    _edit_sites(repo, 'name: {vi: "Xã Hai"}', 'name: {vi: "Xã Hai Mới"}')
    plan = make_plan(repo, "main")
    assert plan.sites == ALL and plan.every_site
    assert plan.reasons["xa-hai"][0] == "sites.yaml: name changed"


def test_network_defaults_rebuild_everything(repo: Path):
    _edit_sites(repo, "timezone: Asia/Ho_Chi_Minh", "timezone: Asia/Bangkok")
    assert plan_of(repo) == ALL


def test_added_site(repo: Path):
    _edit_sites(repo, "sites:\n", 'sites:\n  - id: xa-bon\n    kind: commune\n    name: {vi: "Xã Bốn"}\n    url: https://xabon.example.vn\n    parent: tinh\n')
    plan = make_plan(repo, "main")
    assert plan.sites == ["xa-bon", *ALL]
    assert plan.reasons["xa-bon"][0] == "sites.yaml: site added"


def test_unknown_revision_is_a_clear_error(repo: Path):
    with pytest.raises(PortalError) as exc:
        make_plan(repo, "khong-co-nhanh")
    assert "revision 'khong-co-nhanh' does not exist" in str(exc.value)
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(repo), "plan", "--since", "khong-co-nhanh"],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "revision 'khong-co-nhanh' does not exist" in res.stderr


def test_not_a_repository(tmp_path: Path):
    root = make_project(tmp_path / "plain")
    with pytest.raises(PortalError, match="is not in a Git repository"):
        make_plan(root, "HEAD")


def test_project_in_a_subfolder_of_the_repository(tmp_path: Path):
    top = tmp_path / "top"
    root = make_project(top / "portal")
    mini_content(root)
    gitrepo.init(top)
    post(root, "content/sites/so-a/tin-tuc/moi.md", "Tin mới")
    write(top / "other/notes.md", "x\n")
    gitrepo.commit(top, "x")
    assert make_plan(root, "HEAD~1").sites == ["so-a"]


def test_cli_plan_json_and_build_since(repo: Path):
    post(repo, "content/sites/xa-hai/tin-tuc/moi.md", "Tin mới của xã Hai")
    gitrepo.commit(repo, "Xã Hai: tin mới")
    cli = [sys.executable, "-m", "portal.cli", "--root", str(repo)]
    res = subprocess.run([*cli, "plan", "--since", "main", "--json"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["sites"] == ["xa-hai"] and data["base"] == gitrepo.git(repo, "rev-parse", "main")
    res = subprocess.run([*cli, "plan", "--since", "main"], capture_output=True, text=True)
    assert res.stdout.split() == ["xa-hai"]
    res = subprocess.run([*cli, "build", "--since", "main", "--jobs", "1", "-q"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    # the provincial portal too: without its output there is no shared directives' search bundle to make
    assert sorted(p.name for p in (repo / "output").iterdir() if p.is_dir()) == ["tinh", "xa-hai"]
    assert (repo / "output/xa-hai/tin-tuc/tin-moi-cua-xa-hai/index.html").is_file()
    res = subprocess.run([*cli, "build", "--since", "HEAD", "-q"], capture_output=True, text=True)
    assert res.returncode == 0 and "nothing to build" in res.stderr


def test_markdown_summary(repo: Path):
    post(repo, "content/sites/xa-hai/tin-tuc/moi.md", "Tin mới")
    (repo / "content/sites/xa-hai/tin-tuc/tin-dau.md").unlink()
    gitrepo.commit(repo, "x")
    text = make_plan(repo, "main").markdown()
    assert "| `xa-hai` | added content/sites/xa-hai/tin-tuc/moi.md; deleted content/sites/xa-hai/tin-tuc/tin-dau.md |" in text
    assert "Content files: 1 added, 0 changed, 1 removed." in text


def test_a_document_rebuilds_the_sites_of_the_documents_it_relates_to(repo: Path):
    from ..conftest import document

    document(repo, "xa-hai", "qd-40", "Quyết định thay thế", number="40/QĐ-UBND", doc_type="Quyết định", issuer="UBND xã Một",
             issued="2026-03-01", relations='{replaces: [{number: "12/QĐ-UBND", issuer: "UBND xã Một"}]}')
    gitrepo.commit(repo, "Xã Hai: văn bản thay thế văn bản của xã Một")
    plan = make_plan(repo, "main")
    assert plan.sites == ["xa-mot", "xa-hai"]  # xa-mot's 12/QĐ-UBND is now replaced: its page and status change
    assert plan.reasons["xa-mot"] == ["a related document changed: content/sites/xa-hai/van-ban/qd-40.md"]
    path = repo / "content/sites/xa-mot/van-ban/qd-12.md"  # the replaced one changes: the replacing one shows its title
    path.write_text(path.read_text(encoding="utf-8").replace("Quyết định về quy hoạch", "Quyết định về quy hoạch chung"), encoding="utf-8")
    gitrepo.commit(repo, "Xã Một: sửa tên văn bản")
    later = make_plan(repo, "HEAD~1")
    assert later.sites == ["xa-mot", "xa-hai"]
    assert later.reasons["xa-hai"] == ["a related document changed: content/sites/xa-mot/van-ban/qd-12.md"]
