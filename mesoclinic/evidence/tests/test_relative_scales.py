"""GAIS: a scale rated against the pre-treatment appearance, so it has no baseline reading.

The report gives the share rated improved or better (GAIS 1–3) at each course's last rating,
per rater, and null change figures with the reason; never an "excluded, no baseline".
"""

from __future__ import annotations

from typing import Any

from mesoclinic.evidence.engine.proportions import proportion_ci
from mesoclinic.evidence.engine.report import build_report
from mesoclinic.evidence.sentences import sentences


def gais_rows(n_patients: int, clinician_improved: int, patient_improved: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    """Four face sessions 15 days apart; GAIS by both raters at session 3 and 4 weeks after.

    The mid-course rating is 4 (no change) for everyone, so only the last rating decides.
    """
    sessions, measurements = [], []
    for i in range(n_patients):
        pid = f"G{i}"
        for k, date in enumerate(("2024-01-08", "2024-01-23", "2024-02-07", "2024-02-22")):
            sessions.append({"session_id": f"G{i}-{k}", "patient_id": pid, "date": date, "indication": "skin_rejuvenation", "area": "face", "side": "bilateral"})  # fmt: skip
        last = {"clinician": 2 if i < clinician_improved else 4, "patient": 3 if i < patient_improved else 5}  # fmt: skip
        for rater in ("clinician", "patient"):
            measurements.append({"patient_id": pid, "date": "2024-02-07", "kind": "gais", "value": 4, "area": "face", "side": "bilateral", "rater": rater})  # fmt: skip
            measurements.append({"patient_id": pid, "date": "2024-03-21", "kind": "gais", "value": last[rater], "area": "face", "side": "bilateral", "rater": rater})  # fmt: skip
        measurements.append({"patient_id": pid, "date": "2024-01-08", "kind": "weight_kg", "value": 64})  # fmt: skip
    return sessions, measurements


def _gais_report(n: int, clinician: int, patient: int) -> dict[str, Any]:
    sessions, measurements = gais_rows(n, clinician, patient)
    return build_report([], sessions, measurements, [], indication="skin_rejuvenation", outcome="gais")  # fmt: skip


def test_it_counts_courses_rated_improved_or_better_per_rater_with_an_interval():
    # given 30 courses: 21 rated much improved by the clinician, 12 rated improved by the patient
    # when the GAIS report is built
    report = _gais_report(30, 21, 12)
    # then the clinician's rate is 21/30 and the patient's 12/30, each with its interval
    clinician, patient = report["responders"], report["responders_subject"]
    assert (clinician["k"], clinician["n"], clinician["rater"]) == (21, 30, "clinician")
    assert clinician["rate"] == 0.7
    low, high, method = proportion_ci(21, 30)
    assert clinician["ci95"] == [round(low, 6), round(high, 6)]
    assert clinician["ci_method"] == method
    assert (patient["k"], patient["n"], patient["rater"]) == (12, 30, "patient")
    assert patient["ci95"][0] < 0.4 < patient["ci95"][1]
    # and the last rating (4 weeks after the last session) decides, not the mid-course one
    assert clinician["rating_days_after_last_session"]["median"] == 28
    # and the cut-off is said to be the scale's wording, without a placebo arm
    assert "not a validated threshold" in clinician["definition"]
    assert clinician["placebo_benchmarks"] == []
    assert "no placebo-arm GAIS rate" in clinician["placebo_note"]


def test_it_counts_patients_courses_and_ratings_without_a_baseline():
    # given 30 rated courses with two ratings per rater each, and no reading before time zero
    # when the GAIS report is built
    report = _gais_report(30, 21, 12)
    # then every course is analysed and only the clinician's ratings are counted
    assert (report["patients"], report["courses"], report["measurements"]) == (30, 30, 60)
    assert report["flow"]["excluded_no_rating"] == 0
    assert report["relative_to_baseline"] is True


def test_it_leaves_change_figures_null_with_the_reason_not_a_missing_baseline():
    # given rated GAIS courses, none with a reading before time zero
    # when the GAIS report is built
    report = _gais_report(30, 21, 12)
    # then the change-based figures are null, and the reason is the scale, not attrition
    for key in ("naive_change", "per_session_effect", "weight_effect_per_kg", "control_difference_per_session"):  # fmt: skip
        assert report[key] is None
    text = " ".join(report["limitations"])
    assert "there is no baseline value to subtract" in text
    assert "excluded" not in text
    assert "no baseline reading" not in text
    assert "no placebo-arm GAIS rate" in text


def test_it_reports_a_null_rate_with_the_reason_when_too_few_courses_are_rated():
    # given 6 rated courses (fewer than 10)
    # when the GAIS report is built
    report = _gais_report(6, 4, 3)
    # then both rates are null and the limitations say how many were rated
    assert report["responders"] is None
    assert report["responders_subject"] is None
    assert any("6 courses with a clinician rating" in t for t in report["limitations"])


def test_it_takes_a_gais_without_a_rater_as_the_clinicians():
    # given GAIS ratings stored without a rater (the clinician's form leaves it blank)
    sessions, measurements = gais_rows(12, 9, 0)
    for row in measurements:
        if row.get("rater") == "clinician":
            row["rater"] = ""
    # when the GAIS report is built
    report = build_report([], sessions, measurements, [], indication="skin_rejuvenation", outcome="gais")  # fmt: skip
    # then they count as the clinician's ratings
    assert (report["responders"]["k"], report["responders"]["n"]) == (9, 12)


def test_it_says_a_whole_number_of_days_ending_in_zero_in_full():
    # given a report whose ratings were taken a median of 30 days after the last session
    report = _gais_report(30, 21, 12)
    report["responders"]["rating_days_after_last_session"]["median"] = 30.0
    # when its sentences are written
    text = " ".join(sentences(report))
    # then the days read 30, not 3
    assert "a median of 30 days after the last session" in text


def test_it_says_the_rate_in_a_sentence_per_rater():
    # given a GAIS report with 21 of 30 clinician-rated and 12 of 30 patient-rated responders
    report = _gais_report(30, 21, 12)
    # when its sentences are written
    text = " ".join(sentences(report))
    # then the clinician's and the patients' rates are said, with no placebo comparison
    assert "70% (95% CI" in text
    assert "were rated improved or better by the clinician (21 of 30 courses" in text
    assert "were rated improved or better by the patients themselves (12 of 30 courses" in text
    assert "a median of 28 days after the last session" in text
    assert "No placebo comparison is possible" in text
    assert "placebo arms of the pivotal trials" not in text
