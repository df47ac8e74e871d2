"""``{% load dose_words %}``: ``{{ row.basis|dose_words }}``, the dose check's words in the
reader's language (``dosing.wording``)."""

from __future__ import annotations

from django import template

from mesoclinic.dosing import wording

register = template.Library()


@register.filter
def dose_words(text: str) -> str:
    return wording.dose_words(str(text))


@register.filter
def substance_name(code: str) -> str:
    """A substance's code (``deoxycholic_acid``) as its name in the reader's language where
    the catalogue has it; the code stays what is stored and typed."""
    return wording.dose_words(str(code).replace("_", " "))
