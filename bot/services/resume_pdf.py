"""A one-page PDF of résumé lines, drawn with fpdf2 (pure Python, kept up, no system
libraries) in DejaVu Sans, a Unicode TrueType font bundled under bot/fonts under its own
licence, so "Certificación", "Año" and "Señal" render as typed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

FONTS = Path(__file__).resolve().parents[1] / "fonts"
FAMILY = "DejaVu"
FOOT = 25.0  # millimetres kept free at the bottom for the note


def resume_pdf(title: str, lines: list[str], note: str, created: datetime) -> tuple[bytes, int]:
    """`title` above one paragraph per line and `note` at the foot, on one page: lines
    that would not fit are left off. Returns the PDF and how many lines it holds."""
    # Imported here, on the first résumé: fpdf2 and fontTools are 19 MB of every bot
    # process's memory otherwise, for a command most workers never use.
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(False)  # one page by construction: lines are capped instead
    pdf.set_creation_date(created)  # from the bot's clock: the same input, the same file
    pdf.set_title(title)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 10.5)
    shown = 0
    for line in lines:
        height = pdf.multi_cell(0, 5.5, "• " + line, dry_run=True, output="HEIGHT")
        if pdf.get_y() + height > pdf.h - FOOT:
            break
        pdf.multi_cell(0, 5.5, "• " + line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
        shown += 1
    if note:
        pdf.ln(3)
        pdf.set_font(FAMILY, "", 8.5)
        pdf.multi_cell(0, 4.5, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output()), shown
