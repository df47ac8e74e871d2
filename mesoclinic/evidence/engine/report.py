"""Assemble the evidence report dict (../shared/spec/evidence-report.md) from bundle rows.

``build_report`` is the one entry point a Django command, a web page or a registry-bundle
reader calls: it takes the four tables of a registry bundle as plain rows and returns a
JSON-serialisable dict with every key the spec requires. A figure that cannot be computed
is ``None`` and its reason is in ``limitations``; nothing is silently dropped.
"""

from __future__ import annotations

import math
from typing import Any, cast

from mesoclinic.clinical_codes import AREAS, INDICATIONS, MEASUREMENT_KINDS
from mesoclinic.evidence.engine import courses as course_rules
from mesoclinic.evidence.engine import notes
from mesoclinic.evidence.engine.adverse import adverse_event_rates
from mesoclinic.evidence.engine.courses import Dataset, build_dataset, primary_window
from mesoclinic.evidence.engine.estimates import (
    control_difference,
    naive_change,
    per_session_effect,
)
from mesoclinic.evidence.engine.limitations import LimitationContext, limitations
from mesoclinic.evidence.engine.responders import NO_PLACEBO_GAIS, relative_responders, responders
from mesoclinic.evidence.engine.tables import Rows, Tables, normalise

# Why the change-based figures of a scale rated against baseline are null (GAIS:
# mesotherapy-clinical.md §5.4, https://flexikon.doccheck.com/de/Global_Aesthetic_Improvement_Scale).
RELATIVE_REASON = "naive change, per-session effect, weight effect and control-site difference not computed: the {label} rates change against the pre-treatment appearance, so there is no baseline value to subtract; the responder rate (rated improved or better) is reported instead"  # fmt: skip


def check_codes(indication: str, area: str | None, outcome: str) -> None:
    if indication not in INDICATIONS:
        raise ValueError(f"indication: {indication!r} is not one of {', '.join(INDICATIONS)}")
    if area is not None and area not in AREAS:
        raise ValueError(f"area: {area!r} is not one of {', '.join(AREAS)}")
    if outcome not in MEASUREMENT_KINDS or outcome == "weight_kg":
        kinds = [k for k in MEASUREMENT_KINDS if k != "weight_kg"]
        raise ValueError(f"outcome: {outcome!r} is not one of {', '.join(kinds)}")


def _finite(value: Any) -> Any:
    """NaN or infinity would not be valid JSON; they never reach the output as numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("internal error: a non-finite number reached the report")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def build_report(
    patients: Rows,
    sessions: Rows,
    measurements: Rows,
    adverse_events: Rows,
    injections: Rows = None,
    *,
    indication: str,
    area: str | None = None,
    outcome: str = "circumference_cm",
) -> dict[str, Any]:
    """The evidence report for one indication (× area) × outcome kind."""
    check_codes(indication, area, outcome)
    tables = normalise(patients, sessions, measurements, adverse_events, injections)
    return report_and_dataset(tables, indication=indication, area=area, outcome=outcome)[0]


def report_and_dataset(
    tables: Tables,
    *,
    indication: str,
    area: str | None = None,
    outcome: str = "circumference_cm",
    dataset: Dataset | None = None,
) -> tuple[dict[str, Any], Dataset]:
    """The report from tables already normalised, and the analysed dataset it was computed
    from (for the figures drawn beside it: built once, not again for each). ``dataset``:
    that dataset when the caller has it already."""
    check_codes(indication, area, outcome)
    if dataset is None:
        dataset = build_dataset(tables, indication, area, outcome)
    reasons: list[str] = []

    relative = outcome in course_rules.RELATIVE_KINDS
    has_controls = bool(len(dataset.rows)) and bool((~dataset.rows["treated"]).any())
    subject: dict[str, Any] | None = None
    if relative:
        naive = effect = weight = control = None
        reasons.append(RELATIVE_REASON.format(label=MEASUREMENT_KINDS[outcome].label))
        reasons.append(NO_PLACEBO_GAIS)
        responder, why = relative_responders(dataset, "clinician")
        reasons += why
        patient = build_dataset(tables, indication, area, outcome, rater="patient")
        subject, why = relative_responders(patient, "patient")
        reasons += why
    else:
        naive, why = naive_change(dataset)
        reasons += why
        effect, weight, why = per_session_effect(dataset)
        reasons += why
        control, why = control_difference(dataset)
        # "No control site" has its own general limitation; keep only other reasons here.
        reasons += why if has_controls else []
        responder, why = responders(tables, indication, area, outcome, dataset)
        reasons += why

    scope = tables.sessions[
        (tables.sessions["indication"].to_numpy() == indication)
        & ((tables.sessions["area"].to_numpy() == area) if area is not None else True)
    ]
    events, serious, why = adverse_event_rates(tables.adverse_events, scope)
    reasons += why
    if scope.empty:
        named = INDICATIONS.get(indication, indication)
        reasons.append(
            notes.NO_SESSIONS_IN_AREA % {"indication": named, "area": AREAS.get(area, area).lower()}
            if area
            else notes.NO_SESSIONS % {"indication": named}
        )

    # Only the columns counted here: each filter below copies every column it is given.
    rows = dataset.rows[["patient", "day", "course", "days", "post_days", "series", "treated"]]
    treated = rows[rows["treated"].to_numpy()] if len(rows) else rows
    followed = treated[treated["days"].to_numpy() > 0] if len(treated) else treated
    in_window = primary_window(treated) if len(treated) else treated
    flow: dict[str, Any] = dataset.flow | {
        "courses_with_follow_up": int(followed["course"].nunique()) if len(followed) else 0,
        "courses_in_primary_window": int(in_window["course"].nunique()) if len(in_window) else 0,
        "primary_window_days_after_last_session": [
            course_rules.WINDOW_START_DAYS,
            course_rules.WINDOW_END_DAYS,
        ],
    }
    context = LimitationContext(
        indication=indication,
        outcome=outcome,
        courses=flow["courses_analysed"],
        excluded_no_baseline=flow.get("excluded_no_baseline", 0),
        excluded_no_rating=flow.get("excluded_no_rating", 0),
        relative_to_baseline=relative,
        courses_in_window=flow["courses_in_primary_window"],
        has_controls=has_controls,
        weight_adjusted=effect is not None,
        rated_scale=outcome in course_rules.RATED_KINDS,
        reasons=reasons,
    )
    report: dict[str, Any] = {
        "indication": indication,
        "area": area,
        "outcome": outcome,
        "patients": int(treated["patient"].nunique()) if len(treated) else 0,
        "courses": flow["courses_analysed"],
        "measurements": len(treated),
        "naive_change": naive,
        "per_session_effect": effect,
        "weight_effect_per_kg": weight,
        "control_difference_per_session": control,
        "responders": responder,
        "adverse_events": events,
        "serious_adverse_events": serious,
        "flow": flow,
        "limitations": limitations(context),
        # Extra keys (the spec allows more): whether the outcome is itself a comparison with
        # baseline, and for such a scale the patient's (subject's) responder rate beside the
        # clinician's in ``responders``.
        "relative_to_baseline": relative,
    }
    if relative:
        report["responders_subject"] = subject
    # _finite returns a value of its argument's shape: a dict for this dict.
    return cast("dict[str, Any]", _finite(report)), dataset
