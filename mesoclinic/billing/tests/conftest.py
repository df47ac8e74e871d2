"""Billing test helpers: a price list, a signed session (signed as signing does: the signature,
then ``session_signed`` in the same transaction) and an issued invoice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from mesoclinic.billing import services
from mesoclinic.billing.models import BillingSettings, Invoice, PriceItem
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from mesoclinic.treatments.signals import session_signed

NOTE = "Tolerated well; small bruise at the left flank."


@pytest.fixture
def prices(riverside: Clinic) -> dict[str, PriceItem]:
    BillingSettings.objects.create(clinic=riverside, default_vat_rate_percent=Decimal("20"))
    return {
        "abdomen": PriceItem.objects.create(
            clinic=riverside,
            name="Injection lipolysis",
            indication="localized_fat",
            area="abdomen",
            unit_price=Decimal("150.00"),
        ),
        "consult": PriceItem.objects.create(
            clinic=riverside,
            name="Consultation",
            unit_price=Decimal("33.33"),
            vat_rate_percent=Decimal("0"),
        ),
        "course": PriceItem.objects.create(
            clinic=riverside,
            name="Course of 6 sessions",
            indication="localized_fat",
            sessions=6,
            unit_price=Decimal("750.00"),
        ),
    }


@pytest.fixture
def make_signed_session(alice: Membership) -> Callable[..., TreatmentSession]:
    def _make(
        patient: Patient, *, indication: str = "localized_fat", imported: bool = False
    ) -> TreatmentSession:
        product, _ = Product.objects.get_or_create(
            clinic=patient.clinic, name="PC/DC 5%", defaults={"created_by": alice.user}
        )
        lot, _ = Lot.objects.get_or_create(
            clinic=patient.clinic, product=product, lot_number="A100"
        )
        session = TreatmentSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            performed_at=timezone.now() - dt.timedelta(hours=1),
            indication=indication,
            practitioner=alice.user,
            created_by=alice.user,
            notes=NOTE,
            imported=imported,
        )
        SessionArea.objects.create(session=session, area="abdomen", side="bilateral")
        Injection.objects.create(
            clinic=patient.clinic,
            session=session,
            area="abdomen",
            side="bilateral",
            product=product,
            lot=lot,
            volume_ml=Decimal("8"),
        )
        with transaction.atomic():
            signed = sign_record(session, alice)
            assert isinstance(signed, TreatmentSession)
            session_signed.send(sender=TreatmentSession, session=signed)
        return signed

    return _make


@pytest.fixture
def issued(
    bob: Membership, patient: Patient, prices: dict[str, PriceItem]
) -> Callable[..., Invoice]:
    def _issue(*items: tuple[str, str]) -> Invoice:
        invoice = services.new_draft(None, bob, patient)
        for key, quantity in items or (("abdomen", "1"),):
            services.add_line(None, invoice, prices[key], Decimal(quantity))
        return services.issue(None, bob, invoice)

    return _issue


def post(client: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {})
