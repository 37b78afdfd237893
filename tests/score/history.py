"""A small network with three months of real Git history (merges, back-dating, a near-duplicate, a rename, …) for the scoring tests.

The expected figures of tests/score/test_months.py are worked out by hand from this history and
:data:`RUBRIC` (a rubric small enough to follow): see the comments there.
"""

from __future__ import annotations

import random
from pathlib import Path

from ..conftest import make_project, write
from ..gitrepo import commit, git, merge

SITES = """\
network:
  home: tinh
  default_language: vi
  timezone: Asia/Ho_Chi_Minh
  maintainers: ["@org/maint"]
defaults:
  sections:
    province: [tin-tuc, chi-dao-dieu-hanh, van-ban]
    department: [tin-tuc, chi-dao-dieu-hanh, van-ban]
    commune: [tin-tuc, chi-dao-dieu-hanh, van-ban]
sites:
  - id: tinh
    kind: province
    name: {vi: "Cổng Thông tin điện tử tỉnh Thử", en: "Test Province Portal"}
    url: https://tinh.example.vn
    languages: [vi, en]
    editors: ["@org/btb-tinh"]
    contact: {address: "Số 1 đường Lý Thái Tổ", phone: "0222 3822 000", email: "btb@tinh.example.vn"}
  - id: so-a
    kind: department
    name: {vi: "Sở A"}
    url: https://soa.example.vn
    parent: tinh
    editors: ["@org/btb-so-a"]
    contact: {address: "Số 2 đường Lý Thái Tổ", phone: "0222 3822 001", email: "soa@example.vn"}
  - id: xa-mot
    kind: commune
    name: {vi: "Xã Một"}
    url: https://xamot.example.vn
    parent: tinh
    editors: ["@org/btb-xa-mot"]
    contact: {address: "Thôn Đông, xã Một", phone: "0222 3822 002", email: "xamot@example.vn"}
  - id: xa-hai
    kind: commune
    name: {vi: "Xã Hai"}
    url: https://xahai.example.vn
    parent: tinh
    editors: ["@org/btb-xa-hai"]
    contact: {address: "Thôn Đoài, xã Hai", email: "xahai@example.vn"}
documents:
  issuers: [UBND tỉnh Thử, Sở A, UBND xã Một, UBND xã Hai]
"""

RUBRIC = """\
version: 1
basis: {vi: "Kế hoạch thử nghiệm", en: "A test plan"}
groups:
  - {id: volume, name: {vi: "Số lượng", en: "Volume"}, points: 40}
  - {id: coverage, name: {vi: "Độ phủ", en: "Coverage"}, points: 30}
  - {id: timeliness, name: {vi: "Kịp thời", en: "Timeliness"}, points: 10}
  - {id: interaction, name: {vi: "Tương tác", en: "Interaction"}, points: 10}
  - {id: required, name: {vi: "Bắt buộc", en: "Required"}, points: 10}
criteria:
  - {id: news, group: volume, name: {vi: "Tin tức"}, points: 30, measure: items, sections: [tin-tuc], target: {default: 4, province: 2}}
  - {id: documents, group: volume, name: {vi: "Văn bản"}, points: 10, measure: items, sections: [van-ban, chi-dao-dieu-hanh],
     shared_directives: true, target: {default: 2}}
  - {id: sections, group: coverage, name: {vi: "Chuyên mục"}, points: 30, measure: coverage, deduct_per_stale: 10,
     cadence_months: {default: 2, tin-tuc: 1}}
  - {id: documents-on-time, group: timeliness, name: {vi: "Văn bản đúng hạn"}, points: 10, measure: documents_on_time,
     sections: [van-ban], working_days: 2}
  - {id: questions, group: interaction, name: {vi: "Trả lời đúng hạn"}, points: 10, measure: questions_on_time}
  - {id: contacts, group: required, name: {vi: "Liên hệ"}, points: 5, measure: contacts, fields: [address, phone, email]}
  - {id: images-alt, group: required, name: {vi: "Ảnh có mô tả"}, points: 5, measure: alt_text}
similarity: {threshold: 0.8, window_months: 3, same_site: 0, other_site: 0.5}
short_items: {none_below: 20, half_below: 40, exempt_sections: [van-ban]}
deductions:
  - {id: correction, name: {vi: "Đính chính sau phản ánh"}, points: 5}
caps: {nothing_published: 30}
bands:
  - {id: xuat-sac, name: {vi: "Xuất sắc", en: "Excellent"}, min: 90, max: 100}
  - {id: tot, name: {vi: "Tốt", en: "Good"}, min: 80, max: 89}
  - {id: kha, name: {vi: "Khá", en: "Fair"}, min: 65, max: 79}
  - {id: trung-binh, name: {vi: "Trung bình", en: "Average"}, min: 50, max: 64}
  - {id: yeu, name: {vi: "Yếu", en: "Weak"}, min: 0, max: 49}
review: {below: kha}
"""

