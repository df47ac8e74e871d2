"""Every page that shows a patient's data leaves an audit entry.

The walk opens every route (tests/route_walk.py) with the demo practice's records as its
practitioner, nurse or admin; any answer that shows a patient's MRN or name must have added
at least one audit event.
"""

from __future__ import annotations

import pytest
from django.test import Client

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from mesoclinic.patients.models import Patient
from tests.route_walk import NOT_IN_DEMO, record_ids, routes, urls
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db


def test_it_audits_every_page_that_shows_patient_data():
    # given the demo practice and its practitioner, nurse and admin signed in
    load_demo(patients=20, hilltop_patients=5)
    riverside = Clinic.objects.get(slug="riverside")
    clients = []
    for username in ("alice", "nina", "ada"):
        client = Client()
        sign_in(client, Membership.objects.get(user__username=username, clinic=riverside).user)
        clients.append(client)
    identifiers = set()
    for p in Patient.objects.filter(clinic=riverside):
        identifiers.update({p.mrn, p.display_name})
    ids = record_ids(riverside, per_kind=1)
    addresses = [
        url
        for route in routes()
        if route.name not in NOT_IN_DEMO
        for url in urls(route, riverside, ids)
    ]
    # when each page is opened
    shown, unaudited = 0, []
    for url in addresses:
        for client in clients:
            before = AuditEvent.objects.count()
            response = client.get(url)
            if response.status_code != 200:
                continue
            body = response.content.decode(errors="replace")
            if any(i in body for i in identifiers):
                shown += 1
                # then a page showing patient data wrote an audit event
                if AuditEvent.objects.count() == before:
                    unaudited.append(url)
    assert shown > 20, "the walk found too few patient pages to mean anything"
    assert sorted(set(unaudited)) == [], "\n".join(sorted(set(unaudited)))
