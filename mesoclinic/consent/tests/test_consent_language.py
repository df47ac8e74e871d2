"""Consent texts per language: the patient is offered, and signs, the text in their language,
and the signed consent records which language it was (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from mesoclinic.consent import services
from mesoclinic.consent.models import ConsentTemplate

pytestmark = pytest.mark.django_db

BODY_EN = "Phosphatidylcholine with deoxycholate is injected into the fat. " * 5
BODY_FR = "La phosphatidylcholine associée au désoxycholate est injectée dans la graisse. " * 5


def _templates(clinic: Any, user: Any) -> tuple[ConsentTemplate, ConsentTemplate]:
    english = ConsentTemplate.objects.create(
        clinic=clinic, created_by=user, code="pcdc", title="PC/DC", indication="localized_fat",
        body=BODY_EN,
    )  # fmt: skip
    french = ConsentTemplate.objects.create(
        clinic=clinic, created_by=user, code="pcdc", title="PC/DC (fr)", language="fr",
        indication="localized_fat", body=BODY_FR,
    )  # fmt: skip
    return english, french


def _fields(patient: Any) -> dict[str, Any]:
    return {
        "discussed": "Risks explained",
        "photo_consent": False,
        "patient_typed_name": f"{patient.given_name} {patient.family_name}",
        "patient_signature_png": "",
    }


def test_it_offers_a_french_speaking_patient_the_french_text_only(alice, patient):
    # given the same consent in English and French, and a patient who reads French
    english, french = _templates(alice.clinic, alice.user)
    patient.preferred_language = "fr"
    patient.save()
    # when the consent page lists the texts to choose from
    offered, _indications = services.suggested_templates(alice, patient, show_all=True)
    # then it offers the French text and not its English version
    assert list(offered) == [french]


def test_it_offers_the_english_text_where_no_translation_exists(alice, patient):
    # given a consent only in English and a patient who reads Italian
    english, _french = _templates(alice.clinic, alice.user)
    patient.preferred_language = "it"
    patient.save()
    # when the texts are listed
    offered, _indications = services.suggested_templates(alice, patient, show_all=True)
    # then every version is offered (none is in Italian)
    assert english in offered


def test_it_records_the_language_of_the_text_the_patient_signed(alice, patient):
    # given the French text of a consent
    _english, french = _templates(alice.clinic, alice.user)
    # when the patient signs it
    consent = services.capture_consent(None, alice, patient, french, _fields(patient))
    # then the snapshot is the French text and says it is French
    assert consent.body_snapshot == BODY_FR
    assert consent.language == "fr"
