"""Signing against the dose check: a violation blocks signing unless overridden with a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Membership
from mesoclinic.dosing.tests.conftest import add_line, lido_plain, make_session, weigh
from mesoclinic.formulary.models import Product
from mesoclinic.patients.models import Patient
from mesoclinic.treatments import services
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.models import TreatmentSession

__all__ = ["lido_plain"]

Login = Callable[[Membership], Client]


@pytest.fixture
def over(patient: Patient, alice: Membership, lido_plain: Product) -> TreatmentSession:
    # given a 60 kg patient and 3 × 10 mL of 1 % lidocaine: 300 mg, over 4.5 mg/kg = 270 mg
    weigh(patient, "60")
    session = make_session(patient, alice)
    for _ in range(3):
        add_line(session, lido_plain, "10")
    return session


def test_it_refuses_to_sign_a_session_over_a_dose_limit_listing_the_violation(
    ready: None, over: TreatmentSession, alice: Membership
) -> None:
    # when alice signs without an override
    with pytest.raises(services.DoseOverrideRequired) as refused:
        services.sign_session(over, alice)
    # then the error lists the lidocaine violation and nothing is signed
    assert any("lidocaine total 300 mg is above 270 mg" in p for p in refused.value.problems)
    over.refresh_from_db()
    assert not over.is_signed


def test_it_signs_within_the_limits_without_an_override(
    ready: None, patient: Patient, alice: Membership, lido_plain: Product
) -> None:
    # given 100 mg lidocaine for a 60 kg patient
    weigh(patient, "60")
    session = make_session(patient, alice)
    add_line(session, lido_plain, "10")
    # when signed
    signed = services.sign_session(session, alice)
    # then it is signed and no override is recorded
    assert signed.is_signed
    assert not signed.dose_overridden


def test_it_stores_the_override_with_reason_author_time_and_violations(
    ready: None, over: TreatmentSession, alice: Membership
) -> None:
    # when alice signs with a reason, having seen the current violations
    digest = check_session_dose(over).digest
    signed = services.sign_session(
        over, alice, dose_override_reason="Tumescent technique, monitored", dose_check_seen=digest
    )
    # then the override is stored with the session
    assert signed.is_signed
    assert signed.dose_override_reason == "Tumescent technique, monitored"
    assert signed.dose_override_by == alice.user
    assert signed.dose_override_at is not None
    assert signed.dose_override_violations[0]["rule"] == "max_dose"


def test_it_refuses_an_override_of_violations_that_changed_since_they_were_shown(
    ready: None, over: TreatmentSession, alice: Membership, lido_plain: Product
) -> None:
    # given alice read the violations, then another line was added
    digest = check_session_dose(over).digest
    add_line(over, lido_plain, "5")
    # when she signs with the override she wrote for the old violations
    with pytest.raises(services.DoseOverrideRequired) as refused:
        services.sign_session(over, alice, dose_override_reason="ok", dose_check_seen=digest)
    # then signing is refused and she is asked to review again
    assert "changed since the page was shown" in refused.value.problems[0]
    over.refresh_from_db()
    assert not over.is_signed


def test_it_shows_the_live_violation_in_the_lines_partial(
    patient: Patient, alice: Membership, lido_plain: Product, login: Login
) -> None:
    # given a 60 kg patient and a draft with two 10 mL lidocaine 1 % lines (200 mg)
    weigh(patient, "60")
    session = make_session(patient, alice)
    add_line(session, lido_plain, "10")
    lot = add_line(session, lido_plain, "10").lot
    assert lot is not None
    client = login(alice)
    # when a third line is added with htmx
    response = client.post(
        reverse("treatments:line_add", args=[session.public_id]),
        {
            "site": "abdomen:midline",
            "product": lido_plain.pk,
            "lot": lot.pk,
            "volume_ml": "10",
            "points": "10",
        },
        HTTP_HX_REQUEST="true",
    )
    # then the partial shows the total, the limit and the violation in words
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="lines">')
    assert "<td>300</td>" in body
    assert "Lidocaine total 300 mg is above 270 mg" in body
    assert "Override the dose check" in body


def test_it_refuses_signing_through_the_page_and_keeps_the_draft(
    ready: None, over: TreatmentSession, alice: Membership, login: Login
) -> None:
    # when alice presses Sign without an override
    response = login(alice).post(reverse("treatments:sign", args=[over.public_id]), {})
    # then the page says why and the session is still a draft
    body = response.content.decode()
    assert "Not signed. Dose check: lidocaine total 300 mg" in body
    over.refresh_from_db()
    assert not over.is_signed


def test_it_requires_a_reason_to_override(
    ready: None, over: TreatmentSession, alice: Membership, login: Login
) -> None:
    # when alice ticks the override without a reason
    response = login(alice).post(
        reverse("treatments:sign", args=[over.public_id]),
        {"override": "on", "override_reason": "  ", "dose_check": check_session_dose(over).digest},
    )
    # then the reason field says what is missing, and nothing is signed
    assert "Reason for the override: Write the clinical reason" in response.content.decode()
    over.refresh_from_db()
    assert not over.is_signed


def test_it_audits_the_override_and_shows_it_on_the_record_and_the_chart(
    ready: None, over: TreatmentSession, alice: Membership, login: Login, patient: Patient
) -> None:
    client = login(alice)
    # when alice overrides with a reason
    response = client.post(
        reverse("treatments:sign", args=[over.public_id]),
        {
            "override": "on",
            "override_reason": "Planned tumescent infiltration, monitored",
            "dose_check": check_session_dose(over).digest,
        },
        follow=True,
    )
    # then the session is signed, the override audited without patient data, and shown
    over.refresh_from_db()
    assert over.is_signed
    event = AuditEvent.objects.get(action=Action.OVERRIDE)
    assert event.object_id == str(over.public_id)
    assert event.detail == "dose check overridden: max_dose lidocaine"
    body = response.content.decode()
    assert "Dose check overridden" in body
    assert "Planned tumescent infiltration, monitored" in body
    chart = client.get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert "dose check overridden" in chart
    assert "Planned tumescent infiltration, monitored" in chart


def test_it_lets_a_nurse_draft_but_not_sign_or_override(
    over: TreatmentSession, nina: Membership, login: Login
) -> None:
    # given nina, a nurse, sees the draft with its violation
    client = login(nina)
    page = client.get(reverse("treatments:detail", args=[over.public_id])).content.decode()
    assert "Lidocaine total 300 mg is above 270 mg" in page
    assert "Override the dose check" not in page
    # when she posts an override anyway
    response = client.post(
        reverse("treatments:sign", args=[over.public_id]),
        {"override": "on", "override_reason": "I think it is fine"},
    )
    # then she is refused and nothing is signed
    assert response.status_code == 403
    over.refresh_from_db()
    assert not over.is_signed
    assert not AuditEvent.objects.filter(action=Action.OVERRIDE).exists()


def test_it_shows_charlie_nothing_of_the_dose_check(
    over: TreatmentSession, charlie: Membership, login: Login
) -> None:
    # when charlie of Hilltop opens or signs Riverside's session
    client = login(charlie)
    page = client.get(reverse("treatments:detail", args=[over.public_id]))
    signed = client.post(
        reverse("treatments:sign", args=[over.public_id]),
        {"override": "on", "override_reason": "x"},
    )
    # then both are 404 and show nothing
    assert page.status_code == 404
    assert signed.status_code == 404
    assert "lidocaine" not in page.content.decode()
    over.refresh_from_db()
    assert not over.is_signed


def _nothing_written(session: TreatmentSession) -> None:
    session.refresh_from_db()
    assert not session.is_signed
    assert session.dose_override_reason == ""
    assert session.dose_override_at is None
    assert session.dose_check_at_signing is None


def test_it_refuses_an_override_without_the_digest_of_the_violations_seen(
    ready: None, over: TreatmentSession, alice: Membership
) -> None:
    # when a caller overrides with a reason but does not say which check it answers
    with pytest.raises(services.DoseOverrideRequired) as refused:
        services.sign_session(over, alice, dose_override_reason="Monitored")
    # then signing is refused, saying why, and nothing is written
    assert "does not say which dose check it answers" in refused.value.problems[0]
    _nothing_written(over)


def test_it_refuses_an_override_when_there_is_nothing_to_override(
    ready: None, patient: Patient, alice: Membership, lido_plain: Product
) -> None:
    # given 100 mg lidocaine for a 60 kg patient: within every limit
    weigh(patient, "60")
    session = make_session(patient, alice)
    add_line(session, lido_plain, "10")
    digest = check_session_dose(session).digest
    # when an override is posted anyway, with the digest of the (empty) violations
    with pytest.raises(services.DoseOverrideRequired) as refused:
        services.sign_session(
            session, alice, dose_override_reason="Just in case", dose_check_seen=digest
        )
    # then it is refused: an override never answers a check that found nothing
    assert "there is no violation to override" in refused.value.problems[0]
    _nothing_written(session)


def test_it_refuses_an_override_posted_without_the_digest_through_the_page(
    over: TreatmentSession, alice: Membership, login: Login
) -> None:
    # when alice's browser posts the override and its reason but not the page's dose check
    response = login(alice).post(
        reverse("treatments:sign", args=[over.public_id]),
        {"override": "on", "override_reason": "Tumescent technique, monitored"},
    )
    # then the page says the override must be confirmed against the violations shown
    body = response.content.decode()
    assert "Not signed. Override the dose check: The dose check this override answers was not " in (
        body
    )
    assert "Lidocaine total 300 mg is above 270 mg" in body
    # and nothing is signed, stored or audited as an override
    _nothing_written(over)
    assert not AuditEvent.objects.filter(action=Action.OVERRIDE).exists()


def test_it_refuses_a_stale_digest_through_the_page(
    over: TreatmentSession, alice: Membership, lido_plain: Product, login: Login
) -> None:
    # given alice's page showed the violations, then a nurse added another line
    digest = check_session_dose(over).digest
    add_line(over, lido_plain, "5")
    # when alice confirms her override of what she saw
    response = login(alice).post(
        reverse("treatments:sign", args=[over.public_id]),
        {"override": "on", "override_reason": "Monitored", "dose_check": digest},
    )
    # then she is asked to review the new violations; nothing is signed
    body = response.content.decode()
    assert "the violations changed since the page was shown" in body
    assert "Lidocaine total 350 mg is above 270 mg" in body
    _nothing_written(over)
