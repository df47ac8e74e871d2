"""What makes one measurement valid: its kind's range, whole numbers, area, side and rater.

Pure Python (no Django import), shared by the model's ``clean``, the visit form and the
tests. Kinds, units and ranges are those of ../shared/spec/registry-csv.md
(``clinical_codes.MEASUREMENT_KINDS``); the messages name the field and the range, e.g.
"Circumference (cm): must be 10 to 250 cm".
"""

from __future__ import annotations

from decimal import Decimal

from mesoclinic.clinical_codes import MEASUREMENT_KINDS, MeasurementKind, check_measurement_value


def field_label(kind: MeasurementKind) -> str:
    """How a value of this kind is named in messages: label and unit or scale."""
    return f"{kind.label} ({kind.unit})"


def value_problem(kind_code: str, value: Decimal) -> str | None:
    """None when ``value`` is valid for the kind; otherwise a message naming field and range.

    The range check itself is ``clinical_codes.check_measurement_value``, the one the
    registry import uses too; this only names the field.
    """
    kind = MEASUREMENT_KINDS.get(kind_code)
    if kind is None:
        return f"Kind: must be one of {', '.join(MEASUREMENT_KINDS)}"
    expected = check_measurement_value(kind_code, value)
    return None if expected is None else f"{field_label(kind)}: must be {expected}"


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
        problems["kind"] = "Kind: choose what was measured"
        return problems
    if value is None:
        problems["value"] = f"{field_label(kind)}: enter the value"
    else:
        found = value_problem(kind_code, value)
        if found:
            problems["value"] = found
    if kind.per_area:
        if not area:
            problems["area"] = f"Area: required for {kind.label}"
        if not side:
            problems["side"] = f"Side: required for {kind.label}"
    else:
        if area:
            problems["area"] = f"Area: leave empty for {kind.label}; it is not measured at an area"
        if side:
            problems["side"] = f"Side: leave empty for {kind.label}; it is not measured at a side"
        if site_role:
            problems["site_role"] = f"Site role: leave empty for {kind.label}"
    if kind.rated and not rater:
        problems["rater"] = (
            f"Rater: required for {kind.label} (it has clinician and patient versions)"
        )
    return problems
