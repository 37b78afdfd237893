#!/usr/bin/env python3
"""Write the PDF attachments of the sample network's documents and drafts from their Markdown.

    .venv/bin/python scripts/make-sample-pdfs.py [--force]     (or: make sample-pdfs)

For every post of a site's ``van-ban/`` and ``du-thao/`` folders, each attachment (and a draft's
``report``) that does not exist yet is written as a small PDF in Vietnamese with extractable text
(fpdf2 with Debian's DejaVu Sans, :mod:`portal.bench.pdf`): the heading of the issuing agency and
the number, the title, then the post's summary and body. The PDFs are committed: a build never
needs this script. ``--force`` writes every one again.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from portal.bench.pdf import font, write_pdf  # noqa: E402
from portal.model import catalogue  # noqa: E402
from portal.model.content import read_post  # noqa: E402
from portal.model.sites import load_network  # noqa: E402

HEADINGS = {"draft": "DỰ THẢO", "submission": "TỜ TRÌNH", "impact_report": "BÁO CÁO ĐÁNH GIÁ TÁC ĐỘNG CỦA CHÍNH SÁCH",
            "report": "BÁO CÁO TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý", "appendix": "PHỤ LỤC"}
_MARKUP = re.compile(r"^(#+\s*|[-*]\s+|\d+\.\s+)|\*\*|__|`")


def paragraphs(body: str) -> list[str]:
    return [_MARKUP.sub("", line).strip() for line in body.split("\n") if line.strip() and not line.startswith("<!--")]


def main(argv: list[str]) -> int:
    force = "--force" in argv
    if font() is None:
        print("DejaVu Sans is missing: install fonts-dejavu-core (make sample-pdfs does)", file=sys.stderr)
        return 2
    network = load_network(ROOT)
    tz = ZoneInfo(network.timezone)
    written = 0
    for site in network.sites:
        folder = catalogue.site_dir(ROOT, site.id)
        for sub in ("van-ban", "du-thao"):
            for path in sorted((folder / sub).glob("*.md")) if (folder / sub).is_dir() else []:
                if path.name.count(".") > 1:
                    continue  # a translation
                post = read_post(path, ROOT, site=site.id, kind="article", tz=tz)
                meta = post.meta
                items = list(meta.get("attachments") or [])
                if meta.get("report"):
                    items.append({"path": meta["report"], "role": "report"})
                issuer = str(meta.get("issuer") or meta.get("drafting_agency") or site.owner.get("vi", site.name()))
                for i, item in enumerate(items):
                    rel = item["path"] if isinstance(item, dict) else item
                    role = item.get("role", "full_text") if isinstance(item, dict) else ("full_text" if i == 0 else "appendix")
                    target = folder / str(rel)
                    if target.exists() and not force:
                        continue
                    heading = [issuer.upper(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
                    if meta.get("number") and role == "full_text":
                        heading.append(f"Số: {meta['number']}")
                    if meta.get("issued"):
                        y, m, d = str(meta["issued"]).split("-")
                        heading.append(f"Bắc Ninh, ngày {d} tháng {m} năm {y}")
                    title = f"{HEADINGS[role]}\n{post.title}" if role in HEADINGS else post.title
                    text = [str(meta.get("summary") or ""), *paragraphs(post.body)]
                    if role == "report":
                        text = [f"Cơ quan soạn thảo đã nhận được ý kiến góp ý của các cơ quan, tổ chức và người dân đối với {post.title.lower()}.",
                                "Các ý kiến hợp lý đã được tiếp thu; ý kiến chưa tiếp thu được giải trình rõ lý do trong báo cáo này."]
                    write_pdf(target, heading, title, text)
                    written += 1
                    print(target.relative_to(ROOT))
    print(f"{written} PDF(s) written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
