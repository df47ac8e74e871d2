"""``{% load safety_labels %}``: an adverse-event type code in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from mesoclinic.clinical_codes import AE_TYPES

register = template.Library()


@register.filter
def ae_type_label(code: str) -> str:
    label = AE_TYPES.get(code)
    return gettext(label) if label else str(code).replace("_", " ").capitalize()
