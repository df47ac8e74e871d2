"""Billing workflows: drafting and issuing invoices, credit notes and payments.

Numbers are gap-free per clinic and series: a document gets its number only when issued, in
the transaction that issues it, from the series' counter row locked with SELECT … FOR UPDATE
(``_next_number``). Two desks issuing at once wait for each other; a failed issue rolls its
number back (credit notes themselves are made in ``credits.py``). Credit notes have their own series (prefix ``AV-`` by default): a credit note is
a document of its own kind, and keeping it out of the invoice series means the invoice series
counts invoices only, each series still without a gap, which is how accountants reconcile them.
Every write is audited in its transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.billing.amounts import ZERO, totals
from mesoclinic.billing.choices import PaymentMethod
from mesoclinic.billing.models import (
    BillingSettings,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    PackageUse,
    Payment,
    PriceItem,
)
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import STALE_EDIT, StaleRecordError
from mesoclinic.treatments.models import TreatmentSession


class BillingError(Exception):
    """A billing step refused, with the reason in words for the desk."""


_Row = TypeVar("_Row", BillingSettings, PriceItem)


def save_versioned_row(row: _Row, expected_version: int, fields: dict[str, Any]) -> _Row:
    """As ``records.services.save_versioned`` for billing's own rows (not clinical records):
    applied only if nobody changed the row since the form read it."""
    model = type(row)
    with transaction.atomic():
        bumped = model._default_manager.filter(pk=row.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if bumped == 0:
            raise StaleRecordError(STALE_EDIT)
        fresh = model._default_manager.get(pk=row.pk)
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.save()
    return fresh


def settings_for(clinic: Clinic) -> BillingSettings:
    found, _created = BillingSettings.objects.get_or_create(clinic=clinic)
    return found


def vat_rate(item: PriceItem, clinic: Clinic) -> Decimal:
    if item.vat_rate_percent is not None:
        return item.vat_rate_percent
    return settings_for(clinic).default_vat_rate_percent


def _ensure_counter(clinic: Clinic, kind: str) -> None:
    # Outside the issuing transaction: the first issue of a series creates its row, and two
    # first issues at once must not both fail; the loser of the insert finds the winner's row.
    if InvoiceCounter.objects.filter(clinic=clinic, kind=kind).exists():
        return
    try:
        with transaction.atomic():
            InvoiceCounter.objects.create(clinic=clinic, kind=kind)
    except IntegrityError:
        pass


def _next_number(clinic: Clinic, kind: str) -> int:
    """The series' next number; must be called inside the issuing transaction."""
    counter = InvoiceCounter.objects.select_for_update().get(clinic=clinic, kind=kind)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def new_draft(
    request: HttpRequest | None,
    membership: Membership,
    patient: Patient,
    session: TreatmentSession | None = None,
) -> Invoice:
    with transaction.atomic():
        invoice = Invoice.objects.create(
            clinic=membership.clinic,
            patient=patient,
            currency=membership.clinic.currency,
            session=session,
            created_by=membership.user,
        )
        record(request, Action.CREATE, obj=invoice, detail="draft invoice")
    return invoice


def _price_for_area(clinic: Clinic, indication: str, area: str) -> PriceItem | None:
    items = PriceItem.objects.for_clinic(clinic).filter(is_active=True, sessions=1)
    for filters in (
        {"indication": indication, "area": area},
        {"indication": "", "area": area},
        {"indication": indication, "area": ""},
    ):
        found = items.filter(**filters).order_by("pk").first()
        if found is not None:
            return found
    return None


def draft_for_session(
    request: HttpRequest | None, membership: Membership, session: TreatmentSession
) -> Invoice:
    """A draft for a signed session: one line per area treated at the price list's price for
    that indication and area; a session a package paid for is one line at no charge."""
    if not session.is_signed:
        raise BillingError(gettext("Only a signed session can be invoiced."))
    clinic = membership.clinic
    with transaction.atomic():
        invoice = new_draft(request, membership, session.patient, session)
        use = (
            PackageUse.objects.for_clinic(clinic)
            .filter(session=session, reversed_at__isnull=True)
            .select_related("package")
            .first()
        )
        if use is not None:
            InvoiceLine.objects.create(
                invoice=invoice,
                description=gettext("Session covered by package %(name)s")
                % {"name": use.package.name},
                quantity=Decimal(1),
                unit_price=ZERO,
                vat_rate_percent=settings_for(clinic).default_vat_rate_percent,
            )
            return invoice
        for area in session.areas.all():
            item = _price_for_area(clinic, session.indication, area.area)
            if item is None:
                continue
            InvoiceLine.objects.create(
                invoice=invoice,
                # An area's own price names its area; a price for any area gets the area's name.
                description=item.name if item.area else f"{item.name} — {area}",
                quantity=Decimal(1),
                unit_price=item.unit_price,
                vat_rate_percent=vat_rate(item, clinic),
            )
    return invoice


