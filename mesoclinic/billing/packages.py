"""Prepaid packages: selling one, using a session of it at signing, and putting a wrong use
or a whole package right.

Selling issues the package's invoice in the same transaction (the patient pays for it as for
any invoice). Signing a session of the patient (treatments announces it with
``session_signed``) uses one session of the oldest package that still has one and fits the
session's indication; a receiver that raises un-signs, so a use is never half written.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.billing import services
from mesoclinic.billing.models import Invoice, InvoiceLine, Package, PackageUse, PriceItem
from mesoclinic.clinics.models import Membership
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import TreatmentSession


def sell(
    request: HttpRequest | None, membership: Membership, patient: Patient, item: PriceItem
) -> tuple[Package, Invoice]:
    """Sell the package ``item`` to ``patient`` and issue its invoice."""
    if not item.is_package or not item.is_active:
        raise services.BillingError(gettext("Choose a package that is on sale."))
    with transaction.atomic():
        package = Package.objects.create(
            clinic=membership.clinic,
            patient=patient,
            name=item.name,
            indication=item.indication,
            sessions_total=item.sessions,
            sold_at=timezone.now(),
            sold_by=membership.user,
        )
        record(request, Action.CREATE, obj=package, detail=f"package sold {item.sessions}")
        invoice = services.new_draft(request, membership, patient)
        InvoiceLine.objects.create(
            invoice=invoice,
            description=item.name,
            unit_price=item.unit_price,
            vat_rate_percent=services.vat_rate(item, membership.clinic),
            package=package,
        )
        invoice = services.issue(request, membership, invoice)
    return package, invoice


def use_package_on_signing(sender: Any, session: TreatmentSession, **kwargs: Any) -> None:
    """The ``session_signed`` receiver: one session off the patient's oldest fitting package."""
    if session.imported:
        return  # history brought in from a registry bundle was paid for elsewhere
    packages = (
        Package.objects.for_clinic(session.clinic)
        .select_for_update()
        .filter(patient_id=session.patient_id, voided_at__isnull=True)
        .order_by("sold_at", "pk")
    )
    for package in packages:
        if package.indication not in ("", session.indication) or package.balance() <= 0:
            continue
        use = PackageUse.objects.create(
            clinic=session.clinic, package=package, session=session, used_at=timezone.now()
        )
        record(
            None,
            Action.UPDATE,
            obj=use,
            user=session.signed_by,
            detail="package session used at signing",
        )
        return


def reverse_use(
    request: HttpRequest | None, membership: Membership, use: PackageUse, reason: str
) -> PackageUse:
    """Give a wrongly used session back to its package (the session stays signed)."""
    if not reason.strip():
        raise services.BillingError(gettext("Say why the session goes back to the package."))
    with transaction.atomic():
        locked = PackageUse.objects.select_for_update().get(pk=use.pk)
        if locked.reversed_at is not None:
            raise services.BillingError(gettext("This use has already been reversed."))
        locked.reversed_at = timezone.now()
        locked.reverse_reason = reason.strip()
        locked.reversed_by = membership.user
        locked.save(update_fields=["reversed_at", "reverse_reason", "reversed_by"])
        record(request, Action.AMEND, obj=locked, detail="package use reversed")
    return locked


def void(
    request: HttpRequest | None, membership: Membership, package: Package, reason: str
) -> Package:
    """End a package: no session is used from it any more (a refund is a credit note)."""
    if not reason.strip():
        raise services.BillingError(gettext("Say why the package is voided."))
    with transaction.atomic():
        locked = Package.objects.select_for_update().get(pk=package.pk)
        if locked.voided_at is not None:
            raise services.BillingError(gettext("This package is already voided."))
        locked.voided_at = timezone.now()
        locked.void_reason = reason.strip()
        locked.version += 1
        locked.save(update_fields=["voided_at", "void_reason", "version"])
        record(request, Action.AMEND, obj=locked, detail="package voided")
    return locked
