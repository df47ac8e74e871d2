"""``{% load safety_labels %}``: an adverse-event type code in the reader's language, and the
figures of the attack-rate table."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext

from mesoclinic.clinical_codes import AE_TYPES

register = template.Library()


@register.filter
def ae_type_label(code: str) -> str:
    label = AE_TYPES.get(code)
    return gettext(label) if label else str(code).replace("_", " ").capitalize()


@register.filter
def percent(value: float) -> str:
    """A proportion as a percentage with one decimal, in the reader's number format."""
    return f"{number_format(value * 100, 1)} %"


@register.filter
def ratio(value: float) -> str:
    """A relative risk with two decimals; an undefined or unbounded one as a dash or ∞."""
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞"
    return str(number_format(value, 2))


@register.filter
def pvalue(value: float) -> str:
    """A p-value: three decimals, or "< 0.001"; a dash when not tested."""
    if math.isnan(value):
        return "—"
    if value < 0.001:
        return f"< {number_format(0.001, 3)}"
    return str(number_format(value, 3))


@register.filter
def exposure_kind(kind: str) -> str:
    labels = {
        "lot": pgettext("exposure", "Lot"),
        "product": pgettext("exposure", "Product"),
        "practitioner": pgettext("exposure", "Practitioner"),
        "day": pgettext("exposure", "Session day"),
    }
    return labels.get(kind, kind)


@register.filter
def lot_label(lot_id: str, labels: dict[str, str]) -> str:
    """A lot's product and number from the dashboard's ``labels`` ("lot:<id>" keys)."""
    return labels.get(f"lot:{lot_id}", lot_id)
