"""Session rules: lot blocking, signing (who, re-checks, stock), immutability and amendments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mesoclinic.aftercare.models import CheckIn
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.records.models import ImmutableRecordError
from mesoclinic.records.services import SigningError
from mesoclinic.treatments import services
from mesoclinic.treatments.models import Injection, SessionArea

from .conftest import make_lot

pytestmark = pytest.mark.django_db


def _line(product: Product, lot: Lot, volume: str = "4") -> dict[str, Any]:
    return {
        "area": "abdomen",
        "side": "midline",
        "product": product,
        "lot": lot,
        "volume_ml": Decimal(volume),
        "points": 20,
        "depth_mm": Decimal(6),
        "technique": "point",
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"expiry_date": dt.date(2020, 1, 31)}, "expired on 2020-01-31"),
        ({"status": LotStatus.QUARANTINED}, "is quarantined"),
        ({"status": LotStatus.RECALLED}, "is recalled"),
        ({"remaining_ml": Decimal(0)}, "is used up"),
    ],
)
def test_it_refuses_an_unusable_lot_naming_the_lot_field(draft, pcdc, fields, message):
    # given a lot that is expired, quarantined, recalled or used up
    lot = make_lot(pcdc, "BAD-1", **fields)
    # when a line with it is added
    with pytest.raises(ValidationError) as caught:
        services.add_injection(draft, _line(pcdc, lot))
    # then the lot field carries the reason and no line is written
    assert message in caught.value.message_dict["lot"][0]
    assert not Injection.objects.exists()


def test_it_allows_a_lot_on_its_expiry_day_in_the_clinic_zone(draft, pcdc):
    lot = make_lot(pcdc, "EDGE", expiry_date=services.session_day(draft))
    line = services.add_injection(draft, _line(pcdc, lot))
    assert line.pk is not None


def test_it_refuses_a_lot_of_another_product(draft, pcdc, lido_lot):
    with pytest.raises(ValidationError) as caught:
        services.add_injection(draft, _line(pcdc, lido_lot))
    assert "is not a lot of PC/DC" in caught.value.message_dict["lot"][0]


def test_it_refuses_an_area_the_session_does_not_treat(draft, pcdc, pcdc_lot):
    fields = _line(pcdc, pcdc_lot) | {"area": "flank", "side": "left"}
    with pytest.raises(ValidationError) as caught:
        services.add_injection(draft, fields)
    assert "site" in caught.value.message_dict


def test_it_refuses_more_volume_than_the_lot_holds(draft, pcdc):
    lot = make_lot(pcdc, "SMALL", remaining_ml=Decimal(3))
    with pytest.raises(ValidationError) as caught:
        services.add_injection(draft, _line(pcdc, lot, volume="4"))
    assert "has 3 mL left" in caught.value.message_dict["volume_ml"][0]


def test_it_signs_and_takes_the_volumes_out_of_stock(ready, draft, alice, pcdc, pcdc_lot):
    # given two lines of 4 mL and 2.5 mL from a lot holding 50 mL
    services.add_injection(draft, _line(pcdc, pcdc_lot, "4"))
    services.add_injection(draft, _line(pcdc, pcdc_lot, "2.5"))
    # when alice signs
    signed = services.sign_session(draft, alice)
    # then the session is signed and the lot holds 43.5 mL
    pcdc_lot.refresh_from_db()
    assert signed.is_signed
    assert signed.signed_by == alice.user
    assert pcdc_lot.remaining_ml == Decimal("43.5")


def test_it_schedules_the_aftercare_contacts_when_signing(ready, draft, alice, pcdc, pcdc_lot):
    # given a draft with a line
    services.add_injection(draft, _line(pcdc, pcdc_lot, "4"))
    assert not CheckIn.objects.filter(session=draft).exists()
    # when alice signs it
    services.sign_session(draft, alice)
    # then its follow-up contacts exist, the first due within 48-72 hours
    check_ins = list(CheckIn.objects.filter(session=draft).order_by("window_start"))
    assert len(check_ins) >= 4
    first = check_ins[0]
    assert first.window_start - draft.performed_at == dt.timedelta(hours=48)


def test_it_rolls_the_signing_back_when_scheduling_the_aftercare_fails(
    ready, draft, alice, pcdc, pcdc_lot, monkeypatch
):
    # given a draft with a line, and aftercare scheduling that fails (the receiver of the
    # session_signed hook, connected by aftercare's AppConfig)
    services.add_injection(draft, _line(pcdc, pcdc_lot, "4"))

    def broken(session):
        raise RuntimeError("scheduling failed")

    monkeypatch.setattr("mesoclinic.aftercare.services.schedule_follow_up", broken)
    # when alice signs
    with pytest.raises(RuntimeError, match="scheduling failed"):
        services.sign_session(draft, alice)
    # then nothing of the signing remains: the session is a draft, the stock untouched
    draft.refresh_from_db()
    pcdc_lot.refresh_from_db()
    assert not draft.is_signed
    assert draft.dose_check_at_signing is None
    assert pcdc_lot.remaining_ml == Decimal(50)
    assert not CheckIn.objects.filter(session=draft).exists()


def test_it_marks_a_lot_used_up_when_signing_empties_it(ready, draft, alice, pcdc):
    lot = make_lot(pcdc, "LAST", remaining_ml=Decimal(4))
    services.add_injection(draft, _line(pcdc, lot, "4"))
    services.sign_session(draft, alice)
    lot.refresh_from_db()
    assert lot.remaining_ml == 0
    assert lot.status == LotStatus.USED_UP


@pytest.mark.parametrize("status", [LotStatus.RECALLED, LotStatus.QUARANTINED])
def test_it_refuses_to_sign_when_a_lot_was_withdrawn_after_drafting(
    ready, draft, alice, pcdc, pcdc_lot, status
):
    # given a drafted line, then the lot is recalled (or quarantined)
    services.add_injection(draft, _line(pcdc, pcdc_lot))
    pcdc_lot.status = status
    pcdc_lot.save()
    # when alice signs
    with pytest.raises(services.SessionSignError) as caught:
        services.sign_session(draft, alice)
    # then nothing is signed and no stock is taken
    assert "Lot: Lot PC-001 is" in caught.value.problems[0]
    draft.refresh_from_db()
    pcdc_lot.refresh_from_db()
    assert not draft.is_signed
    assert pcdc_lot.remaining_ml == Decimal(50)


def test_it_refuses_to_sign_when_a_lot_expired_before_the_session(
    ready, draft, alice, pcdc, pcdc_lot
):
    services.add_injection(draft, _line(pcdc, pcdc_lot))
    pcdc_lot.expiry_date = services.session_day(draft) - dt.timedelta(days=1)
    pcdc_lot.save()
    with pytest.raises(services.SessionSignError):
        services.sign_session(draft, alice)


def test_it_refuses_signing_by_a_nurse(ready, draft, nina, pcdc, pcdc_lot):
    # given a nurse drafted a line (nurses may draft)
    services.add_injection(draft, _line(pcdc, pcdc_lot))
    # when she tries to sign
    with pytest.raises(SigningError, match="nurse cannot sign"):
        services.sign_session(draft, nina)
    # then the session stays a draft and stock is untouched
    draft.refresh_from_db()
    pcdc_lot.refresh_from_db()
    assert not draft.is_signed
    assert pcdc_lot.remaining_ml == Decimal(50)


def test_it_refuses_to_sign_a_session_without_lines(ready, draft, alice):
    with pytest.raises(services.SessionSignError, match="Injections"):
        services.sign_session(draft, alice)


def test_it_refuses_to_sign_a_session_that_has_not_happened(draft, alice, pcdc, pcdc_lot):
    services.add_injection(draft, _line(pcdc, pcdc_lot))
    draft.performed_at = timezone.now() + dt.timedelta(days=1)
    draft.save()
    with pytest.raises(services.SessionSignError, match="not taken place"):
        services.sign_session(draft, alice)


def test_it_keeps_a_signed_session_immutable(ready, draft, alice, pcdc, pcdc_lot):
    # given a signed session
    line = services.add_injection(draft, _line(pcdc, pcdc_lot))
    services.sign_session(draft, alice)
    draft.refresh_from_db()
    # when anything tries to change it in place, then it is refused
    draft.notes = "changed"
    with pytest.raises(ImmutableRecordError):
        draft.save()
    with pytest.raises(ImmutableRecordError):
        line.delete()
    with pytest.raises(ImmutableRecordError):
        SessionArea.objects.create(session=draft, area="flank", side="left")
    with pytest.raises(ValidationError):
        services.add_injection(draft, _line(pcdc, pcdc_lot))
    with pytest.raises(SigningError, match="already signed"):
        services.sign_session(draft, alice)


def test_it_amends_a_signed_session_keeping_the_original(ready, draft, alice, pcdc, pcdc_lot):
    services.add_injection(draft, _line(pcdc, pcdc_lot))
    services.sign_session(draft, alice)
    draft.refresh_from_db()
    amendment = services.amend_session(
        draft, alice, "Depth misread", {"depth_mm": Decimal("8.0"), "notes": "Tolerated well."}
    )
    draft.refresh_from_db()
    assert amendment.changes == {"depth_mm": {"from": "6.0", "to": "8.0"}}
    assert draft.depth_mm == Decimal("6.0")
    assert draft.effective("depth_mm") == "8.0"


def test_it_refuses_an_amendment_without_a_reason_or_by_a_nurse(
    ready, draft, alice, nina, pcdc, pcdc_lot
):
    services.add_injection(draft, _line(pcdc, pcdc_lot))
    services.sign_session(draft, alice)
    draft.refresh_from_db()
    with pytest.raises(SigningError, match="reason"):
        services.amend_session(draft, alice, "  ", {"notes": "x"})
    with pytest.raises(SigningError, match="practitioner"):
        services.amend_session(draft, nina, "typo", {"notes": "x"})
    assert not draft.amendments.exists()
