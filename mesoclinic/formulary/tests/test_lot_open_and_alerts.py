"""Opening a multi-dose vial (opened at, beyond-use date) and the expiry alerts on the lots
page and the Today page."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.choices import LotStatus, VialType
from mesoclinic.formulary.models import Lot
from mesoclinic.treatments.tests.conftest import make_lot

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate(timezone=CLINIC_ZONE)


# Forms are typed in the clinic's zone (the Clinic default for the test clinics).
CLINIC_ZONE = zoneinfo.ZoneInfo("Europe/London")


def open_form(lot: Lot, **fields: object) -> dict[str, str]:
    opened = timezone.localtime(timezone=CLINIC_ZONE) - dt.timedelta(hours=1)
    data = {
        "opened_at": opened.strftime("%Y-%m-%dT%H:%M"),
        "beyond_use_date": (today() + dt.timedelta(days=28)).isoformat(),
        "version": str(lot.version),
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


def test_it_records_opening_a_multi_dose_vial_and_audits_it(login, nina, pcdc):
    # given an available multi-dose lot
    lot = make_lot(pcdc, "MD-1", vial_type=VialType.MULTI)
    # when the nurse records opening a vial
    response = login(nina).post(reverse("formulary:lot_open", args=[lot.public_id]), open_form(lot))
    # then the lot carries the opening and beyond-use date, audited
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.opened_at is not None
    assert lot.beyond_use_date == today() + dt.timedelta(days=28)
    assert AuditEvent.objects.filter(object_id=str(lot.public_id), detail="vial opened").exists()


def test_it_makes_a_lot_unusable_after_its_beyond_use_date(login, alice, pcdc):
    # given a multi-dose vial opened with a beyond-use date of yesterday... recorded earlier
    lot = make_lot(
        pcdc,
        "MD-2",
        vial_type=VialType.MULTI,
        received_on=today() - dt.timedelta(days=40),
        opened_at=timezone.now() - dt.timedelta(days=30),
        beyond_use_date=today() - dt.timedelta(days=1),
    )
    # then it cannot be used today, and appears among the alerts
    assert "beyond-use" in (lot.unusable_reason(today()) or "")
    page = login(alice).get(reverse("formulary:lots")).content.decode()
    assert "Opened vial past its beyond-use date" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"beyond_use_date": "2099-01-01"}, "beyond_use_date", "after the lot&#x27;s expiry"),
        ({"beyond_use_date": "2000-01-01"}, "beyond_use_date", "before opening"),
        ({"opened_at": "2099-01-01T10:00"}, "opened_at", "in the future"),
        ({"opened_at": "2000-01-01T10:00"}, "opened_at", "cannot have been opened before"),
        ({"beyond_use_date": "soon"}, "beyond_use_date", "Enter a valid date"),
    ],
)
def test_it_refuses_a_bad_opening_naming_the_field(login, alice, pcdc, change, field, message):
    # given a multi-dose lot
    lot = make_lot(pcdc, "MD-3", vial_type=VialType.MULTI)
    # when the opening is impossible
    response = login(alice).post(
        reverse("formulary:lot_open", args=[lot.public_id]), open_form(lot, **change)
    )
    # then the form is shown again with the message at the field, nothing saved
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    lot.refresh_from_db()
    assert lot.opened_at is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"vial_type": VialType.SINGLE}, "single-dose"),
        ({"vial_type": VialType.MULTI, "status": LotStatus.QUARANTINED}, "quarantined"),
    ],
)
def test_it_opens_only_available_multi_dose_lots(login, alice, pcdc, fields, message):
    # given a single-dose or a quarantined lot
    lot = make_lot(pcdc, "MD-4", **fields)
    # when someone records opening it
    response = login(alice).post(
        reverse("formulary:lot_open", args=[lot.public_id]), open_form(lot)
    )
    # then it is refused with the reason
    assert message in response.content.decode()
    lot.refresh_from_db()
    assert lot.opened_at is None


def test_it_refuses_an_opening_based_on_a_stale_version(login, alice, pcdc):
    # given a lot someone else changed after the form was read
    lot = make_lot(pcdc, "MD-5", vial_type=VialType.MULTI)
    stale = open_form(lot)
    Lot.objects.filter(pk=lot.pk).update(version=lot.version + 1)
    # when the stale form is posted
    response = login(alice).post(reverse("formulary:lot_open", args=[lot.public_id]), stale)
    # then nothing is saved
    assert "Someone else changed" in response.content.decode()
    lot.refresh_from_db()
    assert lot.opened_at is None


def test_it_hides_vial_opening_from_reception_and_other_clinics(login, bob, charlie, pcdc):
    # given a Riverside lot
    lot = make_lot(pcdc, "MD-6", vial_type=VialType.MULTI)
    url = reverse("formulary:lot_open", args=[lot.public_id])
    # then reception is refused and charlie gets a 404
    assert login(bob).post(url, open_form(lot)).status_code == 403
    assert login(charlie).post(url, open_form(lot)).status_code == 404
    lot.refresh_from_db()
    assert lot.opened_at is None


def test_it_lists_expiry_alerts_on_the_lots_page(login, alice, pcdc):
    # given lots expiring in 30 and 31 days, one expired but available, one recalled expired
    make_lot(pcdc, "SOON-30", expiry_date=today() + dt.timedelta(days=30))
    make_lot(pcdc, "LATER-31", expiry_date=today() + dt.timedelta(days=31))
    make_lot(
        pcdc,
        "OLD-1",
        expiry_date=today() - dt.timedelta(days=1),
        received_on=today() - dt.timedelta(days=100),
    )
    make_lot(
        pcdc,
        "GONE-1",
        expiry_date=today() - dt.timedelta(days=1),
        received_on=today() - dt.timedelta(days=100),
        status=LotStatus.RECALLED,
    )
    # when the lots page is shown
    response = login(alice).get(reverse("formulary:lots"))
    alerts = response.context["alerts"]
    # then
    assert [lot.lot_number for lot in alerts.expiring] == ["SOON-30"]
    assert [lot.lot_number for lot in alerts.expired] == ["OLD-1"]
    assert alerts.count == 2
    assert "Expired but still marked available" in response.content.decode()


def test_it_counts_lot_alerts_on_the_today_page(login, alice, ada, bob, pcdc):
    # given one lot expiring in 10 days
    make_lot(pcdc, "SOON-10", expiry_date=today() + dt.timedelta(days=10))
    # then the practitioner and the admin see the count on Today, reception does not
    assert "expiring within 30 days" in login(alice).get(reverse("today")).content.decode()
    assert "expiring within 30 days" in login(ada).get(reverse("today")).content.decode()
    assert "expiring within 30 days" not in login(bob).get(reverse("today")).content.decode()


def test_it_shows_charlie_no_alerts_for_riverside_lots(login, charlie, pcdc):
    # given a Riverside lot expiring soon
    make_lot(pcdc, "SOON-5", expiry_date=today() + dt.timedelta(days=5))
    # when charlie opens his lots page and Today
    lots = login(charlie).get(reverse("formulary:lots"))
    today_page = login(charlie).get(reverse("today")).content.decode()
    # then nothing of Riverside shows
    assert lots.context["alerts"].count == 0
    assert "SOON-5" not in lots.content.decode()
    assert "expiring within 30 days" not in today_page
