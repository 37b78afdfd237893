"""Shared fixtures: small real projects on disk, built with the real pipeline."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Messages are Vietnamese by default (portal.model.messages); the tests read the English source
# texts, in this process and in every command they start. Vietnamese is tested where it matters.
os.environ["PORTAL_LANG"] = "en"
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

MINI_SITES = """\
network:
  home: tinh
  default_language: vi
  timezone: Asia/Ho_Chi_Minh
  maintainers: ["@org/maint"]
sites:
  - id: tinh
    kind: province
    name: {vi: "Cổng Thông tin điện tử tỉnh Thử", en: "Test Province Portal"}
    url: https://tinh.example.vn
    languages: [vi, en]
    editors: ["@org/btb-tinh"]
    contact: {address: "Số 1 đường Lý Thái Tổ", phone: "0222 3822 000", email: "btb@tinh.example.vn"}
    social: {facebook: "https://facebook.com/tinh", zalo: "https://zalo.me/tinh"}
  - id: so-a
    kind: department
    name: {vi: "Sở A"}
    url: https://soa.example.vn
    parent: tinh
    editors: ["@org/btb-so-a"]
  - id: xa-mot
    kind: commune
    name: {vi: "Xã Một"}
    url: https://xamot.example.vn
    owner: "UBND xã Một"
    parent: tinh
    editors: ["@org/btb-xa-mot"]
  - id: xa-hai
    kind: commune
    name: {vi: "Xã Hai"}
    url: https://xahai.example.vn
    parent: tinh
    editors: ["@org/btb-xa-hai"]
  - id: phuong-ba
    kind: ward
    name: {vi: "Phường Ba"}
    url: https://phuongba.example.vn
    parent: tinh
    editors: ["@org/btb-phuong-ba"]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def post(root: Path, rel: str, title: str, date: str = "2026-01-10", category: str = "tin-tuc",
         body: str = "Nội dung bài viết.", **extra: str) -> Path:
    lines = ["---", f'title: "{title}"']
    if date:
        lines.append(f"date: {date}")
    if category:
        lines.append(f"category: {category}")
    lines += [f"{k}: {v}" for k, v in extra.items()]
    lines += ["---", body, ""]
    return write(root / rel, "\n".join(lines))


def document(root: Path, site: str, name: str, title: str, *, number: str, doc_type: str, issuer: str,
             issued: str, date: str | None = None, fields: str = "[Xây dựng - Đô thị]", body: str = "Nội dung văn bản.",
             pdf_text: str | None = None, **extra: str) -> Path:
    """A legal document of *site* (``van-ban/<name>.md``) with its PDF (``files/van-ban/<name>.pdf``)."""
    from portal.bench.pdf import write_pdf

    write_pdf(root / f"content/sites/{site}/files/van-ban/{name}.pdf", [issuer, f"Số: {number}"], title,
              [pdf_text or f"{title}. Văn bản số {number} do {issuer} ban hành."])
    extra.setdefault("signer", "Nguyễn Văn A")
    extra.setdefault("summary", f'"{title} (số {number})."')
    extra.setdefault("attachments", f"[{{path: files/van-ban/{name}.pdf, role: full_text}}]")
    return post(root, f"content/sites/{site}/van-ban/{name}.md", title, date=date or issued, category="van-ban",
                number=number, doc_type=doc_type, issuer=f'"{issuer}"', issued=issued, fields=fields, body=body, **extra)


def make_project(root: Path, sites_yaml: str = MINI_SITES) -> Path:
    """A project checkout with the repo's theme, plugins and settings and the given sites."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("themes", "plugins", "translations"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    shutil.copy(REPO / "pelicanconf.py", root / "pelicanconf.py")
    write(root / "sites.yaml", sites_yaml)
    (root / "content" / "shared").mkdir(parents=True, exist_ok=True)
    return root


def mini_content(root: Path) -> None:
    """Posts and directives covering the rules: audiences, drafts, expiry, future dates."""
    for site in ("tinh", "so-a", "xa-mot", "xa-hai", "phuong-ba"):
        post(root, f"content/sites/{site}/tin-tuc/tin-dau.md", f"Tin đầu tiên của {site}", date="2026-02-01")
        write(root / f"content/sites/{site}/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\nVề chúng tôi.\n")
    post(root, "content/sites/xa-mot/tin-tuc/chuyen-doi-so.md", "Đẩy mạnh chuyển đổi số", date="2026-03-01",
         tags="[chuyển đổi số, đường giao thông]")
    post(root, "content/sites/xa-mot/tin-tuc/ban-nhap.md", "Bản nháp chưa duyệt", status="draft")
    post(root, "content/sites/xa-mot/tin-tuc/tuong-lai.md", "Tin hẹn giờ đăng", date="2027-01-05 08:00")
    post(root, "content/sites/xa-mot/tin-tuc/het-han.md", "Thông báo đã hết hạn", expires="2026-06-30")
    document(root, "xa-mot", "qd-12", "Quyết định về quy hoạch", number="12/QĐ-UBND", doc_type="Quyết định",
             issuer="UBND xã Một", issued="2026-01-05", effective="2026-01-20")
    # NFD on disk: "Hội nghị" with decomposed tones
    nfd = "Hội nghị tổng kết năm".encode().decode("utf-8")
    import unicodedata

    post(root, "content/sites/xa-hai/tin-tuc/nfd.md", unicodedata.normalize("NFD", nfd),
         body=unicodedata.normalize("NFD", "Nội dung có dấu tiếng Việt."))
    d = "content/shared"
    post(root, f"{d}/toan-tinh.md", "Chỉ thị về phòng chống bão lũ", category="", date="2026-09-01")
    post(root, f"{d}/xa-phuong.md", "Nhiệm vụ của cấp xã, phường", category="", date="2026-09-02",
         audience="[commune, ward]")
    post(root, f"{d}/hai-don-vi.md", "Giao nhiệm vụ cho Sở A và Xã Hai", category="", date="2026-09-03",
         audience="[so-a, xa-hai]")
    post(root, f"{d}/het-han.md", "Chỉ đạo đã hết hiệu lực", category="", date="2026-01-02", expires="2026-02-01")
    post(root, f"{d}/tuong-lai.md", "Chỉ đạo sẽ ban hành", category="", date="2027-03-01")
    post(root, f"{d}/ban-nhap.md", "Dự thảo chỉ đạo", category="", status="draft")
    post(root, f"{d}/toan-tinh.en.md", "Directive on storm and flood prevention", category="", date="")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "proj")
    mini_content(root)
    return root


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory) -> Path:
    """The mini network, built once for read-only tests."""
    from portal.stages.build import build

    root = make_project(tmp_path_factory.mktemp("mini") / "proj")
    mini_content(root)
    report = build(root, now=NOW, jobs=2)
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    return root / "output"


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> tuple[Path, object]:
    """The repository's own sample network, built once into a temporary folder."""
    from portal.stages.build import build

    out = tmp_path_factory.mktemp("sample-output")
    report = build(REPO, output=out, now=NOW, jobs=2)
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    return out, report


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
