"""Formulary and session fixtures for the treatment tests (Riverside unless named)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.choices import ProcedureType
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import SessionArea, TreatmentSession
from tests.treatment_readiness import make_ready


def make_product(clinic: Clinic, name: str, **ingredients: str) -> Product:
    product = Product.objects.create(
        clinic=clinic, name=name, procedure_type=ProcedureType.SUBCUTANEOUS_LIPOLYSIS
    )
    for substance, mg_per_ml in ingredients.items():
        Ingredient.objects.create(
            product=product, substance=substance, mg_per_ml=Decimal(mg_per_ml)
        )
    return product


def make_lot(product: Product, number: str, **fields: Any) -> Lot:
    values: dict[str, Any] = {
        "expiry_date": timezone.localdate() + dt.timedelta(days=365),
        "received_on": timezone.localdate() - dt.timedelta(days=10),
        "quantity_received": 10,
        "vial_volume_ml": Decimal(5),
        "remaining_ml": Decimal(50),
    }
    values.update(fields)
    return Lot.objects.create(clinic=product.clinic, product=product, lot_number=number, **values)


@pytest.fixture
def pcdc(riverside: Clinic) -> Product:
    # PC 25 mg/mL + DC 21 mg/mL, the US lipodissolve mix in reference/mesotherapy-clinical.md §1.2
    # (http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/)
    return make_product(riverside, "PC/DC", phosphatidylcholine="25", deoxycholic_acid="21")


@pytest.fixture
def lidocaine(riverside: Clinic) -> Product:
    return make_product(riverside, "Lidocaine 1%", lidocaine="10")


@pytest.fixture
def pcdc_lot(pcdc: Product) -> Lot:
    return make_lot(pcdc, "PC-001")


@pytest.fixture
def lido_lot(lidocaine: Product) -> Lot:
    return make_lot(lidocaine, "LI-001")


# The draft took place an hour ago; just after midnight that is yesterday in the clinic's zone,
# so anything "on the session's day" must use draft_day(), not today.
DRAFT_AGE = dt.timedelta(hours=1)


def draft_day() -> dt.date:
    """The draft's date in the test clinics' zone (the Clinic default), as the app reckons it."""
    zone = zoneinfo.ZoneInfo(Clinic._meta.get_field("time_zone").get_default())
    return timezone.localtime(timezone.now() - DRAFT_AGE, zone).date()


@pytest.fixture
def draft(riverside: Clinic, patient: Patient, alice: Membership) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now() - DRAFT_AGE,
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
        depth_mm=Decimal("6.0"),
        technique="point",
        notes="Tolerated well.",
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    return session


@pytest.fixture
def line_form(pcdc: Product, pcdc_lot: Lot) -> dict[str, str]:
    return {
        "site": "abdomen:midline",
        "product": str(pcdc.pk),
        "lot": str(pcdc_lot.pk),
        "volume_ml": "4",
        "points": "20",
        "depth_mm": "6",
        "technique": "point",
    }


@pytest.fixture
def ready(patient: Patient, alice: Membership) -> None:
    """The patient is ready for localized-fat treatment: a signed consultation with every
    question answered and a signed consent, both a day before the drafts (treatments.gates)."""
    make_ready(patient, alice, "localized_fat")
