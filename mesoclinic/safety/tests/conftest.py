"""Helpers for the safety tests: a session that used a given lot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession


@pytest.fixture
def product(riverside: Clinic) -> Product:
    return Product.objects.create(clinic=riverside, name="PC/DC 5%")


@pytest.fixture
def make_lot(riverside: Clinic, product: Product) -> Callable[[str], Lot]:
    def _make(number: str) -> Lot:
        return Lot.objects.create(clinic=riverside, product=product, lot_number=number)

    return _make


@pytest.fixture
def make_session(alice: Membership, product: Product) -> Callable[..., TreatmentSession]:
    def _make(patient: Patient, day: dt.date, lot: Lot | None = None) -> TreatmentSession:
        session = TreatmentSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            performed_at=dt.datetime.combine(day, dt.time(11, 0), tzinfo=dt.UTC),
            indication="localized_fat",
            practitioner=alice.user,
            created_by=alice.user,
        )
        SessionArea.objects.create(session=session, area="abdomen", side="midline")
        if lot is not None:
            Injection.objects.create(
                clinic=patient.clinic,
                session=session,
                area="abdomen",
                side="midline",
                product=product,
                lot=lot,
                volume_ml=Decimal("2.0"),
            )
        return session

    return _make
