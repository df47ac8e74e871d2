"""The chart's repeated markup, written in Python in one pass: the timeline's entries of a
day's measurements, an adverse event, a session and a plan (each was a template,
``_entry_<kind>.html``, until issue 11; consultations, consents and messages still are).

A typical chart has a few dozen measurement rows of about forty template nodes each; the
template engine spent about a third of the chart's rendering on them (issue 11). The markup,
the msgids, the translations and the escaping are those of the templates, byte for byte
(``bench/chart_snapshot.py`` compares every demo chart): a translated text is not escaped
(``{% translate %}`` trusts the template's text), a value is, and the labels that do not
change from row to row are translated once per table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.templatetags.tz import do_timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext, ngettext, pgettext

from mesoclinic.clinics.templatetags.quantities import qty
from mesoclinic.workspace.chart_records import (
    address_of,
    consent_entry,
    consultation_entry,
    message_entry,
    signed_badge,
)

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


def _day(value: Any) -> str:
    """``{{ value|date:"SHORT_DATE_FORMAT" }}``: in the current zone, as the filter reads it."""
    return conditional_escape(date_filter(template_localtime(value), "SHORT_DATE_FORMAT"))


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
    edit_address = address_of("outcomes:edit")
    # A table is one day's: its date is formatted once (about 18 µs a format).
    days: dict[Any, str] = {}
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
            url = conditional_escape(edit_address(m.public_id))
            label = of_day % {
                "kind": conditional_escape(str(kind).lower()),
                "day": days.get(m.measured_on)
                or days.setdefault(m.measured_on, _day(m.measured_on)),
            }
            out.append(f'<td><a href="{url}">{correct}<span class="skip"> {label}</span></a></td>')
        out.append("\n  </tr>\n  ")
    return mark_safe("".join(out))


def measurements_entry(day: Any, measurements: list[Any], can_edit: bool) -> str:
    """A day's measurements on the timeline, as ``_entry_measurements.html`` wrote them."""
    title = gettext("Measurements")
    measure = gettext("Measure")
    site = gettext("Site")
    role = gettext("Site role")
    rater = gettext("Rater")
    value = gettext("Value")
    actions = ""
    if can_edit:
        actions = gettext("Actions")
        actions = f'<th scope="col"><span class="visually-hidden">{actions}</span></th>'
    count = conditional_escape(localize(len(measurements)))
    return (
        f"<div><strong>{_day(day)}</strong> · {title} "
        f'<span class="muted">({count})</span></div>\n'
        '<table class="measurements">\n'
        f'  <thead><tr><th scope="col">{measure}</th><th scope="col">{site}</th>'
        f'<th scope="col">{role}</th><th scope="col">{rater}</th><th scope="col">{value}</th>'
        f"{actions}</tr></thead>\n  <tbody>\n  "
        f"{measurement_rows(measurements, can_edit)}\n  </tbody>\n</table>\n"
    )


def plan_entry(day: Any, r: Any) -> str:
    """A plan on the timeline, as ``_entry_plan.html`` wrote it; its areas are those the chart
    read with it (``timeline._attach_plan_areas``)."""
    title = gettext("Plan")
    address = conditional_escape(address_of("plan_detail")(r.public_id))
    protocol = f" · {conditional_escape(r.protocol)}" if r.protocol else ""
    badge = " signed" if r.status == "active" else " warn" if r.status == "stopped" else ""
    areas = ", ".join(conditional_escape(a) for a in r.chart_areas) or gettext("no areas")
    planned = r.planned_sessions
    done = ngettext(
        "%(done)s of %(planned)s session done", "%(done)s of %(planned)s sessions done", planned
    ) % {
        "done": conditional_escape(localize(r.sessions_done())),
        "planned": conditional_escape(localize(planned)),
    }
    every = ngettext("every %(days)s day", "every %(days)s days", r.interval_days) % {
        "days": conditional_escape(localize(r.interval_days))
    }
    return (
        f"<div><strong>{_day(day)}</strong> · {title}: "
        f'<a href="{address}">{conditional_escape(r.get_indication_display())}</a>{protocol}\n'
        f'  <span class="badge{badge}">{conditional_escape(r.get_status_display())}</span></div>\n'
        f'<div class="muted">{areas} · {done} · {every}</div>\n'
    )


