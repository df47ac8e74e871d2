"""The demo practice's front desk: a price list, a package, invoices, payments and a refund.

Written through the billing services (numbers from the counters, audit events), as the desk
would have made them. The VAT rate is a demo value: a real clinic sets its own.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from mesoclinic.billing import credits, packages, services
from mesoclinic.billing.models import BillingSettings, PackageUse, PriceItem
from mesoclinic.clinical_codes import AREAS
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.treatments.models import TreatmentSession

DEMO_VAT_PERCENT = Decimal("20")  # the demo's own setting, not advice on any country's rate
AREA_PRICE = Decimal("120.00")
LARGE_AREAS = {"abdomen", "thigh_outer", "thigh_inner", "buttock", "back"}


def write_billing(clinic: Clinic) -> dict[str, int]:
    desk = (
        Membership.objects.filter(clinic=clinic, role=Role.RECEPTION).first()
        or Membership.objects.filter(clinic=clinic, role=Role.ADMIN).first()
    )
    if desk is None:
        return {}
    BillingSettings.objects.create(clinic=clinic, default_vat_rate_percent=DEMO_VAT_PERCENT)
    PriceItem.objects.bulk_create(
        [
            PriceItem(
                clinic=clinic,
                name=f"Mesotherapy — {label}",
                area=code,
                unit_price=AREA_PRICE + (30 if code in LARGE_AREAS else 0),
            )
            for code, label in AREAS.items()
        ]
        + [
            PriceItem(
                clinic=clinic,
                name="Consultation",
                unit_price=Decimal("60.00"),
                vat_rate_percent=Decimal(0),
            ),
            PriceItem(
                clinic=clinic,
                name="Injection lipolysis, course of 6",
                indication="localized_fat",
                sessions=6,
                unit_price=Decimal("750.00"),
            ),
        ]
    )
    recent = list(
        TreatmentSession.objects.for_clinic(clinic)
        .filter(signed_at__isnull=False, imported=False)
        .select_related("patient")
        .order_by("-performed_at")[:4]
    )
    if not recent:
        return {}
    course = PriceItem.objects.get(clinic=clinic, sessions=6)
    # The most recent patient bought a course before their last session, which used one.
    first = recent[0]
    package, package_invoice = packages.sell(None, desk, first.patient, course)
    services.take_payment(None, desk, package_invoice, Decimal("500.00"), "card")
    PackageUse.objects.create(clinic=clinic, package=package, session=first, used_at=timezone.now())
    invoices = 1
    for number, session in enumerate(recent[1:]):
        invoice = services.draft_for_session(None, desk, session)
        if not invoice.lines.exists():
            continue
        invoice = services.issue(None, desk, invoice)
        invoices += 1
        if number == 0:
            services.take_payment(None, desk, invoice, invoice.gross_total, "card")
        elif number == 1:
            services.take_payment(None, desk, invoice, Decimal("50.00"), "cash")
            credits.credit(None, desk, invoice, "Price agreed beforehand")
    # One draft left open, as the desk would have one in hand.
    services.new_draft(None, desk, first.patient)
    return {"invoices": invoices, "packages": 1}
