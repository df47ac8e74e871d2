"""The demo's stock book counts a lot's stock as the app does: a session takes its volume out
of stock when it is signed, so a draft awaiting its signature still finds its lot's stock on
the shelf and can be signed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from mesoclinic.demo.lots import LotBook
from mesoclinic.formulary.choices import LotStatus

TODAY = dt.date(2026, 6, 1)


def test_it_leaves_on_the_shelf_what_a_draft_will_take_at_signing() -> None:
    # given one lot of two 2 mL vials of deoxycholic acid
    book = LotBook(random.Random(1), "T")
    lot = book.add("dca", TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=300), 2)
    # when a signed session used 1.6 mL of it and today's draft 2.4 mL
    book.pick("dca", TODAY - dt.timedelta(days=7), Decimal("1.6"), lot)
    book.pick("dca", TODAY, Decimal("2.4"), lot, signed=False)
    book.close(TODAY)
    # then nothing is left for anyone else, but the shelf still holds the draft's 2.4 mL
    assert lot.remaining_ml == 0
    assert lot.shelf_ml == Decimal("2.4")
    # and the lot is not used up, which would refuse the draft's signature
    assert lot.status == LotStatus.AVAILABLE


def test_it_uses_up_a_lot_whose_last_vial_signed_sessions_took() -> None:
    # given one lot of two 2 mL vials
    book = LotBook(random.Random(1), "T")
    lot = book.add("dca", TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=300), 2)
    # when signed sessions used 3.6 mL of it
    book.pick("dca", TODAY - dt.timedelta(days=7), Decimal("3.6"), lot)
    book.close(TODAY)
    # then less than a vial is left and the lot is used up
    assert lot.shelf_ml == Decimal("0.4")
    assert lot.status == LotStatus.USED_UP
