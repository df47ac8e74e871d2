"""Plain sentences generated from the report's numbers (pure Python, no Django).

Every number comes from the report dict; the placebo-arm rates come from the engine's
sourced benchmarks (engine/responders.py, REFINE and RELEASE). A null figure gives no
sentence: its reason is in the limitations.

Each sentence is one whole pattern with named places (``%(rate)s``), so a translator orders
the words of their own language; no sentence is glued from English fragments. The caller
passes a ``Wording``: the active language's ``gettext``/``ngettext`` and decimal separator
(``evidence.wording``); without one the sentences are English with a decimal point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mesoclinic.clinical_codes import AE_TYPES, MEASUREMENT_KINDS


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue (``makemessages`` knows the name): a pure module
    imports no Django, so the ``Wording`` translates it when a sentence is written."""
    return message


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


@dataclass(frozen=True)
class Wording:
    """How to write in the reader's language: its catalogue and its decimal separator."""

    gettext: Callable[[str], str] = str
    ngettext: Callable[[str, str, int], str] = _english_plural
    decimal_separator: str = "."


ENGLISH = Wording()

PERCENT = gettext_noop("%(number)s%%")
PERCENT_RANGE = gettext_noop("%(low)s–%(high)s%%")
POINTS = gettext_noop("points")
AND = gettext_noop("%(first)s and %(second)s")

NAIVE = gettext_noop("From baseline to the last follow-up, %(measure)s changed by %(change)s %(unit)s on average (95%% CI %(low)s to %(high)s) over %(courses)s courses; this naive change includes weight change, placebo effects and regression to the mean.")  # fmt: skip
EFFECT = {
    # (a reduction?, the interval holds zero?)
    (True, True): gettext_noop(
        "Net of weight change, each session was followed by a reduction of %(amount)s %(unit)s (95%% CI %(low)s to %(high)s); the interval includes no effect at all."
    ),  # fmt: skip
    (True, False): gettext_noop(
        "Net of weight change, each session was followed by a reduction of %(amount)s %(unit)s (95%% CI %(low)s to %(high)s)."
    ),  # fmt: skip
    (False, True): gettext_noop(
        "Net of weight change, each session was followed by an increase of %(amount)s %(unit)s (95%% CI %(low)s to %(high)s); the interval includes no effect at all."
    ),  # fmt: skip
    (False, False): gettext_noop(
        "Net of weight change, each session was followed by an increase of %(amount)s %(unit)s (95%% CI %(low)s to %(high)s)."
    ),  # fmt: skip
}
DECOMPOSITION = gettext_noop("Of the naive change of %(naive)s %(unit)s, about %(weight)s is explained by a mean weight change of %(weight_change)s kg and %(treatment)s by the treatment (%(sessions)s sessions on average); %(residual)s is left unexplained.")  # fmt: skip
CONTROL = gettext_noop("Against the untreated control site of %(patients)s patients, the treated site changed by %(change)s %(unit)s per session more (95%% CI %(low)s to %(high)s).")  # fmt: skip
RATED = {
    # (rater, rated after the last session?)
    ("clinician", True): gettext_noop(
        "%(rate)s (95%% CI %(low)s–%(high)s) were rated improved or better by the clinician (%(k)s of %(n)s courses, GAIS 1–3 at the course's last rating, a median of %(days)s days after the last session); the cut-off is the scale's wording, not a validated threshold."
    ),  # fmt: skip
    ("clinician", False): gettext_noop(
        "%(rate)s (95%% CI %(low)s–%(high)s) were rated improved or better by the clinician (%(k)s of %(n)s courses, GAIS 1–3 at the course's last rating, a median of %(days)s days before the last session); the cut-off is the scale's wording, not a validated threshold."
    ),  # fmt: skip
    ("patient", True): gettext_noop(
        "%(rate)s (95%% CI %(low)s–%(high)s) were rated improved or better by the patients themselves (%(k)s of %(n)s courses, GAIS 1–3 at the course's last rating, a median of %(days)s days after the last session); the cut-off is the scale's wording, not a validated threshold."
    ),  # fmt: skip
    ("patient", False): gettext_noop(
        "%(rate)s (95%% CI %(low)s–%(high)s) were rated improved or better by the patients themselves (%(k)s of %(n)s courses, GAIS 1–3 at the course's last rating, a median of %(days)s days before the last session); the cut-off is the scale's wording, not a validated threshold."
    ),  # fmt: skip
}
NO_PLACEBO_GAIS = gettext_noop("No placebo comparison is possible: the reference gives no placebo-arm GAIS rate.")  # fmt: skip
RESPONDERS = gettext_noop("%(rate)s (95%% CI %(low)s–%(high)s) improved enough to count as responders (%(k)s of %(n)s courses).")  # fmt: skip
RESPONDERS_PLACEBO = gettext_noop("%(rate)s (95%% CI %(low)s–%(high)s) improved enough to count as responders (%(k)s of %(n)s courses); in the placebo arms of the pivotal trials (%(trials)s) %(span)s did.")  # fmt: skip
EVENT = gettext_noop("%(event)s followed %(rate)s of sessions (95%% CI %(low)s–%(high)s; %(k)s of %(n)s patients).")  # fmt: skip
# A plural pair: marked for the catalogue with its plural in ``evidence.wording`` (the marker
# that keeps the two forms together needs Django), translated here through ``Wording.ngettext``.
EVENT_RESOLVED = (
    "%(event)s followed %(rate)s of sessions (95%% CI %(low)s–%(high)s; %(k)s of %(n)s patients) and resolved in a median of %(days)s day.",  # fmt: skip
    "%(event)s followed %(rate)s of sessions (95%% CI %(low)s–%(high)s; %(k)s of %(n)s patients) and resolved in a median of %(days)s days.",  # fmt: skip
)


