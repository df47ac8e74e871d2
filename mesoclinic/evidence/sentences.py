"""Plain sentences generated from the report's numbers (pure Python, no Django).

Every number comes from the report dict; the placebo-arm rates come from the engine's
sourced benchmarks (engine/responders.py, REFINE and RELEASE). A null figure gives no
sentence: its reason is in the limitations.
"""

from __future__ import annotations

from typing import Any

from mesoclinic.clinical_codes import AE_TYPES, MEASUREMENT_KINDS


def _n(value: float, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    # Trailing zeros are cut only after a decimal point: 30 days stays 30, not 3.
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text.replace("-", "−")


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _signed(value: float, unit: str, digits: int = 2) -> str:
    direction = "a reduction" if value < 0 else "an increase"
    return f"{direction} of {_n(abs(value), digits)} {unit}".rstrip()


_BY = {"clinician": "by the clinician", "patient": "by the patients themselves"}


def _relative_sentences(report: dict[str, Any]) -> list[str]:
    """A scale rated against baseline (GAIS): the share rated improved or better, per rater."""
    out: list[str] = []
    for figure in (report["responders"], report.get("responders_subject")):
        if figure is None:
            continue
        low, high = figure["ci95"]
        days = figure["rating_days_after_last_session"]["median"]
        # A last rating can precede the last session when a course ends without a follow-up.
        timing = f"{_n(abs(days), 0)} days {'after' if days >= 0 else 'before'} the last session"
        out.append(f"{_pct(figure['rate'])} (95% CI {_pct(low)}–{_pct(high)}) were rated improved or better {_BY[figure['rater']]} ({figure['k']} of {figure['n']} courses, GAIS 1–3 at the course's last rating, a median of {timing}); the cut-off is the scale's wording, not a validated threshold.")  # fmt: skip
    if out:
        out.append("No placebo comparison is possible: the reference gives no placebo-arm GAIS rate.")  # fmt: skip
    return out


def sentences(report: dict[str, Any]) -> list[str]:
    kind = MEASUREMENT_KINDS[report["outcome"]]
    unit = kind.unit if not kind.integer else "points"
    out: list[str] = []
    naive = report["naive_change"]
    if naive is not None:
        low, high = naive["ci95"]
        out.append(f"From baseline to the last follow-up, {kind.label} changed by {_n(naive['estimate'])} {unit} on average (95% CI {_n(low)} to {_n(high)}) over {report['courses']} courses; this naive change includes weight change, placebo effects and regression to the mean.")  # fmt: skip
    effect = report["per_session_effect"]
    if effect is not None:
        low, high = effect["ci95"]
        holds_zero = low <= 0 <= high
        out.append(f"Net of weight change, each session was followed by {_signed(effect['estimate'], unit, 3)} (95% CI {_n(low, 3)} to {_n(high, 3)})" + ("; the interval includes no effect at all." if holds_zero else "."))  # fmt: skip
    split = report.get("decomposition")
    if split is not None:
        out.append(f"Of the naive change of {_n(split['naive_change'])} {unit}, about {_n(split['weight_part'])} is explained by a mean weight change of {_n(split['mean_weight_change_kg'])} kg and {_n(split['treatment_part'])} by the treatment ({_n(split['mean_sessions'], 1)} sessions on average); {_n(split['residual'])} is left unexplained.")  # fmt: skip
    control = report["control_difference_per_session"]
    if control is not None:
        low, high = control["ci95"]
        out.append(f"Against the untreated control site of {control['patients']} patients, the treated site changed by {_n(control['estimate'], 3)} {unit} per session more (95% CI {_n(low, 3)} to {_n(high, 3)}).")  # fmt: skip
    if report.get("relative_to_baseline"):
        out += _relative_sentences(report)
    responders = None if report.get("relative_to_baseline") else report["responders"]
    if responders is not None:
        low, high = responders["ci95"]
        text = f"{_pct(responders['rate'])} (95% CI {_pct(low)}–{_pct(high)}) improved enough to count as responders ({responders['k']} of {responders['n']} courses)"  # fmt: skip
        rates = sorted(b["placebo_rate"] for b in responders.get("placebo_benchmarks", []))
        if rates:
            trials = " and ".join(b["trial"] for b in responders["placebo_benchmarks"])
            span = _pct(rates[0]) if len(rates) == 1 else f"{_pct(rates[0]).rstrip('%')}–{_pct(rates[-1])}"  # fmt: skip
            text += f"; in the placebo arms of the pivotal trials ({trials}) {span} did"
        out.append(text + ".")
    for event in report["adverse_events"]:
        low, high = event["ci95"]
        label = AE_TYPES.get(event["type"], event["type"])
        text = f"{label} followed {_pct(event['rate_per_session'])} of sessions (95% CI {_pct(low)}–{_pct(high)}; {event['patients_with_event']} of {event['patients']} patients)"  # fmt: skip
        if event.get("median_days_to_resolution") is not None:
            days = event["median_days_to_resolution"]
            text += f" and resolved in a median of {_n(days, 1)} day{'' if days == 1 else 's'}"
        out.append(text + ".")
    return out
