"""Correcting an injection line of a signed session: insert-only, audited by an amendment,
stock moved between lots, and every reader (recall, dose) following the correction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mesoclinic.clinics.models import Clinic
from mesoclinic.dosing.tests.conftest import weigh
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot
from mesoclinic.records.models import Amendment, ImmutableRecordError
from mesoclinic.records.services import SigningError
from mesoclinic.safety.recall import recall
from mesoclinic.treatments.corrections import correct_line, line_rows, lot_warnings
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.models import Injection

from .conftest import make_lot, make_product
from .correction_helpers import add_line, changed, sign, signed_with_line

pytestmark = pytest.mark.django_db


def _stored(line: Injection) -> dict[str, object]:
    return {
        f.attname: getattr(line, f.attname) for f in Injection._meta.concrete_fields if f.attname
    }


def _mrns(clinic: Clinic, number: str) -> list[str]:
    return [p.patient_id for p in recall(clinic, Lot.objects.for_clinic(clinic), number).patients]


def test_it_moves_the_patient_from_the_old_lots_recall_to_the_new_one(
    riverside, draft, alice, pcdc, pcdc_lot
):
    # given a signed session whose line names lot PC-001, though PC-002 was used
    line = signed_with_line(draft, alice, pcdc_lot)
    right = make_lot(pcdc, "PC-002")
    assert _mrns(riverside, "PC-001") == ["RV000001"]
    # when alice corrects the lot
    correct_line(line, alice, "Vial label in the notes says PC-002", changed(line, lot=right))
    # then the patient is in PC-002's recall and no longer in PC-001's
    assert _mrns(riverside, "PC-002") == ["RV000001"]
    assert _mrns(riverside, "PC-001") == []


def test_it_keeps_the_signed_line_unchanged_and_readable(draft, alice, pcdc, pcdc_lot):
    # given a signed line
    line = signed_with_line(draft, alice, pcdc_lot)
    before = _stored(line)
    right = make_lot(pcdc, "PC-002")
    # when its lot and volume are corrected
    new = correct_line(
        line, alice, "Wrong vial scanned", changed(line, lot=right, volume_ml=Decimal("3.5"))
    )
    # then the signed row is exactly as signed, the new one replaces it, and the amendment
    # records who, why and each field from what to what
    line.refresh_from_db()
    assert _stored(line) == before
    assert new.replaces_id == line.pk
    assert draft.lines_in_effect() == [new]
    amendment = Amendment.objects.get()
    assert new.amendment == amendment
    assert amendment.author == alice.user
    assert amendment.reason == "Wrong vial scanned"
    assert amendment.changes == {
        "line 1 lot": {"from": "PC-001", "to": "PC-002"},
        "line 1 volume_ml": {"from": "4", "to": "3.5"},
    }
    rows = line_rows(draft)
    assert [(r.number, r.line.pk, [e.pk for e in r.earlier]) for r in rows] == [
        (1, new.pk, [line.pk])
    ]


def test_it_refuses_to_change_a_signed_line_in_place_even_after_a_correction(
    draft, alice, pcdc, pcdc_lot
):
    # given a corrected line
    line = signed_with_line(draft, alice, pcdc_lot)
    new = correct_line(line, alice, "Volume misread", changed(line, volume_ml=Decimal(3)))
    # when the correction itself is saved again or deleted, then both are refused
    new.volume_ml = Decimal(2)
    with pytest.raises(ImmutableRecordError):
        new.save()
    with pytest.raises(ImmutableRecordError):
        new.delete()


def test_it_moves_the_volume_from_the_old_lot_to_the_new_one(draft, alice, pcdc, pcdc_lot):
    # given 4 mL signed from PC-001 (50 → 46 mL) and PC-002 holding 10 mL
    line = signed_with_line(draft, alice, pcdc_lot)
    right = make_lot(pcdc, "PC-002", remaining_ml=Decimal(10))
    pcdc_lot.refresh_from_db()
    assert pcdc_lot.remaining_ml == Decimal(46)
    # when the line is moved to PC-002 at 3 mL
    correct_line(line, alice, "Wrong lot", changed(line, lot=right, volume_ml=Decimal(3)))
    # then PC-001 has its 4 mL back and PC-002 gave 3 mL
    pcdc_lot.refresh_from_db()
    right.refresh_from_db()
    assert pcdc_lot.remaining_ml == Decimal(50)
    assert right.remaining_ml == Decimal(7)


def test_it_adjusts_the_same_lot_by_the_difference_in_volume(draft, alice, pcdc_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    correct_line(line, alice, "Volume misread", changed(line, volume_ml=Decimal("2.5")))
    pcdc_lot.refresh_from_db()
    assert pcdc_lot.remaining_ml == Decimal("47.5")


def test_it_makes_a_lot_available_again_when_a_correction_gives_its_volume_back(draft, alice, pcdc):
    # given a lot emptied (and marked used up) by a line that was really from another lot
    last = make_lot(pcdc, "LAST", remaining_ml=Decimal(4))
    line = signed_with_line(draft, alice, last)
    last.refresh_from_db()
    assert last.status == LotStatus.USED_UP
    other = make_lot(pcdc, "OTHER", remaining_ml=Decimal(4))
    # when the line is moved to the other lot
    correct_line(line, alice, "Wrong lot", changed(line, lot=other))
    # then the first is available with 4 mL, the other used up
    last.refresh_from_db()
    other.refresh_from_db()
    assert (last.status, last.remaining_ml) == (LotStatus.AVAILABLE, Decimal(4))
    assert (other.status, other.remaining_ml) == (LotStatus.USED_UP, Decimal(0))


def test_it_accepts_a_recalled_or_expired_lot_with_a_warning(draft, alice, pcdc, pcdc_lot):
    # given the lot really used was recalled (and expired before the session)
    line = signed_with_line(draft, alice, pcdc_lot)
    bad = make_lot(pcdc, "BAD-1", status=LotStatus.RECALLED, expiry_date=dt.date(2020, 1, 31))
    # when the line is corrected to it
    warnings = lot_warnings(draft, bad)
    new = correct_line(line, alice, "Vial label checked", changed(line, lot=bad))
    # then the correction is recorded, the state was there to be shown, and the line is
    # flagged as used after expiry
    assert warnings == ["Lot BAD-1 is recalled."]
    assert new.lot == bad
    assert new.used_after_expiry


def _nothing_written(lot: Lot, remaining: Decimal) -> None:
    lot.refresh_from_db()
    assert lot.remaining_ml == remaining
    assert not Amendment.objects.exists()
    assert not Injection.objects.filter(replaces__isnull=False).exists()


def test_it_refuses_a_correction_without_a_reason(draft, alice, pcdc, pcdc_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    with pytest.raises(SigningError, match="reason"):
        correct_line(line, alice, "   ", changed(line, volume_ml=Decimal(3)))
    _nothing_written(pcdc_lot, Decimal(46))


@pytest.mark.parametrize("who", ["nina", "bob", "rita", "ada"])
def test_it_refuses_a_correction_by_anyone_but_a_practitioner(request, draft, alice, pcdc_lot, who):
    line = signed_with_line(draft, alice, pcdc_lot)
    membership = request.getfixturevalue(who)
    with pytest.raises(SigningError, match="practitioner"):
        correct_line(line, membership, "typo", changed(line, volume_ml=Decimal(3)))
    _nothing_written(pcdc_lot, Decimal(46))


def test_it_refuses_a_correction_by_another_clinics_practitioner(draft, alice, charlie, pcdc_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    with pytest.raises(SigningError, match="another clinic"):
        correct_line(line, charlie, "typo", changed(line, volume_ml=Decimal(3)))
    _nothing_written(pcdc_lot, Decimal(46))


def test_it_refuses_a_lot_of_another_product_naming_the_lot(draft, alice, pcdc_lot, lido_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    with pytest.raises(ValidationError) as refused:
        correct_line(line, alice, "Wrong lot", changed(line, lot=lido_lot))
    assert refused.value.message_dict["lot"] == ["Lot LI-001 is not a lot of PC/DC."]
    _nothing_written(pcdc_lot, Decimal(46))


def test_it_refuses_a_lot_of_another_clinic(draft, alice, hilltop, pcdc_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    theirs = make_lot(make_product(hilltop, "PC/DC"), "HT-1")
    with pytest.raises(ValidationError) as refused:
        correct_line(line, alice, "Wrong lot", changed(line, lot=theirs))
    assert "lot" in refused.value.message_dict
    _nothing_written(pcdc_lot, Decimal(46))


def test_it_refuses_a_lot_that_holds_too_little(draft, alice, pcdc, pcdc_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    small = make_lot(pcdc, "SMALL", remaining_ml=Decimal(3))
    with pytest.raises(ValidationError) as refused:
        correct_line(line, alice, "Wrong lot", changed(line, lot=small))
    assert refused.value.message_dict["lot"] == [
        "Lot SMALL has 3 mL left; this correction takes 4 mL more from it."
    ]
    _nothing_written(pcdc_lot, Decimal(46))


def test_it_refuses_an_area_the_session_did_not_treat(draft, alice, pcdc_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    with pytest.raises(ValidationError) as refused:
        correct_line(line, alice, "Wrong area", changed(line, area="flank", side="left"))
    assert "site" in refused.value.message_dict
    _nothing_written(pcdc_lot, Decimal(46))


def test_it_refuses_a_correction_that_changes_nothing(draft, alice, pcdc_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    with pytest.raises(ValidationError, match="Nothing was changed"):
        correct_line(line, alice, "Checking", changed(line, volume_ml=Decimal("4.000")))
    _nothing_written(pcdc_lot, Decimal(46))


def test_it_refuses_to_correct_a_draft_which_is_edited_directly(draft, alice, pcdc_lot):
    line = add_line(draft, pcdc_lot)
    with pytest.raises(SigningError, match="edited directly"):
        correct_line(line, alice, "typo", changed(line, volume_ml=Decimal(3)))
    _nothing_written(pcdc_lot, Decimal(50))


def test_it_refuses_to_correct_a_line_that_was_corrected_meanwhile(draft, alice, pcdc_lot):
    # given two practitioners opened the same line; the first saved a correction
    line = signed_with_line(draft, alice, pcdc_lot)
    correct_line(line, alice, "Volume misread", changed(line, volume_ml=Decimal(3)))
    # when the second saves hers against the replaced line
    with pytest.raises(SigningError, match="corrected by someone else"):
        correct_line(line, alice, "Volume misread", changed(line, volume_ml=Decimal(2)))
    # then only the first correction exists
    assert Amendment.objects.count() == 1
    assert [row.line.volume_ml for row in line_rows(draft)] == [Decimal(3)]


def test_it_uses_corrected_volumes_in_the_session_total_and_dose_check(
    draft, alice, lidocaine, pcdc_lot
):
    # given a signed session with 4 mL PC/DC and 2 mL of 1 % lidocaine (20 mg), 60 kg
    weigh(draft.patient, "60")
    lido = make_lot(lidocaine, "LI-9")
    add_line(draft, pcdc_lot, "4")
    lido_line = add_line(draft, lido, "2")
    sign(draft, alice)
    lido_line.refresh_from_db()
    # when the lidocaine line is corrected to 5 mL
    correct_line(lido_line, alice, "Second syringe", changed(lido_line, volume_ml=Decimal(5)))
    # then the total and the dose check use 5 mL (50 mg), and the line keeps its number
    draft.refresh_from_db()
    assert draft.total_volume_ml == Decimal(9)
    totals = {row.substance: row.mg for row in check_session_dose(draft).verdict.totals}
    assert totals["lidocaine"] == Decimal(50)
    assert [r.number for r in line_rows(draft)] == [1, 2]
    assert line_rows(draft)[1].corrected


def test_it_uses_the_corrected_product_in_later_sessions_dose_history(
    draft, alice, patient, lidocaine, pcdc_lot
):
    # given an earlier signed line of PC/DC that was really lidocaine
    line = signed_with_line(draft, alice, pcdc_lot)
    lido = make_lot(lidocaine, "LI-9")
    correct_line(line, alice, "Product misrecorded", changed(line, product=lidocaine, lot=lido))
    # when a later session's dose check reads the patient's history
    later = type(draft).objects.create(
        clinic=draft.clinic,
        patient=patient,
        performed_at=draft.performed_at + dt.timedelta(minutes=30),
        indication="localized_fat",
        practitioner=alice.user,
    )
    history = check_session_dose(later, []).plan.history
    # then the earlier session counts lidocaine, not PC/DC
    substances = {s for past in history for s in past.substances}
    assert substances == {"lidocaine"}


def test_it_lets_the_database_refuse_a_second_replacement_of_one_line(draft, alice, pcdc_lot):
    # given a line corrected once
    line = signed_with_line(draft, alice, pcdc_lot)
    first = correct_line(line, alice, "Volume misread", changed(line, volume_ml=Decimal(3)))
    # when another row replacing the same line is inserted past the service
    duplicate = Injection(
        clinic=line.clinic,
        session=line.session,
        area=line.area,
        side=line.side,
        product=line.product,
        lot=line.lot,
        volume_ml=Decimal(2),
        replaces=line,
        amendment=first.amendment,
    )
    # then the unique index refuses it: a line has one successor at most
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_refuses_a_correction_row_without_its_amendment(draft, alice, pcdc_lot):
    line = signed_with_line(draft, alice, pcdc_lot)
    orphan = Injection(
        clinic=line.clinic,
        session=line.session,
        area=line.area,
        side=line.side,
        product=line.product,
        lot=line.lot,
        volume_ml=Decimal(2),
        replaces=line,
    )
    with pytest.raises(ImmutableRecordError, match="must name its amendment"):
        orphan.save()
