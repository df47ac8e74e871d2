"""Credit notes in part: chosen lines and amounts, never more than remains of a line, several
in turn, numbered in the credit-note series; the invoice shows what is refunded and what not."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.billing import credits
from mesoclinic.billing.models import Invoice
from mesoclinic.billing.services import BillingError

pytestmark = pytest.mark.django_db

D = Decimal


def _lines(invoice: Invoice) -> dict[str, int]:
    return {line.description: line.pk for line in invoice.lines.all()}


def test_it_refunds_part_of_a_line_with_its_vat_in_the_credit_note_series(bob, issued):
    # given an invoice of a treatment (150.00 + 20 % VAT) and a consultation (33.33, no VAT)
    invoice = issued(("abdomen", "1"), ("consult", "1"))
    lines = _lines(invoice)
    # when 50.00 of the treatment is refunded
    note = credits.credit(
        None, bob, invoice, "Area not treated", {lines["Injection lipolysis"]: D("50")}
    )
    # then the credit note, first of its series, refunds 50.00 + 10.00 VAT of that line only
    assert note.number_text == "AV-000001"
    assert (note.net_total, note.vat_total, note.gross_total) == (D("-50"), D("-10"), D("-60"))
    assert [line.credits_line_id for line in note.lines.all()] == [lines["Injection lipolysis"]]
    # and the invoice's lines say what was refunded and what remains
    found = {c.line.description: c for c in credits.line_credits(invoice)}
    assert found["Injection lipolysis"].credited.gross == D("60.00")
    assert found["Injection lipolysis"].remaining.gross == D("120.00")
    assert found["Consultation"].remaining.gross == D("33.33")
    assert AuditEvent.objects.filter(detail="credit note drafted: 1 lines, in part").exists()


def test_it_follows_partial_credits_until_nothing_remains(bob, issued):
    # given an invoice of 150.00 at 20 % (180.00), of which 50.00 is refunded twice
    invoice = issued(("abdomen", "1"))
    pk = _lines(invoice)["Injection lipolysis"]
    notes = [credits.credit(None, bob, invoice, "Goodwill", {pk: D(part)}) for part in ("50", "50")]
    # when the rest is refunded with a full credit note
    last = credits.credit(None, bob, invoice, "Course stopped")
    # then the three notes are numbered in turn and add up to the invoice to the cent
    assert [n.number for n in [*notes, last]] == [1, 2, 3]
    assert sum(n.gross_total for n in [*notes, last]) == -invoice.gross_total
    assert last.gross_total == D("-60.00")
    # and nothing more can be refunded
    with pytest.raises(BillingError, match="already been refunded"):
        credits.credit(None, bob, invoice, "again")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("150.01", "at most 150.00 before VAT"),
        ("-5", "more than zero"),
        ("0.001", "more than zero"),
    ],
)
def test_it_refuses_an_amount_that_is_not_what_remains(bob, issued, amount, message):
    # given an issued invoice of 150.00 before VAT
    invoice = issued(("abdomen", "1"))
    pk = _lines(invoice)["Injection lipolysis"]
    # when a refund asks for the amount / then it is refused, naming the line, and nothing is
    # numbered
    with pytest.raises(BillingError, match=message):
        credits.credit(None, bob, invoice, "Mistake", {pk: D(amount)})
    assert not Invoice.objects.filter(kind="credit_note").exists()


def test_it_refuses_a_line_of_another_invoice(bob, issued):
    # given two invoices
    first, second = issued(), issued()
    # when a refund of the first names a line of the second / then it is refused
    with pytest.raises(BillingError, match="Choose lines of this invoice"):
        credits.credit(None, bob, first, "Mistake", {_lines(second)["Injection lipolysis"]: D(1)})


def test_it_refunds_part_from_the_invoice_page_and_shows_what_remains(login, bob, issued):
    # given an issued invoice of 180.00 and reception on its page
    invoice = issued(("abdomen", "1"))
    pk = _lines(invoice)["Injection lipolysis"]
    client = login(bob)
    page = client.get(reverse("billing:invoice", args=[invoice.public_id])).content.decode()
    assert f'name="line_{pk}"' in page
    # when 25.00 is refunded through the form
    url = reverse("billing:refund", args=[invoice.public_id])
    response = client.post(url, {"reason": "Shorter session", f"line_{pk}": "25.00"})
    # then the credit note opens, and the invoice shows 30.00 refunded and 150.00 not
    note = Invoice.objects.get(kind="credit_note")
    assert response["Location"] == reverse("billing:invoice", args=[note.public_id])
    assert note.gross_total == D("-30.00")
    page = client.get(reverse("billing:invoice", args=[invoice.public_id])).content.decode()
    assert "AV-000001" in page
    assert re.search(r'data-testid="credited">[^<]*30\.00<', page)
    assert re.search(r'data-testid="not-credited">[^<]*150\.00<', page)
    # when more than remains is asked / then the form says so and nothing is issued
    refused = client.post(url, {"reason": "Again", f"line_{pk}": "125.01"})
    assert refused.status_code == 400
    assert "125.00" in refused.content.decode()
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_it_lets_no_practitioner_refund(login, alice, issued):
    # given an issued invoice / when a practitioner (view only) posts a refund
    invoice = issued(("abdomen", "1"))
    pk = _lines(invoice)["Injection lipolysis"]
    response = login(alice).post(
        reverse("billing:refund", args=[invoice.public_id]), {"reason": "x", f"line_{pk}": "1"}
    )
    # then it is refused and nothing is issued
    assert response.status_code == 403
    assert not Invoice.objects.filter(kind="credit_note").exists()
