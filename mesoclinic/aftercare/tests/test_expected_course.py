"""The usual course of each side effect, from the reference, and the "outlasts it" flag."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.aftercare.expected_course import USUAL_COURSE, course_flag


@pytest.mark.parametrize(
    ("event_type", "last_usual_day", "source_fragment"),
    [
        ("bruising", 10, "jcadonline.com"),  # mostly gone within 10 days
        ("pain", 2, "buffaloaesthetics.com"),  # marked soreness days 1–2
        ("swelling", 21, "pepeverde.com.pl"),  # up to 3 weeks
        ("nodule", 28, "pepeverde.com.pl"),  # 2–4 weeks
        ("erythema", 7, "artemedis.com"),  # inflamed about 1 week
        ("pruritus", 7, "artemedis.com"),  # itchy about 1 week
        ("numbness", 28, "buffaloaesthetics.com"),  # weeks 2–4
        ("nerve_injury", 298, "refineaestheticsllc.com"),  # range 1–298, median 44
        ("dysphagia", 81, "refineaestheticsllc.com"),  # range 1–81, median 3
    ],
)
def test_it_flags_an_event_only_after_its_usual_course(event_type, last_usual_day, source_fragment):
    # given an event of this type
    # when it is still present on the last usual day, and on the day after
    within = course_flag(event_type, last_usual_day)
    beyond = course_flag(event_type, last_usual_day + 1)
    # then only the later one is flagged, with the reference's source
    assert within is None
    assert beyond is not None
    assert beyond.usual_max_days == last_usual_day
    assert source_fragment in beyond.source
    assert f"day {last_usual_day + 1}" in beyond.message


def test_it_names_the_medians_of_nerve_injury_and_dysphagia():
    # given the trial figures
    # then the descriptions carry the medians and ranges of the reference
    assert "median 44" in USUAL_COURSE["nerve_injury"].description
    assert "1–298" in USUAL_COURSE["nerve_injury"].description
    assert "median 3" in USUAL_COURSE["dysphagia"].description
    assert "1–81" in USUAL_COURSE["dysphagia"].description


def test_it_does_not_flag_a_type_without_a_known_course():
    # given a type the reference gives no usual course for
    # when it lasts a long time
    # then nothing is flagged by the course model (red flags handle the serious ones)
    assert course_flag("hyperpigmentation", 400) is None


def test_it_refuses_a_negative_duration():
    with pytest.raises(ValueError, match="negative"):
        course_flag("bruising", -1)


@given(st.sampled_from(sorted(USUAL_COURSE)), st.integers(min_value=0, max_value=1000))
def test_it_flags_exactly_when_the_usual_maximum_is_exceeded(event_type, days):
    # property: flagged if and only if days exceed the usual maximum
    flagged = course_flag(event_type, days) is not None
    assert flagged == (days > USUAL_COURSE[event_type].usual_max_days)
