"""Invoices: numbered gap-free on issue, frozen once issued, refunded by credit notes, paid in
parts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from mesoclinic.billing import credits, services
from mesoclinic.billing.choices import InvoiceKind
from mesoclinic.billing.models import Invoice, InvoiceLine, Payment
from mesoclinic.records.models import ImmutableRecordError

pytestmark = pytest.mark.django_db

D = Decimal


def test_it_numbers_an_invoice_only_when_issued_and_in_sequence(bob, patient, prices, issued):
    # given a draft
    draft = services.new_draft(None, bob, patient)
    services.add_line(None, draft, prices["consult"], D(1))
    draft.refresh_from_db()
    # then it has no number
    assert draft.number is None
    assert not draft.is_issued
    # when it and two more are issued
    first = services.issue(None, bob, draft)
    second, third = issued(), issued()
    # then they are numbered 1, 2, 3 with the clinic's prefix
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert third.number_text == "F-000003"


def test_it_keeps_no_gap_when_an_issue_fails(bob, patient, prices, issued):
    # given an issued invoice and an empty draft
    issued()
    empty = services.new_draft(None, bob, patient)
    # when the empty draft's issue is refused
    with pytest.raises(services.BillingError):
        services.issue(None, bob, empty)
    # then the next invoice issued takes the very next number
    assert issued().number == 2


def test_it_totals_vat_per_line(issued):
    # when an invoice of a 20 % line and a 0 % line is issued
    invoice = issued(("abdomen", "2"), ("consult", "1"))
    # then VAT is per line and the totals add the lines
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        D("333.33"),
        D("60.00"),
        D("393.33"),
    )
    assert invoice.buyer_name == "Maria Lopez"


def test_it_never_changes_or_deletes_an_issued_invoice(issued, prices):
    # given an issued invoice
    invoice = issued()
    line = invoice.lines.get()
    # then the models refuse to change or delete it, or to add to it
    with pytest.raises(ImmutableRecordError):
        invoice.save()
    with pytest.raises(ImmutableRecordError):
        invoice.delete()
    with pytest.raises(ImmutableRecordError):
        line.save()
    with pytest.raises(services.BillingError):
        services.add_line(None, invoice, prices["consult"], D(1))
    # and so does the database, past the models
    for change in (
        lambda: Invoice.objects.filter(pk=invoice.pk).update(gross_total=D(1)),
        lambda: Invoice.objects.filter(pk=invoice.pk).delete(),
        lambda: InvoiceLine.objects.filter(pk=line.pk).update(unit_price=D(1)),
        lambda: InvoiceLine.objects.bulk_create(
            [InvoiceLine(invoice=invoice, description="x", unit_price=D(1), vat_rate_percent=0)]
        ),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    invoice.refresh_from_db()
    assert invoice.gross_total == D("180.00")


def test_it_refunds_with_a_credit_note_in_its_own_series(bob, issued):
    # given two issued invoices
    first, second = issued(), issued()
    # when the first is refunded
    note = credits.credit(None, bob, first, "Treatment not given")
    # then the credit note is numbered 1 of its own series and negates the invoice
    assert note.kind == InvoiceKind.CREDIT_NOTE
    assert note.number == 1
    assert note.number_text == "AV-000001"
    assert note.gross_total == -first.gross_total
    assert note.credits == first
    # and the invoice series goes on without a gap
    assert second.number == 2
    # and an invoice is refunded once only
    with pytest.raises(services.BillingError):
        credits.credit(None, bob, first, "again")


def test_it_takes_partial_payments_down_to_the_balance(bob, issued):
    # given an issued invoice of 180.00
    invoice = issued()
    # when the patient pays 100 by card and 80 in cash
    services.take_payment(None, bob, invoice, D("100"), "card")
    assert invoice.balance_due() == D("80.00")
    services.take_payment(None, bob, invoice, D("80"), "cash")
    # then nothing is due, and a payment above the balance is refused
    assert invoice.balance_due() == D("0.00")
    with pytest.raises(services.BillingError):
        services.take_payment(None, bob, invoice, D("0.01"), "cash")


def test_it_refuses_a_payment_on_a_draft_and_never_changes_a_payment(bob, patient, issued):
    draft = services.new_draft(None, bob, patient)
    with pytest.raises(services.BillingError):
        services.take_payment(None, bob, draft, D("10"), "cash")
    payment = services.take_payment(None, bob, issued(), D("10"), "cash")
    with pytest.raises(ImmutableRecordError):
        payment.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount=D("1"))


def test_it_pays_back_a_credit_note_as_a_negative_payment(bob, issued):
    # given an invoice paid in full, then refunded
    invoice = issued()
    services.take_payment(None, bob, invoice, D("180"), "card")
    note = credits.credit(None, bob, invoice, "Cancelled course")
    # when the money is paid back to the card
    refund = services.take_payment(None, bob, note, D("180"), "card")
    # then the refund is negative and nothing more is owed either way
    assert refund.amount == D("-180.00")
    assert note.balance_due() == D("0.00")


def test_it_invoices_a_signed_session_at_the_price_list(bob, patient, prices, make_signed_session):
    # given a signed session of the abdomen
    session = make_signed_session(patient)
    # when the desk drafts its invoice
    invoice = services.draft_for_session(None, bob, session)
    # then its line is the abdomen's price, at the clinic's default VAT
    line = invoice.lines.get()
    assert (line.unit_price, line.vat_rate_percent) == (D("150.00"), D("20.00"))
    assert "Injection lipolysis" in line.description
