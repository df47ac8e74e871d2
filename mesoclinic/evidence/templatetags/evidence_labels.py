"""``{% load evidence_labels %}``: the words for the report's codes (side-effect types,
outcome kinds, areas, severities) in the reader's language, so the evidence pages never show a storage code such as
``nerve_injury`` or ``circumference_cm``. The report's JSON keeps the codes (spec)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, gettext_noop

from mesoclinic.clinical_codes import AE_TYPES, AREAS, MEASUREMENT_KINDS, SEVERITIES
from mesoclinic.evidence.wording import dose_unit_words, translated_note

register = template.Library()


def _words(code: str) -> str:
    # A code the tables do not know (a registry bundle's own): its words, not its underscores.
    return str(code).replace("_", " ").strip().capitalize()


@register.filter
def ae_label(code: str) -> str:
    label = AE_TYPES.get(code)
    return gettext(label) if label else _words(code)


@register.filter
def kind_label(code: str) -> str:
    kind = MEASUREMENT_KINDS.get(code)
    return gettext(kind.label) if kind else _words(code)


@register.filter
def area_label(code: str | None) -> str:
    if not code:
        return ""  # no area chosen: the template says "all areas"
    label = AREAS.get(code)
    return gettext(label) if label else _words(code)


@register.filter
def severity_label(code: str) -> str:
    label = SEVERITIES.get(code)
    return (gettext(label) if label else _words(code)).lower()


RATED_BY = {"clinician": gettext_noop("clinician-rated"), "patient": gettext_noop("patient-rated")}


@register.filter
def rater_label(code: str) -> str:
    label = RATED_BY.get(code)
    return gettext(label) if label else f"{code}-rated"


@register.filter
def responder_label(text: str) -> str:
    """An outcome set's responder definition (``outcomes.outcome_sets``) in the reader's language."""
    return gettext(text) if text else text


@register.filter
def limitation(text: str) -> str:
    """A limitation of the report in the reader's language: the engine's fixed sentences and
    the patterns of those written with this report's numbers are in the evidence catalogue."""
    return translated_note(text)


@register.filter
def dose_unit(code: str | None) -> str:
    """The dose-response's unit as written for a reader (cost_dose_figures.dose_unit_words)."""
    return dose_unit_words(code)
