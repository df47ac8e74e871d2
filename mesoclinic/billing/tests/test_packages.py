"""Prepaid packages: sold with their invoice, one session used at each signing, put right by
giving a session back or voiding the package."""

from __future__ import annotations

import pytest

from mesoclinic.billing import packages, services
from mesoclinic.billing.models import Package, PackageUse

pytestmark = pytest.mark.django_db


def test_it_sells_a_package_with_its_invoice_issued(bob, patient, prices):
    # when the desk sells a course of 6
    package, invoice = packages.sell(None, bob, patient, prices["course"])
    # then the package has 6 sessions left and its invoice is issued for its price
    assert package.balance() == 6
    assert invoice.is_issued
    assert invoice.gross_total == 900
    assert invoice.lines.get().package == package


def test_it_uses_one_session_when_a_session_is_signed(bob, patient, prices, make_signed_session):
    # given a course of 6 sold
    package, _invoice = packages.sell(None, bob, patient, prices["course"])
    # when two sessions are signed
    make_signed_session(patient)
    session = make_signed_session(patient)
    # then 4 are left, and the session's invoice charges nothing for it
    assert package.balance() == 4
    line = services.draft_for_session(None, bob, session).lines.get()
    assert line.unit_price == 0
    assert package.name in line.description


def test_it_uses_no_package_of_another_indication_nor_for_imported_history(
    bob, patient, prices, make_signed_session
):
    # given a course for localized fat
    package, _invoice = packages.sell(None, bob, patient, prices["course"])
    # when a cellulite session and an imported session are signed
    make_signed_session(patient, indication="cellulite")
    make_signed_session(patient, imported=True)
    # then the course is untouched
    assert package.balance() == 6


def test_it_gives_a_wrongly_used_session_back(bob, patient, prices, make_signed_session):
    # given a session used from the course
    package, _invoice = packages.sell(None, bob, patient, prices["course"])
    make_signed_session(patient)
    use = PackageUse.objects.get(package=package)
    # when the desk gives it back with a reason
    packages.reverse_use(None, bob, use, "Paid in cash that day")
    # then the balance is whole again, and the use is kept as reversed
    assert package.balance() == 6
    use.refresh_from_db()
    assert use.reverse_reason == "Paid in cash that day"
    with pytest.raises(services.BillingError):
        packages.reverse_use(None, bob, use, "again")


def test_it_uses_nothing_from_a_voided_package(bob, patient, prices, make_signed_session):
    # given a course voided
    package, _invoice = packages.sell(None, bob, patient, prices["course"])
    packages.void(None, bob, package, "Patient moved away; refunded")
    # when a session is signed
    make_signed_session(patient)
    # then nothing is used and nothing is left
    assert not PackageUse.objects.filter(package=package).exists()
    assert Package.objects.get(pk=package.pk).balance() == 0


def test_it_refuses_to_sell_a_single_treatment_as_a_package(bob, patient, prices):
    with pytest.raises(services.BillingError):
        packages.sell(None, bob, patient, prices["abdomen"])
