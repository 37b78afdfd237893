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
            press = f'period: {date[:7]}\nspokesperson: "Chánh Văn phòng"\n' if cat == "thong-tin-bao-chi" else ""
            extra = _legal_keys(rng, sid, cat, slug, title, date[:10], body, folder, docs, province_docs if kind != "province" else [])
            path.write_text(f'---\ntitle: "{title}"\ndate: {date}\ncategory: {cat}\nsummary: "{rng.choice(OBJECTS).capitalize()}."\n'
                            f"{press}tags: [{rng.choice(OBJECTS)}]\n{extra}---\n{body}\n", encoding="utf-8")
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


# --------------------------------------------------------------------------- a network with history


#: how a site publishes over the months: a factor per month (index 0 = the oldest month)
PROFILES = {
    "steady": lambda i, n: 1.0,
    "growing": lambda i, n: 0.3 + 1.4 * i / max(1, n - 1),
    "declining": lambda i, n: 1.7 - 1.4 * i / max(1, n - 1),
    "sporadic": lambda i, n: (1.8 if i % 3 == 0 else 0.3),
    "lapsing": lambda i, n: (0.0 if i in (n // 2, n // 2 + 1) else 1.1),
}


@dataclass
class _Batch:
    """One pull request: files added (path → text) and renamed (old → new), by one site's editor, merged at *merged*."""

    site: str
    authored: int
    merged: int
    files: dict[str, str]
    renames: dict[str, str]


def _fast_import(dest: Path, initial: dict[str, tuple[str, str]], batches: list[_Batch], start: int) -> None:
    """Write the history with ``git fast-import``: the initial commit, then each batch as a branch commit merged into main."""
    import subprocess

    chunks: list[bytes] = []

    def data(text: str | bytes) -> None:
        raw = text.encode("utf-8") if isinstance(text, str) else text
        chunks.append(f"data {len(raw)}\n".encode() + raw + b"\n")

    def who(name: str, email: str, when: int) -> bytes:
        return f"{name} <{email}> {when} +0700\n".encode()

    mark = 1
    chunks.append(b"commit refs/heads/main\nmark :1\n" + b"author " + who("Trung tâm CNTT", "ttcntt@example.vn", start)
                  + b"committer " + who("Trung tâm CNTT", "ttcntt@example.vn", start))
    data("Khởi tạo mạng lưới cổng thông tin")
    for path, (mode, text) in sorted(initial.items()):
        chunks.append(f"M {mode} inline {path}\n".encode())
        data(text)
    main = 1
    for b in batches:
        blobs: dict[str, int] = {}
        for path, text in b.files.items():
            mark += 1
            chunks.append(f"blob\nmark :{mark}\n".encode())
            data(text)
            blobs[path] = mark
        mark += 1
        branch = mark
        editor = (f"Biên tập viên {b.site}", f"btv@{b.site}.example.vn")
        chunks.append(f"commit refs/heads/de-xuat\nmark :{branch}\n".encode() + b"author " + who(*editor, b.authored)
                      + b"committer " + who(*editor, b.authored))
        data(f"{b.site}: bài mới")
        chunks.append(f"from :{main}\n".encode())
        changes = b"".join(f"M 100644 :{m} {p}\n".encode() for p, m in blobs.items())
        changes += b"".join(f"R {old} {new}\n".encode() for old, new in b.renames.items())
        chunks.append(changes)
        mark += 1
        board = (f"Ban Biên tập {b.site}", f"btb@{b.site}.example.vn")
        chunks.append(f"commit refs/heads/main\nmark :{mark}\n".encode() + b"author " + who(*board, b.merged)
                      + b"committer " + who(*board, b.merged))
        data(f"Duyệt đăng: {b.site}")
        chunks.append(f"from :{main}\nmerge :{branch}\n".encode() + changes)
        main = mark
    chunks.append(b"done\n")
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    subprocess.run(["git", "fast-import", "--quiet", "--done"], input=b"".join(chunks), cwd=dest, check=True)
    subprocess.run(["git", "branch", "-q", "-D", "de-xuat"], cwd=dest, check=False)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=dest, check=True)


DETAIL_WORDS = ["mã hồ sơ", "kinh phí", "số hộ", "thôn", "tờ trình", "diện tích", "lượt", "km", "số người", "điểm"]


def _details(rng: random.Random) -> str:
    """A paragraph of figures (codes, amounts, counts): what makes one real news item unlike another."""
    return "Số liệu: " + ", ".join(f"{w} {rng.randint(10, 99999)}" for w in rng.choices(DETAIL_WORDS, k=25)) + "."


def generate_history(dest: Path, scale: Scale, source: Path, months: int = 12, until: tuple[int, int] | None = None,
                     seed: int = 42) -> Path:
    """A synthetic network in a new Git repository at *dest*, with *months* months of merges (issue 17).

    The last month is *until* (year, month), by default the month before this one, so that every
    month is complete. Each site publishes by a profile (steady, growing, declining, sporadic,
    lapsing: two months with nothing), and leaves some sections without news for months; posts are
    merged as pull requests (a branch commit by the site's editor, a merge by its board, dated in
    the month), some with back-dated front matter, some reposting another portal's news (near
    duplicates), some very short; documents carry issue dates (some published late), notices
    deadlines; a few files are renamed in a later month. Half the sites have an interaction export
    (``data/interaction/``) for each month; one month has a board adjustment. *dest* must not exist
    or be empty. Returns *dest*.
    """
    import calendar
    import datetime as dt
    import json

    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise ValueError(f"{dest} is not empty: a history is written into a new folder")
    if until is None:
        today = dt.date.today()
        until = (today.year - (today.month == 1), (today.month - 2) % 12 + 1)
    month_list = []
    y, m = until
    for _ in range(months):
        month_list.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    month_list.reverse()
    kinds = _kinds(scale.sites)
    langs = ["vi", "en", "ja", "zh", "ko"][: max(1, scale.languages)]
    ids = ["tinh"] + [f"{k[:2]}-{i:04d}" for i, k in enumerate(kinds[1:], 1)]
    lines = ["network:", "  home: tinh", "  default_language: vi", "  timezone: Asia/Ho_Chi_Minh", "sites:"]
    for n, (sid, kind) in enumerate(zip(ids, kinds, strict=True)):
        lines += [f"  - id: {sid}", f"    kind: {kind}", f'    name: {{vi: "Cổng thông tin {sid}"}}', f"    url: https://{sid}.example.vn"]
        lines.append(f"    languages: [{', '.join(langs)}]" if kind == "province" else
                     ("    languages: [vi, en]" if kind == "department" and n % 2 else ""))
        if kind != "province":
            lines.append("    parent: tinh")
        if n % 3:
            lines.append(f'    contact: {{address: "Số {n} đường Lý Thái Tổ", phone: "0222 3822 {n:03d}", email: "btb@{sid}.example.vn"}}')
    initial: dict[str, tuple[str, str]] = {
        "sites.yaml": ("100644", "\n".join(x for x in lines if x) + "\n"),
        ".gitignore": ("100644", ".cache/\noutput/\n"),
    }
    if (source / "scoring.yaml").is_file():
        initial["scoring.yaml"] = ("100644", (source / "scoring.yaml").read_text(encoding="utf-8"))
    for name in ("themes", "plugins", "translations", "pelicanconf.py"):
        initial[name] = ("120000", str((source / name).resolve()))
    for sid in ids:
        for slug, title in (("gioi-thieu", "Giới thiệu"), ("co-cau-to-chuc", "Cơ cấu tổ chức"), ("lien-he", "Liên hệ")):
            initial[f"content/sites/{sid}/pages/{slug}.md"] = ("100644", f"---\ntitle: {title}\n---\n{_paragraphs(rng, 2)}\n")
    tz = dt.timezone(dt.timedelta(hours=7))
    y0, m0 = month_list[0]
    start = int(dt.datetime(y0, m0, 1, 7, 0, tzinfo=tz).timestamp()) - 86400 * 20

    profiles = list(PROFILES)
    site_profile = {sid: ("steady" if sid == "tinh" else profiles[i % len(profiles)]) for i, sid in enumerate(ids)}
    weights = {sid: sum(PROFILES[site_profile[sid]](i, months) for i in range(months)) or 1.0 for sid in ids}
    per_site = [scale.posts // scale.sites + (1 if i < scale.posts % scale.sites else 0) for i in range(scale.sites)]
    batches: list[_Batch] = []
    counter = 0
    published: list[tuple[str, str, str]] = []   # (site, path, text) of earlier posts, for reposts
    renamable: list[tuple[str, str]] = []
    for mi, (yy, mm) in enumerate(month_list):
        days = calendar.monthrange(yy, mm)[1]
        for si, (sid, kind, total) in enumerate(zip(ids, kinds, per_site, strict=True)):
            factor = PROFILES[site_profile[sid]](mi, months)
            count = round(total * factor / weights[sid])
            if not count:
                continue
            sections = [s for s in DEFAULTS[kind] if s != "chi-dao-dieu-hanh"]
            neglected = set(sections[-(si % 4):]) if si % 4 else set()   # sections this site leaves without news
            live = [s for s in sections if s not in neglected] or sections
            files: dict[str, str] = {}
            day = 1 + (si * 7 + mi) % (days - 1)
            merged_at = dt.datetime(yy, mm, day, 9 + si % 8, (si * 13) % 60, tzinfo=tz)
            for k in range(count):
                counter += 1
                cat = "tin-tuc" if k % 2 == 0 else live[(k // 2 + mi) % len(live)]
                title = _title(rng, counter)
                back = rng.random() < 0.1
                shown = merged_at - dt.timedelta(days=rng.randint(35, 90) if back else rng.randint(0, 2))
                extra = ""
                if cat == "van-ban":
                    issued = merged_at.date() - dt.timedelta(days=rng.choice([1, 2, 3, 4, 9, 15]))
                    extra = f'number: "{counter}/QĐ-UBND"\ndoc_type: Quyết định\nissued: {issued.isoformat()}\n'
                elif cat == "du-thao":  # a draft for comment: open 30 days (or too few), its report published or not
                    until = merged_at.date() + dt.timedelta(days=rng.choice([29, 19]))
                    extra = f"comment_from: {merged_at.date().isoformat()}\ncomment_until: {until.isoformat()}\n"
                    extra += "report: files/bao-cao-tong-hop-y-kien.pdf\n" if rng.random() < 0.6 else ""
                elif cat == "thong-tin-bao-chi":  # a press release (issue 16): the month it covers, its spokesperson
                    extra = f'period: {merged_at:%Y-%m}\nspokesperson: "Chánh Văn phòng"\n'
                elif cat == "thong-bao" and rng.random() < 0.5:
                    extra = f"expires: {(merged_at.date() + dt.timedelta(days=rng.choice([-2, 1, 5, 14]))).isoformat()}\n"
                image = 'image: files/anh.jpg\nimage_alt: "Ảnh minh họa"\n' if rng.random() < 0.2 else ""
                r = rng.random()
                if r < 0.04 and published:
                    _osite, _opath, body = rng.choice(published[-400:])
                    body = body + "\n\n(Theo Cổng thông tin điện tử tỉnh.)"
                elif r < 0.08:
                    body = "Tin vắn: hội nghị diễn ra sáng nay."
                else:
                    body = _paragraphs(rng, rng.randint(3, 6)) + "\n\n" + _details(rng)
                path = f"content/sites/{sid}/{cat}/{slugify(title)}.md"
                files[path] = (f'---\ntitle: "{title}"\ndate: {shown.strftime("%Y-%m-%d %H:%M")}\ncategory: {cat}\n{extra}{image}'
                               f'summary: "{rng.choice(OBJECTS).capitalize()}."\n---\n{body}\n')
                published.append((sid, path, body))
                if rng.random() < 0.01:
                    renamable.append((sid, path))
            renames: dict[str, str] = {}
            for rsid, old in [x for x in renamable if x[0] == sid and x[1] not in files][:1]:
                renamable.remove((rsid, old))
                renames[old] = old.replace(".md", "-sua-ten.md")
            batches.append(_Batch(sid, int((merged_at - dt.timedelta(hours=20)).timestamp()), int(merged_at.timestamp()),
                                  files, renames))
        directives: dict[str, str] = {}
        for d in range(max(1, scale.directives // months)):
            counter += 1
            audience = "" if d % 10 else "audience: [commune, ward]\n"
            directives[f"content/shared/chi-thi-{counter:06d}.md"] = (
                f'---\ntitle: "Chỉ thị số {counter}/CT-UBND về {rng.choice(OBJECTS)}"\ndate: {yy}-{mm:02d}-{min(days, 10 + d % 15):02d}\n'
                f"{audience}---\n{_paragraphs(rng, rng.randint(3, 5))}\n\n{_details(rng)}\n")
        at = dt.datetime(yy, mm, min(days, 12), 15, 0, tzinfo=tz)
        batches.append(_Batch("tinh", int(at.timestamp()) - 3600, int(at.timestamp()), directives, {}))
        extras: dict[str, str] = {}
        for si, sid in enumerate(ids):
            if si % 2 == 0:
                received = 5 + (si + mi) % 9
                on_time = received - (si + mi) % 3
                extras[f"data/interaction/{sid}/{yy}-{mm:02d}.json"] = json.dumps({  # the service's schema 1
                    "schema": 1, "site": sid, "month": f"{yy}-{mm:02d}",
                    "questions": {"received": received, "answered": received - (mi % 2), "answered_on_time": on_time - (mi % 2),
                                  "overdue": mi % 2, "open": mi % 2, "average_days": 3.5 + si % 5, "forwarded_out": 0,
                                  "duplicates": 0, "rejected": 0},
                    "ratings": {"count": 3 + (si * 7 + mi) % 40, "average": round(3 + ((si + mi) % 20) / 10, 1)},
                    "drafts": [],
                }, ensure_ascii=False, indent=1) + "\n"
        if mi == months - 2 and len(ids) > 2:
            extras[f"scoring/adjustments/{yy}-{mm:02d}.yaml"] = (
                'approved_by: "Trưởng Ban Biên tập Cổng Thông tin điện tử tỉnh"\nadjustments:\n'
                f'  - site: {ids[2]}\n    deduction: correction\n    reason: "Đính chính tin sai số liệu sau phản ánh của người dân"\n')
        close = dt.datetime(yy, mm, days, 23, 0, tzinfo=tz) + dt.timedelta(days=1)
        batches.append(_Batch("tinh", int(close.timestamp()) - 3600, int(close.timestamp()), extras, {}))
    _fast_import(dest, initial, batches, start)
    return dest
