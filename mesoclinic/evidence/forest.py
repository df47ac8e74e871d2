"""The forest plot of a pooled report: each site's per-session effect with its 95% CI, a
square sized by its weight in the pooled estimate, and the pooled estimate as a diamond, with
its prediction interval as a line (what a new practice can expect). Coordinates only: the
template draws them as SVG (no script, no inline style: the CSP allows neither)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WIDTH, LEFT, RIGHT, ROW, TOP = 640.0, 170.0, 20.0, 26.0, 30.0


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    x: float | None
    x_low: float | None
    x_high: float | None
    half_square: float
    text: str

    @property
    def square(self) -> tuple[float, float, float]:
        """The weight square's corner and side."""
        x = self.x or 0.0
        return (x - self.half_square, self.y - self.half_square, 2.0 * self.half_square)


@dataclass(frozen=True)
class Forest:
    rows: list[Row]
    diamond: str | None
    prediction: tuple[float, float] | None
    pooled_y: float
    zero_x: float | None
    ticks: list[tuple[float, str]]
    height: float
    width: float = WIDTH


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def forest(report: dict[str, Any]) -> Forest | None:
    """The plot of ``report['per_session_effect']`` over ``report['sites']``; None unpooled."""
    effect = report.get("per_session_effect")
    if not effect:
        return None
    values = [effect["ci95"][0], effect["ci95"][1], 0.0]
    if effect.get("prediction95"):
        values += effect["prediction95"]
    for site in report["sites"]:
        if site["per_session_effect"]:
            values += site["per_session_effect"]["ci95"]
    low, high = min(values), max(values)
    pad = (high - low) * 0.05 or 0.1
    low, high = low - pad, high + pad
    span = WIDTH - LEFT - RIGHT

    def x(value: float) -> float:
        return float(LEFT + (value - low) / (high - low) * span)

    weights = dict(zip(effect.get("sites_pooled", []), effect.get("weights", []), strict=False))
    biggest = max(weights.values(), default=1.0) or 1.0
    rows = []
    for i, site in enumerate(report["sites"]):
        y = TOP + i * ROW
        figure = site["per_session_effect"]
        if figure:
            half = 3.0 + 6.0 * (weights.get(site["site"], 0.0) / biggest) ** 0.5
            text = f"{_fmt(figure['estimate'])} [{_fmt(figure['ci95'][0])}, {_fmt(figure['ci95'][1])}]"  # fmt: skip
            rows.append(Row(site["site"], y, x(figure["estimate"]), x(figure["ci95"][0]), x(figure["ci95"][1]), half, text))  # fmt: skip
        else:
            rows.append(Row(site["site"], y, None, None, None, 0.0, "—"))
    pooled_y = TOP + len(rows) * ROW + 10.0
    lo, mid, hi = x(effect["ci95"][0]), x(effect["estimate"]), x(effect["ci95"][1])
    diamond = f"{lo:.1f},{pooled_y:.1f} {mid:.1f},{pooled_y - 7:.1f} {hi:.1f},{pooled_y:.1f} {mid:.1f},{pooled_y + 7:.1f}"  # fmt: skip
    prediction = (x(effect["prediction95"][0]), x(effect["prediction95"][1])) if effect.get("prediction95") else None  # fmt: skip
    step = (high - low) / 4.0
    ticks = [(x(low + k * step), _fmt(low + k * step)) for k in range(5)]
    return Forest(rows, diamond, prediction, pooled_y, x(0.0) if low <= 0.0 <= high else None, ticks, pooled_y + 40.0)  # fmt: skip
