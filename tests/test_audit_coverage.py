"""Every page that shows a patient's data leaves an audit entry.

The walk opens every record page of the demo practice as its practitioner or admin; any
answer that shows a patient's MRN or name must have added at least one audit event.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from mesoclinic.patients.models import Patient
from tests.test_bad_input import _plain_routes
from tests.test_clinic_isolation import NOT_IN_DEMO, _uuid_routes, record_ids

pytestmark = pytest.mark.django_db


def test_it_audits_every_page_that_shows_patient_data():
    # given the demo practice and its practitioner, nurse and admin signed in
    load_demo(patients=20, hilltop_patients=5)
    riverside = Clinic.objects.get(slug="riverside")
    clients = []
    for username in ("alice", "nina", "ada"):
        client = Client()
        client.force_login(Membership.objects.get(user__username=username, clinic=riverside).user)
        clients.append(client)
    identifiers = set()
    for p in Patient.objects.filter(clinic=riverside):
        identifiers.update({p.mrn, p.display_name})
    ids = record_ids(riverside, per_kind=1)
    urls = [reverse(name) for name in _plain_routes()]
    for name, params in _uuid_routes():
        if name not in NOT_IN_DEMO and len(params) == 1:
            urls.extend(reverse(name, kwargs={params[0]: i}) for i in ids)
    # when each page is opened
    shown, unaudited = 0, []
    for url in urls:
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
