"""The PDF report, with fpdf2. Core fonts only cover Latin-1, so text is folded to it."""
from __future__ import annotations

import io
from datetime import datetime

from fpdf import FPDF

from coach.reports.tables import Section, Table

_HEADER_FILL = (228, 236, 244)
_LINE_H = 3.6
_PAD = 0.8  # mm around a cell's text


class _ReportPDF(FPDF):
    def __init__(self, title: str, generated: datetime):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._title = title
        self._generated = generated
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(12, 12, 12)

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font("Helvetica", "I", 8)
            self.set_text_color(120)
            self.cell(0, 5, _latin1(self._title), align="L")
            self.ln(7)
            self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(120)
        self.cell(0, 5, f"Generated {self._generated:%Y-%m-%d %H:%M} - confidential health data - "
                        f"page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)


def render(title: str, sections: list[Section], generated: datetime) -> bytes:
    pdf = _ReportPDF(title, generated)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _paragraph(pdf, 8, _latin1(title))
    pdf.ln(2)
    for s in sections:
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 12)
        _paragraph(pdf, 7, _latin1(s.title))
        pdf.set_font("Helvetica", "", 9)
        for line in s.lines:
            _paragraph(pdf, 4.5, _latin1(line))
        pdf.ln(1)
        for t in s.tables:
            _table(pdf, t)
        for caption, png in s.figures:
            width = pdf.epw
            if pdf.get_y() > pdf.h - 80:
                pdf.add_page()
            pdf.set_font("Helvetica", "B", 9)
            pdf.cell(0, 5, _latin1(caption), new_x="LMARGIN", new_y="NEXT")
            pdf.image(io.BytesIO(png), w=width)
            pdf.ln(2)
        pdf.ln(3)
    return bytes(pdf.output())


def _paragraph(pdf: FPDF, h: float, text: str) -> None:
    """``multi_cell(0, h, text)`` to the next line: a text that fits on one line goes through ``cell``,
    which writes the same line (a one-line paragraph is not justified) without ``multi_cell``'s
    character-by-character line breaking (~3 ms a line; a year's report has ~150 lines)."""
    room = pdf.w - pdf.r_margin - pdf.x - 2 * pdf.c_margin
    if "\n" not in text and _text_width(pdf, text) < room - 0.01:
        pdf.cell(0, h, text, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT")


def _baseline(cell_h: float, font_size: float) -> float:
    """Where fpdf2's ``cell`` puts a line's baseline below the cell's top (its own formula):
    ``text`` at this height draws exactly what ``cell`` draws, without ``cell``'s per-call layout
    (three times the time; a year's report draws ~15,000 cell lines)."""
    return 0.5 * cell_h + 0.3 * font_size


def _text_width(pdf: FPDF, text: str) -> float:
    """``pdf.get_string_width`` for the core fonts, from the font's own character widths: the same
    number without fpdf2's per-call text shaping, which took a third of a long report's time."""
    cw = getattr(pdf.current_font, "cw", None)
    if not isinstance(cw, dict):
        return pdf.get_string_width(text)
    try:
        return sum(cw[c] for c in text) * pdf.font_size / 1000
    except KeyError:  # a character the table does not list
        return pdf.get_string_width(text)


def _table(pdf: FPDF, t: Table) -> None:
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 5, _latin1(t.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 7 if len(t.headers) <= 10 else 6)
    _draw_table(pdf, t, _column_widths(pdf, t))
    if t.note:
        pdf.set_font("Helvetica", "I", 7)
        _paragraph(pdf, 4, _latin1(t.note))
    pdf.ln(2)


def _draw_table(pdf: FPDF, t: Table, widths: tuple[float, ...]) -> None:
    """Headings bold on a tinted band (repeated on each new page) with a line under them, then the rows;
    a cell's words wrap within its column. Drawn line by line with ``cell``: fpdf2's ``table`` lays out
    every cell as a paragraph, twice (~3 ms a cell), and a year's report has tens of thousands of cells
    (bench/caseload.py: minutes)."""
    size, family = pdf.font_size_pt, pdf.font_family
    margin, pdf.c_margin = pdf.c_margin, _PAD
    measured: dict[tuple[str, bool], float] = {}

    def width(text: str, bold: bool) -> float:
        key = (text, bold)
        if key not in measured:
            measured[key] = _text_width(pdf, text)
        return measured[key]

    def lines(text: str, room: float, bold: bool) -> list[str]:
        out, line = [], ""
        for word in _latin1(text).split(" "):
            trial = f"{line} {word}" if line else word
            if line and width(trial, bold) > room:
                out.append(line)
                line = word
            else:
                line = trial
        return out + [line]

    def row(cells, bold: bool, fill: bool) -> None:
        wrapped = [lines(c, w - 2 * _PAD, bold) for c, w in zip(cells, widths)]
        height = max(len(w) for w in wrapped) * _LINE_H + 2 * _PAD
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if not bold:
                headings()
        x, y = pdf.l_margin, pdf.get_y()
        if fill:
            pdf.set_fill_color(*_HEADER_FILL)
            pdf.rect(x, y, sum(widths), height, style="F")
        baseline = y + _PAD + _baseline(_LINE_H, pdf.font_size)
        for cell_lines, w in zip(wrapped, widths):
            for k, text in enumerate(cell_lines):
                if text:
                    pdf.text(x + _PAD, baseline + k * _LINE_H, text)
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    def headings() -> None:
        pdf.set_font(family, "B", size)
        row(t.headers, True, True)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + sum(widths), pdf.get_y())
        pdf.set_font(family, "", size)

    headings()
    for cells in t.rows:
        row(cells, False, False)
    pdf.c_margin = margin


def _column_widths(pdf: FPDF, t: Table, padding_mm: float = 2.4) -> tuple[float, ...]:
    """Column widths in mm that fill the page: each column at least as wide as its longest word
    (header in bold, cells in regular), so no word is ever broken; the rest shared by content length."""
    family, style, size = pdf.font_family, pdf.font_style, pdf.font_size_pt

    def measure(bold: bool, texts) -> list[float]:  # one font change per style, not one per text
        pdf.set_font(family, "B" if bold else "", size)
        return [_text_width(pdf, _latin1(text)) for text in texts]

    columns = [[row[i] for row in t.rows] for i in range(len(t.headers))]
    heads = measure(True, t.headers)
    head_words = [measure(True, h.split()) for h in t.headers]
    pdf.set_font(family, "", size)
    measured: dict[str, float] = {}

    def width(text: str) -> float:
        if text not in measured:
            measured[text] = _text_width(pdf, _latin1(text))
        return measured[text]

    mins, wants = [], []
    for head, words, cells in zip(heads, head_words, columns):
        word = max(words + [width(w) for c in cells for w in c.split()] + [1.0])
        mins.append(word + padding_mm)
        wants.append(min(max([head] + [width(c) for c in cells]), 60.0) + padding_mm)
    pdf.set_font(family, style, size)
    room = pdf.epw
    if sum(wants) <= room:  # everything fits on one line: share the spare room by content
        return tuple(w * room / sum(wants) for w in wants)
    if sum(mins) >= room:  # even single words do not fit: as narrow as the words allow
        return tuple(m * room / sum(mins) for m in mins)
    spare, extra = room - sum(mins), [w - m for w, m in zip(wants, mins)]
    return tuple(m + spare * e / sum(extra) for m, e in zip(mins, extra))


def _latin1(text: str) -> str:
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2192", "->").replace("\u00d7", "x")
    return text.encode("latin-1", "replace").decode("latin-1")
