"""The calendar and booking pages as the front desk uses them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from mesoclinic.appointments import services
from mesoclinic.appointments.choices import Status
from mesoclinic.appointments.models import Appointment

pytestmark = pytest.mark.django_db


def _form(
    appointment_type: Any, practitioner: Any, room: Any, starts_at: Any, **extra: Any
) -> dict[str, Any]:
    data = {
        "appointment_type": str(appointment_type.public_id),
        "practitioner": str(practitioner.public_id),
        "room": str(room.public_id),
        "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(extra)
    return data


def test_it_shows_the_days_bookings_to_reception_without_clinical_notes(
    login, bob, booked, slot, plan
):
    # given a booking of the plan today with an early reason (clinical)
    appointment = booked(slot(0, 10), plan=plan, early_reason="")
    appointment.early_reason = "Flare of swelling, review early"
    appointment.save()
    client = login(bob)
    # when reception opens the day and the appointment
    day = client.get(reverse("appointments:calendar"), {"date": slot(0).date().isoformat()})
    page = client.get(reverse("appointments:detail", args=[appointment.public_id]))
    # then the booking shows with the patient, and the clinical reason does not
    assert "Maria Lopez" in day.content.decode()
    assert page.status_code == 200
    assert "Flare of swelling" not in page.content.decode()


def test_it_books_from_a_free_slot_and_refuses_a_double_booking(
    login, bob, alice, treatment, room, patient, slot
):
    client = login(bob)
    url = reverse("appointments:book")
    # when reception books Maria by her MRN at 10:00
    response = client.post(url, {**_form(treatment, alice, room, slot(1)), "mrn": patient.mrn})
    # then she is booked and the page of the appointment opens
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert str(appointment.public_id) in response["Location"]
    # when the same slot is booked again
    again = client.post(url, {**_form(treatment, alice, room, slot(1)), "mrn": patient.mrn})
    # then the form comes back with why, and nothing is booked
    assert again.status_code == 200
    assert "already booked at that time" in again.content.decode()
    assert Appointment.objects.count() == 1


def test_it_shows_a_week_and_links_free_slots_to_the_booking_form(login, bob, alice, booked, slot):
    booked(slot(0, 10))
    client = login(bob)
    page = client.get(
        reverse("appointments:calendar"),
        {"view": "week", "who": str(alice.public_id), "date": slot(0).date().isoformat()},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Maria Lopez" in body
    assert f"practitioner={alice.public_id}" in body


def test_it_refuses_another_clinics_appointment(login, charlie, booked):
    appointment = booked()
    client = login(charlie)
    for name in ("detail", "move", "cancel"):
        assert (
            client.get(reverse(f"appointments:{name}", args=[appointment.public_id])).status_code
            == 404
        )


def test_it_asks_why_when_booking_before_the_earliest_date(
    login, bob, alice, treatment, room, plan, slot, make_signed
):
    # given the plan's first session signed today (interval 56 days)
    make_signed(plan)
    client = login(bob)
    url = reverse("appointments:book") + f"?plan={plan.public_id}"
    # when the next is booked in 10 days without a reason
    page = client.get(url)
    refused = client.post(url, _form(treatment, alice, room, slot(10)))
    # then the earliest date is shown and the booking asks for a reason
    earliest = plan.clinic.today() + dt.timedelta(days=56)
    assert earliest.isoformat() in refused.content.decode()
    assert page.status_code == 200
    assert not Appointment.objects.exists()
    # when the reason is given, it is booked and kept
    client.post(url, _form(treatment, alice, room, slot(10), early_reason="Travelling abroad"))
    appointment = Appointment.objects.get()
    assert appointment.early_reason == "Travelling abroad"
    assert appointment.earliest_date == earliest
    # and when she arrives, the session draft says so
    arrived = services.set_status(None, appointment, appointment.version, Status.ARRIVED)
    assert arrived.session is not None
    assert "Travelling abroad" in arrived.session.notes


def test_it_cancels_with_a_reason_from_the_page(login, bob, booked):
    appointment = booked()
    client = login(bob)
    url = reverse("appointments:cancel", args=[appointment.public_id])
    empty = client.post(url, {"version": appointment.version, "reason": ""})
    assert empty.status_code == 200
    client.post(url, {"version": appointment.version, "reason": "Patient unwell"})
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED


def test_it_marks_the_arrival_and_shows_it_on_the_practitioners_today(
    login, bob, alice, booked, plan, slot
):
    appointment = booked(slot(0, 10), plan=plan)
    reception = login(bob)
    reception.post(
        reverse("appointments:status", args=[appointment.public_id]),
        {"version": appointment.version, "status": Status.ARRIVED},
    )
    reception.logout()
    today = login(alice).get(reverse("today")).content.decode()
    assert "Arrived" in today
    assert "Maria Lopez" in today


def test_it_lets_the_admin_add_and_edit_types_and_rooms(login, ada):
    client = login(ada)
    url = reverse("appointments:setup")
    client.post(url, {"form": "type", "type-name": "Review", "type-duration_minutes": "15"})
    client.post(url, {"form": "resource", "resource-kind": "room", "resource-name": "Room 9"})
    from mesoclinic.appointments.models import AppointmentType, Resource

    kind = AppointmentType.objects.get(name="Review")
    assert kind.duration_minutes == 15
    assert Resource.objects.filter(name="Room 9").exists()
    # an edit saved with the version it was read at; a stale one is refused
    edit = reverse("appointments:type_edit", args=[kind.public_id])
    client.post(edit, {"version": kind.version, "name": "Review visit", "duration_minutes": "20"})
    stale = client.post(edit, {"version": kind.version, "name": "Late", "duration_minutes": "20"})
    kind.refresh_from_db()
    assert kind.name == "Review visit"
    assert stale.status_code == 200


def test_it_refuses_the_setup_to_reception(login, bob):
    assert login(bob).get(reverse("appointments:setup")).status_code == 403


def test_it_reads_a_week_in_the_same_queries_for_1_or_20_appointments(
    login, bob, alice, booked, slot, riverside
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mesoclinic.patients.models import Patient

    client = login(bob)
    query = {"view": "week", "who": str(alice.public_id), "date": slot(1).date().isoformat()}
    booked(slot(1, 8))
    client.get(reverse("appointments:calendar"), query)  # the session's first reads
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("appointments:calendar"), query)
    for n in range(19):
        other = Patient.objects.create(clinic=riverside, mrn=f"Q{n}", given_name=f"P{n}")
        booked(slot(1, 9) + dt.timedelta(minutes=45 * n), patient=other)
    with CaptureQueriesContext(connection) as twenty:
        page = client.get(reverse("appointments:calendar"), query)
    assert page.content.decode().count("appointments/") > 20
    assert len(twenty) == len(one)


def test_it_keeps_the_early_reason_from_reception_when_moving(login, bob, booked, slot):
    # given an appointment booked early for a clinical reason
    appointment = booked(slot(3, 10))
    appointment.early_reason = "Flare of swelling, review early"
    appointment.save()
    client = login(bob)
    url = reverse("appointments:move", args=[appointment.public_id])
    # when reception opens the move form and moves it to 14:00
    page = client.get(url)
    assert "Flare of swelling" not in page.content.decode()
    data = {
        "version": appointment.version,
        "appointment_type": str(appointment.appointment_type.public_id),
        "practitioner": str(appointment.practitioner.public_id),
        "room": str(appointment.room.public_id),
        "starts_at": slot(3, 14).strftime("%Y-%m-%dT%H:%M"),
    }
    client.post(url, data)
    # then it moved, and the reason is kept
    appointment.refresh_from_db()
    assert appointment.starts_at == slot(3, 14)
    assert appointment.early_reason == "Flare of swelling, review early"
