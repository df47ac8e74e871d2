"""Credit notes: refunding an issued invoice in full or in part.

A credit note is a document of its own series (``AV-``), issued at once, whose lines each name
the invoice line they refund (``InvoiceLine.credits_line``). A partial credit refunds, per
line, an amount before VAT of at most what remains of that line; its VAT is computed on that
amount as on the invoice, and the credit that takes the rest of a line takes the rest of its
VAT to the cent (``amounts.credit_amounts``), so the credit notes of a line never add up to
more than the line, and to exactly the line once it is refunded whole. Several partial credits
may follow one another; a full credit refunds whatever remains. The invoice's row is locked
while a credit is made, so two desks cannot both refund the same remainder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import gettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.billing.amounts import (
    ZERO,
    CreditTooLargeError,
    LineAmounts,
    credit_amounts,
    uncredited,
)
from mesoclinic.billing.choices import InvoiceKind
from mesoclinic.billing.models import Invoice, InvoiceLine
from mesoclinic.billing.services import BillingError, issue
from mesoclinic.clinics.models import Membership


@dataclass(frozen=True)
class LineCredit:
    """An invoice line with what its credit notes refunded and what remains (before VAT, VAT
    and with VAT), for the invoice page and the refund form."""

    line: InvoiceLine
    credited: LineAmounts
    remaining: LineAmounts


def line_credits(invoice: Invoice) -> list[LineCredit]:
    """Each line of ``invoice`` with what has been credited and what remains; three queries."""
    lines = list(invoice.lines.all())
    sums = (
        InvoiceLine.objects.filter(
            credits_line__invoice=invoice,
            invoice__kind=InvoiceKind.CREDIT_NOTE,
            invoice__issued_at__isnull=False,
        )
        .values("credits_line")
        .annotate(net=Sum("net_amount"), vat=Sum("vat_amount"))
    )
    stored = {row["credits_line"]: LineAmounts(row["net"], row["vat"], ZERO) for row in sums}
    # A credit note made before credit notes named their lines refunded the whole invoice.
    whole_before = (
        Invoice.objects.filter(credits=invoice, issued_at__isnull=False)
        .filter(lines__credits_line__isnull=True)
        .exists()
    )
    result = []
    for line in lines:
        if whole_before:
            stored[line.pk] = LineAmounts(-line.net_amount, -line.vat_amount, ZERO)
        remaining = uncredited(line.amounts(), [stored[line.pk]] if line.pk in stored else [])
        credited = LineAmounts(
            line.net_amount - remaining.net,
            line.vat_amount - remaining.vat,
            line.gross_amount - remaining.gross,
        )
        result.append(LineCredit(line, credited, remaining))
    return result


def remains_to_credit(credits: list[LineCredit]) -> bool:
    return any(c.remaining.net != ZERO or c.remaining.vat != ZERO for c in credits)


def _planned(
    credits: list[LineCredit], amounts_net: Mapping[int, Decimal] | None
) -> list[tuple[InvoiceLine, LineAmounts]]:
    """(line, positive amounts to credit) for each line credited; BillingError, naming the
    line, when an amount is more than remains or not an amount of money."""
    if amounts_net is None:  # in full: whatever remains of every line
        return [(c.line, c.remaining) for c in credits if c.remaining != (ZERO, ZERO, ZERO)]
    by_pk = {c.line.pk: c for c in credits}
    unknown = set(amounts_net) - set(by_pk)
    if unknown:
        raise BillingError(gettext("Choose lines of this invoice."))
    planned = []
    for pk, net in amounts_net.items():
        if net == ZERO:
            continue
        found = by_pk[pk]
        try:
            amounts = credit_amounts(net, found.line.vat_rate_percent, found.remaining)
        except CreditTooLargeError:
            raise BillingError(
                gettext(
                    "%(line)s: the amount to refund must be more than zero and at most "
                    "%(remaining)s before VAT (what remains of the line)."
                )
                % {"line": found.line.description, "remaining": max(found.remaining.net, ZERO)}
            ) from None
        planned.append((found.line, amounts))
    return planned


def credit(
    request: HttpRequest | None,
    membership: Membership,
    invoice: Invoice,
    reason: str,
    amounts_net: Mapping[int, Decimal] | None = None,
) -> Invoice:
    """Refund an issued invoice with a credit note, issued at once (its own series): in full
    (``amounts_net`` None: whatever remains of each line) or in part (``{line pk: amount
    before VAT}``, each at most what remains of its line)."""
    if not reason.strip():
        raise BillingError(gettext("Say why the invoice is refunded."))
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not original.is_issued or original.is_credit_note:
            raise BillingError(gettext("Only an issued invoice can be refunded."))
        credits = line_credits(original)
        if not remains_to_credit(credits):
            raise BillingError(gettext("This invoice has already been refunded."))
        planned = _planned(credits, amounts_net)
        if not planned:
            raise BillingError(gettext("Give an amount to refund for at least one line."))
        note = Invoice.objects.create(
            clinic=original.clinic,
            patient=original.patient,
            kind=InvoiceKind.CREDIT_NOTE,
            currency=original.currency,
            credits=original,
            reason=reason.strip(),
            created_by=membership.user,
        )
        for line, amounts in planned:
            whole = amounts == line.amounts()
            InvoiceLine.objects.create(
                invoice=note,
                credits_line=line,
                description=line.description,
                # A whole line is the line negated; a part is one unit of the amount refunded.
                quantity=-line.quantity if whole else Decimal(-1),
                unit_price=line.unit_price if whole else amounts.net,
                vat_rate_percent=line.vat_rate_percent,
                net_amount=-amounts.net,
                vat_amount=-amounts.vat,
                gross_amount=-amounts.gross,
            )
        how = "what remains" if amounts_net is None else "in part"
        record(
            request,
            Action.CREATE,
            obj=note,
            detail=f"credit note drafted: {len(planned)} lines, {how}",
        )
        return issue(request, membership, note)
