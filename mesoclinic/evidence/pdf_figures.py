"""The evidence figures as PDF vector paths (m/l/re/S/f), for the pure-Python PDF (pdf.py).

Each ``FigureDrawing`` draws one ``figure_data.Figure`` — the same numbers the page's SVG
(plots.py) draws — with its title, axis, labels and wrapped caption, and knows its height so
pdf.py keeps it whole on one page. Axis ranges and ticks come from the chart plotter's
``value_axis`` and colours from its palette, as on the page. The band of the model mean is a
pale tint rather than a transparency (no ExtGState needed). Text widths use Helvetica's
metrics for the common narrow and wide glyphs, enough to right-align row labels.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from mesoclinic.evidence.figure_data import Figure
from mesoclinic.evidence.pdf import MARGIN, PAGE_W, _pdf_text
from mesoclinic.evidence.plots import MAX_TRAJECTORIES, _num
from mesoclinic.outcomes.plot import PALETTE, value_axis

WIDTH = PAGE_W - 2 * MARGIN
LABEL_W, ROW_H, FONT = 130.0, 16.0, 8
NARROW, WIDE = set("ijlI.,:;'!|ft -()/[]"), set("mwMW%@")


def _text_width(text: str, size: float) -> float:
    """Helvetica advance widths: ~0.28 em narrow, ~0.85 em wide, ~0.56 em otherwise."""
    return sum(0.28 if c in NARROW else 0.85 if c in WIDE else 0.56 for c in text) * size


def _rgb(colour: str, tint: float = 0.0) -> bytes:
    """'#rrggbb' as PDF r g b, mixed towards white by ``tint`` (0 = the colour itself)."""
    parts = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return b"%.3f %.3f %.3f" % tuple(p + (1 - p) * tint for p in parts)


def _text(x: float, y: float, text: str, *, size: float = FONT, anchor: str = "start", font: str = "F1", rotate: bool = False) -> bytes:  # fmt: skip
    shift = {"start": 0.0, "middle": 0.5, "end": 1.0}[anchor] * _text_width(text, size)
    matrix = b"0 1 -1 0 %.1f %.1f" % (x, y - shift) if rotate else b"1 0 0 1 %.1f %.1f" % (x - shift, y)  # fmt: skip
    return b"0 g BT /%s %.1f Tf %s Tm (%s) Tj ET" % (font.encode(), size, matrix, _pdf_text(text))


def _line(x1: float, y1: float, x2: float, y2: float, *, colour: str = "#666666", width: float = 0.5) -> bytes:  # fmt: skip
    return b"%s RG %.2f w %.1f %.1f m %.1f %.1f l S" % (_rgb(colour), width, x1, y1, x2, y2)


def _caption(desc: str) -> list[str]:
    return textwrap.wrap(desc, int(WIDTH / (7 * 0.5)))


@dataclass(frozen=True)
class FigureDrawing:
    """One figure as PDF content; ``height`` covers title, plot, axis and caption."""

    figure: Figure

    def _plot_height(self) -> float:
        f = self.figure
        if f.kind == "trajectories":
            return 160.0
        return ROW_H * len(f.bars if f.kind == "bars" else f.intervals) + 6

    @property
    def height(self) -> float:
        return 18 + self._plot_height() + 30 + 9 * len(_caption(self.figure.desc)) + 14

    def ops(self, left: float, top: float) -> bytes:
        f = self.figure
        out = [_text(left, top - 11, f.title, size=10, font="F2")]
        plot_top = top - 18
        bottom = plot_top - self._plot_height()
        if f.kind == "trajectories":
            out += self._trajectories(left, plot_top, bottom)
        elif f.kind == "bars":
            out += self._bars(left, plot_top, bottom)
        else:
            out += self._intervals(left, plot_top, bottom)
        y = bottom - 30
        for line in _caption(f.desc):
            y -= 9
            out.append(_text(left, y, line, size=7))
        return b"\n".join(out)

    def _x_axis(self, values: list[float], x0: float, width: float, plot_top: float, bottom: float) -> tuple[list[bytes], float, float]:  # fmt: skip
        lower, upper, ticks = value_axis(values)
        out = [_line(x0, bottom, x0 + width, bottom)]
        for tick in ticks:
            x = x0 + (tick - lower) / (upper - lower) * width
            out.append(_line(x, plot_top, x, bottom, colour="#dddddd"))
            out.append(_text(x, bottom - 10, _num(tick), anchor="middle"))
        out.append(_text(x0 + width / 2, bottom - 24, self.figure.axis_label, anchor="middle"))
        return out, lower, upper

    def _intervals(self, left: float, plot_top: float, bottom: float) -> list[bytes]:
        f = self.figure
        x0, width = left + LABEL_W, WIDTH - LABEL_W - 10
        values = [v for r in f.intervals for v in (r.estimate, r.low, r.high)]
        out, lower, upper = self._x_axis(values + ([f.reference] if f.reference is not None else []), x0, width, plot_top, bottom)  # fmt: skip

        def x(value: float) -> float:
            return x0 + (value - lower) / (upper - lower) * width

        if f.reference is not None:
            out.append(b"[3 2] 0 d " + _line(x(f.reference), plot_top, x(f.reference), bottom, colour="#44546a") + b" [] 0 d")  # fmt: skip
        for i, r in enumerate(f.intervals):
            y = plot_top - ROW_H * i - ROW_H / 2
            out.append(_text(x0 - 6, y - 3, r.label[:30], anchor="end"))
            out.append(_line(x(r.low), y, x(r.high), y, colour=PALETTE[0], width=1.5))
            out.append(b"%s rg %.1f %.1f 6 6 re f" % (_rgb(PALETTE[0]), x(r.estimate) - 3, y - 3))
        return out

    def _bars(self, left: float, plot_top: float, bottom: float) -> list[bytes]:
        f = self.figure
        x0, width = left + LABEL_W, WIDTH - LABEL_W - 10
        out, lower, upper = self._x_axis([0.0, *(v for _, v in f.bars)], x0, width, plot_top, bottom)  # fmt: skip
        zero = x0 + (0 - lower) / (upper - lower) * width
        for i, (label, value) in enumerate(f.bars):
            y = plot_top - ROW_H * i - ROW_H / 2
            end = x0 + (value - lower) / (upper - lower) * width
            out.append(_text(x0 - 6, y - 3, label, anchor="end"))
            colour = _rgb(PALETTE[i % len(PALETTE)])
            out.append(b"%s rg %.1f %.1f %.1f 10 re f" % (colour, min(zero, end), y - 5, abs(end - zero)))  # fmt: skip
        out.append(_line(zero, plot_top, zero, bottom))
        return out

    def _trajectories(self, left: float, plot_top: float, bottom: float) -> list[bytes]:
        f = self.figure
        shown = [line for line in f.lines if line][:MAX_TRAJECTORIES]
        xs = [p[0] for line in shown for p in line] + [m[0] for m in f.mean]
        ys = [p[1] for line in shown for p in line] + [v for m in f.mean for v in m[1:]]
        y_low, y_high, y_ticks = value_axis(ys)
        x_high = max(max(xs), 1.0)
        x0, width, height = left + 40, WIDTH - 50, plot_top - bottom

        def px(v: float) -> float:
            return x0 + v / x_high * width

        def py(v: float) -> float:
            return bottom + (v - y_low) / (y_high - y_low) * height

        out = []
        if f.mean:
            band = [(px(m[0]), py(m[2])) for m in f.mean] + [(px(m[0]), py(m[3])) for m in reversed(f.mean)]  # fmt: skip
            path = b" ".join(b"%.1f %.1f %s" % (x, y, b"m" if i == 0 else b"l") for i, (x, y) in enumerate(band))  # fmt: skip
            out.append(b"%s rg %s h f" % (_rgb(PALETTE[0], tint=0.8), path))
        for tick in y_ticks:
            out.append(_line(x0, py(tick), x0 + width, py(tick), colour="#dddddd"))
            out.append(_text(x0 - 4, py(tick) - 3, _num(tick), anchor="end"))
        out.append(_text(left + 8, bottom + height / 2, f.axis_label, anchor="middle", rotate=True))
        out.append(_line(x0, bottom, x0 + width, bottom))
        for s in range(int(x_high) + 1):
            out.append(_text(px(s), bottom - 10, str(s), anchor="middle"))
        out.append(_text(x0 + width / 2, bottom - 24, "Sessions completed before the reading", anchor="middle"))  # fmt: skip
        for line in shown:
            points = sorted(line)
            path = b" ".join(b"%.1f %.1f %s" % (px(x), py(y), b"m" if i == 0 else b"l") for i, (x, y) in enumerate(points))  # fmt: skip
            out.append(b"%s RG 0.5 w %s S" % (_rgb("#9aa5b1"), path))
        if f.mean:
            path = b" ".join(b"%.1f %.1f %s" % (px(m[0]), py(m[1]), b"m" if i == 0 else b"l") for i, m in enumerate(f.mean))  # fmt: skip
            out.append(b"%s RG 2 w %s S" % (_rgb(PALETTE[0]), path))
        return out
