"""The evidence report as a PDF, laid out with fpdf2 (docs/evidence-pdf.md says why fpdf2).

The report a practice hands to a patient or a journal: numbers, figures, methods,
limitations. A block is (style, text) with style h1/h2/p/li, or ("figure", Figure): the same
``figure_data.Figure`` the page draws as SVG, drawn here once as vector paths
(``pdf_figures.py``) and kept whole on one page. Text is set in DejaVu Sans, vendored in
``fonts/`` with its licence, because the PDF core fonts cannot show "Protokół Łódź", Greek
or Cyrillic; fpdf2 embeds only the glyphs used and wraps lines by the font's real widths.
Clinic-entered text (protocol names) is printed as plain text, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

from django.utils.translation import get_language, gettext
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from mesoclinic.evidence.figure_data import Figure
from mesoclinic.evidence.pdf_figures import draw_figure, figure_height

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
MARGIN_PT = 56.0
FOOTER_PT = 36.0  # the footer's baseline above the page's bottom edge
PAGES_ALIAS = "{report-pages}"  # replaced by the page count when the PDF is written

# (bold, size in pt, line height in pt, space above in pt) per text style
STYLES: dict[str, tuple[bool, float, float, float]] = {
    "h1": (True, 16, 20, 0),
    "h2": (True, 12, 16, 10),
    "p": (False, 9.5, 13, 2),
    "li": (False, 9.5, 13, 2),
}
BULLET_INDENT_PT = 11.0
FIGURE_SPACE_ABOVE_PT = 8.0
KEEP_WITH_HEADING_PT = 48.0  # a heading never ends a page: room for it and about three lines

Block = tuple[str, "str | Figure"]


class ReportPDF(FPDF):
    """A4 in points, DejaVu Sans, and a footer with the title and "page n of N"."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="pt", format="A4")
        self.report_title = title
        self.add_font(FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN_PT, MARGIN_PT, MARGIN_PT)
        self.set_auto_page_break(True, margin=MARGIN_PT)
        self.alias_nb_pages(PAGES_ALIAS)
        self.set_title(title)
        self.set_creator("mesoclinic")
        # The document's language, for screen readers and hyphenation: the active one.
        self.set_lang(get_language() or "en")
        self.c_margin = 0  # text starts exactly at the margin, as the figures do

    @property
    def text_width_pt(self) -> float:
        return self.w - self.l_margin - self.r_margin

    @property
    def room_pt(self) -> float:
        """Height left on the current page above the bottom margin."""
        return self.page_break_trigger - self.y

    def use_font(self, size_pt: float, *, bold: bool = False) -> None:
        self.set_font(FAMILY, "B" if bold else "", size_pt)

    def style(self, name: str) -> float:
        """Set the font of a text style; returns its line height."""
        bold, size, line_h, _ = STYLES[name]
        self.use_font(size, bold=bold)
        return line_h

    def footer(self) -> None:
        self.set_y(-FOOTER_PT - 8)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(90)
        text = gettext("%(title)s · page %(page)s of %(pages)s") % {
            "title": self.report_title,
            "page": self.page_no(),
            "pages": PAGES_ALIAS,
        }
        self.cell(self.text_width_pt, 10, text, align=Align.L)
        self.set_text_color(0)

    def wrapped_lines(self, text: str, width: float) -> int:
        """How many lines ``text`` takes at ``width`` in the current font (nothing is drawn)."""
        # output=LINES makes multi_cell return the wrapped lines (its return type is a union)
        lines = self.multi_cell(width, 10, text, dry_run=True, output=MethodReturnValue.LINES)
        return len(cast("list[str]", lines))

    def paragraph(self, style: str, text: str, *, keep_with_next_pt: float = 0.0) -> None:
        """One block of text; it starts a new page rather than leave its first line (and, for
        a heading, ``keep_with_next_pt`` of what follows) at the foot of this one."""
        line_h = self.style(style)
        space_above = STYLES[style][3] if self.y > self.t_margin else 0.0
        if self.room_pt < space_above + line_h + keep_with_next_pt:
            self.add_page()  # fpdf2 restores the font and colours the footer changed
        else:
            self.set_y(self.y + space_above)
        left = self.l_margin
        if style == "li":
            self.text(left, self.y + line_h * 0.75, "•")
            left += BULLET_INDENT_PT
        self.set_x(left)
        self.multi_cell(self.w - self.r_margin - left, line_h, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip


def _keep_with_heading(pdf: ReportPDF, following: Block | None) -> float:
    """How much of what follows a heading must fit beside it: a whole figure, or a few lines."""
    if following is not None and isinstance(following[1], Figure):
        return FIGURE_SPACE_ABOVE_PT + figure_height(pdf, following[1])
    return KEEP_WITH_HEADING_PT


def report_pdf(title: str, blocks: Sequence[Block]) -> bytes:
    """A4 pages of the blocks; a figure that does not fit the page's rest starts a new page."""
    pdf = ReportPDF(title)
    pdf.add_page()
    for index, (style, content) in enumerate(blocks):
        if isinstance(content, Figure):
            height = figure_height(pdf, content)
            if FIGURE_SPACE_ABOVE_PT + height > pdf.room_pt:
                pdf.add_page()
            elif pdf.y > pdf.t_margin:
                pdf.set_y(pdf.y + FIGURE_SPACE_ABOVE_PT)
            top = pdf.y
            draw_figure(pdf, content, top=top)
            pdf.set_y(top + height)
        elif style in ("h1", "h2"):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            pdf.paragraph(style, content, keep_with_next_pt=_keep_with_heading(pdf, following))
        else:
            pdf.paragraph(style, content)
    return bytes(pdf.output())
