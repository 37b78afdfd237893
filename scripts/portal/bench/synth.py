"""A synthetic network at any scale, with plausible Vietnamese text, for benchmarks.

``portal synth DIR --sites 150 --posts 30000 --directives 1000`` writes a complete
project (sites.yaml, content/, and links to this checkout's theme, plugins,
translations and pelicanconf.py) that ``portal --root DIR build`` builds.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from portal.bench.pdf import write_pdf
from portal.model.sections import DEFAULTS
from portal.model.text import slugify

#: document types of the synthetic documents: (type, how its number is written)
DOC_TYPES = [("Quyết định", "{n}/QĐ-UBND"), ("Kế hoạch", "{n}/KH-UBND"), ("Thông báo", "{n}/TB-UBND"), ("Công văn", "{n}/UBND-VP")]
FIELDS = ["Chuyển đổi số", "Cải cách hành chính", "Đất đai", "Xây dựng - Đô thị", "Nông nghiệp", "Y tế", "Giáo dục",
          "Văn hóa - Xã hội", "Tài chính nhà nước", "Giao thông - Vận tải"]

SUBJECTS = [
    "Ủy ban nhân dân", "Ban Chỉ đạo chuyển đổi số", "Hội đồng nhân dân", "Mặt trận Tổ quốc",
    "Đoàn Thanh niên", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Công an", "Ban Quản lý dự án",
    "Trung tâm Phục vụ hành chính công", "Trạm Y tế", "Trường Tiểu học", "Hợp tác xã nông nghiệp",
]
VERBS = [
    "triển khai", "đẩy mạnh", "tổng kết", "kiểm tra", "hướng dẫn", "phát động", "rà soát",
    "tăng cường", "tuyên truyền", "hoàn thành", "đôn đốc", "khảo sát", "tổ chức",
]
OBJECTS = [
    "chuyển đổi số trong cơ quan nhà nước", "cải cách thủ tục hành chính", "xây dựng nông thôn mới",
    "phòng chống dịch sốt xuất huyết", "giải phóng mặt bằng đường vành đai", "quy hoạch sử dụng đất",
    "thu hút đầu tư vào khu công nghiệp", "an toàn giao thông đường bộ", "vệ sinh môi trường khu dân cư",
    "giải ngân vốn đầu tư công", "cấp căn cước công dân", "bảo tồn dân ca quan họ",
    "phòng chống thiên tai, tìm kiếm cứu nạn", "chăm lo Tết cho hộ nghèo", "trồng cây xanh đô thị",
    "nâng cao chỉ số PCI và PAPI", "dịch vụ công trực tuyến toàn trình", "sáp nhập thôn, tổ dân phố",
]
PLACES = [
    "thôn Đông", "thôn Đoài", "khu phố Lý Thái Tổ", "đường Nguyễn Trãi", "chợ Lim", "chùa Phật Tích",
    "khu công nghiệp Quế Võ", "bến đò Đông Xuyên", "nhà văn hóa thôn", "trường Trung học cơ sở",
]
SENTENCES = [
    "{s} đã {v} {o} tại {p}, thu hút đông đảo cán bộ và nhân dân tham gia.",
    "Theo báo cáo, kết quả {o} trong quý vừa qua đạt và vượt kế hoạch đề ra.",
    "Lãnh đạo địa phương yêu cầu các đơn vị tiếp tục {v} {o}, bảo đảm đúng tiến độ.",
    "Người dân có thể tra cứu thông tin và gửi phản ánh về {o} qua Cổng Thông tin điện tử.",
    "Đến nay, {p} đã hoàn thành nhiều hạng mục quan trọng liên quan đến {o}.",
    "Hội nghị cũng chỉ ra một số hạn chế cần khắc phục trong thời gian tới.",
    "{s} sẽ phối hợp với các ngành chức năng để {v} {o} một cách hiệu quả.",
]


@dataclass
class Scale:
    sites: int = 150
    posts: int = 30_000
    directives: int = 1_000
    languages: int = 5          # languages of the provincial portal
    translated: float = 0.10    # share of the province's posts translated into each other language

    @classmethod
    def preset(cls, name: str) -> Scale:
        return {
            "reference": cls(),
            "small": cls(sites=12, posts=600, directives=60),
            "tiny": cls(sites=5, posts=60, directives=8),
        }[name]


def _kinds(n: int) -> list[str]:
    """1 province, ~14% departments, the rest communes and wards (as 1:21:128 at 150)."""
    departments = max(1, round((n - 1) * 21 / 149)) if n > 2 else n - 1
    rest = n - 1 - departments
    return ["province"] + ["department"] * departments + [("commune" if i % 3 else "ward") for i in range(rest)]


def _paragraphs(rng: random.Random, n: int) -> str:
    paras = []
    for _ in range(n):
        sentences = [
            rng.choice(SENTENCES).format(s=rng.choice(SUBJECTS), v=rng.choice(VERBS), o=rng.choice(OBJECTS), p=rng.choice(PLACES))
            for _ in range(rng.randint(3, 6))
        ]
        paras.append(" ".join(sentences))
    return "\n\n".join(paras)


def _title(rng: random.Random, i: int) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} (số {i})"


def _legal_keys(rng: random.Random, sid: str, cat: str, slug: str, title: str, day: str, body: str, folder: Path,
                docs: list[str], province_docs: list[str]) -> str:
    """The front matter a document, draft or procedure needs, and its PDF (documents and drafts).

    Documents: every fifth replaces the one before it, every third amends one two before it, one in
    four of a commune's implements a provincial document (relations across sites).
    """
    issuer = f"UBND {sid}"
    if cat == "van-ban":
        n = len(docs) + 1
        doc_type, pattern = DOC_TYPES[n % len(DOC_TYPES)]
        number = pattern.format(n=n)
        docs.append(number)
        if sid == "tinh":
            province_docs.append(number)
        pdf = f"files/van-ban/{slug}.pdf"
        write_pdf(folder / pdf, [issuer, f"Số: {number}"], title, body.split("\n\n")[:2], ascii_only=True)
        keys = [f"number: {number}", f"doc_type: {doc_type}", f'issuer: "{issuer}"', "signer: Nguyễn Văn An", f"issued: {day}",
                f"fields: [{FIELDS[n % len(FIELDS)]}]", f"attachments: [{{path: {pdf}, role: full_text}}]"]
        relations = []
        if n % 5 == 0:
            relations.append(f"replaces: [{docs[n - 2]}]")
        elif n % 3 == 0:
            relations.append(f"amends: [{docs[n - 3]}]")
        elif province_docs and n % 4 == 1:
            relations.append(f'implements: [{{number: {province_docs[n % len(province_docs)]}, issuer: "UBND tinh"}}]')
        if relations:
            keys += ["relations:"] + [f"  {r}" for r in relations]
        return "\n".join(keys) + "\n"
    if cat == "du-thao":
        import datetime as dt

        start = dt.date.fromisoformat(day)
        pdf = f"files/du-thao/{slug}.pdf"
        write_pdf(folder / pdf, [issuer, "DỰ THẢO"], title, body.split("\n\n")[:1], ascii_only=True)
        return (f"comment_from: {day}\ncomment_until: {start + dt.timedelta(days=30 + len(slug) % 30)}\n"
                f'drafting_agency: "{issuer}"\nattachments: [{{path: {pdf}, role: draft}}]\n')
    if cat == "thu-tuc-hanh-chinh":
        return (f'code: "1.{rng.randint(0, 999999):06d}"\nlevel: Cấp xã\nagency: "{issuer}"\ntime_limit: "{rng.randint(1, 20)} ngày làm việc"\n'
                f'fee: "Không"\nrequired_documents: [Tờ khai theo mẫu, Bản sao giấy tờ tùy thân]\nresult: Kết quả giải quyết\n'
                f"fields: [{FIELDS[len(slug) % len(FIELDS)]}]\n")
    return ""


def link_project_files(dest: Path, source: Path) -> None:
    """Use this checkout's theme, plugins, translations and settings (symlinks, no copies)."""
    for name in ("themes", "plugins", "translations", "pelicanconf.py"):
        target = dest / name
        if target.is_symlink() or target.exists():
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
        target.symlink_to(source / name)