def _draft(invoice: Invoice) -> Invoice:
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.is_issued:
        raise BillingError(gettext("This invoice is issued: it cannot change."))
    return locked


def _bump(draft: Invoice) -> None:
    # A page that shows the draft posts the version it read; a changed draft is not issued
    # from a page that showed other lines.
    Invoice.objects.filter(pk=draft.pk, issued_at__isnull=True).update(version=F("version") + 1)


def add_line(
    request: HttpRequest | None,
    invoice: Invoice,
    item: PriceItem,
    quantity: Decimal,
) -> InvoiceLine:
    with transaction.atomic():
        draft = _draft(invoice)
        line = InvoiceLine.objects.create(
            invoice=draft,
            description=item.name,
            quantity=quantity,
            unit_price=item.unit_price,
            vat_rate_percent=vat_rate(item, draft.clinic),
        )
        _bump(draft)
        record(request, Action.UPDATE, obj=draft, detail="invoice line added")
    return line


def remove_line(request: HttpRequest | None, invoice: Invoice, line_id: int) -> None:
    with transaction.atomic():
        draft = _draft(invoice)
        deleted, _rows = InvoiceLine.objects.filter(invoice=draft, pk=line_id).delete()
        if deleted:
            _bump(draft)
            record(request, Action.UPDATE, obj=draft, detail="invoice line removed")


def delete_draft(request: HttpRequest | None, invoice: Invoice) -> None:
    with transaction.atomic():
        draft = _draft(invoice)
        record(request, Action.UPDATE, obj=draft, detail="draft invoice deleted")
        draft.delete()


def issue(request: HttpRequest | None, membership: Membership, invoice: Invoice) -> Invoice:
    """Give a draft the next number of its series and freeze it, with its totals."""
    _ensure_counter(invoice.clinic, invoice.kind)
    with transaction.atomic():
        draft = _draft(invoice)
        lines = list(draft.lines.all())
        if not lines:
            raise BillingError(gettext("Add at least one line before issuing."))
        # The lines keep the amounts computed when saved; the totals add the rounded lines.
        net, vat, gross = totals(line.amounts() for line in lines)
        number = _next_number(draft.clinic, draft.kind)
        prefs = settings_for(draft.clinic)
        prefix = prefs.credit_note_prefix if draft.is_credit_note else prefs.invoice_prefix
        now = timezone.now()
        Invoice.objects.filter(pk=draft.pk, issued_at__isnull=True).update(
            number=number,
            number_text=f"{prefix}{number:06d}",
            issued_at=now,
            issue_date=draft.clinic.day_of(now),
            issued_by=membership.user,
            buyer_name=draft.patient.display_name,
            net_total=net,
            vat_total=vat,
            gross_total=gross,
        )
        draft.refresh_from_db()
        record(request, Action.CREATE, obj=draft, detail=f"issued {draft.kind} {number}")
    return draft


def take_payment(
    request: HttpRequest | None,
    membership: Membership,
    invoice: Invoice,
    amount: Decimal,
    method: str,
) -> Payment:
    """Take a payment (partial or whole) of an issued invoice, or pay back a credit note:
    ``amount`` is always positive here; a refund is stored as a negative amount."""
    if method not in PaymentMethod.values:
        raise BillingError(gettext("Choose how the patient paid."))
    if amount <= 0:
        raise BillingError(gettext("The amount must be more than zero."))
    with transaction.atomic():
        # Locked so that two desks cannot both take the last balance.
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not locked.is_issued:
            raise BillingError(gettext("Issue the invoice before taking a payment."))
        signed_amount = -amount if locked.is_credit_note else amount
        due = abs(locked.balance_due())
        if amount > due:
            raise BillingError(
                gettext("The amount is more than the balance due (%(due)s).") % {"due": due}
            )
        payment = Payment.objects.create(
            clinic=locked.clinic,
            invoice=locked,
            amount=signed_amount,
            method=method,
            received_at=timezone.now(),
            taken_by=membership.user,
        )
        record(request, Action.CREATE, obj=payment, detail=f"payment {method}")
    return payment
