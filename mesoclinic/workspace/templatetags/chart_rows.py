"""The chart's longest repeated markup, written in Python in one pass: the rows of a day's
measurements (``{% measurement_rows r can.edit_clinical %}`` in ``_entry_measurements.html``).

A typical chart has a few dozen measurement rows of about forty template nodes each; the
template engine spent about a third of the chart's rendering on them (issue 11). The markup,
the msgids, the translations and the escaping are those of the template, byte for byte: a
translated text is not escaped (``{% translate %}`` trusts the template's text), a value is,
and the labels that do not change from row to row are translated once per table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from mesoclinic.clinics.templatetags.quantities import qty

register = template.Library()


def _weight_cell(change: Any, title: str) -> str:
    percent = conditional_escape(qty(change.percent))
    if change.flagged:
        if change.percent > 0:
            text = gettext("+%(percent)s%% from first weight") % {"percent": percent}
        else:
            text = gettext("%(percent)s%% from first weight") % {"percent": percent}
        return f'<span class="badge warn" title="{title}">{text}</span>'
    sign = "+" if change.percent > 0 else ""
    return f'<span class="muted">({sign}{percent}%)</span>'


@register.simple_tag
def measurement_rows(measurements: Iterable[Any], can_edit: bool) -> SafeString:
    """The ``<tr>`` of each measurement of a day, as the chart's template wrote them."""
    # Each gettext outside an f-string, where makemessages finds its msgid.
    imported = gettext("imported")
    imported = f' <span class="badge">{imported}</span>'
    treated = gettext("Treated")
    control = gettext("Untreated control")
    derived = gettext("derived")
    derived = f' <span class="muted">({derived})</span>'
    # {% translate %} doubled the percent sign in its msgid and halved it in the answer.
    flag_title = gettext("More than 5%% from the first recorded weight").replace("%%", "%")
    correct = gettext("Correct")
    of_day = gettext("%(kind)s of %(day)s")
    out: list[str] = []
    for m in measurements:
        kind = m.get_kind_display()
        role = m.effective_site_role
        if m.area:
            site = f"{conditional_escape(m.get_area_display())} ({conditional_escape(str(m.get_side_display()).lower())})"
        else:
            site = "—"
        if m.kind == "weight_kg":
            unit = "kg"
        else:
            unit = f'<span class="muted">{conditional_escape(m.unit)}</span>'
        out.append(
            "\n  <tr>\n    <td>"
            f"{conditional_escape(kind)}{imported if m.imported else ''}</td>\n    <td>"
            f"{site}</td>\n    <td>"
            f"{treated if role == 'treated' else control if role == 'control' else '—'}"
            f"{derived if m.site_role_derived else ''}</td>\n    <td>"
            f"{conditional_escape(m.get_rater_display() or '—')}</td>\n    <td>"
            f"{conditional_escape(m.value_text)} {unit}\n      "
            f"{_weight_cell(m.weight_change, flag_title) if m.weight_change else ''}</td>\n    "
        )
        if can_edit:
            url = conditional_escape(reverse("outcomes:edit", args=[m.public_id]))
            label = of_day % {
                "kind": conditional_escape(str(kind).lower()),
                "day": conditional_escape(date_filter(m.measured_on, "SHORT_DATE_FORMAT")),
            }
            out.append(f'<td><a href="{url}">{correct}<span class="skip"> {label}</span></a></td>')
        out.append("\n  </tr>\n  ")
    return mark_safe("".join(out))
