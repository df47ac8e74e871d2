"""Responder rates beside the placebo-arm rates of the pivotal trials (§2.4, §4 R3).

A responder is defined only where the reference gives a validated threshold:
- ``smfrs``: ≥1-grade improvement on **both** the clinician (CR-SMFRS) and the patient
  (PR-SMFRS) scale — the REFINE composite CR-1/PR-1, assessed 12 weeks after the last
  treatment. Placebo arms: REFINE-1 18.6 %, REFINE-2 22.2 %.
- ``pcss``: ≥1-level improvement on both CR-PCSS and PR-PCSS (1.0 point is the clinically
  meaningful change). Placebo arms at ≥1 level: RELEASE-1 17.8 %, RELEASE-2 11.2 %.
- ``hexsel_css``: ≥1-point reduction of the total, the endpoint of a device trial.
Other kinds (circumference, thickness, ...) have no validated minimal clinically important
difference in the reference, so no responder rate is reported (evidence-analytics.md §2.7).

The reading used is the one closest to 12 weeks within 8–16 weeks after the last session
(``courses.primary_window``); a course with several treated sites uses their mean change.

Kinds rated against baseline (``courses.RELATIVE_KINDS``: GAIS, mesotherapy-clinical.md §5.4,
https://flexikon.doccheck.com/de/Global_Aesthetic_Improvement_Scale) have no change to
threshold. Their responder is the scale's own wording: rated "improved" or better (GAIS 1–3:
very much improved, much improved, improved). The reference says GAIS has **no validated
cut-offs**, so this is the scale's label, not a validated threshold. The rating used is each
course's **last** rating after time zero (the end-of-course judgement; a course with several
treated sites uses the mean of their last ratings), reported separately for the clinician
(investigator, I-GAIS) and the patient (subject, S-GAIS). The 8–16-week window is not
required: GAIS is often rated at the sessions themselves, and the report states when the
ratings used were taken (days after the last session) instead. The reference gives no
placebo-arm GAIS rate, so no placebo comparison is offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mesoclinic.clinical_codes import MEASUREMENT_KINDS
from mesoclinic.evidence.engine import notes
from mesoclinic.evidence.engine.courses import Dataset, build_dataset, first_or_last, primary_window
from mesoclinic.evidence.engine.estimates import MIN_COURSES_DESCRIPTIVE, rounded
from mesoclinic.evidence.engine.proportions import proportion_ci
from mesoclinic.evidence.engine.tables import Tables

REFINE_1 = "https://journals.lww.com/dermatologicsurgery/Abstract/2016/01000/REFINE_1,_a_Multicenter,_Randomized,_Double_Blind,.5.aspx"
REFINE_2 = "https://ucdavis.pure.elsevier.com/en/publications/atx-101-for-reduction-of-submental-fat-a-phase-iii-randomized-con"
REFINE_COMPOSITE = "https://insights.ovid.com/jaade/201610000/00004725-201610000-00023"
RELEASE = "https://pubmed.ncbi.nlm.nih.gov/33840781/"
PCSS_MCID = "https://www.pubmed.gov/33009069/"
HEXSEL_ENDPOINT = "https://pmc.ncbi.nlm.nih.gov/articles/PMC9342681"


@dataclass(frozen=True)
class Benchmark:
    trial: str
    rate: float
    definition: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"trial": self.trial, "placebo_rate": self.rate, "definition": self.definition, "source": self.source}  # fmt: skip


@dataclass(frozen=True)
class ResponderRule:
    kind: str
    improvement: float  # a response is a fall of at least this much (lower score = better)
    composite: bool  # must be met on both the clinician and the patient scale
    definition: str
    source: str
    benchmarks: tuple[Benchmark, ...] = ()


_REFINE_DEFINITION = "placebo arm, ≥1-grade composite CR-SMFRS and PR-SMFRS, 12 weeks after the last treatment"  # fmt: skip
_RELEASE_DEFINITION = "placebo arm, ≥1-level composite CR-PCSS and PR-PCSS at Day 71"
RULES: dict[str, ResponderRule] = {
    "smfrs": ResponderRule(
        "smfrs",
        1.0,
        True,
        "≥1-grade improvement on both the clinician and the patient Submental Fat Rating Scale (REFINE composite CR-1/PR-1), reading closest to 12 weeks within 8–16 weeks after the last session",  # fmt: skip
        REFINE_COMPOSITE,
        (
            Benchmark("REFINE-1", 0.186, _REFINE_DEFINITION, REFINE_1),
            Benchmark("REFINE-2", 0.222, _REFINE_DEFINITION, REFINE_2),
        ),
    ),
    "pcss": ResponderRule(
        "pcss",
        1.0,
        True,
        "≥1-level improvement on both the clinician and the patient Photonumeric Cellulite Severity Scale, reading closest to 12 weeks within 8–16 weeks after the last session",  # fmt: skip
        PCSS_MCID,
        (
            Benchmark("RELEASE-1", 0.178, _RELEASE_DEFINITION, RELEASE),
            Benchmark("RELEASE-2", 0.112, _RELEASE_DEFINITION, RELEASE),
        ),
    ),
    "hexsel_css": ResponderRule(
        "hexsel_css",
        1.0,
        False,
        "≥1-point reduction of the Hexsel Cellulite Severity Scale total, reading closest to 12 weeks within 8–16 weeks after the last session",  # fmt: skip
        HEXSEL_ENDPOINT,
    ),
}


def _window_change(dataset: Dataset) -> pd.Series:
    """Per course: change from baseline at the primary-window reading, mean over treated sites."""
    rows = dataset.rows
    window = primary_window(rows[rows["treated"].to_numpy()])
    change = window["value"] - window["baseline"]
    return change.groupby(window["course"].to_numpy()).mean()


def responders(
    tables: Tables, indication: str, area: str | None, outcome: str, clinician: Dataset
) -> tuple[dict[str, Any] | None, list[str]]:
    rule = RULES.get(outcome)
    if rule is None:
        # evidence-analytics.md §2.7; the sentence is read by people, so it names the outcome.
        label = MEASUREMENT_KINDS[outcome].label if outcome in MEASUREMENT_KINDS else outcome
        return None, [notes.NO_MCID % {"outcome": label}]
    change = _window_change(clinician)
    responded = change <= -rule.improvement
    if rule.composite:
        patient = build_dataset(tables, indication, area, outcome, rater="patient")
        # Course numbers are the same in both datasets: both come from the same sessions.
        patient_change = _window_change(patient)
        both = pd.concat([change, patient_change], axis=1, join="inner")
        responded = (both.iloc[:, 0] <= -rule.improvement) & (both.iloc[:, 1] <= -rule.improvement)  # fmt: skip
    n, k = len(responded), int(responded.sum())
    if n < MIN_COURSES_DESCRIPTIVE:
        return None, [
            notes.RESPONDERS_NOT_COMPUTED % {"count": n, "needed": MIN_COURSES_DESCRIPTIVE}
        ]
    low, high, method = proportion_ci(k, n)
    return {
        "definition": rule.definition,
        "k": k,
        "n": n,
        "rate": rounded(k / n),
        "ci95": [rounded(low), rounded(high)],
        "ci_method": method,
        "source": rule.source,
        "placebo_benchmarks": [b.as_dict() for b in rule.benchmarks],
    }, []


GAIS_SOURCE = "https://flexikon.doccheck.com/de/Global_Aesthetic_Improvement_Scale"
# GAIS 1 very much improved, 2 much improved, 3 improved, 4 no change, 5 worse (§5.4).
RELATIVE_RESPONSE_AT_MOST = 3.0
RATER_WORDS = {"clinician": "the clinician (investigator, I-GAIS)", "patient": "the patient (subject, S-GAIS)"}  # fmt: skip
NO_PLACEBO_GAIS = "the reference gives no placebo-arm GAIS rate, so there is no placebo comparison; placebo arms of randomised trials do 'respond' on other grading scales (18.6–22.2% REFINE, 11.2–17.8% RELEASE), so part of this rate can be placebo, expectation and regression to the mean rather than treatment"  # fmt: skip


def _last_ratings(dataset: Dataset) -> pd.DataFrame:
    """Per course: the mean over treated sites of each site's last rating after time zero."""
    rows = dataset.rows
    treated = rows[rows["treated"].to_numpy() & (rows["days"].to_numpy() > 0)]
    last = first_or_last(treated, "series", "day")
    return last.groupby("course", sort=True).agg(rating=("value", "mean"), post_days=("post_days", "max"))  # fmt: skip


