"""The signing gates at the service (so the view, the admin and any command obey them): a
session signs only with a valid consent and a recent signed screening, and with every absolute
contraindication overridden and every relative one acknowledged. Each refusal lists every
problem and writes nothing; each is accepted once its condition is met."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from mesoclinic.clinics.models import Membership
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.consent.services import sign_consent, withdraw_consent
from mesoclinic.consultations.services import sign_consultation
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.records.models import Amendment
from mesoclinic.treatments import readiness, services
from mesoclinic.treatments.models import TreatmentSession
from tests.treatment_readiness import consent, consent_template, make_ready, screen

from .conftest import DRAFT_AGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def lined(draft: TreatmentSession, pcdc: Product, pcdc_lot: Lot) -> TreatmentSession:
    """The draft (localized fat, abdomen, an hour ago) with a 4 mL PC/DC line."""
    services.add_injection(
        draft,
        {
            "area": "abdomen",
            "side": "midline",
            "product": pcdc,
            "lot": pcdc_lot,
            "volume_ml": Decimal(4),
            "points": 20,
        },
    )
    return draft


def _refusal(session: TreatmentSession, membership: Membership, **kwargs: Any) -> list[str]:
    with pytest.raises(services.SessionSignError) as refused:
        services.sign_session(session, membership, **kwargs)
    return refused.value.problems


def _nothing_written(session: TreatmentSession, lot: Lot) -> None:
    session.refresh_from_db()
    lot.refresh_from_db()
    assert not session.is_signed
    assert session.gates_at_signing == []
    assert lot.remaining_ml == Decimal(50)


def _confirm(session: TreatmentSession) -> str:
    """The digest of the contraindications the session page shows now."""
    return readiness.for_session(session).digest


# --- consent ----------------------------------------------------------------------------------


def test_it_refuses_without_a_consent_and_signs_once_one_is_recorded(
    lined, alice, patient, pcdc_lot
):
    # given a signed screening but no consent
    screened = screen(patient, alice)
    # when alice signs, then it is refused for the consent only, and nothing is written
    problems = _refusal(lined, alice)
    assert problems == [
        "Consent: No consent to localized fat treatment is recorded for this patient."
    ]
    _nothing_written(lined, pcdc_lot)
    # when the consent is recorded, then it signs
    consent(patient, alice, at=screened.consulted_at)
    assert services.sign_session(lined, alice).is_signed


def test_it_refuses_a_consent_withdrawn_before_the_session(lined, alice, patient, pcdc_lot):
    # given the consent was withdrawn two hours ago, before the session of an hour ago
    _, taken = make_ready(patient, alice)
    withdrawn = timezone.now() - DRAFT_AGE - dt.timedelta(hours=1)
    # (an amendment as withdraw_consent writes it, two hours ago)
    Amendment.objects.create(
        clinic=taken.clinic,
        content_type=ContentType.objects.get_for_model(Consent),
        object_id=taken.pk,
        author=alice.user,
        author_name=alice.display_name,
        reason="Consent withdrawn: by telephone",
        changes={"withdrawn_at": {"from": None, "to": withdrawn.isoformat()}},
    )
    # when alice signs, then it is refused naming the withdrawal
    problems = _refusal(lined, alice)
    assert any("was withdrawn on" in p for p in problems)
    _nothing_written(lined, pcdc_lot)
    # when the patient consents again before the session, then it signs
    consent(patient, alice, at=withdrawn + dt.timedelta(minutes=1))
    assert services.sign_session(lined, alice).is_signed


def test_it_still_signs_a_session_given_before_the_consent_was_withdrawn(lined, alice, patient):
    # given the patient withdrew consent after this session (as the withdraw page does, now)
    _, taken = make_ready(patient, alice)
    withdraw_consent(None, alice, taken, "Does not want more sessions", taken.version)
    # when the session given an hour ago is signed, then it signs: it was given under consent
    assert services.sign_session(lined, alice).is_signed


def test_it_refuses_a_consent_for_another_indication(lined, alice, patient, pcdc_lot):
    # given the patient consented to cellulite treatment only
    make_ready(patient, alice, "cellulite")
    # when the localized-fat session is signed, then both gates name the indication
    problems = _refusal(lined, alice)
    assert "Consent: No consent to localized fat treatment" in problems[0]
    assert "did not consider localized fat" in problems[1]
    _nothing_written(lined, pcdc_lot)
    # when she is screened and consents for localized fat, then it signs
    make_ready(patient, alice, "localized_fat")
    assert services.sign_session(lined, alice).is_signed


def test_it_refuses_a_consent_signed_after_the_session(lined, alice, patient, pcdc_lot):
    # given the screening a day ago, but the patient signed the consent after the session
    screen(patient, alice)
    consent(patient, alice, at=lined.performed_at + dt.timedelta(minutes=10))
    # when alice signs, then it is refused: consent comes before treatment
    problems = _refusal(lined, alice)
    assert any("after the session" in p for p in problems)
    _nothing_written(lined, pcdc_lot)


def test_it_refuses_a_consent_the_practitioner_has_not_signed(lined, alice, patient, pcdc_lot):
    screen(patient, alice)
    waiting = consent(patient, alice, sign=False)
    problems = _refusal(lined, alice)
    assert any("waiting for a practitioner's signature" in p for p in problems)
    _nothing_written(lined, pcdc_lot)
    sign_consent(None, alice, waiting)
    assert services.sign_session(lined, alice).is_signed


def test_it_refuses_a_product_the_consent_does_not_cover(
    lined, alice, patient, pcdc, lidocaine, pcdc_lot
):
    # given the clinic's template names only lidocaine (say, an anaesthesia consent)
    template = consent_template(alice, "localized_fat")
    template.products.set([lidocaine])
    make_ready(patient, alice, template=template)
    # when the PC/DC session is signed, then PC/DC is named as not covered
    problems = _refusal(lined, alice)
    assert problems == [
        "Consent: The consent to localized fat treatment names the products it covers, and "
        "PC/DC is not among them: record a consent that covers it."
    ]
    _nothing_written(lined, pcdc_lot)
    # when the patient consents on a template that names PC/DC, then it signs
    pcdc_template = ConsentTemplate.objects.create(
        clinic=template.clinic,
        code="pcdc",
        title="PC/DC",
        indication="localized_fat",
        body=template.body,
    )
    pcdc_template.products.set([pcdc])
    consent(patient, alice, template=pcdc_template)
    assert services.sign_session(lined, alice).is_signed


# --- screening -------------------------------------------------------------------------------


def test_it_refuses_without_a_signed_screening_and_signs_once_it_is_signed(
    lined, alice, patient, pcdc_lot
):
    # given a consent, and a consultation still a draft
    consultation = screen(patient, alice, sign=False)
    consent(patient, alice)
    # when alice signs the session, then it is refused for the screening only
    problems = _refusal(lined, alice)
    assert len(problems) == 1
    assert problems[0].startswith("Screening: The consultation of ")
    assert problems[0].endswith("is not signed yet.")
    _nothing_written(lined, pcdc_lot)
    # when the consultation is signed, then the session signs
    sign_consultation(None, alice, consultation)
    assert services.sign_session(lined, alice).is_signed


def test_it_refuses_a_screening_older_than_the_clinic_setting(
    lined, alice, patient, riverside, pcdc_lot
):
    # given the screening and consent were 7 months before the session
    make_ready(patient, alice, at=lined.performed_at - dt.timedelta(days=213))
    # when the clinic keeps a screening valid for 6 months, then signing is refused
    riverside.screening_valid_months = 6
    riverside.save()
    problems = _refusal(lined, alice)
    assert len(problems) == 1
    assert "more than 6 months before" in problems[0]
    _nothing_written(lined, pcdc_lot)
    # when the setting is 12 months again, then it signs
    riverside.screening_valid_months = 12
    riverside.save()
    assert services.sign_session(lined, alice).is_signed


def test_it_refuses_a_screening_over_the_default_twelve_months(lined, alice, patient, pcdc_lot):
    make_ready(patient, alice, at=lined.performed_at - dt.timedelta(days=370))
    problems = _refusal(lined, alice)
    assert any("more than 12 months before" in p for p in problems)
    _nothing_written(lined, pcdc_lot)
    # a new consultation and consent a week ago make the patient ready again
    make_ready(patient, alice, at=lined.performed_at - dt.timedelta(days=7))
    assert services.sign_session(lined, alice).is_signed


# --- contraindications -----------------------------------------------------------------------


def test_it_refuses_an_absolute_contraindication_until_overridden_with_a_reason(
    lined, alice, patient, pcdc_lot
):
    # given a soy allergy: absolute for PC/DC lipolysis (reference §3), nothing relative
    make_ready(patient, alice, answers={"allergy_soy": "yes"})
    # when alice signs without an override, then the finding is listed and nothing written
    problems = _refusal(lined, alice)
    assert any(p.startswith("Absolute contraindication: Allergy to soy") for p in problems)
    assert any("tick “Override the contraindication”" in p for p in problems)
    _nothing_written(lined, pcdc_lot)
    # when she overrides without saying which findings she saw, then it is refused
    problems = _refusal(lined, alice, contraindication_override_reason="Soy-free product batch")
    assert any("did not say which findings you reviewed" in p for p in problems)
    # when she overrides with her reason, having seen the findings, then it signs
    signed = services.sign_session(
        lined,
        alice,
        contraindication_override_reason="Soy-free product batch confirmed with the pharmacy",
        contraindications_seen=_confirm(lined),
    )
    # and the override is stored with the session: reason, who, when, the findings
    assert signed.is_signed
    assert signed.contraindication_overridden
    assert signed.contraindication_override_reason == (
        "Soy-free product batch confirmed with the pharmacy"
    )
    assert signed.contraindication_override_by == alice.user
    assert signed.contraindication_override_by_name == "Alice Archer"
    assert [f["code"] for f in signed.contraindication_override_findings] == [
        "ALLERGY_SOY_LIPOLYSIS"
    ]
    assert [g["code"] for g in signed.gates_at_signing] == ["consent", "screening", "absolute"]


def test_it_refuses_a_relative_contraindication_until_acknowledged(lined, alice, patient, pcdc_lot):
    # given a keloid tendency: relative for every treatment type
    make_ready(patient, alice, answers={"keloid": "yes"})
    # when alice signs without acknowledging it, then it is refused
    problems = _refusal(lined, alice)
    assert problems == [
        "Relative contraindication: tick “I have weighed the relative contraindications "
        "listed” to sign."
    ]
    _nothing_written(lined, pcdc_lot)
    # when she acknowledges it, then it signs and the acknowledgement is stored
    signed = services.sign_session(
        lined, alice, relative_acknowledged=True, contraindications_seen=_confirm(lined)
    )
    assert signed.is_signed
    assert not signed.contraindication_overridden
    assert [f["code"] for f in signed.relative_contraindications_acknowledged] == ["KELOID"]


def test_it_refuses_an_override_for_findings_that_changed_since_shown(
    lined, alice, patient, pcdc_lot
):
    # given alice read the findings of one screening, then a newer one was signed
    make_ready(patient, alice, answers={"keloid": "yes"})
    seen = _confirm(lined)
    make_ready(
        patient,
        alice,
        at=timezone.now() - DRAFT_AGE - dt.timedelta(hours=2),
        answers={"keloid": "yes", "allergy_soy": "yes"},
    )
    # when she signs with what she acknowledged before, then she is asked to review again
    problems = _refusal(
        lined,
        alice,
        contraindication_override_reason="ok",
        relative_acknowledged=True,
        contraindications_seen=seen,
    )
    assert any("changed since the page was shown" in p for p in problems)
    _nothing_written(lined, pcdc_lot)


def test_it_lists_every_problem_of_the_gates_and_the_lots_at_once(lined, alice, pcdc_lot):
    # given no consent, no screening, and a lot recalled since drafting
    Lot.objects.filter(pk=pcdc_lot.pk).update(status="recalled")
    # when alice signs, then each problem is listed
    problems = _refusal(lined, alice)
    assert [p.split(":")[0] for p in problems] == ["Consent", "Screening", "Line 1 (PC/DC)"]


def test_it_exempts_imported_history(lined, alice, pcdc_lot):
    # given a session imported from a registry bundle, with no consent or screening here
    TreatmentSession.objects.filter(pk=lined.pk).update(imported=True)
    lined.refresh_from_db()
    # when it is signed, then the gates do not apply and say so
    signed = services.sign_session(lined, alice)
    assert signed.is_signed
    assert [g["code"] for g in signed.gates_at_signing] == ["imported"]
