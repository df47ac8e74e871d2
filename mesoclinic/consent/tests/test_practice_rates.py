"""The consent page's decision aid: the practice's own rates beside the published ones, the
evidence engine's figures, frozen into the consent the patient signs (issue 16, part 2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.consent import practice_rates
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.demo.services import load_demo
from mesoclinic.evidence.decision_aid import MIN_PATIENTS
from mesoclinic.evidence.engine.estimates import MIN_COURSES_DESCRIPTIVE
from mesoclinic.evidence.figures import evidence_report
from mesoclinic.evidence.services import clinic_tables
from mesoclinic.outcomes.outcome_sets import primary_outcome
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import TreatmentSession
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

INDICATION = "submental_fat"


def _demo() -> tuple[Clinic, Client, ConsentTemplate, Patient]:
    load_demo(patients=60, hilltop_patients=1)
    clinic = Clinic.objects.get(slug="riverside")
    alice = Membership.objects.get(user__username="alice", clinic=clinic)
    template = ConsentTemplate.objects.filter(clinic=clinic, indication=INDICATION, language="en-gb", is_active=True).first()  # fmt: skip
    assert template is not None
    patient = Patient.objects.filter(clinic=clinic).order_by("pk").first()
    assert patient is not None
    return clinic, sign_in(Client(), alice.user), template, patient


def _capture_url(patient: Patient, template: ConsentTemplate) -> str:
    return reverse("consent:capture", args=[patient.public_id]) + f"?template={template.public_id}"


def _post(client: Client, url: str, patient: Patient, template: ConsentTemplate, token: str) -> Any:
    return client.post(url, {
        "template": str(template.public_id), "practice_rates": token, "read_confirmed": "on",
        "discussed": "Risks and the practice's own figures discussed",
        "patient_typed_name": f"{patient.given_name} {patient.family_name}",
    })  # fmt: skip


def test_it_uses_the_engines_minimum_for_a_descriptive_figure():
    # the decision aid keeps its own copy (its module must not import pandas); they agree
    assert MIN_PATIENTS == MIN_COURSES_DESCRIPTIVE


def test_it_shows_the_rates_the_evidence_engine_computes(client):
    # given the demo practice, with its submental-fat sessions and their side effects
    clinic, client, template, patient = _demo()
    report = evidence_report(clinic_tables(clinic), indication=INDICATION, area=None, outcome=primary_outcome(INDICATION))  # fmt: skip
    assert report["adverse_events"], "the demo must have side effects to show"
    # when the practitioner opens the consent text for the patient
    page = client.get(_capture_url(patient, template))
    # then every side effect's rate per session and its CI are the engine's, per 100 sessions
    assert page.status_code == 200
    text = page.content.decode()
    assert "This practice's own figures" in text
    for row in report["adverse_events"]:
        low, high = row["ci95"]
        figure = f"{round(100 * row['rate_per_session'], 1):g}"
        assert f"after about {figure} in every 100 sessions (95% confidence interval {round(100 * low, 1):g} to {round(100 * high, 1):g})" in text  # fmt: skip
    # and the icon arrays say how many of 100 they fill
    top = report["adverse_events"][0]
    assert f'aria-label="{round(100 * top["rate_per_session"])} of 100 people"' in text


def test_it_freezes_the_figures_shown_into_the_signed_consent(client):
    # given the consent page as the patient read it
    clinic, client, template, patient = _demo()
    url = _capture_url(patient, template)
    page = client.get(url)
    token = page.context["rates_token"]
    shown = practice_rates.unseal(token)
    assert shown is not None
    assert shown["enough"]
    # when the consent is recorded and signed, and new side effects are recorded afterwards
    answer = _post(client, url, patient, template, token)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    consent = Consent.objects.filter(patient=patient, template=template).latest("pk")
    assert consent.practice_rates == shown
    client.post(reverse("consent:sign", args=[consent.public_id]))
    session = TreatmentSession.objects.filter(clinic=clinic, indication=INDICATION).first()
    assert session is not None
    for _ in range(5):
        AdverseEvent.objects.create(clinic=clinic, patient=session.patient, session=session, event_type="nodule", onset_date=clinic.today(), severity="mild")  # fmt: skip
    fresh = practice_rates.figures_for(clinic, INDICATION)
    assert fresh != shown, "new side effects change the practice's current figures"
    # then the signed consent still holds, and shows, the figures the patient read
    consent.refresh_from_db()
    assert consent.is_signed
    assert consent.practice_rates == shown
    detail = client.get(reverse("consent:detail", args=[consent.public_id])).content.decode()
    first = shown["side_effects"][0]
    assert f"after about {round(100 * first['rate_per_session'], 1):g} in every 100 sessions" in detail  # fmt: skip


def test_it_refuses_figures_altered_in_the_page_and_records_nothing(client):
    # given the consent page, and a token changed on the way back (or lost)
    _clinic, client, template, patient = _demo()
    url = _capture_url(patient, template)
    token = client.get(url).context["rates_token"]
    before = Consent.objects.filter(patient=patient).count()
    for bad in (token[:-3] + "abc", "", practice_rates.seal({"enough": True, "sessions": 1})[:-1]):
        # when the consent is recorded with it
        answer = _post(client, url, patient, template, bad)
        # then the page comes back with the figures again and nothing is recorded
        assert answer.status_code == 200
        assert "could not be read back" in answer.content.decode()
    assert Consent.objects.filter(patient=patient).count() == before


def test_it_says_so_when_the_practice_has_too_few_patients(login, alice, patient):
    # given a practice with one patient and no session yet
    template = ConsentTemplate.objects.create(clinic=alice.clinic, created_by=alice.user, code="dca", title="Deoxycholic acid", indication=INDICATION, body="Text " * 40)  # fmt: skip
    # when its consent page is opened
    page = login(alice).get(_capture_url(patient, template))
    # then it shows no rate and says the published rates are the guide until there are enough
    text = page.content.decode()
    assert f"Its own rates are shown once {MIN_PATIENTS} patients have been treated" in text
    assert "in every 100 sessions" not in text


def test_it_puts_no_patient_identity_into_the_figures(client):
    # given the demo practice's figures for the indication
    clinic, _client, _template, _patient = _demo()
    figures = practice_rates.figures_for(clinic, INDICATION)
    dumped = json.dumps(figures)
    # then no patient's name, record number or public id is in them
    for p in Patient.objects.filter(clinic=clinic):
        for value in (p.family_name, p.mrn, str(p.public_id)):
            assert value not in dumped


def test_it_shows_the_figures_in_the_language_of_the_text(client):
    # given the French version of the PC/DC consent text, and an English-speaking practitioner
    clinic, client, _template, patient = _demo()
    french = ConsentTemplate.objects.get(clinic=clinic, indication="localized_fat", language="fr", is_active=True)  # fmt: skip
    # when the practitioner opens it for the patient
    text = client.get(_capture_url(patient, french)).content.decode()
    # then the decision aid is in French, like the text the patient reads, around English menus
    assert "Les chiffres propres à ce cabinet" in text
    assert "séances sur 100" in text
    assert "Take consent" in text
