"""The signing gates in a real browser: a practitioner tries to sign a session for a patient
with no consent, sees the gate listed with its reason, records the consent, and then signs.
A second walk: no signed screening refuses signing; once one is signed, the absolute
contraindication it found refuses it until overridden with a written reason.

The session is drafted for an appointment a few minutes ahead, so that the consent taken in
the browser comes before it, as consent must. Then the treatment is given: rather than wait
for the appointment (the gate compares times to the minute, and a session cannot be signed
before it took place), the test moves the server's clock past it (``clock``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.consent.models import Consent
from mesoclinic.consent.services import install_default_templates
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from tests.e2e.browser_actions import sign_in
from tests.treatment_readiness import consent as signed_consent
from tests.treatment_readiness import screen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Long enough to sign in and take the consent on a loaded machine (each step times out at 15 s).
APPOINTMENT_IN = dt.timedelta(minutes=5)


@pytest.fixture
def clock(monkeypatch) -> Callable[[dt.timedelta], None]:
    """Moves the clock of the server and of the test on by a duration: ``timezone.now``, which
    every "now" of the app reads (the live server runs in a thread of this process)."""
    real_now = timezone.now
    shift = dt.timedelta()

    def now() -> dt.datetime:
        return real_now() + shift

    def advance(by: dt.timedelta) -> None:
        nonlocal shift
        shift += by

    monkeypatch.setattr(timezone, "now", now)
    return advance


def _draft_with_a_line(riverside, alice, patient, performed_at) -> TreatmentSession:
    """A draft of the abdomen with one line of PC/DC (PC 50 mg/mL + DC 25 mg/mL, reference
    §2.2) from a lot in stock."""
    product = Product.objects.create(clinic=riverside, name="PC/DC 5%/2.5%")
    Ingredient.objects.create(
        product=product, substance="phosphatidylcholine", mg_per_ml=Decimal(50)
    )
    Ingredient.objects.create(product=product, substance="deoxycholic_acid", mg_per_ml=Decimal(25))
    lot = Lot.objects.create(
        clinic=riverside,
        product=product,
        lot_number="PCDC-9",
        expiry_date=timezone.localdate() + dt.timedelta(days=200),
        quantity_received=10,
        vial_volume_ml=Decimal(10),
        remaining_ml=Decimal(100),
    )
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=performed_at,
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    Injection.objects.create(
        clinic=riverside,
        session=session,
        area="abdomen",
        side="midline",
        product=product,
        lot=lot,
        volume_ml=Decimal(8),
        points=40,
    )
    return session


@pytest.fixture
def draft(riverside, ada, alice, patient):
    # given the clinic's standard consent templates, a signed screening for localized fat a
    # day ago, and no consent
    install_default_templates(None, riverside, ada.user)
    screen(patient, alice, "localized_fat")
    # and a session drafted for an appointment starting shortly, with one line of PC/DC
    return _draft_with_a_line(riverside, alice, patient, timezone.now() + APPOINTMENT_IN)


def test_it_lists_the_missing_consent_and_signs_once_it_is_recorded(page, draft, patient, clock):
    # given alice is signed in and opens the draft
    sign_in(page, "alice")
    page.goto(f"/sessions/{draft.public_id}/")
    # then the consent gate is listed before the Sign button, with its reason
    consent_gate = page.locator("li.gate", has_text="Consent:")
    consent_gate.get_by_text("No consent to localized fat treatment").wait_for()
    assert "Blocks signing" in consent_gate.inner_text()
    assert "Met" in page.locator("li.gate", has_text="Screening:").inner_text()

    # when she signs anyway
    page.get_by_role("button", name="Sign session").click()
    # then it is refused with the reason and the session stays a draft
    page.get_by_text("Not signed. Consent: No consent to localized fat treatment").wait_for()
    page.get_by_text("Not signed. Date and time: the session has not taken place yet.").wait_for()
    draft.refresh_from_db()
    assert not draft.is_signed

    # when she follows the gate's link and records the patient's consent
    page.locator("li.gate", has_text="Consent:").get_by_role(
        "link", name="Record a consent"
    ).click()
    page.get_by_role("link", name=re.compile("Injection lipolysis")).click()
    page.get_by_label("The patient has read the text above").check()
    page.get_by_label("Record of the consent discussion").fill(
        "Off-label status, nodules and infection risk, alternatives discussed."
    )
    page.get_by_label("Patient's full name, typed by the patient").fill("Maria Lopez")
    page.get_by_role("button", name="Record the patient's consent").click()
    # and signs the consent as the practitioner who took it
    page.get_by_role("button", name="Sign as practitioner").click()
    page.get_by_text("Consent signed").wait_for()

    consent = Consent.objects.get(patient=patient)
    assert consent.patient_signed_at < draft.performed_at, "the browser was too slow"

    # then, the treatment given at the appointment, the session's gates are met and she signs it
    clock(draft.performed_at - timezone.now() + dt.timedelta(minutes=1))
    assert timezone.now() > draft.performed_at
    page.goto(f"/sessions/{draft.public_id}/")
    assert "Met" in page.locator("li.gate", has_text="Consent:").inner_text()
    page.get_by_role("button", name="Sign session").click()
    page.get_by_text("Session signed; lot stock updated.").wait_for()
    draft.refresh_from_db()
    assert draft.is_signed
    assert [g["status"] for g in draft.gates_at_signing] == ["ok", "ok", "ok"]


@pytest.fixture
def unscreened(riverside, alice, patient):
    # given a patient who signed a consent to localized fat treatment a day ago, and no
    # screening; and a session given an hour ago, drafted with one line of PC/DC
    signed_consent(patient, alice, "localized_fat")
    return _draft_with_a_line(riverside, alice, patient, timezone.now() - dt.timedelta(hours=1))


def test_it_refuses_without_a_screening_then_until_its_contraindication_is_overridden(
    page, unscreened, patient, alice
):
    # given alice is signed in and opens the draft
    sign_in(page, "alice")
    page.goto(f"/sessions/{unscreened.public_id}/")
    # then the screening gate is listed before the Sign button, with its reason
    screening_gate = page.locator("li.gate", has_text="Screening:")
    screening_gate.get_by_text("No signed consultation has screened this patient").wait_for()
    assert "Blocks signing" in screening_gate.inner_text()
    assert "Met" in page.locator("li.gate", has_text="Consent:").inner_text()

    # when she signs anyway, then it is refused with the reason and the session stays a draft
    page.get_by_role("button", name="Sign session").click()
    page.get_by_text(
        "Not signed. Screening: No signed consultation has screened this patient"
    ).wait_for()
    unscreened.refresh_from_db()
    assert not unscreened.is_signed

    # when a screening two days ago is signed, in which the patient said she is pregnant
    screen(
        patient,
        alice,
        "localized_fat",
        at=timezone.now() - dt.timedelta(days=2),
        answers={"pregnant": "yes"},
    )
    page.goto(f"/sessions/{unscreened.public_id}/")
    # then the screening gate is met and the absolute contraindication blocks signing
    assert "Met" in page.locator("li.gate", has_text="Screening:").inner_text()
    absolute = page.locator("li.gate", has_text="Absolute contraindication:")
    assert "Needs an override" in absolute.inner_text()
    assert "Pregnancy" in absolute.inner_text()

    # when she signs without an override, then it is refused naming the finding
    page.get_by_role("button", name="Sign session").click()
    page.get_by_text(
        re.compile(r"^Not signed\. Absolute contraindication: Pregnancy")
    ).first.wait_for()
    unscreened.refresh_from_db()
    assert not unscreened.is_signed

    # when she overrides with a written reason and acknowledges the relative finding
    page.get_by_label("Override the contraindication").check()
    page.get_by_label("Reason for treating despite the contraindication").fill(
        "Termination booked; patient insists, documented"
    )
    page.get_by_label("I have weighed the relative contraindications listed").check()
    page.get_by_role("button", name="Sign session").click()

    # then the session is signed with the override kept and shown
    page.get_by_text(
        "Session signed with a contraindication override; lot stock updated."
    ).wait_for()
    page.get_by_text("Contraindication overridden").first.wait_for()
    unscreened.refresh_from_db()
    assert unscreened.is_signed
    assert unscreened.contraindication_override_reason == (
        "Termination booked; patient insists, documented"
    )
