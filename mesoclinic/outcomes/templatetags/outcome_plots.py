"""The chart's measurement plots: weight and circumference over time, with a table fallback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from mesoclinic.charts.lines import PlotInput, render_line_plot
from mesoclinic.clinical_codes import AREAS, SIDES, SITE_ROLES

register = template.Library()


@dataclass
class Panel:
    """One plot of the chart: its SVG (empty below two points) and the same data as rows."""

    heading: str
    unit: str
    svg: SafeString | str = ""
    rows: list[tuple[dt.date, str, Decimal]] = field(default_factory=list)


@dataclass
class Plots:
    weight: Panel
    circumference: Panel
    flagged: list[Any] = field(default_factory=list)

    @property
    def panels(self) -> list[Panel]:
        return [self.weight, self.circumference]


def site_name(m: Any) -> str:
    return f"{AREAS.get(m.area, m.area)} {SIDES.get(m.side, m.side).lower()}".strip()


def site_roles(measurements: list[Any]) -> dict[tuple[str, str], str]:
    """One role per site for the plot: treated if any of its measurements is treated.

    A treated site's baseline (measured before its first session) is derived as control,
    but it belongs on the same line as the site's later values.
    """
    roles: dict[tuple[str, str], str] = {}
    for m in measurements:
        role = getattr(m, "effective_site_role", m.site_role) or "treated"
        key = (m.area, m.side)
        if roles.get(key) != "treated":
            roles[key] = role
    return roles


def circumference_series(m: Any, role: str) -> str:
    return f"{site_name(m)} · {SITE_ROLES.get(role, role).lower()}"


def _panel(heading: str, unit: str, points: list[PlotInput], dashed: set[str], ident: str) -> Panel:
    panel = Panel(heading, unit)
    panel.rows = sorted((on, series, Decimal(value)) for on, value, series in points)
    if len(points) >= 2:
        dates = sorted(p[0] for p in points)
        desc = (
            f"{len(points)} {heading.lower()} values from {dates[0]:%Y-%m-%d} to "
            f"{dates[-1]:%Y-%m-%d}. Solid lines are treated sites, dashed lines untreated "
            "control sites. The table below lists every value."
        )
        svg = render_line_plot(
            points, title=heading, desc=desc, y_label=unit, dashed=dashed, ident=ident
        )
        # Every text in the SVG is escaped by render_line_plot.
        panel.svg = mark_safe(svg)
    return panel


@register.simple_tag
def measurement_plots(measurements: list[Any]) -> Plots:
    """Weight (kg) and circumference (cm, per area and side) of the chart's measurements."""
    weights: list[PlotInput] = []
    girths: list[PlotInput] = []
    dashed: set[str] = set()
    flagged = []
    roles = site_roles([m for m in measurements if m.kind == "circumference_cm"])
    for m in measurements:
        if m.kind == "weight_kg":
            weights.append((m.measured_on, m.value, "Body weight"))
            change = getattr(m, "weight_change", None)
            if change is not None and change.flagged:
                flagged.append(change)
        elif m.kind == "circumference_cm":
            role = roles[(m.area, m.side)]
            series = circumference_series(m, role)
            girths.append((m.measured_on, m.value, series))
            if role == "control":
                dashed.add(series)
    return Plots(
        weight=_panel("Body weight", "Weight (kg)", weights, set(), "plot-weight"),
        circumference=_panel(
            "Circumference", "Circumference (cm)", girths, dashed, "plot-circumference"
        ),
        flagged=sorted(flagged, key=lambda c: c.measured_on),
    )
