"""The day's takings and the accountant's export: money only, never a clinical detail.

The export names each document by its number and date with its net, VAT, gross and payments;
it holds no diagnosis, area or note and no patient identifier: the number leads back to the
invoice in the clinic for whoever may see it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from mesoclinic.billing.amounts import ZERO
from mesoclinic.billing.choices import PaymentMethod
from mesoclinic.billing.models import Invoice, Payment
from mesoclinic.clinics.models import Clinic


@dataclass(frozen=True)
class Takings:
    day: dt.date
    by_method: list[tuple[str, Decimal]]  # (method label, total), every method, in order
    total: Decimal
    count: int


def takings(clinic: Clinic, day: dt.date) -> Takings:
    """Payments received on ``day`` in the clinic's zone, per method (refunds subtract)."""
    start = clinic.start_of_day(day)
    payments = Payment.objects.for_clinic(clinic).filter(
        received_at__gte=start, received_at__lt=clinic.start_of_day(day + dt.timedelta(days=1))
    )
    sums = dict(payments.values("method").annotate(s=Sum("amount")).values_list("method", "s"))
    rows = [(str(label), sums.get(code) or ZERO) for code, label in PaymentMethod.choices]
    return Takings(day, rows, sum((s for _l, s in rows), ZERO), payments.count())


EXPORT_COLUMNS = [
    "number",
    "kind",
    "issue_date",
    "credits",
    "currency",
    "net",
    "vat",
    "gross",
    "paid_cash",
    "paid_card",
    "paid_transfer",
    "balance_due",
]


def export_csv(clinic: Clinic, start: dt.date, end: dt.date) -> str:
    """Every document issued from ``start`` to ``end`` (inclusive), numbered order per series."""
    documents = (
        Invoice.objects.for_clinic(clinic)
        .filter(issue_date__gte=start, issue_date__lte=end, issued_at__isnull=False)
        .select_related("credits")
        .prefetch_related("payments")
        .order_by("kind", "number")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for doc in documents:
        paid = dict.fromkeys(PaymentMethod.values, ZERO)
        for payment in doc.payments.all():
            paid[payment.method] += payment.amount
        writer.writerow(
            [
                doc.number_text,
                doc.kind,
                doc.issue_date.isoformat() if doc.issue_date else "",
                doc.credits.number_text if doc.credits else "",
                doc.currency,
                doc.net_total,
                doc.vat_total,
                doc.gross_total,
                paid[PaymentMethod.CASH],
                paid[PaymentMethod.CARD],
                paid[PaymentMethod.TRANSFER],
                doc.gross_total - sum(paid.values(), ZERO),
            ]
        )
    return out.getvalue()