def relative_responders(dataset: Dataset, rater: str) -> tuple[dict[str, Any] | None, list[str]]:
    """Courses rated improved or better (GAIS 1–3) at their last rating, by one rater."""
    last = _last_ratings(dataset)
    n = len(last)
    if n < MIN_COURSES_DESCRIPTIVE:
        return None, [notes.RATED_RESPONDERS_NOT_COMPUTED[rater] % {"count": n, "needed": MIN_COURSES_DESCRIPTIVE}]  # fmt: skip
    k = int((last["rating"].to_numpy() <= RELATIVE_RESPONSE_AT_MOST).sum())
    low, high, method = proportion_ci(k, n)
    post = last["post_days"].to_numpy()
    q1, median, q3 = np.percentile(post, [25, 50, 75])
    return (
        {
            "definition": f"rated 'improved' or better (GAIS 1–3: very much improved, much improved, improved) by {RATER_WORDS[rater]} at the course's last rating after the first session; the cut-off is the scale's own wording, not a validated threshold (GAIS has no validated cut-offs)",  # fmt: skip
            "rater": rater,
            "k": k,
            "n": n,
            "rate": rounded(k / n),
            "ci95": [rounded(low), rounded(high)],
            "ci_method": method,
            "source": GAIS_SOURCE,
            "rating_days_after_last_session": {
                "median": rounded(median),
                "iqr": [rounded(q1), rounded(q3)],
            },  # fmt: skip
            "placebo_benchmarks": [],
            "placebo_note": NO_PLACEBO_GAIS,
        },
        [],
    )
