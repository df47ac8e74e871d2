"""A small line plot drawn as inline SVG on the server: no JavaScript, no plotting library.

Pure Python (no Django import): a list of (date, value, series) in, an SVG string out.
Series whose name is in ``dashed`` are drawn dashed (untreated control sites), the others
solid. The SVG carries <title> and <desc>; the chart also shows the numbers as a table.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from mesoclinic.charts.words import _, point_title

# Colours with at least 4.5:1 contrast on white, distinguishable in the common colour-vision
# deficiencies when combined with the dash pattern and the legend.
PALETTE = ("#0b6e69", "#b3261e", "#5b3cc4", "#9a5b00", "#1d4ed8", "#44546a", "#a0306e")
# Every chart paints its own white background and gives each label its ink explicitly, so the
# text's contrast (WCAG 1.4.3, 4.5:1) is fixed by the SVG itself and can be checked (an
# automated checker cannot resolve colours through an inline SVG): 15.7:1 here.
PAPER = "#ffffff"
INK = "#1d2430"

# The SVG's text is drawn at 14 user units (app.css svg.plot); these lay the legend out.
CHAR_WIDTH = 7.6
LINE_HEIGHT = 20

PlotInput = tuple[dt.date, Decimal | float | int, str]


@dataclass(frozen=True)
class Box:
    """The drawing area inside the axes, in SVG user units."""

    left: float = 64.0
    top: float = 14.0
    width: float = 500.0
    height: float = 200.0

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(frozen=True)
class PlacedPoint:
    on: dt.date
    value: float
    series: str
    x: float
    y: float


def nice_step(span: float, target_ticks: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``target_ticks``."""
    raw = span / max(target_ticks, 1)
    # int ** int is typed Any (a negative power gives a float); the value is a float either way
    magnitude: float = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def value_axis(values: Sequence[float]) -> tuple[float, float, list[float]]:
    """Lower and upper bound of the value axis and its ticks, on round numbers."""
    low, high = min(values), max(values)
    if high == low:
        pad = abs(low) * 0.05 or 1.0
        low, high = low - pad, high + pad
    step = nice_step(high - low)
    lower = math.floor(low / step) * step
    upper = math.ceil(high / step) * step
    count = round((upper - lower) / step)
    return lower, upper, [lower + i * step for i in range(count + 1)]


def date_ticks(dates: Sequence[dt.date], most: int = 5) -> list[dt.date]:
    """The measured dates when few, else ``most`` evenly spaced days from first to last."""
    unique = sorted(set(dates))
    if len(unique) <= most:
        return unique
    first, last = unique[0].toordinal(), unique[-1].toordinal()
    return [
        dt.date.fromordinal(round(first + (last - first) * i / (most - 1))) for i in range(most)
    ]