def generate(dest: Path, scale: Scale, source: Path, seed: int = 42) -> Path:
    """Write a synthetic project into *dest* (replacing its sites.yaml and content/)."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    if (dest / "content").exists():
        shutil.rmtree(dest / "content")
    link_project_files(dest, source)
    kinds = _kinds(scale.sites)
    langs = ["vi", "en", "ja", "zh", "ko"][: max(1, scale.languages)]
    ids = ["tinh"] + [f"{k[:2]}-{i:04d}" for i, k in enumerate(kinds[1:], 1)]
    lines = ["network:", "  home: tinh", "  default_language: vi", "  timezone: Asia/Ho_Chi_Minh", "sites:"]
    for sid, kind in zip(ids, kinds, strict=True):
        lines += [
            f"  - id: {sid}", f"    kind: {kind}", f'    name: {{vi: "Cổng thông tin {sid}"}}',
            f"    url: https://{sid}.example.vn", f'    owner: "UBND {sid}"',
        ]
        if kind == "province":
            lines.append(f"    languages: [{', '.join(langs)}]")
        else:
            lines.append("    parent: tinh")
    (dest / "sites.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    per_site = [scale.posts // scale.sites + (1 if i < scale.posts % scale.sites else 0) for i in range(scale.sites)]
    province_docs: list[str] = []
    for sid, kind, count in zip(ids, kinds, per_site, strict=True):
        sections = [s for s in DEFAULTS[kind] if s != "chi-dao-dieu-hanh"]
        folder = dest / "content" / "sites" / sid
        docs: list[str] = []
        for i in range(count):
            title = _title(rng, i)
            cat = sections[i % len(sections)]
            date = f"20{22 + i % 4}-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}"
            body = _paragraphs(rng, rng.randint(3, 6))
            slug = slugify(title)
            path = folder / cat / f"{slug}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            extra = _legal_keys(rng, sid, cat, slug, title, date[:10], body, folder, docs, province_docs if kind != "province" else [])
            path.write_text(f'---\ntitle: "{title}"\ndate: {date}\ncategory: {cat}\nsummary: "{rng.choice(OBJECTS).capitalize()}."\n'
                            f"tags: [{rng.choice(OBJECTS)}]\n{extra}---\n{body}\n", encoding="utf-8")
            if kind == "province" and rng.random() < scale.translated:
                for lang in langs[1:]:
                    path.with_suffix(f".{lang}.md").write_text(
                        f'---\ntitle: "{lang.upper()} translation {i}"\n---\nTranslated text of post {i} ({lang}).\n', encoding="utf-8")
        pages = folder / "pages"
        pages.mkdir(parents=True, exist_ok=True)
        for slug, title in (("gioi-thieu", "Giới thiệu"), ("co-cau-to-chuc", "Cơ cấu tổ chức"), ("lien-he", "Liên hệ")):
            (pages / f"{slug}.md").write_text(f"---\ntitle: {title}\n---\n{_paragraphs(rng, 2)}\n", encoding="utf-8")

    shared = dest / "content" / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    for i in range(scale.directives):
        title = f"Chỉ thị số {i + 1}/CT-UBND về {rng.choice(OBJECTS)}"
        audience = "" if i % 10 else "audience: [commune, ward]\n"
        date = f"20{23 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        (shared / f"chi-thi-{i + 1:05d}.md").write_text(
            f'---\ntitle: "{title}"\ndate: {date}\n{audience}---\n{_paragraphs(rng, rng.randint(3, 5))}\n', encoding="utf-8")
    return dest
