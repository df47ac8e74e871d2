"""No page of one clinic's data opens for a user of another clinic, or leaks anything of it.

The walk takes every route (tests/route_walk.py), fills each route that takes a record with
the ids of every kind of record that Riverside (the demo practice at a reduced size) holds,
and asks as charlie, a practitioner at Hilltop. Every answer must be a refusal (403/404/405)
that names none of Riverside's patients. A route that takes no record (a list, a worklist, an
evidence page) opens for charlie with his own clinic's data, and must name none of
Riverside's patients either. So that the walk cannot pass by finding nothing, the same URLs
must open for some member of Riverside.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from mesoclinic.patients.models import Patient
from tests.route_walk import NOT_IN_DEMO, record_ids, routes, urls
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}


def _opens(response) -> bool:
    """The route answered this member: a page, a 405 for a POST-only address, or (a sign
    address opened with GET) a redirect to the record's own page rather than to sign-in."""
    if response.status_code == 302:
        return not response["Location"].startswith(reverse("login"))
    return response.status_code in (200, 405)


def _client(membership: Membership) -> Client:
    client = Client()
    sign_in(client, membership.user)
    return client


def _identifiers(clinic: Clinic) -> set[str]:
    found = set()
    for p in Patient.objects.filter(clinic=clinic):
        # Full names, not bare family names: a name like "Li" is also an HTML tag.
        found.update({p.mrn, p.display_name, p.email, p.phone} - {""})
    return found


def test_it_refuses_every_record_page_to_another_clinic_and_leaks_nothing():
    # given the demo practices: Riverside with its records, and charlie at Hilltop
    load_demo(patients=20, hilltop_patients=5)
    riverside = Clinic.objects.get(slug="riverside")
    charlie = Membership.objects.get(user__username="charlie")
    insiders = [
        Membership.objects.get(user__username=u, clinic=riverside)
        for u in ("alice", "ada", "nina", "bob", "rita")
    ]
    # What charlie may see of his own clinic is no leak, even where a name is the same.
    secrets = _identifiers(riverside) - _identifiers(charlie.clinic)
    ids = record_ids(riverside)
    outsider, staff = _client(charlie), [_client(m) for m in insiders]
    walked = [r for r in routes() if r.name not in NOT_IN_DEMO]
    assert sum(r.takes_a_record for r in walked) > 30, "too few record routes to mean anything"

    leaks, unreachable = [], []
    for route in walked:
        reached = False
        for url in urls(route, riverside, ids):
            # when charlie asks for it: a record's page by GET and by POST, a topic's by GET
            if route.takes_a_record:
                answers = [outsider.get(url), outsider.post(url, {})]
            else:
                answers = [outsider.get(url)]
            for response in answers:
                body = response.content.decode(errors="replace")
                # then a record of Riverside is refused, and no answer names its patients
                if route.takes_a_record and response.status_code not in REFUSED:
                    leaks.append(f"{route.name} {url}: {response.status_code}")
                leaked = [s for s in secrets if s in body]
                if leaked:
                    leaks.append(f"{route.name} {url}: shows Riverside identifiers {leaked}")
            if not reached and any(_opens(c.get(url)) for c in staff):
                reached = True
        if not reached:
            unreachable.append(route.name)

    assert leaks == [], "\n".join(leaks[:50])
    # and every route opened for some Riverside member with one of these ids (the walk is real)
    assert unreachable == [], (
        f"routes no Riverside member could open with the demo ids: {unreachable}"
    )
