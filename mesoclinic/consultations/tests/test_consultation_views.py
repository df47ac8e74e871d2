"""Consultation pages for each persona: create with screening, sign, amend, drafts, limits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.questions import QUESTION_CODES
from mesoclinic.records.models import Amendment
from tests.form_submission import entry_list, own_post_forms

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict[str, object]:
    """A complete, reassuring consultation for localized fat: every answer no."""
    data: dict[str, object] = {
        "consulted_at": "2025-01-15T10:30",
        "concerns": "Lower abdominal bulge that diet does not shift",
        "indications": ["localized_fat"],
        "areas": ["abdomen"],
        "weight_kg": "68.0",
        "height_cm": "168",
        "weight_6_months_ago_kg": "",
        "weight_stable_6_months": "yes",
        "body_image_concern": "no",
        "body_image_notes": "BDDQ-AS negative",
        "assessment": "Suitable for PC/DC, 4 sessions 8 weeks apart",
    }
    for code in QUESTION_CODES:
        data[f"q_{code}"] = "no"
    for section in ("bleeding", "allergy", "history", "prior"):
        data[f"details_{section}"] = ""
    data.update(overrides)
    return data


@pytest.fixture
def consultation(login, alice, patient):
    login(alice).post(
        reverse("consultations:create", args=[patient.public_id]),
        form_data(q_pregnant="yes"),
    )
    return Consultation.objects.get()


def test_it_creates_a_consultation_and_stores_the_screen(login, alice, patient):
    # given the practitioner fills in a consultation where the patient is pregnant
    client = login(alice)
    # when they save it
    response = client.post(
        reverse("consultations:create", args=[patient.public_id]), form_data(q_pregnant="yes")
    )
    # then it is a draft with the lipolysis contraindication stored and shown
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert not consultation.is_signed
    assert consultation.screening["rules_version"]
    codes = {f["code"]: f["level"] for f in consultation.screening["findings"]}
    assert codes["PREGNANCY_LIPOLYSIS"] == "absolute"
    assert consultation.questionnaire["pregnant"] == "yes"
    page = client.get(response["Location"]).content.decode()
    assert "Absolute contraindication" in page
    assert "PREGNANCY_LIPOLYSIS" in page
    assert "24.1" in page  # BMI of 68 kg at 1.68 m
    assert AuditEvent.objects.filter(action="create", patient=patient, username="alice").exists()
    assert AuditEvent.objects.filter(action="view", object_id=str(consultation.public_id)).exists()


def test_it_shows_no_contraindication_for_a_reassuring_questionnaire(login, alice, patient):
    client = login(alice)
    response = client.post(
        reverse("consultations:create", args=[patient.public_id]), form_data(), follow=True
    )
    assert Consultation.objects.get().screening["findings"] == []
    assert "No contraindication found" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight_kg", "5", "Weight (kg): must be 20 to 400 kg."),
        ("height_cm", "30", "Height (cm): must be between 100 and 250 cm."),
        ("weight_6_months_ago_kg", "999", "Weight 6 months ago (kg): must be 20 to 400 kg."),
        ("concerns", "", "Concerns (in the patient&#x27;s words): This field is required."),
        ("indications", [], "Indications considered: This field is required."),
        ("q_pregnant", "maybe", "Pregnant?: Select a valid choice."),
        (
            "consulted_at",
            "2999-01-01T10:00",
            "Date and time of consultation: cannot be in the future.",
        ),
    ],
)
def test_it_names_the_field_of_bad_input(login, alice, patient, field, value, message):
    # given a consultation with one bad value
    # when it is saved
    response = login(alice).post(
        reverse("consultations:create", args=[patient.public_id]), form_data(**{field: value})
    )
    # then nothing is written and the message names the field
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consultation.objects.exists()


def test_it_requires_notes_when_the_body_image_screen_raises_a_concern(login, alice, patient):
    response = login(alice).post(
        reverse("consultations:create", args=[patient.public_id]),
        form_data(body_image_concern="yes", body_image_notes=""),
    )
    assert "Body-image notes: a concern was raised" in response.content.decode()
    assert not Consultation.objects.exists()


def test_it_lets_a_nurse_draft_but_not_sign(login, nina, alice, patient):
    # given the nurse drafts a consultation
    client = login(nina)
    client.post(reverse("consultations:create", args=[patient.public_id]), form_data())
    consultation = Consultation.objects.get()
    # when she opens it and tries to sign it anyway
    page = client.get(reverse("consultations:detail", args=[consultation.public_id]))
    refused = client.post(reverse("consultations:sign", args=[consultation.public_id]))
    # then she sees no sign button and the POST is refused
    assert "Sign consultation" not in page.content.decode()
    assert "A practitioner must review and sign" in page.content.decode()
    assert refused.status_code == 403
    consultation.refresh_from_db()
    assert not consultation.is_signed


def test_it_signs_and_then_refuses_edits(login, alice, consultation):
    # given alice signs the draft
    client = login(alice)
    client.post(reverse("consultations:sign", args=[consultation.public_id]))
    consultation.refresh_from_db()
    assert consultation.is_signed
    assert consultation.signed_by_name == "Alice Archer"
    # when she tries to edit it as a draft
    response = client.post(
        reverse("consultations:edit", args=[consultation.public_id]),
        form_data(concerns="changed", version=consultation.version),
    )
    # then nothing changes; the page points to amendment
    consultation.refresh_from_db()
    assert response.status_code == 302
    assert consultation.concerns != "changed"
    assert AuditEvent.objects.filter(action="sign", object_id=str(consultation.public_id)).exists()


def test_it_amends_a_signed_consultation_and_keeps_the_original(login, alice, consultation):
    # given a signed consultation that recorded the patient as pregnant
    client = login(alice)
    client.post(reverse("consultations:sign", args=[consultation.public_id]))
    # when the practitioner amends it: not pregnant, but on an anticoagulant
    response = client.post(
        reverse("consultations:amend", args=[consultation.public_id]),
        form_data(reason="Patient corrected her history", q_anticoagulant="yes"),
    )
    # then the row is unchanged, the amendment holds the changes and the screen is recomputed
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.questionnaire["pregnant"] == "yes"
    amendment = Amendment.objects.get()
    assert amendment.reason == "Patient corrected her history"
    assert set(amendment.changes) == {"questionnaire", "screening"}
    current = {f["code"] for f in consultation.effective("screening")["findings"]}
    assert "ANTICOAGULANT_LIPOLYSIS" in current
    assert "PREGNANCY_LIPOLYSIS" not in current
    page = client.get(reverse("consultations:detail", args=[consultation.public_id])).content
    body = page.decode()
    assert "Patient corrected her history" in body
    assert "Alice Archer" in body
    assert "The original, as signed" in body
    assert "PREGNANCY_LIPOLYSIS" in body  # still readable in the original
    assert AuditEvent.objects.filter(action="amend").exists()


def test_it_requires_a_reason_to_amend(login, alice, consultation):
    client = login(alice)
    client.post(reverse("consultations:sign", args=[consultation.public_id]))
    response = client.post(
        reverse("consultations:amend", args=[consultation.public_id]),
        form_data(reason="", q_anticoagulant="yes"),
    )
    assert "Reason for the amendment: This field is required." in response.content.decode()
    assert not Amendment.objects.exists()


def test_it_refuses_an_amendment_that_changes_nothing(login, alice, consultation):
    client = login(alice)
    client.post(reverse("consultations:sign", args=[consultation.public_id]))
    response = client.post(
        reverse("consultations:amend", args=[consultation.public_id]),
        form_data(reason="No change", q_pregnant="yes"),
    )
    assert "Nothing was changed" in response.content.decode()
    assert not Amendment.objects.exists()


def test_it_edits_a_draft_and_recomputes_the_screen(login, nina, consultation):
    # given the nurse edits the draft: not pregnant after all
    client = login(nina)
    response = client.post(
        reverse("consultations:edit", args=[consultation.public_id]),
        form_data(version=consultation.version),
    )
    # then the screen no longer has the pregnancy finding
    consultation.refresh_from_db()
    assert response.status_code == 302
    assert consultation.questionnaire["pregnant"] == "no"
    assert consultation.screening["findings"] == []


def test_it_refuses_an_edit_based_on_a_stale_version(login, alice, consultation):
    # given someone saved the draft after alice opened it
    client = login(alice)
    stale = consultation.version
    client.post(
        reverse("consultations:edit", args=[consultation.public_id]),
        form_data(version=stale, concerns="first save"),
    )
    # when alice saves her copy read at the old version
    response = client.post(
        reverse("consultations:edit", args=[consultation.public_id]),
        form_data(version=stale, concerns="second save"),
    )
    # then hers is refused with an explanation and the first save stands
    consultation.refresh_from_db()
    assert "Someone else changed this record" in response.content.decode()
    assert consultation.concerns == "first save"


def test_it_keeps_unasked_questions_unasked_when_a_draft_is_saved_untouched(
    login, alice, consultation
):
    # given a draft whose questionnaire never asked the submental questions
    submental = {"dysphagia", "thyroid_disease", "neck_lumps", "prior_neck_treatment"}
    stored = {k: v for k, v in consultation.questionnaire.items() if k not in submental}
    Consultation.objects.filter(pk=consultation.pk).update(questionnaire=stored)
    client = login(alice)
    url = reverse("consultations:edit", args=[consultation.public_id])
    (form,) = own_post_forms(client.get(url).content.decode(), "http://testserver" + url)
    # when it is saved exactly as the page shows it
    response = client.post(url, entry_list(form)[0])
    # then the questionnaire is as it was: nothing is recorded as asked that was not
    consultation.refresh_from_db()
    assert response.status_code == 302
    assert consultation.questionnaire == stored


@pytest.mark.parametrize("who", ["bob", "rita"])
def test_it_refuses_reception_and_researcher(request, login, who, consultation, patient):
    # given reception or a researcher of the same clinic
    client = login(request.getfixturevalue(who))
    # when they open or create a consultation
    urls = [
        reverse("consultations:detail", args=[consultation.public_id]),
        reverse("consultations:edit", args=[consultation.public_id]),
        reverse("consultations:create", args=[patient.public_id]),
    ]
    # then every page is refused
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403
        assert "Lopez" not in response.content.decode()


def test_it_shows_charlie_nothing(login, charlie, consultation, patient):
    # given charlie, a practitioner at another clinic
    client = login(charlie)
    # when he tries every consultation URL for a Riverside patient
    responses = [
        client.get(reverse("consultations:detail", args=[consultation.public_id])),
        client.get(reverse("consultations:edit", args=[consultation.public_id])),
        client.get(reverse("consultations:amend", args=[consultation.public_id])),
        client.post(reverse("consultations:sign", args=[consultation.public_id])),
        client.get(reverse("consultations:create", args=[patient.public_id])),
        client.post(reverse("consultations:create", args=[patient.public_id]), form_data()),
    ]
    # then each is a 404 that shows nothing, and nothing changed
    for response in responses:
        assert response.status_code == 404
        body = response.content.decode()
        assert "Lopez" not in body
        assert "Lower abdominal" not in body
    consultation.refresh_from_db()
    assert not consultation.is_signed
    assert Consultation.objects.count() == 1


def test_it_shows_the_consultation_on_the_chart_with_its_status(
    login, alice, consultation, patient
):
    body = login(alice).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert reverse("consultations:detail", args=[consultation.public_id]) in body
    assert "1 absolute" in body
    assert "New consultation" in body


def test_it_hides_the_new_consultation_link_from_reception(login, bob, patient):
    body = login(bob).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert "New consultation" not in body


def test_it_names_each_answer_group_for_screen_readers(login, alice, patient):
    body = login(alice).get(reverse("consultations:create", args=[patient.public_id])).content
    text = body.decode()
    assert 'role="radiogroup" aria-label="Pregnant?"' in text
    assert 'role="group" aria-label="Indications considered"' in text
