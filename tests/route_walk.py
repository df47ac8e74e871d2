"""Every URL pattern of the project, and the addresses that open it with the demo's records.

One list for every walk (clinic isolation, bad input, audit coverage, the edit round trip):
each takes its routes from here, so a new view is walked by all of them without anyone
adding it anywhere. A route is filled from what it takes:
- nothing: a page of a topic (a list, a worklist, a form for a new record): one address;
- a record's public id (``<uuid:…>``): the ids of every kind of record the clinic holds
  (``record_ids``); a route that takes two ids is a session and one of its lines (``PAIRS``);
- any other argument: the values in ``SLUGS``, which a new route must add to;
- a page that shows its content only for a query (a recall) gets it from ``QUERIES``.
``test_route_walk.py`` fails when a pattern is none of these (or has no name), so a new view
cannot escape the walks.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.services import TRANSITIONS
from mesoclinic.plans.models import PlanStatus
from mesoclinic.treatments.models import Injection

# Not walked, and why.
# Django's admin: superusers only; no clinic member signs in there.
ADMIN_NAMESPACE = "admin"
# Patient-facing check-in links are opened with a signed token, not a staff login; their own
# tests (aftercare/tests/test_patient_link.py) cover tampering and reuse for another patient.
# The appointment reply link and calendar feed likewise (appointments/tests/test_links.py).
PUBLIC_NAMESPACES = {"aftercare_patient", "appointments_patient"}
# The FHIR API is opened with a client's bearer token, not a staff login, and its addresses
# take resource types and FHIR ids: its own walk (tests/test_fhir_isolation.py)
# reads every type of one clinic with another clinic's token, by id and by search.
TOKEN_NAMESPACES = {"fhir"}
# The FHIR API (SMART token, Bulk Data) answers a bearer token, never a staff session: signed in
# as staff every address is a 401. Its own walks ask with another clinic's token
# (mesoclinic/fhir/tests/test_bulk_export.py: another clinic's client reads nothing).
BEARER_NAMESPACES = {"fhir_smart", "fhir_bulk"}
# Signing in and out: opening them would change who the walk is signed in as.
SIGN_IN_OUT = {"login", "logout"}
# The demo has no patient photos (they come from aftercare check-ins); the aftercare tests open
# that route for the clinic and refuse it to others with a real photo.
NOT_IN_DEMO = {"aftercare:photo"}

# The values a route takes beside (or instead of) a record's id. One indication is enough for
# the evidence pages: each indication runs the same view.
SLUGS: dict[str, dict[str, list[str]]] = {
    "formulary:lot_status": {"action": sorted(TRANSITIONS)},
    "plans:close": {"status": [PlanStatus.COMPLETED, PlanStatus.STOPPED]},
    "evidence:indication": {"indication": ["localized_fat"]},
    "evidence:print": {"indication": ["localized_fat"]},
    "evidence:pdf": {"indication": ["localized_fat"]},
    "evidence:pooled": {"indication": ["localized_fat"]},
    # A reset link that is no longer valid: the page says so (valid ones: clinics' reset tests).
    "password_reset_confirm": {"uidb64": ["MQ"], "token": ["set-password"]},
}


def _line_pairs(signed: bool) -> Callable[[Clinic], list[tuple[uuid.UUID, uuid.UUID]]]:
    def pairs(clinic: Clinic) -> list[tuple[uuid.UUID, uuid.UUID]]:
        lines = Injection.objects.filter(clinic=clinic, session__signed_at__isnull=not signed)
        return [(i.session.public_id, i.public_id) for i in lines.select_related("session")[:1]]

    return pairs


# Routes that take two ids: (session, one of its lines): a draft's line to remove, a signed
# session's line to correct.
PAIRS: dict[str, Callable[[Clinic], list[tuple[uuid.UUID, uuid.UUID]]]] = {
    "treatments:line_remove": _line_pairs(signed=False),
    "treatments:line_correct": _line_pairs(signed=True),
}


def _recalled_lot(clinic: Clinic) -> dict[str, str]:
    used = Injection.objects.filter(clinic=clinic, lot__isnull=False).order_by("pk").first()
    return {"lot": used.lot.lot_number} if used and used.lot else {}


# Routes that show their content only for a query: the recall of a lot the clinic used.
QUERIES: dict[str, Callable[[Clinic], dict[str, str]]] = {
    "recall:search": _recalled_lot,
    "recall:call_list": _recalled_lot,
}


@dataclass(frozen=True)
class Route:
    """A named URL pattern, with the names of the arguments it takes."""

    name: str
    ids: tuple[str, ...]  # arguments that are a record's public id
    slugs: tuple[str, ...]  # any other argument

    @property
    def takes_a_record(self) -> bool:
        return bool(self.ids)


def patterns(
    resolvers: list[Any] | None = None, namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """Every URL pattern as (namespace, name with its namespace, pattern); "" if unnamed."""
    for p in get_resolver().url_patterns if resolvers is None else resolvers:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""]))
            yield from patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name or ""])) if p.name else ""
            yield namespace, name, p


def _not_walked(namespace: str, name: str) -> bool:
    top = namespace.split(":")[0]
    return (
        top == ADMIN_NAMESPACE
        or top in PUBLIC_NAMESPACES
        or top in TOKEN_NAMESPACES
        or top in BEARER_NAMESPACES
        or name in SIGN_IN_OUT
    )


def routes() -> list[Route]:
    """Every named route the walks open (all but the admin, token links and sign-in/out)."""
    found = []
    for namespace, name, pattern in patterns():
        if not name or _not_walked(namespace, name):
            continue
        converters = pattern.pattern.converters
        ids = tuple(k for k, v in converters.items() if v.__class__.__name__ == "UUIDConverter")
        slugs = tuple(k for k in converters if k not in ids)
        found.append(Route(name, ids, slugs))
    return found


def unwalkable() -> list[str]:
    """Patterns no walk would open, each with the reason: empty when every view is walked."""
    problems = [
        f"{pattern.pattern}: has no name, so no walk can reverse it"
        for namespace, name, pattern in patterns()
        if not name and not _not_walked(namespace, name)
    ]
    for route in routes():
        missing = [k for k in route.slugs if k not in SLUGS.get(route.name, {})]
        if missing:
            problems.append(f"{route.name}: say in SLUGS which values of {missing} to walk")
        if len(route.ids) > 1 and route.name not in PAIRS:
            problems.append(f"{route.name}: say in PAIRS which ids of {route.ids} go together")
    return problems


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


def slug_choices(route: Route) -> list[dict[str, str]]:
    """Every combination of the values ``SLUGS`` gives for the route's other arguments."""
    values = SLUGS.get(route.name, {})
    keys = list(route.slugs)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(values[k] for k in keys))]  # fmt: skip


def urls(route: Route, clinic: Clinic, ids: list[uuid.UUID]) -> list[str]:
    """The addresses of ``route`` to try: every record id (or id pair) with every slug value."""
    query = urlencode(QUERIES[route.name](clinic)) if route.name in QUERIES else ""
    if not route.ids:
        found = [reverse(route.name, kwargs=slugs or None) for slugs in slug_choices(route)]
    else:
        combos = [(i,) for i in ids] if len(route.ids) == 1 else PAIRS[route.name](clinic)
        found = [
            reverse(route.name, kwargs={**dict(zip(route.ids, combo, strict=True)), **slugs})
            for combo in combos
            for slugs in slug_choices(route)
        ]
    return [f"{url}?{query}" if query else url for url in found]