WORDS = ("đường giao thông nông thôn mới trường học trạm y tế hợp tác xã chợ đình làng nhà văn hóa ruộng lúa kênh mương "
         "cầu cống điện chiếu sáng nước sạch rác thải cây xanh thanh niên phụ nữ nông dân cựu chiến binh học sinh giáo viên "
         "bác sĩ công an dân quân hội nghị tập huấn kiểm tra tổng kết phát động tuyên truyền hướng dẫn giải ngân đầu tư "
         "quy hoạch đất đai xây dựng sửa chữa nâng cấp khánh thành bàn giao tiếp nhận hỗ trợ tặng quà khen thưởng").split()

EDITOR = ("Biên tập viên", "btv@example.vn")
BOARD = ("Ban Biên tập", "btb@example.vn")


def long_text(seed: int, words: int = 80) -> str:
    """A text of its own: common words and figures no other text has (cosine with another one well below 0.8)."""
    rng = random.Random(seed)
    parts = [f"{rng.choice(WORDS)} {rng.randint(100, 99999)}" if i % 4 == 0 else rng.choice(WORDS) for i in range(words)]
    return " ".join(parts) + "."


def words(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return " ".join(f"tiếng{rng.randint(10, 99)}" for _ in range(n))


def article(title: str, category: str, body: str, date: str = "2026-01-06", **extra: str) -> str:
    lines = ["---", f'title: "{title}"', f"date: {date}", f"category: {category}", *(f"{k}: {v}" for k, v in extra.items()),
             "---", body, ""]
    return "\n".join(lines)


def document(site_dir: str, name: str, title: str, number: str, issuer: str, issued: str) -> dict[str, str | bytes]:
    """A legal document of the sample history (``van-ban/<name>.md``) with the keys a document needs and its PDF."""
    import tempfile

    from portal.bench.pdf import write_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pdf = write_pdf(Path(tmp) / "x.pdf", [issuer, f"Số: {number}"], title, ["Quyết định kèm theo."]).read_bytes()
    md = article(title, "van-ban", "Quyết định kèm theo.", number=f'"{number}"', doc_type="Quyết định", issuer=f'"{issuer}"',
                 signer="Nguyễn Văn A", issued=issued, summary=f'"{title}."', fields="[Bộ máy hành chính]",
                 attachments=f"[files/van-ban/{name}.pdf]")
    return {f"{site_dir}/van-ban/{name}.md": md, f"{site_dir}/files/van-ban/{name}.pdf": pdf}


def pull_request(root: Path, branch: str, files: dict[str, str | bytes], merged: str,
                 moves: dict[str, str] | None = None) -> str:
    """Files written (and moved) on a branch by an editor, merged into main by the board at *merged*."""
    git(root, "checkout", "-q", "-b", branch)
    for old, new in (moves or {}).items():
        git(root, "mv", old, new)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
    authored = merged[:11] + "07:00:00+07:00"
    commit(root, f"{branch}: nội dung mới", date=authored, who=EDITOR)
    git(root, "checkout", "-q", "main")
    return merge(root, branch, f"Duyệt đăng {branch}", merged, BOARD)


def make_history(root: Path) -> Path:
    """The network and its history: December 2025 (set-up), then January, February and March 2026."""
    make_project(root, SITES)
    write(root / "scoring.yaml", RUBRIC)
    for site in ("tinh", "so-a", "xa-mot", "xa-hai"):
        write(root / f"content/sites/{site}/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\nVề chúng tôi.\n")
    (root / ".gitignore").write_text("output/\n.cache/\n*.mo\n__pycache__/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "Khởi tạo mạng lưới", date="2025-12-20T08:00:00+07:00", who=BOARD)
    m, a, h, t = "content/sites/xa-mot", "content/sites/so-a", "content/sites/xa-hai", "content/sites/tinh"

    # --- January 2026
    pull_request(root, "xa-mot-1", {
        f"{m}/tin-tuc/n1.md": article("Ra quân vệ sinh môi trường", "tin-tuc", "![Lễ ra quân tại thôn Đông](files/anh.jpg)\n\n" + long_text(1)),
        f"{m}/files/anh.jpg": b"\xff\xd8\xff\xe0 a picture",
        f"{m}/tin-tuc/n2.md": article("Tập huấn chuyển đổi số", "tin-tuc", long_text(2)),
        f"{m}/tin-tuc/n3.md": article("Khánh thành nhà văn hóa", "tin-tuc", long_text(3)),
        f"{m}/tin-tuc/n4.md": article("Tổng kết vụ mùa", "tin-tuc", long_text(4)),
        **document(m, "qd-1", "Quyết định thành lập tổ công tác", "1/QĐ-UBND", "UBND xã Một", "2026-01-05"),
    }, "2026-01-07T10:00:00+07:00")
    pull_request(root, "tinh-1", {f"{t}/tin-tuc/t1.md": article("Hội nghị tổng kết năm", "tin-tuc", long_text(10))},
                 "2026-01-10T10:00:00+07:00")
    pull_request(root, "shared-1", {"content/shared/ct-1.md": article("Chỉ thị về phòng chống rét", "", long_text(20)).replace("category: \n", "")},
                 "2026-01-15T15:00:00+07:00")
    pull_request(root, "so-a-1", {
        f"{a}/tin-tuc/a1.md": article("Sở A kiểm tra công trình", "tin-tuc", long_text(30), image="files/a.jpg"),
        f"{a}/tin-tuc/a2.md": article("Sở A hướng dẫn hồ sơ đất đai", "tin-tuc", long_text(31)),
    }, "2026-01-20T10:00:00+07:00")

    # --- February 2026
    pull_request(root, "xa-mot-2", {
        f"{m}/tin-tuc/n5.md": article("Tin đề ngày lùi về tháng Một", "tin-tuc", long_text(5), date="2026-01-15"),   # back-dated
        f"{m}/tin-tuc/n6.md": article("Hướng dẫn hồ sơ đất đai", "tin-tuc", long_text(31) + "\n\nTheo Cổng thông tin Sở A."),  # a2 reposted
        f"{m}/tin-tuc/n7.md": article("Tin vắn", "tin-tuc", words(10, 7)),                                           # very short
        f"{m}/tin-tuc/n8.md": article("Tin ngắn", "tin-tuc", words(30, 8)),                                          # short
    }, "2026-02-03T09:00:00+07:00")
    pull_request(root, "so-a-2", {
        **document(a, "qd-2", "Quyết định ban hành quy chế", "2/QĐ-SA", "Sở A", "2026-02-13"),
        f"{a}/tin-tuc/a3.md": article("Sở A đón Tết", "tin-tuc", long_text(32)),
    }, "2026-02-23T10:00:00+07:00")
    pull_request(root, "xa-hai-1", {
        f"{h}/tin-tuc/h1.md": article("Xã Hai làm đường", "tin-tuc", long_text(40)),
        f"{h}/tin-tuc/h2.md": article("Xã Hai làm đường (đăng lại)", "tin-tuc", long_text(40) + " Cập nhật."),      # repeats h1
        **document(h, "qd-3", "Quyết định giao kế hoạch", "3/QĐ-UBND", "UBND xã Hai", "2026-02-02"),
    }, "2026-02-25T10:00:00+07:00")
    pull_request(root, "tinh-export-2", {"data/interaction/tinh/2026-02.json":
                 '{"site": "tinh", "month": "2026-02", "questions": {"received": 3, "answered": 3, "answered_on_time": 3, "overdue": 0}}\n'},
                 "2026-03-01T08:00:00+07:00")

    # --- March 2026
    pull_request(root, "xa-mot-3", {f"{m}/tin-tuc/n9.md": article("Xã Một trồng cây", "tin-tuc", long_text(9))},
                 "2026-03-05T10:00:00+07:00", moves={f"{m}/tin-tuc/n1.md": f"{m}/tin-tuc/n1-moi.md"})
    pull_request(root, "tinh-2", {
        f"{t}/tin-tuc/t2.md": article("Tỉnh đón nhà đầu tư", "tin-tuc", long_text(11)),
        f"{t}/tin-tuc/t3.md": article("Tỉnh khánh thành cầu", "tin-tuc", long_text(12)),
        **document(t, "qd-t", "Quyết định của tỉnh", "4/QĐ-UBND", "UBND tỉnh Thử", "2026-03-06"),
    }, "2026-03-10T10:00:00+07:00")
    pull_request(root, "shared-2", {"content/shared/ct-2.md": article("Chỉ thị về mùa khô", "", long_text(21)).replace("category: \n", "")},
                 "2026-03-12T15:00:00+07:00")
    pull_request(root, "xa-hai-2", {f"{h}/tin-tuc/h3.md": article("Xã Hai dạy bơi", "tin-tuc", long_text(41))},
                 "2026-03-20T10:00:00+07:00")
    pull_request(root, "board-3", {
        "scoring/adjustments/2026-03.yaml": (
            'approved_by: "Nguyễn Văn An, Trưởng Ban Biên tập"\nadjustments:\n'
            '  - site: xa-mot\n    deduction: correction\n    reason: "Đính chính tin sai số liệu sau phản ánh ngày 12/3"\n'
            '  - site: so-a\n    criterion: news\n    points: 3\n    reason: "Ba tin đăng qua hệ thống cũ"\n'),
        "data/interaction/xa-mot/2026-03.json":
            '{"site": "xa-mot", "month": "2026-03", "questions": {"received": 4, "answered": 4, "answered_on_time": 3, "overdue": 0}}\n',
    }, "2026-04-01T08:00:00+07:00")
    return root
