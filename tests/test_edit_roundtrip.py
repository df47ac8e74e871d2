"""Every edit form of the demo practice, posted back exactly as it was rendered, changes nothing.

The walk finds its forms in the URL conf (like the other walks): every route, filled with the
ids of every kind of record the demo practice holds, is opened by every Riverside role. A page
whose own POST form opens is submitted as a browser would submit it untouched
(tests/form_submission.py), and then no field of any row in the database may differ (dates
included); only ``version`` and ``updated_at`` may move. An edit form must also accept its own
rendering (a redirect, not the form again with errors). A correction form (an amendment, a new
version, a withdrawal, opening a vial) may ask for the reason or value a person must type, but
changes nothing either; an amendment given a reason and nothing else must say so and record
nothing. Forms that add a new record are listed in NEW_RECORD_ROUTES, each edit-looking
route must have been walked; the routes and the slugs beside an id come from tests/route_walk.py.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from tests.form_submission import entry_list, own_post_forms
from tests.route_walk import NOT_IN_DEMO, record_ids, routes, slug_choices
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

# The admin and the practitioner first: a record another role cannot find is not there at all.
ROLES = ("ada", "alice", "nina", "bob", "rita")
# Forms that add a record (to a patient, to the formulary, to the staff): posted back
# unchanged they would add one. They are not edit forms; their own tests cover them.
NEW_RECORD_ROUTES = {
    "patients:create",
    "consultations:create",
    "consent:capture",
    "consent:template_create",
    "plans:create",
    "treatments:create",
    "outcomes:record",
    "safety:record",
    "formulary:product_create",
    "formulary:lot_receive",
    "dosing:limit_create",
    "staff_create",
    # Booking an appointment, adding a type or a room, making a calendar feed address.
    "appointments:book",
    "appointments:setup",
    "appointments:feed",
    # A visit's photo slots: each form adds a photo (and needs a picture).
    "photos:capture",
    # Asking for a password-reset e-mail: each request is counted (a throttle row) and mails.
    "password_reset",
}
# Confirmation pages: their one form is the action they confirm (posting it deletes).
CONFIRMATIONS = {"outcomes:delete"}
# A route whose name says it changes an existing record; each must be walked.
EDIT_LOOKING = re.compile(r"(edit|amend|new_version|tighten|withdraw|_open|_status)$")
# Edit forms proper: posted back untouched they must save (and change nothing).
MUST_SAVE = re.compile(r"(edit|tighten)$")
AMENDS = re.compile(r"amend$")
MOVABLE = {"version", "updated_at"}
# Reads append audit events (and move their chain's head), and the login is a session row;
# a save of a row the chart shows, even unchanged, gives its patient or clinic a new chart
# stamp (workspace/chart_triggers.py: the cached history is drawn again, nothing else). None
# is a record's field.
NOT_COMPARED = {
    "audit.auditevent",
    "audit.auditchainhead",
    "sessions.session",
    "workspace.chartversion",
}
ERRORS = re.compile(r'class="(?:error|errorlist)"[^>]*>(.*?)</(?:div|ul)>', re.S)


def _snapshot() -> dict[tuple[str, Any], dict[str, Any]]:
    rows: dict[tuple[str, Any], dict[str, Any]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_COMPARED or model._meta.proxy or not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.name not in MOVABLE]
        pk = model._meta.pk.attname
        for values in model._base_manager.values(*names):
            rows[(label, values[pk])] = values
    return rows


def _differences(before: dict, after: dict) -> list[str]:
    found = [f"{label} {pk} added" for label, pk in after.keys() - before.keys()]
    found += [f"{label} {pk} removed" for label, pk in before.keys() - after.keys()]
    for key in before.keys() & after.keys():
        old, new = before[key], after[key]
        found += [
            f"{key[0]} {key[1]} {name}: {old[name]!r} -> {new[name]!r}"
            for name in old
            if old[name] != new[name]
        ]
    return sorted(found)


def _errors(html: str) -> str:
    texts = (re.sub(r"<[^>]+>", " ", m) for m in ERRORS.findall(html))
    return " | ".join(" ".join(t.split()) for t in texts)


def _by_kind(ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    """The ids grouped by the kind of record they name: a route takes one kind."""
    groups = []
    for model in apps.get_models():
        if "public_id" in {f.name for f in model._meta.get_fields()}:
            found = model._base_manager.filter(public_id__in=ids).values_list(
                "public_id", flat=True
            )
            groups += [list(found)] if found else []
    return groups


def _targets(ids: list[uuid.UUID]) -> list[tuple[str, list[str]]]:
    """(route name, urls) for every route: one url for a route without an id, else the urls
    of one kind of record, with every slug the route takes."""
    targets = [(r.name, [reverse(r.name)]) for r in routes() if not r.ids and not r.slugs]
    kinds = _by_kind(ids)
    for route in routes():
        # routes without an id are pages of a topic; two ids is a POST-only button
        if len(route.ids) != 1 or route.name in NOT_IN_DEMO:
            continue
        for extra in slug_choices(route):
            targets += [
                (route.name, [reverse(route.name, kwargs={route.ids[0]: i, **extra}) for i in kind])
                for kind in kinds
            ]
    return targets


def _opened(clients: dict[str, Client], url: str) -> list[tuple[str, Any]] | None:
    """The pages ``url`` shows each role that may open it; None when there is no such record
    (every role sees the same records of its clinic, so the first 404 answers for all)."""
    pages = []
    for user, client in clients.items():
        page = client.get(url)
        if page.status_code == 404:
            return None
        # A picture (a clinical photo's download) has no form to post back.
        if page.status_code == 200 and "text/html" in page.get("Content-Type", ""):
            pages.append((user, page))
    return pages


class Walk:
    """One walk through the forms: what it found, and the database as the last step left it."""

    def __init__(self) -> None:
        self.walked: dict[str, set[str]] = defaultdict(set)
        self.failures: list[str] = []
        self.state = _snapshot()

    def page(self, name: str, user: str, client: Client, url: str, page: Any) -> None:
        """Submit each of the page's own forms untouched, as ``user``."""
        if not page.get("Content-Type", "").startswith("text/html"):
            return  # a document (an invoice's PDF) has no forms
        forms = own_post_forms(page.content.decode(), "http://testserver" + url)
        for index in range(len(forms)):
            # Read the page just before submitting it, as a person does: the page opened for
            # another role, or the previous submission, may have moved the versions.
            page = client.get(url)
            forms = own_post_forms(page.content.decode(), "http://testserver" + url)
            self.walked[name].add(user)
            self.failures += self._submit(
                f"{name} as {user} ({url})", name, client, url, forms[index]
            )

    def _submit(self, where: str, name: str, client: Client, url: str, form: Any) -> list[str]:
        data, refusals = entry_list(form)
        if refusals:
            return [f"{where}: the browser would not submit it: {'; '.join(refusals)}"]
        response = client.post(url, data)
        problems = []
        body = response.content.decode(errors="replace")
        if response.status_code not in (200, 302):
            problems.append(f"{where}: answered {response.status_code}")
        elif MUST_SAVE.search(name) and response.status_code != 302:
            problems.append(f"{where}: refused its own rendering: {_errors(body) or 'no message'}")
        if AMENDS.search(name) and response.status_code == 200 and "reason" in data:
            # With a reason and nothing else, an amendment must find nothing to amend.
            response = client.post(url, {**data, "reason": ["Checking the form changes nothing."]})
            if "Nothing was changed" not in response.content.decode(errors="replace"):
                problems.append(f"{where}: an untouched amendment was not refused as empty")
        # Pages opened in between only read: a change they made shows here too.
        after = _snapshot()
        changed = _differences(self.state, after)
        self.state = after
        if changed:
            problems.append(f"{where}: changed {'; '.join(changed[:8])}")
        return problems


