"""Property: whatever sequence of corrections is made, a session keeps one line in effect per
line signed, the volume in effect is that of each line's last correction, and no millilitre
of stock is created or lost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesoclinic.formulary.models import Lot
from mesoclinic.treatments.corrections import correct_line, line_rows
from mesoclinic.treatments.models import Injection

from .conftest import make_lot
from .correction_helpers import add_line, changed, sign

pytestmark = pytest.mark.django_db

SIGNED_ML = (Decimal(4), Decimal(2), Decimal(3))
# (which line, new volume in tenths of a mL, move it to the other lot?)
STEP = st.tuples(st.integers(0, len(SIGNED_ML) - 1), st.integers(1, 40), st.booleans())


class _Undo(Exception):
    """Raised to roll one example back, so every example starts from the same signed session."""


@pytest.fixture
def signed_three(draft, alice, pcdc, pcdc_lot):
    other = make_lot(pcdc, "PC-002")
    for volume in SIGNED_ML:
        add_line(draft, pcdc_lot, str(volume))
    sign(draft, alice)
    return draft, pcdc_lot, other


def _stock(*lots: Lot) -> Decimal:
    """mL left in the lots (both have a stock count)."""
    left = Lot.objects.filter(pk__in=[lot.pk for lot in lots]).values_list(
        "remaining_ml", flat=True
    )
    return sum((ml or Decimal(0) for ml in left), Decimal(0))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, max_size=6))
def test_it_keeps_one_line_in_effect_per_signed_line_with_the_last_corrected_volume(
    signed_three, alice, steps
):
    session, first, second = signed_three
    stock_before = _stock(first, second)
    expected = list(SIGNED_ML)
    try:
        with transaction.atomic():
            # given the signed session; when each step corrects one line
            for index, tenths, move in steps:
                line = line_rows(session)[index].line
                lot = (second if line.lot_id == first.pk else first) if move else line.lot
                volume = Decimal(tenths) / 10
                if (lot.pk, volume) == (line.lot_id, line.volume_ml):
                    continue  # no change: refused, and tested elsewhere
                correct_line(line, alice, "step", changed(line, lot=lot, volume_ml=volume))
                expected[index] = volume
            # then there are as many lines in effect as were signed, each with its last volume
            in_effect = list(Injection.objects.filter(session=session).in_effect())
            assert len(in_effect) == len(SIGNED_ML)
            assert [row.line.volume_ml for row in line_rows(session)] == expected
            total = sum((line.volume_ml for line in in_effect), Decimal(0))
            assert total == sum(expected, Decimal(0)) == session.total_volume_ml
            # and stock plus what is in effect is what the lots held before signing
            assert _stock(first, second) + total == stock_before + sum(SIGNED_ML, Decimal(0))
            raise _Undo
    except _Undo:
        pass
