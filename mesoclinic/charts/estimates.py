"""The evidence page's plots as inline SVG drawn on the server (pure Python, no library).

Three shapes cover the report's plots (evidence-analytics.md §2.8):
- ``trajectory_plot``: change from baseline against sessions, one thin line per course
  (capped), with the model mean τ·sessions and its 95% band;
- ``interval_plot``: a labelled estimate with its 95% interval per row — the forest plot of
  the effect by protocol, the side-effect rates and the median times to resolution;
- ``bar_plot``: signed horizontal bars — the weight-versus-treatment decomposition.
Every SVG has a <title> and <desc>; the page also shows the numbers as text or a table.
Axis helpers and colours are those of the chart's measurement lines (charts/lines.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from mesoclinic.charts.lines import INK, PALETTE, PAPER, value_axis
from mesoclinic.charts.words import _, interval_title, value_title

MAX_TRAJECTORIES = 40  # thin lines beyond this make the mean unreadable
LEFT, TOP, WIDTH = 190.0, 14.0, 380.0


def _num(value: float, digits: int = 2) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _open(ident: str, title: str, desc: str, width: float, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'class="plot" role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<rect width="100%" height="100%" fill="{PAPER}"/>',
    ]


def _x_axis(lower: float, upper: float, ticks: Sequence[float], left: float, width: float, bottom: float, top: float, label: str) -> list[str]:  # fmt: skip
    out = [f'<line x1="{left:g}" x2="{left + width:g}" y1="{bottom:g}" y2="{bottom:g}" class="axis"/>']  # fmt: skip
    for tick in ticks:
        x = left + (tick - lower) / (upper - lower) * width
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:g}" y2="{bottom:g}" class="grid"/>')
        out.append(f'<text fill="{INK}" x="{x:.1f}" y="{bottom + 18:g}" text-anchor="middle">{_num(tick)}</text>')  # fmt: skip
    out.append(f'<text fill="{INK}" x="{left + width / 2:g}" y="{bottom + 38:g}" text-anchor="middle">{escape(label)}</text>')  # fmt: skip
    return out


@dataclass(frozen=True)
class Interval:
    label: str
    estimate: float
    low: float
    high: float


def interval_plot(rows: Sequence[Interval], *, ident: str, title: str, desc: str, x_label: str, reference: float | None = 0.0) -> str:  # fmt: skip
    """One row per estimate: a square at the estimate, a whisker across its 95% interval."""
    if not rows:
        raise ValueError("An interval plot needs at least one row.")
    values = [v for r in rows for v in (r.estimate, r.low, r.high)]
    if reference is not None:
        values.append(reference)
    lower, upper, ticks = value_axis(values)
    row_h = 28.0
    bottom = TOP + row_h * len(rows) + 6
    out = _open(ident, title, desc, LEFT + WIDTH + 30, bottom + 50)
    out += _x_axis(lower, upper, ticks, LEFT, WIDTH, bottom, TOP, x_label)

    def x(value: float) -> float:
        return LEFT + (value - lower) / (upper - lower) * WIDTH

    if reference is not None:
        out.append(f'<line x1="{x(reference):.1f}" x2="{x(reference):.1f}" y1="{TOP:g}" y2="{bottom:g}" stroke="#44546a" stroke-dasharray="4 3"/>')  # fmt: skip
    for i, r in enumerate(rows):
        y = TOP + row_h * i + row_h / 2
        out.append(f'<text fill="{INK}" x="{LEFT - 8:g}" y="{y + 5:.1f}" text-anchor="end">{escape(r.label[:26])}</text>')  # fmt: skip
        out.append(f'<line x1="{x(r.low):.1f}" x2="{x(r.high):.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{PALETTE[0]}" stroke-width="2"/>')  # fmt: skip
        out.append(
            f'<rect x="{x(r.estimate) - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{PALETTE[0]}">'
            f"<title>{escape(interval_title(r.label, _num(r.estimate, 3), _num(r.low, 3), _num(r.high, 3)))}</title></rect>"
        )
    out.append("</svg>")
    return "\n".join(out)


def bar_plot(bars: Sequence[tuple[str, float]], *, ident: str, title: str, desc: str, x_label: str) -> str:  # fmt: skip
    """Signed horizontal bars from zero (negative = reduction)."""
    if not bars:
        raise ValueError("A bar plot needs at least one bar.")
    lower, upper, ticks = value_axis([0.0, *(v for _, v in bars)])
    row_h = 30.0
    bottom = TOP + row_h * len(bars) + 6
    out = _open(ident, title, desc, LEFT + WIDTH + 30, bottom + 50)
    out += _x_axis(lower, upper, ticks, LEFT, WIDTH, bottom, TOP, x_label)
    zero = LEFT + (0 - lower) / (upper - lower) * WIDTH
    for i, (label, value) in enumerate(bars):
        y = TOP + row_h * i + 5
        end = LEFT + (value - lower) / (upper - lower) * WIDTH
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<text fill="{INK}" x="{LEFT - 8:g}" y="{y + 15:.1f}" text-anchor="end">{escape(label)}</text>')  # fmt: skip
        out.append(
            f'<rect x="{min(zero, end):.1f}" y="{y:.1f}" width="{abs(end - zero):.1f}" height="20" fill="{colour}">'
            f"<title>{escape(value_title(label, _num(value, 3)))}</title></rect>"
        )
    out.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{TOP:g}" y2="{bottom:g}" class="axis"/>')  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)


def trajectory_plot(
    lines: Sequence[Sequence[tuple[float, float]]],
    mean: Sequence[tuple[float, float, float, float]],
    *,
    ident: str,
    title: str,
    desc: str,
    y_label: str,
) -> str:
    """Thin grey course lines (sessions, change) and the model mean (sessions, est, lo, hi)."""
    shown = [line for line in lines if line][:MAX_TRAJECTORIES]
    if not shown and not mean:
        raise ValueError("A trajectory plot needs a course or a mean.")
    xs = [p[0] for line in shown for p in line] + [m[0] for m in mean]
    ys = [p[1] for line in shown for p in line] + [v for m in mean for v in m[1:]]
    y_low, y_high, y_ticks = value_axis(ys)
    x_low, x_high = 0.0, max(max(xs), 1.0)
    left, width, height = 70.0, 500.0, 220.0
    bottom = TOP + height
    out = _open(ident, title, desc, left + width + 30, bottom + 50)

    def px(v: float) -> float:
        return left + (v - x_low) / (x_high - x_low) * width

    def py(v: float) -> float:
        return bottom - (v - y_low) / (y_high - y_low) * height

    for tick in y_ticks:
        out.append(f'<line x1="{left:g}" x2="{left + width:g}" y1="{py(tick):.1f}" y2="{py(tick):.1f}" class="grid"/>')  # fmt: skip
        out.append(f'<text fill="{INK}" x="{left - 6:g}" y="{py(tick) + 4:.1f}" text-anchor="end">{_num(tick)}</text>')  # fmt: skip
    out.append(f'<text fill="{INK}" x="14" y="{TOP + height / 2:g}" text-anchor="middle" transform="rotate(-90 14 {TOP + height / 2:g})">{escape(y_label)}</text>')  # fmt: skip
    out.append(f'<line x1="{left:g}" x2="{left + width:g}" y1="{bottom:g}" y2="{bottom:g}" class="axis"/>')  # fmt: skip
    for s in range(int(x_high) + 1):
        out.append(
            f'<text fill="{INK}" x="{px(s):.1f}" y="{bottom + 18:g}" text-anchor="middle">{s}</text>'
        )
    # The axis title in the reader's language (the same words as the PDF's figure).
    sessions_title = escape(_("Sessions completed before the reading"))
    out.append(f'<text fill="{INK}" x="{left + width / 2:g}" y="{bottom + 38:g}" text-anchor="middle">{sessions_title}</text>')  # fmt: skip
    for line in shown:
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(line))
        out.append(f'<polyline points="{points}" fill="none" stroke="#9aa5b1" stroke-width="1" opacity="0.7"/>')  # fmt: skip
    if mean:
        band = [f"{px(m[0]):.1f},{py(m[2]):.1f}" for m in mean] + [f"{px(m[0]):.1f},{py(m[3]):.1f}" for m in reversed(mean)]  # fmt: skip
        out.append(f'<polygon points="{" ".join(band)}" fill="{PALETTE[0]}" opacity="0.18"/>')
        points = " ".join(f"{px(m[0]):.1f},{py(m[1]):.1f}" for m in mean)
        out.append(f'<polyline points="{points}" fill="none" stroke="{PALETTE[0]}" stroke-width="3"><title>model mean, net of weight</title></polyline>')  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)
