"""Twenty desks issuing at once get the numbers 1 to 20: no gap, no number twice."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from mesoclinic.billing import services
from mesoclinic.billing.models import Invoice, InvoiceLine

pytestmark = pytest.mark.django_db(transaction=True)

DESKS = 20


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database has no concurrent writers to race",
)
def test_it_numbers_twenty_concurrent_issues_without_gap_or_duplicate(bob, patient):
    # given twenty drafts, each with a line
    drafts = []
    for _ in range(DESKS):
        draft = services.new_draft(None, bob, patient)
        InvoiceLine.objects.create(
            invoice=draft, description="Session", unit_price=Decimal(100), vat_rate_percent=0
        )
        drafts.append(draft)
    start = threading.Barrier(DESKS, timeout=10)
    errors: list[BaseException] = []

    def desk(draft: Invoice) -> None:
        try:
            start.wait()  # every thread, on its own connection, issues at the same moment
            services.issue(None, bob, draft)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    # when all twenty are issued at once
    threads = [threading.Thread(target=desk, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then each got a number, and the numbers are exactly 1..20
    assert errors == []
    numbers = list(
        Invoice.objects.filter(clinic=bob.clinic)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, DESKS + 1))
