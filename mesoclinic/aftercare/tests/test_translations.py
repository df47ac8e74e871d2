"""Aftercare in French, Italian and Spanish: the staff pages, the patient's check-in page and
the messages the patient receives, in the patient's language."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone, translation

from mesoclinic.aftercare import services
from mesoclinic.aftercare.language import patient_language
from mesoclinic.aftercare.models import Escalation
from tests.translated_pages import LANGUAGES, get_in, untranslated, visible_text

from .test_patient_link import QUIET

pytestmark = pytest.mark.django_db

STAFF_ENGLISH = [
    "Aftercare worklist",
    "Escalations to acknowledge",
    "suspect a non-tuberculous mycobacterial infection",
    "Check-ins due now",
    "Unanswered: phone the patient",
    "Open adverse events to follow and close",
    "Close with what was done",
    "Case finding",
    "other patient",
]
DETAIL_ENGLISH = [
    "check-in",
    "Patient's answers",
    "Is there a lump or hard knot under the skin?",
    "Lump or nodule",
    "Phone calls",
    "Record the call",
    "Links sent",
    "Withdraw its links",
    "Call outcome",
]
PATIENT_ENGLISH = [
    "How are you since your treatment?",
    "Is there a lump or hard knot under the skin?",
    "How much pain do you have",
    "Not at all",
    "Send my answers",
    "treatment on",
    "Photo of the treated area",
]
EXPECTED = {
    "fr": (
        "Liste de travail du suivi post-traitement",
        "Comment allez-vous depuis votre traitement ?",
    ),
    "it": ("Elenco di lavoro del follow-up", "Come sta dopo il trattamento?"),
    "es": ("Lista de trabajo del seguimiento", "¿Cómo se encuentra desde su tratamiento?"),
}


@pytest.fixture
def escalated(client, due_check_in, open_link):
    """A check-in five weeks after a session where the patient reported a lump."""
    check_in = due_check_in("week4_6", days_ago=35)
    client.post(open_link(client, check_in), {**QUIET, "lump": "yes"})
    client.cookies.clear()
    return check_in


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_the_worklist_in_the_users_language(login, alice, escalated, language):
    # given a red flag waiting on the worklist
    client = login(alice)
    # when alice reads the worklist in another language
    response = get_in(client, language, "/aftercare/")
    # then the page, the red flag's reason and steps are in that language
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert EXPECTED[language][0] in text
    assert untranslated(text, STAFF_ENGLISH) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_the_check_in_and_its_answers_in_the_users_language(
    login, alice, escalated, patient, language
):
    # given an answered check-in
    client = login(alice)
    # when alice opens it and the patient's check-in list in another language
    detail = get_in(client, language, f"/aftercare/check-ins/{escalated.public_id}/")
    listing = get_in(client, language, f"/aftercare/patients/{patient.public_id}/")
    # then no English label, question or heading is left
    assert detail.status_code == listing.status_code == 200
    assert untranslated(visible_text(detail.content.decode()), DETAIL_ENGLISH) == []
    assert (
        untranslated(visible_text(listing.content.decode()), ["Aftercare check-ins", "Window"])
        == []
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_asks_the_patient_in_their_language(client, due_check_in, open_link, language):
    # given a patient's live link, opened on a phone that asks for their language
    check_in = due_check_in("week4_6", days_ago=35)
    with translation.override(language):
        form_url = open_link(client, check_in)
    # when the check-in page is shown
    response = get_in(client, language, form_url)
    # then every question and choice is in the patient's language, accents intact
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert EXPECTED[language][1] in text
    assert untranslated(text, PATIENT_ENGLISH) == []


def test_it_answers_a_bad_submission_in_the_patients_language(client, due_check_in, open_link):
    # given a Spanish-speaking patient's form
    check_in = due_check_in("week4_6", days_ago=35)
    form_url = open_link(client, check_in)
    # when they send it with nothing answered
    with translation.override("es"):
        response = client.post(form_url, {"pain_score": "3"}, HTTP_ACCEPT_LANGUAGE="es")
    # then the page asks in Spanish, naming each missing answer in Spanish
    text = visible_text(response.content.decode())
    assert "Responda a las preguntas señaladas abajo." in text
    assert "Este campo es obligatorio." in text
    assert "Please answer the questions marked below." not in text


def test_it_refuses_a_bad_link_in_the_browsers_language(client, due_check_in):
    # given a link whose token was altered
    check_in = due_check_in("week4_6", days_ago=35)
    # when it is opened by a French browser
    response = get_in(client, "fr", f"/c/{check_in.public_id}/not-a-token/")
    # then the refusal is in French
    text = visible_text(response.content.decode())
    assert response.status_code == 403
    assert "Ce lien n'est pas valide" in text
    assert "This link is not valid" not in text


def test_it_sends_the_link_in_the_patients_language(monkeypatch, due_check_in):
    # given a patient who reads Spanish (the patients app's preferred language)
    monkeypatch.setattr(services, "patient_language", lambda patient: "es")
    check_in = due_check_in("week4_6", days_ago=35)
    # when the runner sends the link, outside any request and in English
    with translation.override("en"):
        sent = services.send_check_in(check_in, timezone.now())
    # then the e-mail is Spanish, subject and body, with its date in Spanish
    assert sent
    message = mail.outbox[-1]
    assert message.subject == "Su control de seguimiento postratamiento de Riverside Aesthetics"
    assert "quiere saber cómo se encuentra" in message.body
    assert "El enlace funciona hasta el" in message.body
    assert "would like to know" not in message.body


def test_it_chooses_the_patients_language_before_the_clinics_and_the_browsers(settings):
    # given the languages a patient's message could be in
    clinic = SimpleNamespace(default_language="it")
    # then the patient's own comes first, then the clinic's, then the browser's, then the site's
    assert patient_language(SimpleNamespace(preferred_language="es", clinic=clinic), "fr") == "es"
    assert patient_language(SimpleNamespace(preferred_language="", clinic=clinic), "fr") == "it"
    assert patient_language(SimpleNamespace(clinic=SimpleNamespace()), "fr") == "fr"
    assert patient_language(SimpleNamespace(clinic=None)) == settings.LANGUAGE_CODE
    # and a language the site does not offer is ignored
    assert patient_language(SimpleNamespace(preferred_language="xx", clinic=None), "es") == "es"


def test_it_translates_a_stored_course_escalation_for_the_reader(escalated):
    # given an escalation stored in English for an event outlasting its course
    escalation = Escalation(
        level="course",
        code="swelling",
        reason="Swelling still present on day 30; usual course: swelling up to 3 weeks.",
        recommended_steps="Contact the patient and review the event today; record its course "
        "and, when it ends, its outcome and resolution date.",
    )
    # when an Italian reader sees it
    with translation.override("it"):
        reason, steps = escalation.reason_text, escalation.steps_text
    # then it is rebuilt in Italian with its day number, and the stored text stays English
    assert (
        reason == "Edema ancora presente al giorno 30; decorso abituale: edema fino a 3 settimane."
    )
    assert steps.startswith("Contattare il paziente")
    assert escalation.reason.startswith("Swelling still present")
