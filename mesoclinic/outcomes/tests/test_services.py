"""Derived site roles, all-or-nothing visit saves and the chart's weight flag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from mesoclinic.audit.models import AuditEvent
from mesoclinic.outcomes.models import Measurement
from mesoclinic.outcomes.services import (
    Row,
    TreatedSites,
    annotate_measurements,
    derived_site_role,
    record_measurements,
    treated_sites_from_sessions,
)
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2025, 1, 10), dt.date(2025, 2, 10), dt.date(2025, 3, 10)


def treated_sites(patient: Patient) -> TreatedSites:
    """The patient's treated sites as the chart reads them: sessions with their areas."""
    return treated_sites_from_sessions(patient.sessions.prefetch_related("areas"), patient.clinic)


@pytest.fixture
def request_as(alice):
    request = RequestFactory().post("/")
    request.user = alice.user
    request.membership = alice  # type: ignore[attr-defined]
    return request


@pytest.mark.parametrize(
    ("area", "side", "on", "expected"),
    [
        ("abdomen", "left", JAN - dt.timedelta(days=1), "control"),  # before the first session
        ("abdomen", "left", FEB, "treated"),  # on the session's day
        ("abdomen", "left", MAR, "treated"),  # after it
        ("abdomen", "right", MAR, "control"),  # the untreated side
        ("flank", "left", MAR, "control"),  # another area
        ("thigh_outer", "right", MAR, "treated"),  # a bilateral session treats both sides
        ("thigh_outer", "left", FEB - dt.timedelta(days=1), "control"),
        ("", "", MAR, ""),  # body weight has no site
    ],
)
def test_it_derives_the_site_role_from_the_patients_sessions(
    patient, make_session, area, side, on, expected
):
    # given sessions on the left abdomen in January and both outer thighs in February
    make_session(patient, JAN, [("abdomen", "left")])
    make_session(patient, FEB, [("thigh_outer", "bilateral")])
    # when the role of a site is derived for a date
    role = derived_site_role(area, side, on, treated_sites(patient))
    # then it is treated only on or after a session on that site
    assert role == expected


def test_it_keeps_a_recorded_site_role_and_derives_a_blank_one(
    patient, make_session, make_measurement
):
    # given a session on the left abdomen and two measurements there, one marked control
    make_session(patient, JAN, [("abdomen", "left")])
    derived = make_measurement(patient, FEB, "circumference_cm", "80", area="abdomen", side="left")
    marked = make_measurement(
        patient, FEB, "fat_thickness_mm", "20", area="abdomen", side="left", site_role="control"
    )
    # when they are annotated for display
    annotate_measurements([derived, marked], treated_sites(patient))
    # then the blank one is derived as treated and the recorded one kept
    assert (derived.effective_site_role, derived.site_role_derived) == ("treated", True)
    assert (marked.effective_site_role, marked.site_role_derived) == ("control", False)


def test_it_flags_a_weight_more_than_five_percent_from_the_first(patient, make_measurement):
    # given a first weight of 80 kg, then 83 kg (+3.75%) and 85 kg (+6.25%)
    first = make_measurement(patient, JAN, "weight_kg", "80")
    small = make_measurement(patient, FEB, "weight_kg", "83")
    large = make_measurement(patient, MAR, "weight_kg", "85")
    # when annotated
    annotate_measurements([large, first, small], {})
    # then only the 85 kg is flagged, and the first has nothing to compare with
    assert first.weight_change is None
    assert not small.weight_change.flagged
    assert large.weight_change.flagged
    assert large.weight_change.percent == Decimal("6.2")


def test_it_saves_every_row_of_a_visit_and_audits_each(patient, alice, request_as):
    # given a visit with a weight and a circumference
    rows = [
        Row(kind="weight_kg", value=Decimal(70)),
        Row(kind="circumference_cm", value=Decimal(82), area="abdomen", side="midline"),
    ]
    # when it is recorded
    saved = record_measurements(request_as, alice, patient, FEB, None, rows)
    # then both are stored and each write is audited
    assert Measurement.objects.filter(patient=patient).count() == 2
    assert AuditEvent.objects.filter(action="create", patient=patient).count() == 2
    assert {e.object_id for e in AuditEvent.objects.all()} == {str(m.public_id) for m in saved}


def test_it_writes_nothing_when_one_row_of_the_visit_is_invalid(patient, alice, request_as):
    # given a valid weight and a circumference outside 10-250 cm
    rows = [
        Row(kind="weight_kg", value=Decimal(70)),
        Row(kind="circumference_cm", value=Decimal(300), area="abdomen", side="midline"),
    ]
    # when the visit is recorded
    with pytest.raises(ValidationError, match=r"Circumference \(cm\): must be 10 to 250 cm"):
        record_measurements(request_as, alice, patient, FEB, None, rows)
    # then neither the weight nor an audit event was written
    assert not Measurement.objects.exists()
    assert not AuditEvent.objects.exists()
