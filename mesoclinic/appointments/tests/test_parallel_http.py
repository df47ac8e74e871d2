"""Double booking refused when many receptionists post the booking form at the same moment:
real HTTP requests to a live server, each in its own request thread and database connection
(PostgreSQL: real concurrent transactions; the thread test beside this one calls the service)."""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Any

import httpx
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mesoclinic.appointments import services
from mesoclinic.appointments.models import Appointment
from mesoclinic.patients.models import Patient
from tests.second_step import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database has no concurrent writers to race",
    ),
]

DESKS = 12
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _desk(base_url: str, user: Any) -> tuple[httpx.Client, str]:
    """An HTTP client signed in as ``user`` (a session of its own) and the booking form's
    CSRF token, read from the form as a browser would."""
    signed_in = sign_in(Client(), user)
    cookies = {name: morsel.value for name, morsel in signed_in.cookies.items()}
    desk = httpx.Client(base_url=base_url, cookies=cookies, timeout=60)
    form = desk.get(reverse("appointments:book"))
    assert form.status_code == 200
    found = CSRF_FIELD.search(form.text)
    assert found is not None
    return desk, found.group(1)


def test_it_books_one_of_many_parallel_posts_of_the_booking_form(
    live_server, riverside, bob, alice, treatment, room, slot, monkeypatch
):
    # given twelve desks signed in as reception, each with the form open for another patient
    patients = [
        Patient.objects.create(clinic=riverside, mrn=f"RVH{n:02d}", given_name=f"P{n}")
        for n in range(DESKS)
    ]
    desks = [_desk(live_server.url, bob.user) for _ in patients]
    # and each request, once it has looked for overlaps, waits (up to 3 s) for the others to
    # have looked too: without the row locks they would all find the slot free and all book
    all_looked = threading.Barrier(DESKS, timeout=3)
    look = services.conflicts

    def look_then_wait(*args: Any, **kwargs: Any) -> Any:
        found = look(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            all_looked.wait()
        return found

    monkeypatch.setattr(services, "conflicts", look_then_wait)
    start = threading.Barrier(DESKS, timeout=30)
    answers: list[httpx.Response] = []

    def post(desk: httpx.Client, csrf: str, patient: Patient) -> None:
        start.wait()
        answers.append(
            desk.post(
                reverse("appointments:book"),
                data={
                    "csrfmiddlewaretoken": csrf,
                    "mrn": patient.mrn,
                    "appointment_type": str(treatment.public_id),
                    "practitioner": str(alice.public_id),
                    "room": str(room.public_id),
                    "starts_at": slot(2).strftime("%Y-%m-%dT%H:%M"),
                },
            )
        )

    # when they all post alice's 10:00 slot in Room 1 at once
    threads = [
        threading.Thread(target=post, args=(desk, csrf, patient))
        for (desk, csrf), patient in zip(desks, patients, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for desk, _csrf in desks:
        desk.close()
    # then exactly one is booked (a redirect to its page) and every other desk got the form
    # back saying why
    assert len(answers) == DESKS
    booked = [a for a in answers if a.status_code == 302]
    refused = [a for a in answers if a.status_code == 200]
    assert len(booked) == 1
    assert len(refused) == DESKS - 1
    assert all("already booked at that time" in a.text for a in refused)
    assert Appointment.objects.count() == 1
    assert str(Appointment.objects.get().public_id) in booked[0].headers["location"]
