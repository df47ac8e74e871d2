"""Two receptionists booking the same practitioner or room at the same moment: one booking
holds, the other is refused (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection

from mesoclinic.appointments import services
from mesoclinic.appointments.models import Appointment
from mesoclinic.appointments.services import Booking, BookingError
from mesoclinic.patients.models import Patient

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database has no concurrent writers to race",
    ),
]


def _race(bookings: list[tuple[Patient, Booking]]) -> list[str]:
    outcomes: list[str] = []

    def run(patient: Patient, booking: Booking) -> None:
        try:
            services.book(None, patient, booking, None)
            outcomes.append("booked")
        except BookingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_it_books_one_of_two_racing_bookings_of_a_practitioner(
    riverside, alice, treatment, room, room2, slot, monkeypatch
):
    # given each booking, once it has looked for overlaps, waits (up to 3 s) for the other to
    # have looked too: without the row locks both would find the slot free and both book
    both_looked = threading.Barrier(2, timeout=3)
    look = services.conflicts

    def look_then_wait(*args: Any, **kwargs: Any) -> Any:
        found = look(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looked.wait()
        return found

    monkeypatch.setattr(services, "conflicts", look_then_wait)
    ana = Patient.objects.create(clinic=riverside, mrn="RV1", given_name="Ana")
    ben = Patient.objects.create(clinic=riverside, mrn="RV2", given_name="Ben")
    # when two patients are booked with alice at 10:00, in two different rooms, at once
    outcomes = _race(
        [
            (ana, Booking(treatment, alice, slot(2), room)),
            (ben, Booking(treatment, alice, slot(2), room2)),
        ]
    )
    # then one is booked and the other refused
    assert sorted(outcomes) == ["booked", "refused"]
    assert Appointment.objects.count() == 1


def test_it_books_one_of_ten_parallel_bookings_of_a_room(
    riverside, alice, nina, treatment, room, slot
):
    # given ten bookings of Room 1 at the same time, alternating two practitioners
    patients = [
        Patient.objects.create(clinic=riverside, mrn=f"RV{n}", given_name=f"P{n}")
        for n in range(10)
    ]
    bookings = [
        (p, Booking(treatment, (alice, nina)[n % 2], slot(2), room)) for n, p in enumerate(patients)
    ]
    # when they all run at once
    outcomes = _race(bookings)
    # then exactly one holds the room
    assert outcomes.count("booked") == 1
    assert Appointment.objects.count() == 1
