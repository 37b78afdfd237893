"""The CI workflows and the pre-commit configuration: valid, short, calling `portal`, no network for hooks."""

from __future__ import annotations

from ruamel.yaml import YAML

from portal.commands.git import add_commands  # noqa: F401  (the commands the workflows call exist)

from ..conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def runs(name: str) -> str:
    data = YAML(typ="safe").load((WORKFLOWS / name).read_text(encoding="utf-8"))
    steps = [s for job in data["jobs"].values() for s in job["steps"]]
    for job in data["jobs"].values():
        checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["fetch-depth"] == 0, f"{name}: plan and history need the whole history"
    return "\n".join(s.get("run", "") for s in steps)


def test_pull_request_workflow():
    text = runs("pr.yml")
    for needle in ("portal check", "portal plan --since", "portal build --since", "portal diff", "GITHUB_STEP_SUMMARY"):
        assert needle in text
    assert "upload-artifact" in (WORKFLOWS / "pr.yml").read_text(encoding="utf-8")


def test_publish_and_schedule_workflows():
    text = runs("publish.yml")
    assert "portal build" in text and "portal publish --target" in text and "portal publish --branch" in text
    text = runs("schedule.yml")
    assert "portal due --since-last-publish" in text and "portal publish" in text
    for name in ("publish.yml", "schedule.yml"):
        data = YAML(typ="safe").load((WORKFLOWS / name).read_text(encoding="utf-8"))
        assert data["concurrency"]["group"] == "publish", "one publish at a time"
    publish = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8")  # issue 20: CI keeps its state
    assert "make install" in publish and "make setup" not in publish, "runtime dependencies only"
    assert 'build "${since[@]}" --target "$TARGET"' in publish and 'build "${since[@]}" --branch site' in publish
    assert "actions/cache/restore" in publish and "actions/cache/save" in publish
    assert "portal-state-${{ github.event.before }}" in publish and "portal-state-${{ github.sha }}" in publish
    for path in WORKFLOWS.glob("*.yml"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 50, f"{path.name}: keep workflows short"


def test_pre_commit_hooks_are_local_only():
    config = YAML(typ="safe").load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [r["repo"] for r in config["repos"]] == ["local"]
    ids = {h["id"] for h in config["repos"][0]["hooks"]}
    assert {"portal-check", "nfc", "yaml", "file-size", "private-key"} <= ids
    for hook in config["repos"][0]["hooks"]:
        assert hook["language"] in ("unsupported_script", "pygrep"), "no hook environment to download"
