"""``{% safety_today as today_safety %}``: the counts the Today page shows (lots needing
attention, safety alerts to review), each only for roles that may open the list behind it
(signals: clinical staff and the clinic admin). The signal count is read from the stored
state (``safety.signal_state``), never by running the detector in the request."""

from __future__ import annotations

from typing import Any

from django import template

from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary.alerts import alert_count
from mesoclinic.formulary.models import Lot
from mesoclinic.safety.signal_state import active_count
from mesoclinic.safety.signal_views import may_see_signals

register = template.Library()


@register.simple_tag(takes_context=True)
def safety_today(context: Any) -> dict[str, int | None]:
    membership = context.get("membership")
    counts: dict[str, int | None] = {"lot_alerts": None, "signals": None}
    if membership is None:
        return counts
    today = membership.clinic.today()
    for perm in (Perm.VIEW_CLINICAL, Perm.MANAGE_FORMULARY):
        if membership.has(perm):
            counts["lot_alerts"] = alert_count(Lot.objects.restrict(membership, perm), today)
            break
    if may_see_signals(membership):
        counts["signals"] = active_count(membership.clinic, today)
    return counts
