"""The injection map: points placed on a draft, frozen by signing, amended with the signed map
kept, and the count of points placed held against the line's recorded points."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mesoclinic.records.models import ImmutableRecordError
from mesoclinic.records.services import SigningError
from mesoclinic.treatments.corrections import correct_line
from mesoclinic.treatments.injection_map import (
    Mark,
    amend_line_map,
    place_point,
    remove_point,
    session_map,
)
from mesoclinic.treatments.injection_map_models import InjectionMapPoint
from mesoclinic.treatments.models import TreatmentSession

from .correction_helpers import add_line, changed, sign

pytestmark = pytest.mark.django_db


def _point(x: str, y: str, diagram: str = "abdomen", kind: str = "point") -> Mark:
    return Mark(diagram, Decimal(x), Decimal(y), kind)


def _texts(session: TreatmentSession) -> list[list[str]]:
    return [[m.text() for m in lm.marks] for lm in session_map(session).lines]


def test_it_places_a_line_s_points_on_a_draft(draft, pcdc_lot):
    # given a draft with one line of 20 points
    line = add_line(draft, pcdc_lot)
    # when two points and a zone are placed
    place_point(draft, line, _point("0.4", "0.5"))
    place_point(draft, line, _point("0.6", "0.5"))
    place_point(draft, line, _point("0.5", "0.7", kind="zone"))
    # then the map holds them, and the points (not the zone) are counted against the 20
    line_map = session_map(draft).lines[0]
    assert [m.text() for m in line_map.marks] == [
        "abdomen 0.400 0.500 point",
        "abdomen 0.600 0.500 point",
        "abdomen 0.500 0.700 zone",
    ]
    assert line_map.placed == 2
    assert line_map.difference == -18
    assert not line_map.agrees


def test_it_says_the_count_agrees_when_every_recorded_point_is_placed(draft, pcdc_lot):
    # given a line that records 2 points
    line = add_line(draft, pcdc_lot, points=2)
    # when both are placed
    place_point(draft, line, _point("0.1", "0.1"))
    place_point(draft, line, _point("0.2", "0.2"))
    # then the map agrees with the line
    assert session_map(draft).lines[0].agrees


def test_it_refuses_a_position_off_the_diagram_or_an_unknown_diagram(draft, pcdc_lot):
    # given a draft line
    line = add_line(draft, pcdc_lot)
    # when a point is placed beyond the edge, or on a diagram that does not exist
    # then both are refused and nothing is stored
    with pytest.raises(ValidationError):
        place_point(draft, line, _point("1.2", "0.5"))
    with pytest.raises(ValidationError):
        place_point(draft, line, _point("0.5", "0.5", diagram="elbow"))
    assert not InjectionMapPoint.objects.exists()


def test_it_removes_a_point_from_a_draft(draft, pcdc_lot):
    # given a draft line with two points
    line = add_line(draft, pcdc_lot)
    first = place_point(draft, line, _point("0.4", "0.5"))
    place_point(draft, line, _point("0.6", "0.5"))
    # when the first is removed
    remove_point(first)
    # then only the second remains
    assert _texts(draft) == [["abdomen 0.600 0.500 point"]]


def test_it_freezes_the_map_when_the_session_is_signed(draft, alice, pcdc_lot):
    # given a draft line with a point, then signed
    line = add_line(draft, pcdc_lot)
    point = place_point(draft, line, _point("0.4", "0.5"))
    sign(draft, alice)
    draft.refresh_from_db()
    # when someone places, moves or removes a point of the signed map
    # then each is refused and the map is as signed
    with pytest.raises(ImmutableRecordError):
        place_point(draft, line, _point("0.6", "0.5"))
    with pytest.raises(ImmutableRecordError):
        remove_point(InjectionMapPoint.objects.get(pk=point.pk))
    moved = InjectionMapPoint.objects.get(pk=point.pk)
    moved.x = Decimal("0.9")
    with pytest.raises(ImmutableRecordError):
        moved.save()
    assert _texts(draft) == [["abdomen 0.400 0.500 point"]]


def test_it_keeps_the_signed_map_when_an_amendment_changes_it(draft, alice, pcdc_lot):
    # given a signed session whose line has one point
    line = add_line(draft, pcdc_lot)
    place_point(draft, line, _point("0.4", "0.5"))
    sign(draft, alice)
    draft.refresh_from_db()
    # when alice amends the line's map to two other points
    amendment = amend_line_map(
        draft,
        alice,
        line,
        "Second point left out; first was higher",
        [_point("0.4", "0.3"), _point("0.6", "0.3")],
    )
    draft = TreatmentSession.objects.get(pk=draft.pk)
    # then the map in effect is the amended one, the map as signed is still stored and shown,
    # and the amendment lists both
    line_map = session_map(draft).lines[0]
    assert [m.text() for m in line_map.marks] == [
        "abdomen 0.400 0.300 point",
        "abdomen 0.600 0.300 point",
    ]
    assert [m.text() for m in line_map.as_signed] == ["abdomen 0.400 0.500 point"]
    assert line_map.amendment == amendment
    assert InjectionMapPoint.objects.filter(line=line, amendment__isnull=True).count() == 1
    (change,) = amendment.changes.values()
    assert change == {
        "from": "abdomen 0.400 0.500 point",
        "to": "abdomen 0.400 0.300 point; abdomen 0.600 0.300 point",
    }


def test_it_refuses_a_map_amendment_that_changes_nothing_or_has_no_reason(
    draft, alice, nina, pcdc_lot
):
    # given a signed session whose line has one point
    line = add_line(draft, pcdc_lot)
    place_point(draft, line, _point("0.4", "0.5"))
    sign(draft, alice)
    draft.refresh_from_db()
    # when the same map is "amended", one is given without a reason, or by a nurse
    # then each is refused
    with pytest.raises(SigningError):
        amend_line_map(draft, alice, line, "same", [_point("0.4", "0.5")])
    with pytest.raises(SigningError):
        amend_line_map(draft, alice, line, "  ", [])
    with pytest.raises(SigningError):
        amend_line_map(draft, nina, line, "nurse", [])
    assert not draft.amendments.exists()


def test_it_carries_the_map_to_a_corrected_line(draft, alice, pcdc, pcdc_lot):
    # given a signed line with a point, whose volume is then corrected
    line = add_line(draft, pcdc_lot)
    place_point(draft, line, _point("0.4", "0.5"))
    sign(draft, alice)
    correct_line(line, alice, "Volume misread", changed(line, volume_ml=Decimal(3)))
    # when the map is read
    line_map = session_map(TreatmentSession.objects.get(pk=draft.pk)).lines[0]
    # then the corrected line shows the map placed for the line it replaced
    assert line_map.line.volume_ml == Decimal(3)
    assert [m.text() for m in line_map.marks] == ["abdomen 0.400 0.500 point"]


def test_it_refuses_a_database_update_that_moves_a_point_off_the_diagram(draft, pcdc_lot):
    # given a draft point
    line = add_line(draft, pcdc_lot)
    point = place_point(draft, line, _point("0.4", "0.5"))
    # when a direct update puts it outside 0..1
    # then the database's check refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        InjectionMapPoint.objects.filter(pk=point.pk).update(x=Decimal("1.5"))


def test_it_lists_the_diagrams_the_fhir_code_system_names():
    # given the diagrams a mark may be placed on, and the FHIR adapter's local code system
    from mesoclinic.fhir.codes import LOCAL_CONCEPTS
    from mesoclinic.treatments.injection_map_models import Diagram

    # then every diagram has its code there, and no other
    listed = {
        code.removeprefix("diagram-") for code in LOCAL_CONCEPTS if code.startswith("diagram-")
    }
    assert listed == set(Diagram.values)


def test_it_refuses_in_the_database_a_change_or_an_addition_to_a_signed_map(draft, alice, pcdc_lot):
    # given a signed session whose line has a point
    line = add_line(draft, pcdc_lot)
    point = place_point(draft, line, _point("0.4", "0.5"))
    sign(draft, alice)
    # when the point is moved or deleted past the model (QuerySet.update/delete), or a point
    # that names no amendment is inserted past the model's guard
    # then the database refuses each
    with pytest.raises(IntegrityError, match="immutable record"), transaction.atomic():
        InjectionMapPoint.objects.filter(pk=point.pk).update(x=Decimal("0.6"))
    with pytest.raises(IntegrityError, match="immutable record"), transaction.atomic():
        InjectionMapPoint.objects.filter(pk=point.pk).delete()
    with pytest.raises(IntegrityError, match="immutable record"), transaction.atomic():
        InjectionMapPoint.objects.bulk_create(
            [
                InjectionMapPoint(
                    clinic_id=draft.clinic_id, session=draft, line=line, diagram="abdomen", x=0, y=0
                )
            ]
        )
    assert _texts(draft) == [["abdomen 0.400 0.500 point"]]
