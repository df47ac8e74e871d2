"""The evidence figures drawn into the report PDF (pdf.py) as vector paths with fpdf2.

Each ``figure_data.Figure`` — the same numbers the page's SVG (plots.py) draws — is drawn
once: title, plot, axis, labels and a caption wrapped by the font's glyph widths.
``figure_height`` says how tall it will be, so pdf.py keeps it whole on one page. Axis ranges
and ticks come from the chart plotter's ``value_axis`` and colours from its palette, as on the
page; the model mean's band is the page's translucent tint. Coordinates are points from the
page's top-left corner (fpdf2's), y growing downwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_noop

from mesoclinic.charts.estimates import MAX_TRAJECTORIES, _num
from mesoclinic.charts.lines import PALETTE, value_axis

if TYPE_CHECKING:
    from mesoclinic.evidence.figure_data import Figure
    from mesoclinic.evidence.pdf import ReportPDF

TITLE_H, AXIS_H, BOTTOM_GAP = 18.0, 30.0, 16.0
ROW_H, TRAJECTORY_H = 16.0, 160.0
LABEL_MIN_W, LABEL_MAX_W, LABEL_GAP = 60.0, 200.0, 8.0  # the row labels' column, in points
FONT_PT, TITLE_PT, CAPTION_PT, CAPTION_LINE_H = 7.5, 10.0, 7.5, 9.5
AXIS, GRID, TEXT, COURSE = "#666666", "#dddddd", "#222222", "#9aa5b1"
REFERENCE = "#44546a"
BAND_OPACITY = 0.18  # as the page's SVG band
SESSIONS_LABEL = gettext_noop("Sessions completed before the reading")


def _plot_height(figure: Figure) -> float:
    if figure.kind == "trajectories":
        return TRAJECTORY_H
    return ROW_H * len(figure.bars if figure.kind == "bars" else figure.intervals) + 6


def figure_height(pdf: ReportPDF, figure: Figure) -> float:
    """Title, plot, axis and the wrapped caption, in points."""
    pdf.use_font(CAPTION_PT)
    caption_lines = pdf.wrapped_lines(figure.desc, pdf.text_width_pt)
    return TITLE_H + _plot_height(figure) + AXIS_H + caption_lines * CAPTION_LINE_H + BOTTOM_GAP


def draw_figure(pdf: ReportPDF, figure: Figure, *, top: float) -> None:
    """Draw one figure with its top-left corner at the left margin and ``top``."""
    left, width = pdf.l_margin, pdf.text_width_pt
    pdf.use_font(TITLE_PT, bold=True)
    pdf.set_text_color(0)
    pdf.text(left, top + 11, figure.title)
    plot_top = top + TITLE_H
    bottom = plot_top + _plot_height(figure)
    with pdf.local_context():
        if figure.kind == "trajectories":
            _trajectories(pdf, figure, left, width, plot_top, bottom)
        elif figure.kind == "bars":
            _bars(pdf, figure, left, width, plot_top, bottom)
        else:
            _intervals(pdf, figure, left, width, plot_top, bottom)
    pdf.use_font(CAPTION_PT)
    pdf.set_text_color(TEXT)
    pdf.set_xy(left, bottom + AXIS_H)
    pdf.multi_cell(width, CAPTION_LINE_H, figure.desc, align="L")
    pdf.set_text_color(0)


def _label(pdf: ReportPDF, x: float, y: float, text: str, *, anchor: str = "start") -> None:
    """Text with its baseline at ``y``, starting at, centred on or ending at ``x``."""
    shift = {"start": 0.0, "middle": 0.5, "end": 1.0}[anchor] * pdf.get_string_width(text)
    pdf.text(x - shift, y, text)


def _fit(pdf: ReportPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` at the current font's glyph widths."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _label_column(pdf: ReportPDF, labels: Sequence[str]) -> float:
    """As wide as the longest row label, within bounds that leave the plot most of the width."""
    pdf.use_font(FONT_PT)
    widest = max((pdf.get_string_width(label) for label in labels), default=0.0)
    return min(max(widest + LABEL_GAP, LABEL_MIN_W), LABEL_MAX_W)


def _line(pdf: ReportPDF, x1: float, y1: float, x2: float, y2: float, *, colour: str = AXIS, width: float = 0.5) -> None:  # fmt: skip
    pdf.set_draw_color(colour)
    pdf.set_line_width(width)
    pdf.line(x1, y1, x2, y2)


def _x_axis(pdf: ReportPDF, figure: Figure, values: Sequence[float], x0: float, width: float, plot_top: float, bottom: float) -> tuple[float, float]:  # fmt: skip
    """Grid, ticks and label of a horizontal value axis; returns its lower and upper bound."""
    lower, upper, ticks = value_axis(values)
    pdf.use_font(FONT_PT)
    pdf.set_text_color(TEXT)
    for tick in ticks:
        x = x0 + (tick - lower) / (upper - lower) * width
        _line(pdf, x, plot_top, x, bottom, colour=GRID)
        _label(pdf, x, bottom + 10, _num(tick), anchor="middle")
    _line(pdf, x0, bottom, x0 + width, bottom)
    _label(pdf, x0 + width / 2, bottom + 24, figure.axis_label, anchor="middle")
    return lower, upper


def _intervals(pdf: ReportPDF, figure: Figure, left: float, width: float, plot_top: float, bottom: float) -> None:  # fmt: skip
    label_w = _label_column(pdf, [r.label for r in figure.intervals])
    x0, span = left + label_w, width - label_w - 10
    values = [v for r in figure.intervals for v in (r.estimate, r.low, r.high)]
    if figure.reference is not None:
        values.append(figure.reference)
    lower, upper = _x_axis(pdf, figure, values, x0, span, plot_top, bottom)

    def x(value: float) -> float:
        return x0 + (value - lower) / (upper - lower) * span

    if figure.reference is not None:
        pdf.set_dash_pattern(dash=3, gap=2)
        _line(pdf, x(figure.reference), plot_top, x(figure.reference), bottom, colour=REFERENCE)
        pdf.set_dash_pattern()
    pdf.set_fill_color(PALETTE[0])
    for i, r in enumerate(figure.intervals):
        y = plot_top + ROW_H * i + ROW_H / 2
        _label(pdf, x0 - LABEL_GAP, y + 2.5, _fit(pdf, r.label, label_w - LABEL_GAP), anchor="end")
        _line(pdf, x(r.low), y, x(r.high), y, colour=PALETTE[0], width=1.5)
        pdf.rect(x(r.estimate) - 3, y - 3, 6, 6, style="F")


def _bars(pdf: ReportPDF, figure: Figure, left: float, width: float, plot_top: float, bottom: float) -> None:  # fmt: skip
    label_w = _label_column(pdf, [label for label, _ in figure.bars])
    x0, span = left + label_w, width - label_w - 10
    lower, upper = _x_axis(pdf, figure, [0.0, *(v for _, v in figure.bars)], x0, span, plot_top, bottom)  # fmt: skip
    zero = x0 + (0 - lower) / (upper - lower) * span
    for i, (label, value) in enumerate(figure.bars):
        y = plot_top + ROW_H * i + ROW_H / 2
        end = x0 + (value - lower) / (upper - lower) * span
        _label(pdf, x0 - LABEL_GAP, y + 2.5, _fit(pdf, label, label_w - LABEL_GAP), anchor="end")
        pdf.set_fill_color(PALETTE[i % len(PALETTE)])
        pdf.rect(min(zero, end), y - 5, abs(end - zero), 10, style="F")
    _line(pdf, zero, plot_top, zero, bottom)


def _trajectories(pdf: ReportPDF, figure: Figure, left: float, width: float, plot_top: float, bottom: float) -> None:  # fmt: skip
    shown = [line for line in figure.lines if line][:MAX_TRAJECTORIES]
    mean = figure.mean
    xs = [p[0] for line in shown for p in line] + [m[0] for m in mean]
    ys = [p[1] for line in shown for p in line] + [v for m in mean for v in m[1:]]
    y_low, y_high, y_ticks = value_axis(ys)
    x_high = max(max(xs), 1.0)
    x0, span, height = left + 40, width - 50, bottom - plot_top

    def px(v: float) -> float:
        return x0 + v / x_high * span

    def py(v: float) -> float:
        return bottom - (v - y_low) / (y_high - y_low) * height

    pdf.use_font(FONT_PT)
    pdf.set_text_color(TEXT)
    for tick in y_ticks:
        _line(pdf, x0, py(tick), x0 + span, py(tick), colour=GRID)
        _label(pdf, x0 - 4, py(tick) + 2.5, _num(tick), anchor="end")
    middle = plot_top + height / 2
    with pdf.rotation(90, left + 10, middle):
        _label(pdf, left + 10, middle + 2.5, figure.axis_label, anchor="middle")
    _line(pdf, x0, bottom, x0 + span, bottom)
    for s in range(int(x_high) + 1):
        _label(pdf, px(s), bottom + 10, str(s), anchor="middle")
    _label(pdf, x0 + span / 2, bottom + 24, gettext(SESSIONS_LABEL), anchor="middle")
    if mean:
        band = [(px(m[0]), py(m[2])) for m in mean] + [(px(m[0]), py(m[3])) for m in reversed(mean)]  # fmt: skip
        with pdf.local_context(fill_opacity=BAND_OPACITY):
            pdf.set_fill_color(PALETTE[0])
            pdf.polygon(band, style="F")
    pdf.set_draw_color(COURSE)
    pdf.set_line_width(0.5)
    for line in shown:
        pdf.polyline([(px(x), py(y)) for x, y in sorted(line)])
    if mean:
        pdf.set_draw_color(PALETTE[0])
        pdf.set_line_width(2)
        pdf.polyline([(px(m[0]), py(m[1])) for m in mean])
