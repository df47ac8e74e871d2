"""Two receptionists registering the same person at the same moment make one patient, not two."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from mesoclinic.clinics.choices import Role
from mesoclinic.patients import duplicates, services
from mesoclinic.patients.duplicates import PossibleDuplicatesFound
from mesoclinic.patients.fields import access_for_role
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db(transaction=True)

MARIA = {"given_name": "Maria", "family_name": "Lopez", "birth_date": dt.date(1985, 3, 14)}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database has no concurrent writers to race",
)
def test_it_registers_one_patient_when_two_registrations_race(riverside, bob, monkeypatch):
    # given each registration, once it has checked for duplicates, waits (up to 3 s) for the
    # other to have checked too: if both could check before either saved, both would save
    both_checked = threading.Barrier(2, timeout=3)
    check = duplicates.find_possible_duplicates

    def check_then_wait(*args: Any, **kwargs: Any) -> Any:
        found = check(*args, **kwargs)
        # A broken barrier: the other registration is waiting for the clinic's lock, as it should.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return found

    monkeypatch.setattr(services, "find_possible_duplicates", check_then_wait)
    outcomes: list[str] = []

    def register() -> None:
        try:
            services.register_patient(
                riverside, bob.user, dict(MARIA), access=access_for_role(Role.RECEPTION)
            )
            outcomes.append("registered")
        except PossibleDuplicatesFound:
            outcomes.append("warned")
        finally:
            connection.close()

    # when two registrations of Maria Lopez run at once
    threads = [threading.Thread(target=register) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then one is registered and the other is warned of her
    assert sorted(outcomes) == ["registered", "warned"]
    assert Patient.objects.filter(family_name="Lopez").count() == 1
