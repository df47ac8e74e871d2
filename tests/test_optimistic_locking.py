"""Optimistic locking is mandatory on every edit path of a versioned record.

Each path is exercised as a browser would use it on the demo practice: the form is read from
its page (tests/form_submission.py) and posted back with one change. Posted without the
version it was read at, the edit is refused with a clear message and nothing is saved. Two
people editing the same record at once: the first saves, the second is refused and the first
one's change stands (a lost update is impossible). The buttons that act on a record (close,
retire, deactivate, delete, quarantine) carry the version too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.consultations.models import Consultation
from mesoclinic.demo.services import load_demo
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.formulary.choices import LotStatus, VialType
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.records.models import INCOMPLETE_EDIT
from mesoclinic.records.services import save_versioned
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import TreatmentSession
from tests.form_submission import entry_list, own_post_forms, post_forms_to
from tests.second_step import sign_in
from tests.test_edit_roundtrip import _differences, _snapshot

pytestmark = pytest.mark.django_db


def _day(value: dt.date, days: int) -> str:
    return (value + dt.timedelta(days=days)).isoformat()


def _lot_to_open(c: Clinic) -> Lot:
    today = c.today()
    return Lot.objects.filter(
        clinic=c,
        vial_type=VialType.MULTI,
        status=LotStatus.AVAILABLE,
        expiry_date__gte=today + dt.timedelta(days=3),
        received_on__lte=today,
    ).first()  # type: ignore[return-value]


@dataclass(frozen=True)
class Edit:
    """An edit form: who uses it, on which record, and the two different changes to make."""

    route: str
    user: str
    record: Callable[[Clinic], Any]
    field: str
    values: Callable[[Any], tuple[str, str]]
    slugs: tuple[tuple[str, str], ...] = ()

    def url(self, record: Any) -> str:
        return reverse(self.route, kwargs={"public_id": record.public_id, **dict(self.slugs)})


def _first(model: type[Model], **filters: Any) -> Callable[[Clinic], Any]:
    return lambda c: model._default_manager.filter(clinic=c, **filters).order_by("pk").first()


EDITS = [
    Edit("patients:edit", "bob", _first(Patient), "phone", lambda r: ("0700 1", "0700 2")),
    Edit(
        "consultations:edit",
        "alice",
        _first(Consultation, signed_at__isnull=True),
        "assessment",
        lambda r: ("First view.", "Second view."),
    ),
    Edit("plans:edit", "alice", _first(TreatmentPlan), "protocol", lambda r: ("P-A", "P-B")),
    Edit(
        "treatments:edit",
        "nina",
        _first(TreatmentSession, signed_at__isnull=True),
        "notes",
        lambda r: ("Note A", "Note B"),
    ),
    Edit("safety:edit", "alice", _first(AdverseEvent), "notes", lambda r: ("AE A", "AE B")),
    Edit(
        "outcomes:edit",
        "alice",
        _first(Measurement),
        "measured_on",
        lambda r: (_day(r.measured_on, -1), _day(r.measured_on, -2)),
    ),
    Edit("formulary:product_edit", "ada", _first(Product), "notes", lambda r: ("N A", "N B")),
    Edit(
        "formulary:lot_open",
        "nina",
        _lot_to_open,
        "beyond_use_date",
        lambda r: (_day(r.clinic.today(), 1), _day(r.clinic.today(), 2)),
    ),
    Edit(
        "formulary:lot_status",
        "ada",
        _first(Lot, status=LotStatus.AVAILABLE),
        "reason",
        lambda r: ("Notice A", "Notice B"),
        (("action", "quarantine"),),
    ),
    Edit(
        "dosing:limit_tighten",
        "ada",
        _first(DoseLimit, is_active=True),
        "source",
        lambda r: ("Policy A", "Policy B"),
    ),
    Edit(
        "consent:template_new_version",
        "ada",
        _first(ConsentTemplate, is_active=True),
        "body",
        lambda r: (r.body + " A.", r.body + " B."),
    ),
    Edit(
        "consent:withdraw",
        "alice",
        lambda c: next(x for x in Consent.objects.filter(clinic=c) if not x.is_withdrawn),
        "reason",
        lambda r: ("Reason A", "Reason B"),
    ),
    Edit(
        "staff_edit",
        "ada",
        lambda c: Membership.objects.get(clinic=c, user__username="nina"),
        "registration_body",
        lambda r: ("Body A", "Body B"),
    ),
]


@dataclass(frozen=True)
class Button:
    """A button on a page that acts on a record, posting only the version the page showed."""

    route: str
    user: str
    record: Callable[[Clinic], Any]
    page: Callable[[Any], str]
    slugs: tuple[tuple[str, str], ...] = ()

    def url(self, record: Any) -> str:
        return reverse(self.route, kwargs={"public_id": record.public_id, **dict(self.slugs)})


BUTTONS = [
    Button(
        "plans:close",
        "alice",
        _first(TreatmentPlan, status=PlanStatus.ACTIVE),
        lambda r: reverse("plan_detail", args=[r.public_id]),
        (("status", PlanStatus.STOPPED),),
    ),
    Button(
        "dosing:limit_retire",
        "ada",
        _first(DoseLimit, is_active=True),
        lambda r: reverse("dosing:limits"),
    ),
    Button(
        "consent:template_deactivate",
        "ada",
        _first(ConsentTemplate, is_active=True),
        lambda r: reverse("consent:template_detail", args=[r.public_id]),
    ),
    Button(
        "outcomes:delete",
        "alice",
        _first(Measurement),
        lambda r: reverse("outcomes:delete", args=[r.public_id]),
    ),
]


@pytest.fixture
def demo() -> Clinic:
    load_demo(patients=20, hilltop_patients=5)
    return Clinic.objects.get(slug="riverside")


def _client(clinic: Clinic, username: str) -> Client:
    client = Client()
    sign_in(client, Membership.objects.get(clinic=clinic, user__username=username).user)
    return client


def _read(client: Client, url: str, action: str | None = None) -> dict[str, list[str]]:
    """What the browser would post from the page at ``url`` (to ``action``, or to itself)."""
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    html, full = page.content.decode(), "http://testserver" + url
    found = post_forms_to(html, full, action) if action else own_post_forms(html, full)
    assert len(found) == 1, f"{url}: {len(found)} forms"
    data, _ = entry_list(found[0])
    assert "version" in data, f"{url}: the form does not carry the version it was read at"
    return data


def _shown(response: Any) -> str:
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.route)
def test_it_refuses_an_edit_posted_without_its_version(demo, edit):
    # given the edit form of a record, read by someone who may use it
    record = edit.record(demo)
    client = _client(demo, edit.user)
    data = _read(client, edit.url(record))
    data[edit.field] = [edit.values(record)[0]]
    before = _snapshot()
    # when it is posted with a change but without the version it was read at
    del data["version"]
    response = client.post(edit.url(record), data, follow=True)
    # then it is refused with a clear message, and nothing is saved
    assert str(INCOMPLETE_EDIT) in _shown(response)
    assert _differences(before, _snapshot()) == []


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.route)
def test_it_refuses_the_second_of_two_concurrent_edits(demo, edit):
    # given two people who opened the same record's edit form
    record = edit.record(demo)
    first, second = _client(demo, edit.user), _client(demo, edit.user)
    url = edit.url(record)
    mine, theirs = _read(first, url), _read(second, url)
    one, two = edit.values(record)
    # when the first saves a change, then the second saves another
    saved = first.post(url, {**mine, edit.field: [one]})
    assert saved.status_code == 302, _shown(saved)
    before = _snapshot()
    refused = second.post(url, {**theirs, edit.field: [two]}, follow=True)
    # then the second is refused, and the first one's change stands
    assert "Nothing was saved" in _shown(refused) or "already" in _shown(refused)
    assert _differences(before, _snapshot()) == []


@pytest.mark.parametrize("button", BUTTONS, ids=lambda b: b.route)
def test_it_refuses_a_button_without_its_version_or_with_an_old_one(demo, button):
    # given a page showing a button that acts on a record
    record = button.record(demo)
    client = _client(demo, button.user)
    url = button.url(record)
    data = _read(client, button.page(record), action=url)
    before = _snapshot()
    # when it is posted without the version, then refused and nothing changes
    missing = client.post(url, {k: v for k, v in data.items() if k != "version"}, follow=True)
    assert str(INCOMPLETE_EDIT) in _shown(missing)
    assert _differences(before, _snapshot()) == []
    # when someone changes the record after the page was shown, then the button is refused
    fresh = type(record)._default_manager.get(pk=record.pk)
    save_versioned(fresh, fresh.version, {})
    before = _snapshot()
    stale = client.post(url, data, follow=True)
    assert "Nothing was" in _shown(stale)
    assert _differences(before, _snapshot()) == []
    # and with the version it now has, it acts
    acted = client.post(url, {**data, "version": [str(fresh.version + 1)]})
    assert acted.status_code == 302
    assert _differences(before, _snapshot()) != []