def test_it_changes_nothing_when_every_edit_form_is_posted_back_as_rendered():
    # given the demo practice and every Riverside role signed in
    load_demo(patients=20, hilltop_patients=5)
    riverside = Clinic.objects.get(slug="riverside")
    clients = {}
    for username in ROLES:
        client = Client()
        sign_in(client, Membership.objects.get(user__username=username, clinic=riverside).user)
        clients[username] = client
    walk = Walk()
    # when every page with its own POST form is submitted as rendered, by every role it opens for
    for name, urls in _targets(record_ids(riverside)):
        if name in NEW_RECORD_ROUTES | CONFIRMATIONS:
            continue
        for url in urls:
            pages = _opened(clients, url)
            if pages is None and url == urls[0]:
                break  # the route takes another kind of record
            for user, page in pages or []:
                walk.page(name, user, clients[user], url, page)
    # then every edit-looking route was walked, and none changed anything or refused itself
    unwalked = sorted(
        r.name
        for r in routes()
        if EDIT_LOOKING.search(r.name)
        and r.name not in walk.walked
        and r.name not in NEW_RECORD_ROUTES
    )
    assert unwalked == [], f"edit-looking routes no role could open a form on: {unwalked}"
    assert len(walk.walked) >= 10, "the walk found too few edit forms to mean anything"
    summary = "; ".join(f"{n} as {', '.join(sorted(u))}" for n, u in sorted(walk.walked.items()))
    assert walk.failures == [], "\n".join([*walk.failures, f"(walked: {summary})"])
