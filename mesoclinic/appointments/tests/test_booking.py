"""Booking, moving, cancelling and the visit's steps; double booking refused."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.appointments import services
from mesoclinic.appointments.choices import Status
from mesoclinic.appointments.models import Appointment
from mesoclinic.appointments.services import Booking, BookingError
from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


def test_it_books_a_patient_for_the_types_duration(booked, slot):
    # when a 45-minute treatment is booked at 10:00
    appointment = booked(slot(3, 10))
    # then it ends at 10:45, is booked, and the booking is audited
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=45)
    assert appointment.status == Status.BOOKED
    assert AuditEvent.objects.filter(detail="appointment booked").count() == 1


def test_it_refuses_to_double_book_a_practitioner(booked, slot, room2, riverside):
    # given alice booked at 10:00 for 45 minutes
    booked(slot(3, 10))
    other = Patient.objects.create(clinic=riverside, mrn="RV2", given_name="Ana")
    # when another patient is booked with her at 10:30 in another room
    with pytest.raises(BookingError) as refused:
        booked(slot(3, 10) + dt.timedelta(minutes=30), room=room2, patient=other)
    # then it is refused, naming her and no patient
    assert "Alice Archer is already booked" in str(refused.value)
    assert Appointment.objects.count() == 1


def test_it_refuses_to_double_book_a_room(booked, slot, nina):
    # given Room 1 taken at 10:00 by alice
    booked(slot(3, 10))
    # when nina is booked into Room 1 at 10:15
    with pytest.raises(BookingError) as refused:
        booked(slot(3, 10) + dt.timedelta(minutes=15), practitioner=nina)
    # then the room is the reason
    assert "Room 1 is already booked" in str(refused.value)


def test_it_books_back_to_back_and_reuses_a_cancelled_slot(booked, slot):
    # given a booking at 10:00–10:45, then cancelled one at 11:00
    booked(slot(3, 10))
    later = booked(slot(3, 11))
    services.cancel(None, later, later.version, "Patient unwell")
    # when booking at 10:45 (back to back) and at 11:30 (inside the cancelled one)
    booked(slot(3, 10) + dt.timedelta(minutes=45))
    booked(slot(3, 11) + dt.timedelta(minutes=30))
    # then all hold
    assert Appointment.objects.filter(status=Status.BOOKED).count() == 3


def test_it_needs_a_room_when_the_type_does(booked, slot):
    with pytest.raises(BookingError) as refused:
        booked(slot(3), room=None)
    assert "needs a room" in str(refused.value)


def test_it_cancels_only_with_a_reason(booked):
    appointment = booked()
    with pytest.raises(BookingError):
        services.cancel(None, appointment, appointment.version, "  ")
    done = services.cancel(None, appointment, appointment.version, "Patient travelling")
    assert done.status == Status.CANCELLED
    assert done.cancel_reason == "Patient travelling"


def test_it_moves_a_booking_but_not_onto_a_taken_slot(
    booked, slot, riverside, alice, treatment, room
):
    # given two bookings of alice, at 10:00 and 14:00
    first = booked(slot(3, 10))
    other = Patient.objects.create(clinic=riverside, mrn="RV2", given_name="Ana")
    booked(slot(3, 14), patient=other)
    # when the first is moved to 14:15: refused; to 16:00: moved
    with pytest.raises(BookingError):
        services.move(
            None,
            first,
            first.version,
            Booking(treatment, alice, slot(3, 14) + dt.timedelta(minutes=15), room),
        )
    moved = services.move(None, first, first.version, Booking(treatment, alice, slot(3, 16), room))
    # then it is at 16:00, and moving onto its own old time was never a conflict with itself
    assert moved.starts_at == slot(3, 16)
    again = services.move(
        None,
        moved,
        moved.version,
        Booking(treatment, alice, slot(3, 16) + dt.timedelta(minutes=15), room),
    )
    assert again.starts_at == slot(3, 16) + dt.timedelta(minutes=15)


def test_it_opens_the_session_draft_when_a_treatment_patient_arrives(booked, plan, alice):
    # given a treatment appointment of the plan
    appointment = booked(plan=plan)
    # when the patient arrives
    arrived = services.set_status(None, appointment, appointment.version, Status.ARRIVED)
    # then a draft session of the plan, with its areas, is open for alice
    session = TreatmentSession.objects.get()
    assert arrived.session == session
    assert session.signed_at is None
    assert session.plan == plan
    assert session.practitioner == alice.user
    assert list(session.areas.values_list("area", "side")) == [("abdomen", "bilateral")]
    # and the visit goes on: in treatment, completed; no second draft
    step = services.set_status(None, arrived, arrived.version, Status.IN_TREATMENT)
    services.set_status(None, step, step.version, Status.COMPLETED)
    assert TreatmentSession.objects.count() == 1


def test_it_refuses_a_step_out_of_order(booked):
    appointment = booked()
    with pytest.raises(BookingError):
        services.set_status(None, appointment, appointment.version, Status.COMPLETED)


def test_it_lists_only_the_practitioners_own_day(booked, slot, riverside, alice, nina, bob):
    # given a booking today for alice
    booked(slot(0, 10))
    start = riverside.start_of_day(riverside.today())
    end = start + dt.timedelta(days=1)
    # then alice and reception see it, nina (not booked) sees none
    assert len(services.day_list(alice, start, end)) == 1
    assert len(services.day_list(bob, start, end)) == 1
    assert services.day_list(nina, start, end) == []