@register.simple_tag(takes_context=True)
def timeline_entry(context: template.Context, entry: Any) -> SafeString:
    """One entry of the timeline, as ``{% include "workspace/_entry_<kind>.html" with
    r=entry.record %}`` drew it, without an include per entry (its template looked up and a
    context pushed cost about as much as the entry itself)."""
    kind = entry.kind
    r = entry.record
    can_edit = bool((context.get("can") or {}).get("edit_clinical"))
    if kind == "measurements":
        return mark_safe(measurements_entry(entry.sort_key, r, can_edit))
    if kind == "session":
        return session_entry(r, entry.has_map, context["clinic"].time_zone)
    if kind == "adverse_event":
        return mark_safe(adverse_event_entry(r, can_edit) + "\n")
    if kind == "plan":
        return mark_safe(plan_entry(entry.sort_key, r))
    if kind == "consultation":
        return mark_safe(consultation_entry(entry.sort_key, r))
    if kind == "consent":
        return mark_safe(consent_entry(entry.sort_key, r))
    if kind == "message":
        return mark_safe(message_entry(r))
    raise template.TemplateSyntaxError(f"no timeline entry of the kind {kind!r}")


@register.simple_tag
def adverse_event_entry(r: Any, can_edit: bool) -> SafeString:
    """An adverse event on the timeline, as ``_entry_adverse_event.html`` wrote it."""
    onset = _day(r.onset_date)
    event = r.get_event_type_display()
    severity = " bad" if r.severity == "severe" else " warn" if r.severity == "moderate" else ""
    title = gettext("Adverse event")
    serious = gettext("Serious")
    serious = f'<span class="badge bad">{serious}</span>' if r.serious else ""
    ongoing = gettext("Ongoing")
    ongoing = f'<span class="badge warn">{ongoing}</span>' if r.is_open else ""
    severity_label = conditional_escape(r.get_severity_display())
    out = [
        f"<div><strong>{onset}</strong> · {title}: <strong>{conditional_escape(event)}</strong>\n"
        f'  <span class="badge{severity}">{severity_label}</span>\n'
        f"  {serious}\n  {ongoing}\n</div>\n<div>{onset} → "
    ]
    if r.resolved_date:
        days = r.duration_days
        span = ngettext("%(days)s day", "%(days)s days", days) % {
            "days": conditional_escape(localize(days))
        }
        out.append(f"{_day(r.resolved_date)} ({span})")
    else:
        out.append(gettext("ongoing"))
        if r.last_seen_unresolved:
            seen = gettext("last seen unresolved %(day)s") % {"day": _day(r.last_seen_unresolved)}
            out.append(f' <span class="muted">({seen})</span>')
    if r.outcome:
        out.append(f" · {conditional_escape(r.get_outcome_display())}")
    causality = gettext("Causality: %(causality)s") % {
        "causality": conditional_escape(r.get_causality_display())
    }
    out.append(f'</div>\n<div class="muted">{causality}')
    if r.session:
        session = gettext("session of %(day)s") % {"day": _day(r.session.performed_at)}
        out.append(f" · {session}")
    if r.lot:
        lot = gettext("lot %(number)s") % {"number": conditional_escape(r.lot.lot_number)}
        out.append(f" · {lot}")
    out.append("</div>\n")
    if r.notes:
        out.append(f"<div>{linebreaksbr(r.notes, autoescape=True)}</div>")
    out.append("\n")
    if can_edit:
        url = conditional_escape(address_of("safety:edit")(r.public_id))
        action = gettext("Update course or close") if r.is_open else gettext("Edit")
        label = gettext("the %(event)s of %(day)s") % {
            "event": conditional_escape(str(event).lower()),
            "day": onset,
        }
        out.append(f'<div><a href="{url}" >{action}<span class="skip"> {label}</span></a></div>')
    return mark_safe("".join(out))


