"""The dose check's words in the reader's language (``phrases`` are written in English by the
engine, for the JSON and the snapshot kept at signing)."""

from __future__ import annotations

from django.utils.translation import gettext

from mesoclinic.dosing.phrases import parse


def dose_words(text: str) -> str:
    """A cap, a limit's basis or a rule set's name in the reader's language: written again from
    its translated pattern with the same values (each value translated in turn: a basis holds
    a basis), or looked up whole (a sourced basis); a text of neither kind as written."""
    found = parse(text)
    if found is None:
        return gettext(text) if text else text
    pattern, values = found
    return gettext(pattern) % {name: dose_words(value) for name, value in values.items()}
