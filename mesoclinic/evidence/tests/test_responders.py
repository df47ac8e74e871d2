"""The REFINE composite responder rate beside the trials' placebo arms."""

from __future__ import annotations

from typing import Any

from mesoclinic.evidence.engine.report import build_report
from mesoclinic.evidence.engine.responders import REFINE_1, REFINE_2


def smfrs_rows(
    n_patients: int, responders: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Three sessions 4 weeks apart; SMFRS by both raters at baseline and 12 weeks after."""
    sessions: list[dict[str, Any]] = []
    measurements: list[dict[str, Any]] = []
    for i in range(n_patients):
        pid = f"P{i}"
        for k, date in enumerate(("2023-01-10", "2023-02-07", "2023-03-07")):
            sessions.append({"session_id": f"S{i}-{k}", "patient_id": pid, "date": date, "indication": "submental_fat", "area": "submental", "side": "midline"})  # fmt: skip
        # Patient-rated improvement for everyone; the clinician agrees only for responders.
        after = {"clinician": 2 if i < responders else 3, "patient": 2}
        for rater in ("clinician", "patient"):
            measurements.append({"patient_id": pid, "date": "2023-01-10", "kind": "smfrs", "value": 3, "area": "submental", "side": "midline", "rater": rater})  # fmt: skip
            measurements.append({"patient_id": pid, "date": "2023-05-30", "kind": "smfrs", "value": after[rater], "area": "submental", "side": "midline", "rater": rater})  # fmt: skip
    return sessions, measurements


def test_it_counts_the_composite_responders_beside_the_refine_placebo_arms():
    # given 40 courses, 14 improving >=1 grade on both the clinician and the patient scale
    sessions, measurements = smfrs_rows(40, 14)
    # when the SMFRS report is built
    report = build_report([], sessions, measurements, [], indication="submental_fat", outcome="smfrs")  # fmt: skip
    responders = report["responders"]
    # then k/n is 14/40 with a Wilson interval, next to REFINE-1 18.6% and REFINE-2 22.2%
    assert (responders["k"], responders["n"]) == (14, 40)
    assert responders["rate"] == 0.35
    assert responders["ci95"][0] < 0.35 < responders["ci95"][1]
    assert responders["ci_method"] == "Wilson"
    benchmarks = {b["trial"]: b for b in responders["placebo_benchmarks"]}
    assert benchmarks["REFINE-1"]["placebo_rate"] == 0.186
    assert benchmarks["REFINE-1"]["source"] == REFINE_1
    assert benchmarks["REFINE-2"]["placebo_rate"] == 0.222
    assert benchmarks["REFINE-2"]["source"] == REFINE_2
    assert "12 weeks" in responders["definition"]


def test_it_reports_no_responder_rate_for_circumference(bundle):
    # given circumference, which has no validated minimal clinically important difference
    report = build_report(**bundle.tables(), indication="localized_fat")
    # then the responder figure is null and the limitations say why
    assert report["responders"] is None
    assert any("no validated minimal clinically important difference" in item for item in report["limitations"])  # fmt: skip