@register.simple_tag
def session_entry(r: Any, has_map: bool, time_zone: Any) -> SafeString:
    """A session on the timeline, as ``_entry_session.html`` wrote it."""
    when = date_filter(do_timezone(r.performed_at, time_zone), "SHORT_DATETIME_FORMAT")
    detail = conditional_escape(address_of("treatments:detail")(r.public_id))
    title = gettext("Session")
    protocol = f" · {conditional_escape(r.protocol)}" if r.protocol else ""
    state = signed_badge(r.is_signed, pgettext("session", "signed"), gettext("draft"))
    amended = ""
    if r.amendment_rows():
        amended = pgettext("session", "amended")
        amended = f' <span class="badge warn">{amended}</span>'
    # The chart gives its sessions their areas (timeline.build_chart), read with the history.
    areas = ", ".join(conditional_escape(a) for a in r.chart_areas) or gettext("no areas")
    lines = r.lines_in_effect()
    volume = conditional_escape(qty(r.total_volume_ml, "mL"))
    counted = ngettext("%(counter)s line, %(volume)s", "%(counter)s lines, %(volume)s", len(lines))
    counted = counted % {"counter": conditional_escape(localize(len(lines))), "volume": volume}
    products = []
    for i in lines:
        text: str = conditional_escape(i.product.name)
        if i.lot:
            lot = gettext("lot %(number)s") % {"number": conditional_escape(i.lot.lot_number)}
            text += f" {lot}"
        if i.is_correction:
            corrected = gettext("corrected")
            text += f" ({corrected})"
        products.append(text)
    out = [
        f"<div><strong>{conditional_escape(when)}</strong> · {title}: "
        f'<a href="{detail}">{conditional_escape(r.get_indication_display())}</a>{protocol}\n'
        f"  {state}{amended}</div>\n"
        f'<div class="muted">{areas} · {counted}{" · " if products else ""}{"; ".join(products)}'
        "</div>\n"
    ]
    overrides = (
        (
            r.dose_override_at,
            gettext("dose check overridden"),
            r.dose_override_by_name,
            r.dose_override_reason,
        ),  # fmt: skip
        (
            r.contraindication_override_at,
            gettext("contraindication overridden"),
            r.contraindication_override_by_name,
            r.contraindication_override_reason,
        ),  # fmt: skip
    )
    for overridden_at, badge, name, reason in overrides:
        if overridden_at:
            by = gettext("by %(name)s: %(reason)s") % {
                "name": conditional_escape(name),
                "reason": conditional_escape(reason),
            }
            out.append(f'<div><span class="badge bad">{badge}</span> {by}</div>')
        out.append("\n")
    acknowledged = r.relative_contraindications_acknowledged
    if acknowledged:
        count = len(acknowledged)
        acknowledged_text = ngettext(
            "%(counter)s relative contraindication acknowledged",
            "%(counter)s relative contraindications acknowledged",
            count,
        ) % {"counter": conditional_escape(localize(count))}
        out.append(f'<div><span class="badge warn">{acknowledged_text}</span></div>')
    out.append("\n")
    if r.imported:
        imported = gettext("imported")
        out.append(f'<div><span class="badge">{imported}</span></div>')
    out.append("\n")
    if has_map:
        fragment = conditional_escape(address_of("treatments:map_fragment")(r.public_id))
        summary = gettext("Injection map")
        open_it = gettext("Open the session")
        out.append(
            f'<details class="chart-map" hx-get="{fragment}" hx-trigger="toggle once" '
            f'hx-target="find .chart-map-body"><summary>{summary}</summary>'
            f'<div class="chart-map-body"><a href="{detail}">{open_it}</a></div></details>'
        )
    out.append("\n")
    return mark_safe("".join(out))
