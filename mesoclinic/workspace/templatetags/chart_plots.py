"""The chart's "Weight and circumference" card, written in Python in one pass (it was the
template ``workspace/_measure_plot.html`` until issue 11, whose nodes cost as much as drawing
the plots): the plots and their tables come from ``outcomes.templatetags.outcome_plots``.

The markup, the msgids (this app's catalogue), the translations and the escaping are the
template's, byte for byte (``bench/chart_snapshot.py`` compares every demo chart): a
translated text is not escaped (``{% translate %}`` trusts the template's text), each value
put in one is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from mesoclinic.clinics.templatetags.quantities import qty
from mesoclinic.outcomes.templatetags.outcome_plots import (
    Panel,
    measurement_plots,
    plot_table_rows,
)

register = template.Library()


def _date(on: dt.date) -> str:
    """``{{ on|date:"SHORT_DATE_FORMAT" }}``, escaped as a template writes it."""
    return conditional_escape(date_filter(on, "SHORT_DATE_FORMAT"))


def _flag_text(change: Any) -> str:
    """The sentence under a weight-change badge, as the template's ``blocktranslate``."""
    values = {
        "weight": conditional_escape(qty(change.weight_kg, "kg")),
        "day": _date(change.measured_on),
        "percent": conditional_escape(qty(change.percent)),
        "baseline": conditional_escape(qty(change.baseline_kg, "kg")),
        "baseline_day": _date(change.baseline_on),
    }
    if change.percent > 0:
        text = gettext(
            "%(weight)s on %(day)s is +%(percent)s%% from the first recorded weight "
            "(%(baseline)s on %(baseline_day)s): more than the 5%% that trials allowed, so "
            "outcome changes may reflect weight rather than treatment."
        )
    else:
        text = gettext(
            "%(weight)s on %(day)s is %(percent)s%% from the first recorded weight "
            "(%(baseline)s on %(baseline_day)s): more than the 5%% that trials allowed, so "
            "outcome changes may reflect weight rather than treatment."
        )
    return text % values


def _panel_html(panel: Panel) -> str:
    heading = conditional_escape(panel.heading)
    unit = conditional_escape(panel.unit)
    out = [
        '\n    <figure class="plot-panel">\n      <figcaption><strong>'
        f'{heading}</strong> <span class="muted">{unit}</span></figcaption>\n      '
    ]
    if panel.svg:
        out.append(panel.svg)
    else:
        measure = conditional_escape(str(panel.heading).lower())
        if panel.rows:
            day, _series, value = panel.rows[0]
            text = gettext(
                "Only one %(measure)s value so far (%(value)s on %(day)s); the plot appears "
                "from the second."
            ) % {
                "measure": measure,
                "value": conditional_escape(localize(value)),
                "day": _date(day),
            }
        else:
            text = gettext("No %(measure)s recorded yet.") % {"measure": measure}
        out.append(f'\n      <p class="muted">{text}</p>\n      ')
    out.append("\n      ")
    if panel.rows:
        count = len(panel.rows)
        summary = ngettext(
            "%(measure)s as a table (%(counter)s value)",
            "%(measure)s as a table (%(counter)s values)",
            count,
        ) % {"measure": heading, "counter": conditional_escape(localize(count))}
        date = gettext("Date")
        series = gettext("Series")
        out.append(
            f"\n      <details>\n        <summary>{summary}</summary>\n        <table>\n"
            f'          <caption class="muted">{heading}, {unit}</caption>\n'
            f'          <thead><tr><th scope="col">{date}</th><th scope="col">{series}</th>'
            f'<th scope="col">{unit}</th></tr></thead>\n'
            f"          <tbody>{plot_table_rows(panel.rows)}</tbody>\n        </table>\n"
            "      </details>\n      "
        )
    out.append("\n    </figure>\n  ")
    return "".join(out)


@register.simple_tag
def plots_section(measurements: list[Any]) -> SafeString:
    """The chart's "Weight and circumference" card, as ``_measure_plot.html`` wrote it."""
    plots = measurement_plots(measurements)
    title = gettext("Weight and circumference")
    badge = gettext("Weight change")
    out = [
        '\n\n<section class="card" aria-labelledby="measure-heading">\n'
        f'  <h2 id="measure-heading">{title}</h2>\n  '
    ]
    for change in plots.flagged:
        out.append(
            '\n  <p class="weight-flag" role="status">'
            f'<span class="badge warn">{badge}</span>\n    {_flag_text(change)}</p>\n  '
        )
    out.append('\n  <div class="plots">\n  ')
    out.extend(_panel_html(panel) for panel in plots.panels)
    out.append("\n  </div>\n</section>\n")
    return mark_safe("".join(out))
