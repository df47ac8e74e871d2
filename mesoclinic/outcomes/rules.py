"""What makes one measurement valid: its kind's range, whole numbers, area, side and rater.

Pure Python (no Django import), shared by the model's ``clean``, the visit form and the
tests. Kinds, units and ranges are those of ../shared/spec/registry-csv.md
(``clinical_codes.MEASUREMENT_KINDS``); the messages name the field and the range, e.g.
"Circumference (cm): must be 10 to 250 cm".

The messages are whole patterns of the outcomes catalogue; Django's gettext is installed at
start-up (``OutcomesConfig.ready``), so without Django (pure tests) they stay English.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from mesoclinic.clinical_codes import MEASUREMENT_KINDS, MeasurementKind, check_measurement_value


def _same(text: str) -> str:
    return text


_translate: Callable[[str], str] = _same


def translate_with(translate: Callable[[str], str]) -> None:
    """Install the translator (gettext) the messages are read through."""
    global _translate
    _translate = translate


def _(message: str) -> str:
    # ``_`` is a keyword makemessages extracts: each pattern lands in the outcomes catalogue.
    return _translate(message)


def field_label(kind: MeasurementKind) -> str:
    """How a value of this kind is named in messages: label and unit or scale."""
    return _("%(label)s (%(unit)s)") % {"label": _translate(kind.label), "unit": kind.unit}


def value_problem(kind_code: str, value: Decimal) -> str | None:
    """None when ``value`` is valid for the kind; otherwise a message naming field and range.

    The range check itself is ``clinical_codes.check_measurement_value``, the one the
    registry import uses too; this only names the field.
    """
    kind = MEASUREMENT_KINDS.get(kind_code)
    if kind is None:
        return _("Kind: must be one of %(kinds)s") % {"kinds": ", ".join(MEASUREMENT_KINDS)}
    expected = check_measurement_value(kind_code, value)
    if expected is None:
        return None
    return _("%(field)s: must be %(expected)s") % {"field": field_label(kind), "expected": expected}


def measurement_problems(
    kind_code: str,
    value: Decimal | None,
    *,
    area: str = "",
    side: str = "",
    site_role: str = "",
    rater: str = "",
) -> dict[str, str]:
    """Every problem of one measurement, keyed by the field it is about (empty when valid)."""
    problems: dict[str, str] = {}
    kind = MEASUREMENT_KINDS.get(kind_code)
    if kind is None:
        problems["kind"] = _("Kind: choose what was measured")
        return problems
    if value is None:
        problems["value"] = _("%(field)s: enter the value") % {"field": field_label(kind)}
    else:
        found = value_problem(kind_code, value)
        if found:
            problems["value"] = found
    named = {"kind": _translate(kind.label)}
    if kind.per_area:
        if not area:
            problems["area"] = _("Area: required for %(kind)s") % named
        if not side:
            problems["side"] = _("Side: required for %(kind)s") % named
    else:
        if area:
            problems["area"] = (
                _("Area: leave empty for %(kind)s; it is not measured at an area") % named
            )
        if side:
            problems["side"] = (
                _("Side: leave empty for %(kind)s; it is not measured at a side") % named
            )
        if site_role:
            problems["site_role"] = _("Site role: leave empty for %(kind)s") % named
    if kind.rated and not rater:
        problems["rater"] = (
            _("Rater: required for %(kind)s (it has clinician and patient versions)") % named
        )
    return problems