def _n(value: float, digits: int = 2, w: Wording = ENGLISH) -> str:
    text = f"{value:.{digits}f}"
    # Trailing zeros are cut only after a decimal point: 30 days stays 30, not 3.
    text = text.rstrip("0").rstrip(".") if "." in text else text
    text = "0" if text in ("-0", "") else text.replace("-", "−")
    return text.replace(".", w.decimal_separator)


def _pct(value: float, w: Wording = ENGLISH) -> str:
    return w.gettext(PERCENT) % {"number": f"{100 * value:.0f}"}


def _relative_sentences(report: dict[str, Any], w: Wording) -> list[str]:
    """A scale rated against baseline (GAIS): the share rated improved or better, per rater."""
    out: list[str] = []
    for figure in (report["responders"], report.get("responders_subject")):
        if figure is None:
            continue
        low, high = figure["ci95"]
        days = figure["rating_days_after_last_session"]["median"]
        # A last rating can precede the last session when a course ends without a follow-up.
        pattern = RATED[(figure["rater"], days >= 0)]
        out.append(w.gettext(pattern) % {"rate": _pct(figure["rate"], w), "low": _pct(low, w), "high": _pct(high, w), "k": figure["k"], "n": figure["n"], "days": _n(abs(days), 0, w)})  # fmt: skip
    if out:
        out.append(w.gettext(NO_PLACEBO_GAIS))
    return out


def _responders(responders: dict[str, Any], w: Wording) -> str:
    low, high = responders["ci95"]
    values: dict[str, Any] = {"rate": _pct(responders["rate"], w), "low": _pct(low, w), "high": _pct(high, w), "k": responders["k"], "n": responders["n"]}  # fmt: skip
    rates = sorted(b["placebo_rate"] for b in responders.get("placebo_benchmarks", []))
    if not rates:
        return w.gettext(RESPONDERS) % values
    names = [b["trial"] for b in responders["placebo_benchmarks"]]
    trials = names[0]
    for name in names[1:]:
        trials = w.gettext(AND) % {"first": trials, "second": name}
    if len(rates) == 1:
        span = _pct(rates[0], w)
    else:
        span = w.gettext(PERCENT_RANGE) % {"low": f"{100 * rates[0]:.0f}", "high": f"{100 * rates[-1]:.0f}"}  # fmt: skip
    return w.gettext(RESPONDERS_PLACEBO) % {**values, "trials": trials, "span": span}


def _event(event: dict[str, Any], w: Wording) -> str:
    low, high = event["ci95"]
    values = {"event": w.gettext(AE_TYPES.get(event["type"], event["type"])), "rate": _pct(event["rate_per_session"], w), "low": _pct(low, w), "high": _pct(high, w), "k": event["patients_with_event"], "n": event["patients"]}  # fmt: skip
    days = event.get("median_days_to_resolution")
    if days is None:
        return w.gettext(EVENT) % values
    # A median can be fractional (1.5 days): only exactly one day is singular.
    pattern = w.ngettext(*EVENT_RESOLVED, 1 if days == 1 else 2)
    return pattern % {**values, "days": _n(days, 1, w)}


def sentences(report: dict[str, Any], wording: Wording = ENGLISH) -> list[str]:
    w = wording
    kind = MEASUREMENT_KINDS[report["outcome"]]
    unit = kind.unit if not kind.integer else w.gettext(POINTS)
    out: list[str] = []
    naive = report["naive_change"]
    if naive is not None:
        low, high = naive["ci95"]
        out.append(w.gettext(NAIVE) % {"measure": w.gettext(kind.label), "change": _n(naive["estimate"], 2, w), "unit": unit, "low": _n(low, 2, w), "high": _n(high, 2, w), "courses": report["courses"]})  # fmt: skip
    effect = report["per_session_effect"]
    if effect is not None:
        low, high = effect["ci95"]
        pattern = EFFECT[(effect["estimate"] < 0, low <= 0 <= high)]
        out.append(w.gettext(pattern) % {"amount": _n(abs(effect["estimate"]), 3, w), "unit": unit, "low": _n(low, 3, w), "high": _n(high, 3, w)})  # fmt: skip
    split = report.get("decomposition")
    if split is not None:
        out.append(w.gettext(DECOMPOSITION) % {"naive": _n(split["naive_change"], 2, w), "unit": unit, "weight": _n(split["weight_part"], 2, w), "weight_change": _n(split["mean_weight_change_kg"], 2, w), "treatment": _n(split["treatment_part"], 2, w), "sessions": _n(split["mean_sessions"], 1, w), "residual": _n(split["residual"], 2, w)})  # fmt: skip
    control = report["control_difference_per_session"]
    if control is not None:
        low, high = control["ci95"]
        out.append(w.gettext(CONTROL) % {"patients": control["patients"], "change": _n(control["estimate"], 3, w), "unit": unit, "low": _n(low, 3, w), "high": _n(high, 3, w)})  # fmt: skip
    if report.get("relative_to_baseline"):
        out += _relative_sentences(report, w)
    responders = None if report.get("relative_to_baseline") else report["responders"]
    if responders is not None:
        out.append(_responders(responders, w))
    out += [_event(event, w) for event in report["adverse_events"]]
    return out
