"""``{% load evidence_labels %}``: the words for the report's codes (side-effect types,
outcome kinds, areas, severities), so the evidence pages never show a storage code such as
``nerve_injury`` or ``circumference_cm``. The report's JSON keeps the codes (spec)."""

from __future__ import annotations

from django import template

from mesoclinic.clinical_codes import AE_TYPES, AREAS, MEASUREMENT_KINDS, SEVERITIES

register = template.Library()


def _words(code: str) -> str:
    # A code the tables do not know (a registry bundle's own): its words, not its underscores.
    return str(code).replace("_", " ").strip().capitalize()


@register.filter
def ae_label(code: str) -> str:
    return AE_TYPES.get(code) or _words(code)


@register.filter
def kind_label(code: str) -> str:
    kind = MEASUREMENT_KINDS.get(code)
    return kind.label if kind else _words(code)


@register.filter
def area_label(code: str) -> str:
    return AREAS.get(code) or _words(code)


@register.filter
def severity_label(code: str) -> str:
    return SEVERITIES.get(code, _words(code)).lower()
