"""The PDF tables' lines are drawn with fpdf2's ``text`` at the baseline ``cell`` would use
(coach.reports.pdf._baseline): the page must hold exactly what ``cell`` writes, in both styles and
with the characters a PDF string escapes."""
from __future__ import annotations

from fpdf import FPDF

from coach.reports.pdf import _PAD, _baseline

LINES = (("", 7, 20.0, 30.0, "Sit to stand (both sides) x3"), ("B", 7, 61.5, 30.0, "Rep \\ time (s)"),
         ("", 6, 12.0, 271.3, "Hands on thighs: 4"))


def _page(draw) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.c_margin = _PAD
    for style, size, x, y, text in LINES:
        pdf.set_font("Helvetica", style, size)
        draw(pdf, x, y, text)
    return bytes(pdf.pages[1].contents)


def test_text_at_the_cell_baseline_writes_what_cell_writes():
    def by_cell(pdf, x, y, text):
        pdf.set_xy(x, y)
        pdf.cell(30, 3.6, text)

    def by_text(pdf, x, y, text):
        pdf.text(x + _PAD, y + _baseline(3.6, pdf.font_size), text)

    made = _page(by_cell)
    assert made.count(b" Tj") == len(LINES)
    assert _page(by_text) == made


def test_a_paragraph_is_what_multi_cell_writes_short_or_long():
    from coach.reports.pdf import _paragraph

    texts = ("Patient P001: 72 years, female, stroke, affected side: right", "(a) \\ b  two spaces ",
             "Left out of trends and suggestions: " + "; ".join(f"session {i} by anna (a visitor was counted)"
                                                                for i in range(6)), "")

    def page(write) -> bytes:
        pdf = FPDF(format="A4")
        pdf.add_page()
        pdf.set_margins(12, 12, 12)
        pdf.set_font("Helvetica", "", 9)
        for text in texts:
            write(pdf, text)
        return bytes(pdf.pages[1].contents), pdf.get_y()

    assert page(lambda pdf, text: _paragraph(pdf, 4.5, text)) == \
        page(lambda pdf, text: pdf.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT"))
