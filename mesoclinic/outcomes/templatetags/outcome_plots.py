"""The chart's measurement plots: weight and circumference over time, with a table fallback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from mesoclinic.charts.lines import PlotInput, render_line_plot
from mesoclinic.clinical_codes import AREAS, MEASUREMENT_KINDS, SIDES, SITE_ROLES
from mesoclinic.clinics.templatetags.quantities import qty

register = template.Library()

# The kinds' labels are translated in the project's catalogue (clinical_codes).
WEIGHT = MEASUREMENT_KINDS["weight_kg"].label


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
    """The site in the reader's language ("Flanc droit" is a pattern: word order differs)."""
    area = gettext(AREAS.get(m.area, m.area))
    side = gettext(SIDES.get(m.side, m.side)).lower() if m.side else ""
    if not side:
        return area
    return gettext("%(area)s %(side)s") % {"area": area, "side": side}


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
    return f"{site_name(m)} · {gettext(SITE_ROLES.get(role, role)).lower()}"


def _panel(heading: str, unit: str, points: list[PlotInput], dashed: set[str], ident: str) -> Panel:
    panel = Panel(heading, unit)
    panel.rows = sorted((on, series, Decimal(value)) for on, value, series in points)
    if len(points) >= 2:
        dates = sorted(p[0] for p in points)
        desc = ngettext(
            "%(count)d %(measure)s value from %(first)s to %(last)s. Solid lines are treated "
            "sites, dashed lines untreated control sites. The table below lists every value.",
            "%(count)d %(measure)s values from %(first)s to %(last)s. Solid lines are treated "
            "sites, dashed lines untreated control sites. The table below lists every value.",
            len(points),
        ) % {
            "count": len(points),
            "measure": heading.lower(),
            "first": date_format(dates[0], "SHORT_DATE_FORMAT"),
            "last": date_format(dates[-1], "SHORT_DATE_FORMAT"),
        }
        svg = render_line_plot(
            points, title=heading, desc=desc, y_label=unit, dashed=dashed, ident=ident
        )
        # Every text in the SVG is escaped by render_line_plot.
        panel.svg = mark_safe(svg)
    return panel


@register.simple_tag
def plot_table_rows(rows: list[tuple[dt.date, str, Decimal]]) -> SafeString:
    """The ``<tr>`` of a plot's table, as the template's loop wrote them (``{{ on|date:
    "SHORT_DATE_FORMAT" }}``, ``{{ series }}``, ``{{ value|qty }}``, each escaped): a loop of
    template nodes per value cost about as much as the plot itself (issue 11)."""
    days: dict[dt.date, str] = {}
    out = []
    for on, series, value in rows:
        day = days.get(on)
        if day is None:
            day = days[on] = conditional_escape(date_filter(on, "SHORT_DATE_FORMAT"))
        out.append(
            f"<tr><td>{day}</td><td>{conditional_escape(series)}</td>"
            f"<td>{conditional_escape(qty(value))}</td></tr>"
        )
    return mark_safe("".join(out))


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
            weights.append((m.measured_on, m.value, gettext(WEIGHT)))
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
        weight=_panel(gettext(WEIGHT), gettext("Weight (kg)"), weights, set(), "plot-weight"),
        circumference=_panel(
            gettext(MEASUREMENT_KINDS["circumference_cm"].label),
            gettext("Circumference (cm)"),
            girths,
            dashed,
            "plot-circumference",
        ),
        flagged=sorted(flagged, key=lambda c: c.measured_on),
    )
