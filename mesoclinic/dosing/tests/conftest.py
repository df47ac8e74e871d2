"""Session fixtures for the dose-check service and view tests (Riverside unless named)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.consultations.models import Consultation
from mesoclinic.formulary.models import Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from mesoclinic.treatments.tests.conftest import DRAFT_AGE, draft_day, make_lot, make_product

__all__ = ["make_lot", "make_product"]


def make_session(
    patient: Patient, by: Membership, *, days_ago: int = 0, protocol: str = "", **areas: str
) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        performed_at=timezone.now() - DRAFT_AGE - dt.timedelta(days=days_ago),
        indication="localized_fat",
        protocol=protocol,
        practitioner=by.user,
        created_by=by.user,
    )
    for area, side in (areas or {"abdomen": "midline"}).items():
        SessionArea.objects.create(session=session, area=area, side=side)
    return session


def add_line(
    session: TreatmentSession,
    product: Product,
    volume_ml: str,
    area: str = "abdomen",
    side: str = "midline",
    points: int | None = None,
) -> Injection:
    return Injection.objects.create(
        clinic=session.clinic,
        session=session,
        area=area,
        side=side,
        product=product,
        lot=make_lot(product, f"L{Injection.objects.count() + 1}"),
        volume_ml=Decimal(volume_ml),
        points=points,
    )


def weigh(patient: Patient, weight_kg: str, days_ago: int = 0) -> Measurement:
    return Measurement.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind="weight_kg",
        value=Decimal(weight_kg),
        measured_on=draft_day() - dt.timedelta(days=days_ago),
    )


def consult(patient: Patient, by: Membership, weight_kg: str, days_ago: int) -> Consultation:
    return Consultation.objects.create(
        clinic=patient.clinic,
        patient=patient,
        consulted_at=timezone.now() - dt.timedelta(days=days_ago, hours=2),
        clinician=by.user,
        clinician_name="Alice Archer",
        concerns="Abdominal fat",
        weight_kg=Decimal(weight_kg),
    )


@pytest.fixture
def lido_plain(riverside: Clinic) -> Product:
    # Lidocaine 1 % = 10 mg/mL (reference §2.3 "Conversions: 1% = 10 mg/mL",
    # https://www.droracle.ai/articles/564193/what-is-the-maximum-dosage-of-a-2-solution).
    return make_product(riverside, "Lidocaine 1%", lidocaine="10")


@pytest.fixture
def lido_epi(riverside: Clinic) -> Product:
    # Lidocaine 1 % with epinephrine: the product also lists epinephrine, which is the
    # convention for "with epinephrine" (dosing.services). Its concentration is a test value;
    # only its presence matters to the rules.
    return make_product(riverside, "Lidocaine 1% + epinephrine", lidocaine="10", epinephrine="0.01")
