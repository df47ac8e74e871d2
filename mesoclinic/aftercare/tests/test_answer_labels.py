"""Staff read a patient's check-in answers under the questions' names, with their scales,
never under storage keys such as "Rednesswarmth" or "Painscore"."""

from __future__ import annotations

import re

import pytest

from mesoclinic.aftercare.answers import answer_rows
from mesoclinic.aftercare.questions import outcome_questions

from .test_patient_link import QUIET

pytestmark = pytest.mark.django_db


def _answers_table(body: str) -> str:
    return body.split('id="answers-heading"', 1)[1].split("</table>", 1)[0]


def test_it_shows_check_in_answers_with_their_labels_and_units(
    client, login, nina, due_check_in, open_link
):
    # given a patient who answered red and warm skin, pain 3 and a little impact
    check_in = due_check_in("week4_6", days_ago=35)
    client.post(
        open_link(client, check_in),
        {**QUIET, "redness_warmth": "yes", "pain_score": "3", "impact": "mild"},
    )
    client.cookies.clear()
    # when the nurse opens the check-in
    body = login(nina).get(f"/aftercare/check-ins/{check_in.public_id}/").content.decode()
    table = _answers_table(body)
    # then each answer is under its question's label, with its scale
    assert "Redness or warmth" in table
    assert re.search(r"Redness or warmth</th><td><strong>Yes</strong>", table)
    assert "Pain where treated (0 = none, 10 = the worst imaginable)</th><td>3 / 10" in table
    assert "Effect on daily life</th><td>A little, I can do everything as usual" in table
    # and no storage key is shown
    for raw in ("Rednesswarmth", "Painscore", "pain_score", "redness_warmth", "Impact<"):
        assert raw not in table


def test_it_labels_outcome_scales_with_the_site_and_the_scale_wording():
    # given the answers of a submental outcome visit
    questions = outcome_questions("submental_fat", [("submental", "midline")])
    answers = {
        "smfrs_submental_midline": 1,
        "gais_submental_midline": 2,
        "satisfaction_submental_midline": 8,
        "anything_else": "Happy so far",
    }
    # when they are labelled
    rows = {row.label: row.value for row in answer_rows(answers, questions)}
    # then each names its scale and site, with the scale's wording or range
    assert rows["Submental Fat Rating Scale, Submental (midline)"] == "1 / 4"
    assert rows["Global Aesthetic Improvement Scale, Submental (midline)"] == "2 · Much improved"
    assert rows["Satisfaction, Submental (midline)"] == "8 / 10"
    assert rows["Anything else the patient wants the clinic to know"] == "Happy so far"


def test_it_words_an_answer_to_a_question_no_longer_asked():
    # when an older check-in holds a key the questionnaire no longer has
    rows = answer_rows({"old_question": True}, [])
    # then it reads in words, not as a code
    assert (rows[0].label, rows[0].value) == ("Old question", "Yes")