def place(points: Sequence[PlotInput], box: Box = Box()) -> list[PlacedPoint]:
    """Map (date, value, series) to SVG coordinates in ``box``; later dates lie further right."""
    values = [float(v) for _, v, _ in points]
    lower, upper, _ = value_axis(values)
    days = [on.toordinal() for on, _, _ in points]
    first, last = min(days), max(days)
    if first == last:
        first, last = first - 1, last + 1
    placed = []
    for (on, value, series), day in zip(points, days, strict=True):
        x = box.left + (day - first) / (last - first) * box.width
        y = box.bottom - (float(value) - lower) / (upper - lower) * box.height
        placed.append(PlacedPoint(on, float(value), series, round(x, 1), round(y, 1)))
    return placed


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render_line_plot(
    points: Sequence[PlotInput],
    *,
    title: str,
    desc: str,
    y_label: str,
    dashed: Collection[str] = (),
    ident: str = "plot",
) -> str:
    """An accessible SVG line plot: one line per series, dates across, values up."""
    if not points:
        raise ValueError("A plot needs at least one point.")
    box = Box()
    placed = place(points, box)
    lower, upper, ticks = value_axis([p.value for p in placed])
    series_names = list(dict.fromkeys(p.series for p in placed))
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series_names)}

    legend_rows = _legend_layout(series_names, box)
    height = box.bottom + 50 + LINE_HEIGHT * len(legend_rows)
    # Room on the right for half of the last date label.
    width = box.right + 44
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'class="plot" role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<rect width="100%" height="100%" fill="{PAPER}"/>',
    ]
    # Value axis: gridlines and labels at round numbers.
    for tick in ticks:
        y = box.bottom - (tick - lower) / (upper - lower) * box.height
        out.append(
            f'<line x1="{box.left:g}" x2="{box.right:g}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        out.append(
            f'<text fill="{INK}" x="{box.left - 6:g}" y="{y + 4:.1f}" text-anchor="end">{_number(tick)}</text>'
        )
    out.append(
        f'<text fill="{INK}" x="14" y="{box.top + box.height / 2:g}" text-anchor="middle" '
        f'transform="rotate(-90 14 {box.top + box.height / 2:g})">{escape(y_label)}</text>'
    )
    # Date axis.
    out.append(
        f'<line x1="{box.left:g}" x2="{box.right:g}" y1="{box.bottom:g}" y2="{box.bottom:g}" class="axis"/>'
    )
    out.append(
        f'<line x1="{box.left:g}" x2="{box.left:g}" y1="{box.top:g}" y2="{box.bottom:g}" class="axis"/>'
    )
    days = [p.on.toordinal() for p in placed]
    first, last = min(days), max(days)
    if first == last:
        first, last = first - 1, last + 1
    for on in date_ticks([p.on for p in placed]):
        x = box.left + (on.toordinal() - first) / (last - first) * box.width
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{box.bottom:g}" y2="{box.bottom + 4:g}" class="axis"/>'
        )
        out.append(
            f'<text fill="{INK}" x="{x:.1f}" y="{box.bottom + 20:g}" text-anchor="middle">{on:%Y-%m-%d}</text>'
        )
    # The axis title in the reader's language (the project catalogue: charts.words).
    date_title = escape(_("Date"))
    out.append(
        f'<text fill="{INK}" x="{box.left + box.width / 2:g}" y="{box.bottom + 40:g}" text-anchor="middle">{date_title}</text>'
    )
    # One line per series, points in date order.
    for name in series_names:
        mine = sorted((p for p in placed if p.series == name), key=lambda p: p.on)
        dash = ' stroke-dasharray="6 4"' if name in dashed else ""
        if len(mine) > 1:
            path = " ".join(f"{p.x:g},{p.y:g}" for p in mine)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colours[name]}" '
                f'stroke-width="2"{dash}/>'
            )
        for p in mine:
            out.append(
                f'<circle cx="{p.x:g}" cy="{p.y:g}" r="3.5" fill="{colours[name]}">'
                f"<title>{escape(point_title(name, _number(p.value), f'{p.on:%Y-%m-%d}'))}</title></circle>"
            )
    # Legend below the date axis.
    for row_index, row in enumerate(legend_rows):
        y = box.bottom + 62 + LINE_HEIGHT * row_index
        for name, x in row:
            dash = ' stroke-dasharray="6 4"' if name in dashed else ""
            out.append(
                f'<line x1="{x:g}" x2="{x + 24:g}" y1="{y - 4:g}" y2="{y - 4:g}" '
                f'stroke="{colours[name]}" stroke-width="2"{dash}/>'
            )
            out.append(f'<text fill="{INK}" x="{x + 30:g}" y="{y:g}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _legend_layout(names: Sequence[str], box: Box) -> list[list[tuple[str, float]]]:
    """Legend items placed left to right, wrapping to a new row when the width is used."""
    rows: list[list[tuple[str, float]]] = [[]]
    x = box.left
    for name in names:
        # About CHAR_WIDTH user units per character at the plot's font size, plus the sample.
        item_width = 30 + CHAR_WIDTH * len(name) + 18
        if rows[-1] and x + item_width > box.right:
            rows.append([])
            x = box.left
        rows[-1].append((name, x))
        x += item_width
    return rows
