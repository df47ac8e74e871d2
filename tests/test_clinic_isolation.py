"""No page of one clinic's data opens for a user of another clinic, or leaks anything of it.

The test walks every URL pattern that takes a public id, fills it with the ids of every kind
of record that Riverside (the demo practice at a reduced size) holds, and asks as charlie,
a practitioner at Hilltop. Every answer must be a refusal (403/404/405) that names none of
Riverside's patients. So that the walk cannot pass by finding nothing, the same URLs must
open for some member of Riverside.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db

# Patient-facing check-in links are opened with a signed token, not a staff login; their
# own tests cover tampering and reuse for another patient.
PUBLIC_NAMESPACES = {"aftercare_patient"}
REFUSED = {403, 404, 405}
# The demo has no patient photos (they come from aftercare check-ins); the aftercare tests
# open that route for the clinic and refuse it to others with a real photo.
NOT_IN_DEMO = {"aftercare:photo"}


def _walk(
    patterns: list, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""]))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def _uuid_routes() -> list[tuple[str, list[str]]]:
    routes = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.split(":")[0] in PUBLIC_NAMESPACES or name.startswith("admin:"):
            continue
        converters = pattern.pattern.converters
        params = [k for k, v in converters.items() if v.__class__.__name__ == "UUIDConverter"]
        if params and len(params) == len(converters):
            routes.append((name, params))
    return routes


def record_ids(clinic: Clinic, per_kind: int = 2) -> list[uuid.UUID]:
    """The clinic's public id and ``per_kind`` ids of every kind of record it holds, plus one
    draft of each signable kind (drafts open pages that signed records do not, such as edit)."""
    ids: list[uuid.UUID] = [clinic.public_id]
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "public_id" not in names or "clinic" not in names:
            continue
        rows = model._default_manager.filter(clinic=clinic).order_by("pk")
        ids.extend(rows.values_list("public_id", flat=True)[:per_kind])
        if "signed_at" in names:
            ids.extend(rows.filter(signed_at__isnull=True).values_list("public_id", flat=True)[:1])
    return ids


def _opens(response) -> bool:
    """The route answered this member: a page, a 405 for a POST-only address, or (a sign
    address opened with GET) a redirect to the record's own page rather than to sign-in."""
    if response.status_code == 302:
        return not response["Location"].startswith(reverse("login"))
    return response.status_code in (200, 405)


def _client(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_it_refuses_every_record_page_to_another_clinic_and_leaks_nothing():
    # given the demo practices: Riverside with its records, and charlie at Hilltop
    load_demo(patients=20, hilltop_patients=5)
    riverside = Clinic.objects.get(slug="riverside")
    charlie = Membership.objects.get(user__username="charlie")
    insiders = [
        Membership.objects.get(user__username=u, clinic=riverside)
        for u in ("alice", "ada", "nina", "bob")
    ]
    secrets = set()
    for p in Patient.objects.filter(clinic=riverside):
        # Full names, not bare family names: a name like "Li" is also an HTML tag.
        secrets.update({p.mrn, p.display_name, p.email, p.phone} - {""})
    ids = record_ids(riverside)
    outsider, staff = _client(charlie), [_client(m) for m in insiders]
    routes = _uuid_routes()
    assert len(routes) > 30, "the URL walk found too few routes to mean anything"

    leaks, unreachable = [], []
    for name, params in routes:
        reached = False
        for values in itertools.product(ids, repeat=len(params)):
            url = reverse(name, kwargs=dict(zip(params, values, strict=True)))
            # when charlie asks for it, by GET and by POST
            for response in (outsider.get(url), outsider.post(url, {})):
                body = response.content.decode(errors="replace")
                # then he is refused, and nothing of Riverside's patients is in the answer
                if response.status_code not in REFUSED:
                    leaks.append(f"{name} {url}: {response.status_code}")
                leaked = [s for s in secrets if s in body]
                if leaked:
                    leaks.append(f"{name} {url}: shows Riverside identifiers {leaked}")
            if not reached and any(_opens(c.get(url)) for c in staff):
                reached = True
        if not reached and name not in NOT_IN_DEMO:
            unreachable.append(name)

    assert leaks == [], "\n".join(leaks[:50])
    # and every route opened for some Riverside member with one of these ids (the walk is real)
    assert unreachable == [], (
        f"routes no Riverside member could open with the demo ids: {unreachable}"
    )
