"""Red flags in a patient's report, each rule from reference §4.4 with its next steps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.aftercare.red_flags import Report, in_ntm_window, red_flags


def codes(report: Report) -> list[str]:
    return [f.code for f in red_flags(report)]


def test_it_raises_nothing_for_a_quiet_report():
    # given a patient with nothing to report two weeks after a session
    # then there is no red flag
    assert codes(Report(days_since_session=14)) == []


@pytest.mark.parametrize(
    ("answers", "code", "event_type", "step_fragment", "source_fragment"),
    [
        (
            {"smile_weakness": True},
            "nerve_weakness",
            "nerve_injury",
            "median 44 days",
            "oncologynurseadvisor",
        ),
        (
            {"swallowing_difficulty": True},
            "dysphagia",
            "dysphagia",
            "median 3 days",
            "refineaestheticsllc",
        ),
        (
            {"skin_breakdown": True},
            "ulceration_necrosis",
            "ulceration",
            "Withhold further treatment",
            "oncologynurseadvisor",
        ),
        ({"fever": True}, "fever", "other", "assess for infection", "17550571"),
        (
            {"spreading_rash": True},
            "widespread_plaques",
            "allergic_reaction",
            "photograph",
            "actasdermo",
        ),
        ({"anaesthetic_toxicity": True}, "anaesthetic_toxicity", "other", "dose limit", "droracle"),
    ],
)
def test_it_raises_each_red_flag_with_steps_and_source(
    answers, code, event_type, step_fragment, source_fragment
):
    # given a report with one alarming answer, three days after a session
    report = Report(days_since_session=3, **answers)
    # when the rules run
    flags = red_flags(report)
    # then that red flag is raised with its next steps and source
    assert [f.code for f in flags] == [code]
    assert flags[0].event_type == event_type
    assert step_fragment in flags[0].next_steps
    assert any(source_fragment in s for s in flags[0].sources)


@pytest.mark.parametrize("days", [7, 28, 35, 84])
@pytest.mark.parametrize("answer", ["lump", "drainage"])
def test_it_suspects_mycobacteria_for_a_lump_or_drainage_1_to_12_weeks_after(days, answer):
    # given a new lump or drainage within 1–12 weeks of the session
    flags = red_flags(Report(days_since_session=days, **{answer: True}))
    # then a mycobacterial infection is suspected, with biopsy, case finding and the lot
    assert [f.code for f in flags] == ["suspected_ntm"]
    steps = flags[0].next_steps
    assert "biopsy for mycobacterial culture" in steps
    assert "other patient exposed to the same lot" in steps
    assert "quarantining the lot" in steps


@pytest.mark.parametrize("days", [0, 3, 6, 85])
def test_it_does_not_call_an_early_or_late_lump_mycobacterial(days):
    # given a lump outside the 1–12 week latency (an expected nodule, or beyond the window)
    # then no mycobacterial red flag is raised for it
    assert "suspected_ntm" not in codes(Report(days_since_session=days, lump=True))


def test_it_treats_early_drainage_as_a_sign_of_infection():
    # given drainage three days after the session
    # then it is an infection red flag, not a mycobacterial one
    assert codes(Report(days_since_session=3, drainage=True)) == ["infection"]


def test_it_orders_the_most_urgent_flags_first():
    report = Report(days_since_session=35, lump=True, fever=True, anaesthetic_toxicity=True)
    assert codes(report) == ["anaesthetic_toxicity", "suspected_ntm", "fever"]


def test_it_refuses_a_report_before_its_session():
    with pytest.raises(ValueError, match="before its session"):
        red_flags(Report(days_since_session=-1))


@given(st.integers(min_value=0, max_value=400))
def test_it_matches_the_ntm_window_exactly(days):
    # property: a lump is a mycobacterial red flag exactly in weeks 1–12
    flagged = "suspected_ntm" in codes(Report(days_since_session=days, lump=True))
    assert flagged == (7 <= days <= 84) == in_ntm_window(days)
