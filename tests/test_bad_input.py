"""No page answers bad input with a server error.

Every route (tests/route_walk.py) is posted a form of nonsense values (wrong types, negative
numbers, impossible dates, unknown choices, overlong text) by a signed-in practitioner,
clinic admin or researcher of the demo practice; each answer must be a page (a form with
messages, a refusal or a redirect), never a 500.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from tests.route_walk import NOT_IN_DEMO, record_ids, routes, urls
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

NONSENSE = {
    "version": "abc",
    "volume_ml": "-3",
    "points": "zero",
    "depth_mm": "99",
    "value": "1e999",
    "weight_kg": "NaN",
    "height_cm": "-170",
    "birth_date": "2026-02-30",
    "performed_at": "yesterday",
    "consulted_at": "31/31/2031",
    "measured_on": "2026-13-01",
    "onset_date": "0000-00-00",
    "resolved_date": "1899-01-01",
    "expiry_date": "tomorrow",
    "kind": "not_a_kind",
    "area": "elbow",
    "side": "up",
    "indication": "'; DROP TABLE patients; --",
    "role": "superuser",
    "product": "999999999999",
    "lot": "not-a-uuid",
    "reason": "x" * 5000,
    "q": "\x00",
    "template": "not-a-uuid",
    "plan": "not-a-uuid",
    "all": "maybe",
    "form-TOTAL_FORMS": "many",
    "form-INITIAL_FORMS": "-1",
    "areas-TOTAL_FORMS": "1000000",
    "areas-INITIAL_FORMS": "0",
    # billing: money, rates, a payment method, a line, a package, days
    "amount": "1e999",
    "method": "bitcoin",
    "item": "999999999999",
    "quantity": "NaN",
    "unit_price": "-0.001",
    "vat_rate_percent": "101",
    "default_vat_rate_percent": "Infinity",
    "sessions": "0",
    "line": "99999999999999999999999",
    "day": "2026-02-30",
    "start": "2026-13-01",
    "end": "yesterday",
}


def _opening(clients: list[Client], candidates: list[str]) -> tuple[Client, str] | None:
    """The first (client, url) that opens: nonsense must reach a real form, not a 404.

    The role is chosen on the first candidate (a 403 means the page is the other role's), so
    each id is tried with one client only.
    """
    if not candidates:
        return None
    first = [c for c in clients if c.get(candidates[0]).status_code != 403] or clients
    for url in candidates:
        for client in first:
            response = client.get(url)
            # A sign address opened with GET sends the member to the record's page (302).
            redirected = response.status_code == 302 and not response["Location"].startswith(
                reverse("login")
            )
            if response.status_code in (200, 400, 405) or redirected:
                return client, url
    return None


def test_it_never_answers_nonsense_with_a_server_error():
    # given the demo practice, and its practitioner, admin and researcher signed in
    load_demo(patients=20, hilltop_patients=5)
    riverside = Clinic.objects.get(slug="riverside")
    clients = []
    for username in ("alice", "ada", "rita"):
        client = Client(raise_request_exception=False)
        sign_in(client, Membership.objects.get(user__username=username, clinic=riverside).user)
        clients.append(client)
    ids = record_ids(riverside, per_kind=1)
    targets: list[tuple[Client, str]] = []
    for route in routes():
        if route.name in NOT_IN_DEMO:
            continue
        found = _opening(clients, urls(route, riverside, ids))
        assert found is not None, f"{route.name} opens for none of alice, ada, rita with the demo"
        targets.append(found)
    # when every page is posted nonsense, and asked with a nonsense query string
    errors = []
    for client, url in targets:
        for response in (
            client.post(url, NONSENSE),
            client.get(
                url,
                {"q": "\x00", "page": "-1", "template": "nope", "plan": "nope", "product": "nope"},
            ),
        ):
            if response.status_code >= 500:
                errors.append(f"{url}: {response.status_code}")
    # then none of them is a server error
    assert len(targets) > 40
    assert errors == [], "\n".join(errors)
