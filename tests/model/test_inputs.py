"""The one list of a site's inputs (issue 12.1): only .md read, files/ by type and size, links refused."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from portal.model.inputs import list_inputs
from portal.model.limits import Limits

from ..conftest import write

SITE = "content/sites/xa"


def site(tmp_path: Path) -> Path:
    folder = tmp_path / SITE
    write(folder / "tin-tuc" / "bai.md", "---\ntitle: x\n---\nx\n")
    write(folder / "pages" / "gioi-thieu.md", "---\ntitle: x\n---\nx\n")
    (folder / "files").mkdir()
    (folder / "files" / "anh.jpg").write_bytes(b"\xff\xd8\xff")
    return folder


def listed(tmp_path: Path, limits: Limits = Limits()) -> tuple[list[str], list[str], dict[str, str]]:
    inputs = list_inputs(tmp_path, tmp_path / SITE, limits)
    md = [p.relative_to(tmp_path / SITE).as_posix() for p in inputs.markdown]
    return md, [f.name for f in inputs.static], {p.path: p.message for p in inputs.problems}


def test_markdown_and_static_files(tmp_path):
    folder = site(tmp_path)
    (folder / ".gitkeep").write_text("")
    (folder / "files" / ".DS_Store").write_bytes(b"x")
    write(folder / "files" / "van-ban" / "qd-12.PDF", "%PDF")
    md, static, problems = listed(tmp_path)
    assert md == ["pages/gioi-thieu.md", "tin-tuc/bai.md"]
    assert static == ["files/anh.jpg", "files/van-ban/qd-12.PDF"]
    assert problems == {}


def test_every_symbolic_link_is_an_error_and_never_followed(tmp_path):
    folder = site(tmp_path)
    os.symlink("../../../../.git/config", folder / "files" / "cfg.txt")
    os.symlink("/etc/hostname", folder / "files" / "h.txt")
    os.symlink("/etc", folder / "files" / "etc")
    os.symlink("bai.md", folder / "tin-tuc" / "ban-sao.md")
    os.symlink("/etc/passwd", folder / "tin-tuc" / ".an.md")
    md, static, problems = listed(tmp_path)
    assert md == ["pages/gioi-thieu.md", "tin-tuc/bai.md"] and static == ["files/anh.jpg"]
    for name in ("files/cfg.txt", "files/h.txt", "files/etc", "tin-tuc/ban-sao.md", "tin-tuc/.an.md"):
        assert "is a symbolic link" in problems[f"{SITE}/{name}"], name


def test_a_linked_site_folder_is_refused(tmp_path):
    (tmp_path / "content" / "sites").mkdir(parents=True)
    os.symlink("/etc", tmp_path / SITE)
    md, static, problems = listed(tmp_path)
    assert md == [] and static == [] and "symbolic link" in problems[SITE]


def test_other_formats_are_refused_where_they_are(tmp_path):
    folder = site(tmp_path)
    for name in ("tin-tuc/bao-cao.rst", "tin-tuc/thong-bao.html", "tin-tuc/trang.htm", "tin-tuc/cu.mdown",
                 "tin-tuc/cu.markdown", "tin-tuc/ghi-chu.txt", "files/trang.html", "files/logo.svg", "files/a.js",
                 "files/bai.md"):
        write(folder / name, "x")
    md, static, problems = listed(tmp_path)
    assert md == ["pages/gioi-thieu.md", "tin-tuc/bai.md"] and static == ["files/anh.jpg"]
    assert "only Markdown posts (.md) are read" in problems[f"{SITE}/tin-tuc/bao-cao.rst"]
    assert "only Markdown posts (.md) are read" in problems[f"{SITE}/tin-tuc/thong-bao.html"]
    assert "rename it to cu.md" in problems[f"{SITE}/tin-tuc/cu.mdown"]
    assert "files to publish go under files/" in problems[f"{SITE}/tin-tuc/ghi-chu.txt"]
    for name in ("files/trang.html", "files/logo.svg", "files/a.js", "files/bai.md"):
        assert "are not published" in problems[f"{SITE}/{name}"], name


def test_size_limits(tmp_path):
    folder = site(tmp_path)
    write(folder / "tin-tuc" / "dai.md", "---\ntitle: x\n---\n" + "a" * 3000)
    (folder / "files" / "lon.pdf").write_bytes(b"x" * (1024 * 1024 + 1))
    md, static, problems = listed(tmp_path, Limits(markdown_kb=2, file_mb=1))
    assert "tin-tuc/dai.md" not in md and "files/lon.pdf" not in static
    assert "over the limit of 2 KB for a post" in problems[f"{SITE}/tin-tuc/dai.md"]
    assert "over the limit of 1 MB for a file" in problems[f"{SITE}/files/lon.pdf"]


def test_names_are_nfc_and_a_name_twice_is_an_error(tmp_path):
    folder = site(tmp_path)
    nfd = unicodedata.normalize("NFD", "lễ-hội-làng.jpg")
    (folder / "files" / nfd).write_bytes(b"\xff\xd8")
    _md, static, problems = listed(tmp_path)
    assert "files/lễ-hội-làng.jpg" in static and problems == {}
    (folder / "files" / "lễ-hội-làng.jpg").write_bytes(b"\xff\xd8")
    _md, _static, problems = listed(tmp_path)
    assert any("same name" in m for m in problems.values())


def test_fifo_and_odd_names_are_refused(tmp_path):
    folder = site(tmp_path)
    os.mkfifo(folder / "files" / "ong.mp3")
    (folder / "files" / "a\nb.jpg").write_bytes(b"x")
    _md, static, problems = listed(tmp_path)
    assert static == ["files/anh.jpg"]
    assert "not a regular file" in problems[f"{SITE}/files/ong.mp3"]
    assert "invisible or unreadable character" in problems[f"{SITE}/files/a\nb.jpg"]
