"""No page answers bad input with a server error.

Every route is posted a form of nonsense values (wrong types, negative numbers, impossible
dates, unknown choices, overlong text) by a signed-in practitioner and clinic admin of the
demo practice; each answer must be a page (a form with messages, a refusal or a redirect),
never a 500.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from mesoclinic.treatments.models import Injection
from tests.test_clinic_isolation import NOT_IN_DEMO, _uuid_routes, _walk, record_ids

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
}


def _plain_routes() -> list[str]:
    names = []
    for name, pattern in _walk(
        __import__("django.urls", fromlist=["get_resolver"]).get_resolver().url_patterns
    ):
        if name.startswith(("admin:", "aftercare_patient:")) or pattern.pattern.converters:
            continue
        if name in ("login", "logout"):  # signing out would turn every later answer into a redirect
            continue
        names.append(name)
    return names


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
            if client.get(url).status_code in (200, 400, 405):
                return client, url
    return None


def _line_pairs(clinic: Clinic, name: str) -> list[tuple]:
    """(session, one of its lines) for the routes that take two ids: a draft's line to remove,
    a signed session's line to correct."""
    signed = name == "treatments:line_correct"
    lines = Injection.objects.filter(clinic=clinic, session__signed_at__isnull=not signed)
    return [(i.session.public_id, i.public_id) for i in lines.select_related("session")[:1]]


def test_it_never_answers_nonsense_with_a_server_error():
    # given the demo practice, and its practitioner and admin signed in
    load_demo(patients=20, hilltop_patients=5)
    riverside = Clinic.objects.get(slug="riverside")
    clients = []
    for username in ("alice", "ada"):
        client = Client(raise_request_exception=False)
        client.force_login(Membership.objects.get(user__username=username, clinic=riverside).user)
        clients.append(client)
    ids = record_ids(riverside, per_kind=1)
    targets: list[tuple[Client, str]] = []
    for name in _plain_routes():
        found = _opening(clients, [reverse(name)])
        assert found is not None, f"{name} opens for neither alice nor ada"
        targets.append(found)
    for name, params in _uuid_routes():
        if name in NOT_IN_DEMO:
            continue
        combos = [(i,) for i in ids] if len(params) == 1 else _line_pairs(riverside, name)
        found = _opening(
            clients, [reverse(name, kwargs=dict(zip(params, v, strict=True))) for v in combos]
        )
        assert found is not None, f"{name} opens for neither alice nor ada with any demo id"
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
