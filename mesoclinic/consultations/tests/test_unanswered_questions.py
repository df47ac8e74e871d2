"""A screening is signed only when each question it needs is answered or marked "not asked"
with a reason: the pure rules (table tests), the service and the pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Membership
from mesoclinic.consultations import services
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.questions import QUESTION_CODES, QUESTIONS, Questionnaire
from mesoclinic.consultations.screening import questions_for, unanswered_questions
from mesoclinic.consultations.screening_rules import ALL, MESOTHERAPY, PCDC
from mesoclinic.consultations.tests.test_consultation_views import form_data
from mesoclinic.patients.models import Patient
from mesoclinic.records.services import SigningError

SUBMENTAL = {q.code for q in QUESTIONS if q.submental}
ALL_NO = dict.fromkeys(QUESTION_CODES, "no")


@pytest.mark.parametrize(
    ("planned", "asks_submental"),
    [((MESOTHERAPY,), False), ((MESOTHERAPY, PCDC), False), (ALL, True)],
)
def test_it_asks_the_submental_block_only_when_deoxycholic_acid_may_be_used(
    planned: tuple[str, ...], asks_submental: bool
) -> None:
    assert bool(SUBMENTAL & set(questions_for(planned))) == asks_submental


@pytest.mark.parametrize(
    ("answers", "indications", "areas", "expected"),
    [
        # every question answered
        (ALL_NO, ["localized_fat"], ["abdomen"], ()),
        # nothing answered for localized fat: every question but the submental block
        (
            {},
            ["localized_fat"],
            ["abdomen"],
            tuple(c for c in QUESTION_CODES if c not in SUBMENTAL),
        ),
        # submental fat needs the submental block too
        (
            {k: v for k, v in ALL_NO.items() if k != "dysphagia"},
            ["submental_fat"],
            [],
            ("dysphagia",),
        ),
        # ... and so does localized fat planned under the chin
        (
            {k: v for k, v in ALL_NO.items() if k != "neck_lumps"},
            ["localized_fat"],
            ["submental"],
            ("neck_lumps",),
        ),
        # "not asked" without a reason is not an answer
        (ALL_NO | {"keloid": "unknown"}, ["cellulite"], [], ("keloid",)),
        # "not asked" with a reason is
        (
            ALL_NO | {"keloid": "unknown", "not_asked": {"keloid": "Patient left early"}},
            ["cellulite"],
            [],
            (),
        ),
        # a blank reason counts for nothing
        (
            ALL_NO | {"keloid": "unknown", "not_asked": {"keloid": "   "}},
            ["cellulite"],
            [],
            ("keloid",),
        ),
        # no indication chosen: every question, the submental block included
        ({}, [], [], QUESTION_CODES),
    ],
)
def test_it_lists_the_unanswered_questions(
    answers: dict[str, object], indications: list[str], areas: list[str], expected: tuple[str, ...]
) -> None:
    q = Questionnaire.from_json(answers)
    assert unanswered_questions(q, indications, areas) == expected


def test_it_keeps_a_reason_only_for_a_question_not_answered() -> None:
    # given a reason left behind on a question answered yes
    q = Questionnaire.from_json({"pregnant": "yes", "not_asked": {"pregnant": "x", "keloid": "y"}})
    # then only the open question keeps its reason
    assert q.not_asked == {"keloid": "y"}


# --- the service and the pages ---------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def open_consultation(
    login: Callable[[Membership], Client], alice: Membership, patient: Patient
) -> Consultation:
    """A draft for localized fat where the pregnancy and keloid questions were left open."""
    data = form_data()
    del data["q_pregnant"]
    data["q_keloid"] = "unknown"
    login(alice).post(reverse("consultations:create", args=[patient.public_id]), data)
    return Consultation.objects.get()


@pytestmark_db
def test_it_refuses_to_sign_a_screening_with_unanswered_questions(alice, open_consultation):
    # when alice signs it through the service
    with pytest.raises(services.UnansweredQuestionsError) as refused:
        services.sign_consultation(None, alice, open_consultation)
    # then it is refused, naming both questions, and stays a draft
    assert refused.value.questions == [
        "Pregnant?",
        "Tendency to keloids or hypertrophic scars?",
    ]
    assert isinstance(refused.value, SigningError)
    open_consultation.refresh_from_db()
    assert not open_consultation.is_signed


@pytestmark_db
def test_it_lists_the_unanswered_questions_on_the_page_and_refuses_the_sign_button(
    login, alice, open_consultation
):
    client = login(alice)
    url = reverse("consultations:detail", args=[open_consultation.public_id])
    # when she opens the draft, then the questions are listed before signing
    page = client.get(url).content.decode()
    assert "Before signing" in page
    assert "2 screening questions are neither answered" in page
    # when she presses Sign, then it is refused and says where the list is
    response = client.post(
        reverse("consultations:sign", args=[open_consultation.public_id]), follow=True
    )
    body = response.content.decode()
    assert "Not signed: 2 screening questions are neither answered" in body
    assert "Tendency to keloids or hypertrophic scars?" in body
    open_consultation.refresh_from_db()
    assert not open_consultation.is_signed


@pytestmark_db
def test_it_signs_once_each_question_is_answered_or_not_asked_with_a_reason(
    login, alice, open_consultation
):
    client = login(alice)
    # given the draft edited: pregnancy answered, keloid marked not asked with the reason
    data = form_data(q_pregnant="no", q_keloid="unknown", why_keloid="Patient had to leave")
    data["version"] = str(open_consultation.version)
    client.post(reverse("consultations:edit", args=[open_consultation.public_id]), data)
    open_consultation.refresh_from_db()
    assert open_consultation.questionnaire["not_asked"] == {"keloid": "Patient had to leave"}
    # when she signs
    client.post(reverse("consultations:sign", args=[open_consultation.public_id]))
    # then it is signed, and the page shows the reason beside the question
    open_consultation.refresh_from_db()
    assert open_consultation.is_signed
    page = client.get(
        reverse("consultations:detail", args=[open_consultation.public_id])
    ).content.decode()
    assert "Not asked: Patient had to leave" in page


@pytestmark_db
def test_it_takes_a_reason_without_an_answer_as_not_asked(login, alice, patient):
    data = form_data(why_keloid="Patient declined to answer")
    del data["q_keloid"]
    login(alice).post(reverse("consultations:create", args=[patient.public_id]), data)
    stored = Consultation.objects.get().questionnaire
    assert stored["keloid"] == "unknown"
    assert stored["not_asked"] == {"keloid": "Patient declined to answer"}


@pytestmark_db
def test_it_refuses_a_reason_for_a_question_answered(login, alice, patient):
    response = login(alice).post(
        reverse("consultations:create", args=[patient.public_id]),
        form_data(q_keloid="no", why_keloid="left early"),
    )
    assert "is answered no: clear the reason" in response.content.decode()
    assert not Consultation.objects.exists()


@pytestmark_db
def test_it_refuses_an_amendment_that_leaves_a_question_unanswered(login, alice, patient):
    # given a signed, complete consultation
    client = login(alice)
    client.post(reverse("consultations:create", args=[patient.public_id]), form_data())
    consultation = Consultation.objects.get()
    client.post(reverse("consultations:sign", args=[consultation.public_id]))
    # when an amendment clears an answer
    data = form_data(reason="Pregnancy answer was a guess")
    del data["q_pregnant"]
    response = client.post(reverse("consultations:amend", args=[consultation.public_id]), data)
    # then it is refused, naming the question, and no amendment is written
    assert "Pregnant?" in response.content.decode()
    assert "neither answered nor marked" in response.content.decode()
    assert not consultation.amendments.exists()


@pytestmark_db
def test_it_starts_a_new_consultation_with_no_answer_chosen(login, alice, patient):
    # when a new consultation form opens
    body = login(alice).get(reverse("consultations:create", args=[patient.public_id]))
    radios = re.findall(r'<input type="radio" name="q_[a-z0-9_]+"[^>]*>', body.content.decode())
    # then every question is there and none has an answer chosen for the clinician
    assert len(radios) == 3 * len(QUESTIONS)
    assert not [r for r in radios if "checked" in r]
