"""Small PDFs with Vietnamese text (fpdf2), for the sample network, the synthetic network and the tests.

The text is written with a Unicode TrueType font — Debian's DejaVu Sans (``fonts-dejavu-core``,
which ``make`` installs) — so that it is extractable as Vietnamese; without that font the text is
folded to ASCII and written with a PDF core font (still extractable, for benchmarks).
"""

from __future__ import annotations

from pathlib import Path

from portal.model.text import fold

FONT_PATHS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)
#: a fixed creation date: the same text gives the same bytes (the sample's PDFs are committed)
CREATED = (2026, 1, 1)


def font() -> Path | None:
    return next((p for p in FONT_PATHS if p.is_file()), None)


def write_pdf(path: Path, heading: list[str], title: str, paragraphs: list[str], *, scanned: bool = False,
              ascii_only: bool = False) -> Path:
    """Write a one- or two-page A4 PDF: *heading* lines (agency, number, place and date), *title*, *paragraphs*.

    *scanned*: draw only shapes and no text (as a scan without OCR), for tests. *ascii_only*: the
    text folded to ASCII in a core font (no font embedded: 5× faster to write, for benchmarks).
    """
    import datetime as dt

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(*CREATED, tzinfo=dt.UTC))
    pdf.set_creator("portal")
    pdf.set_producer("portal")
    ttf = None if ascii_only else font()
    if ttf is not None:
        pdf.add_font("DejaVu", "", str(ttf))
        family, text = "DejaVu", (lambda s: s)
    else:
        family, text = "helvetica", (lambda s: fold(s).encode("latin-1", "replace").decode("latin-1"))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    if scanned:
        for i in range(12):
            pdf.rect(20, 20 + i * 12, 170 - (i % 4) * 20, 6, style="F")
    else:
        pdf.set_font(family, size=10)
        for line in heading:
            pdf.multi_cell(0, 6, text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(family, size=13)
        pdf.multi_cell(0, 8, text(title), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(family, size=11)
        for para in paragraphs:
            pdf.multi_cell(0, 6, text(para), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path
