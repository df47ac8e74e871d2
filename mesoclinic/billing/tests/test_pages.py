"""Billing pages as each role: the desk invoices and takes payments without seeing clinical
notes; a researcher sees no billing; another clinic's user gets 404; every write audited."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.billing import packages, services
from mesoclinic.billing.models import Invoice, Payment
from mesoclinic.billing.tests.conftest import NOTE

pytestmark = pytest.mark.django_db


def test_it_lets_reception_invoice_a_signed_session_and_take_payment_without_notes(
    login, bob, patient, prices, make_signed_session
):
    # given a signed session with a clinical note, and bob at the desk
    session = make_signed_session(patient)
    client = login(bob)
    # when bob opens the patient's billing page
    page = client.get(reverse("billing:patient", args=[patient.public_id]))
    # then the session is there to invoice, without its note
    assert page.status_code == 200
    assert NOTE not in page.content.decode()
    # when he invoices it, issues it and takes a card payment
    response = client.post(reverse("billing:session_invoice", args=[session.public_id]))
    invoice = Invoice.objects.get(session=session)
    assert response["Location"] == reverse("billing:invoice", args=[invoice.public_id])
    detail = client.get(response["Location"])
    assert NOTE not in detail.content.decode()
    client.post(reverse("billing:issue", args=[invoice.public_id]), {"version": invoice.version})
    client.post(
        reverse("billing:pay", args=[invoice.public_id]), {"amount": "180.00", "method": "card"}
    )
    # then the invoice is issued, paid, and each write is in the audit trail
    invoice.refresh_from_db()
    assert invoice.number == 1
    assert invoice.balance_due() == 0
    actions = set(AuditEvent.objects.filter(username="bob").values_list("detail", flat=True))
    assert {"draft invoice", "issued invoice 1", "payment card"} <= actions


def test_it_refuses_an_issue_read_at_another_version(login, bob, patient, prices):
    draft = services.new_draft(None, bob, patient)
    services.add_line(None, draft, prices["consult"], Decimal(1))
    client = login(bob)
    client.post(reverse("billing:issue", args=[draft.public_id]), {"version": "1"})
    draft.refresh_from_db()
    assert not draft.is_issued


def test_it_shows_a_payment_error_with_the_amount_kept(login, bob, issued):
    invoice = issued()
    response = login(bob).post(
        reverse("billing:pay", args=[invoice.public_id]), {"amount": "999", "method": "cash"}
    )
    assert response.status_code == 400
    assert 'value="999"' in response.content.decode()
    assert not Payment.objects.exists()


def test_it_shows_billing_to_no_researcher(login, rita, patient, issued):
    invoice = issued()
    client = login(rita)
    for url in (
        reverse("billing:home"),
        reverse("billing:invoice", args=[invoice.public_id]),
        reverse("billing:patient", args=[patient.public_id]),
        reverse("billing:takings"),
    ):
        assert client.get(url).status_code == 403


def test_it_lets_a_practitioner_view_but_not_take_payments(login, alice, issued):
    invoice = issued()
    client = login(alice)
    assert client.get(reverse("billing:invoice", args=[invoice.public_id])).status_code == 200
    response = client.post(
        reverse("billing:pay", args=[invoice.public_id]), {"amount": "1", "method": "cash"}
    )
    assert response.status_code == 403


def test_it_answers_another_clinics_user_with_404(login, charlie, patient, issued, bob, prices):
    invoice = issued()
    package, _ = packages.sell(None, bob, patient, prices["course"])
    client = login(charlie)
    for url in (
        reverse("billing:invoice", args=[invoice.public_id]),
        reverse("billing:pdf", args=[invoice.public_id]),
        reverse("billing:patient", args=[patient.public_id]),
        reverse("billing:package", args=[package.public_id]),
    ):
        assert client.get(url).status_code == 404


def test_it_prints_the_day_takings_per_method(login, ada, bob, issued):
    invoice = issued()
    services.take_payment(None, bob, invoice, Decimal("100"), "card")
    services.take_payment(None, bob, invoice, Decimal("30"), "cash")
    page = login(ada).get(reverse("billing:takings")).content.decode()
    assert "£100.00" in page
    assert "£30.00" in page
    assert "£130.00" in page


def test_it_exports_money_without_clinical_data_or_identity(
    login, bob, patient, prices, make_signed_session
):
    # given an invoice for a signed session, partly paid
    session = make_signed_session(patient)
    invoice = services.issue(None, bob, services.draft_for_session(None, bob, session))
    services.take_payment(None, bob, invoice, Decimal("50"), "transfer")
    today = bob.clinic.today().isoformat()
    # when the accountant's CSV is downloaded
    response = login(bob).get(reverse("billing:export"), {"start": today, "end": today})
    body = response.content.decode()
    # then it has the invoice's money and nothing clinical or identifying
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["number"] == "F-000001"
    assert (rows[0]["net"], rows[0]["vat"], rows[0]["gross"]) == ("150.00", "30.00", "180.00")
    assert (rows[0]["paid_transfer"], rows[0]["balance_due"]) == ("50.00", "130.00")
    for secret in (NOTE, "abdomen", "Lopez", patient.mrn, "Injection lipolysis"):
        assert secret not in body


def test_it_prints_an_issued_invoice_as_pdf(login, bob, issued):
    invoice = issued()
    response = login(bob).get(reverse("billing:pdf", args=[invoice.public_id]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
