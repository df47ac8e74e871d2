"""Recording adverse events, following them to resolution, and the clinic's open list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent

pytestmark = pytest.mark.django_db

SESSION_DAY = dt.date(2025, 3, 1)
ONSET = dt.date(2025, 3, 2)


def form(**fields: Any) -> dict[str, str]:
    data = {
        "event_type": "nodule",
        "onset_date": ONSET.isoformat(),
        "severity": "moderate",
        "causality": "possible",
        "session": "",
        "lot": "",
        "last_seen_unresolved": "",
        "resolved_date": "",
        "outcome": "",
        "notes": "",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


def url(patient: Patient) -> str:
    return reverse("safety:record", args=[patient.public_id])


@pytest.fixture
def event(patient, alice):
    return AdverseEvent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        event_type="bruising",
        onset_date=ONSET,
        severity="mild",
        created_by=alice.user,
    )


def test_it_records_an_adverse_event_linked_to_session_and_lot(
    login, nina, patient, make_session, make_lot
):
    # given a session that used lot A1
    lot = make_lot("A1")
    session = make_session(patient, SESSION_DAY, lot)
    # when the nurse records a serious nodule attributed to that session and lot
    response = login(nina).post(url(patient), form(session=session.pk, lot=lot.pk, serious="on"))
    # then it is stored with its links, reported by her, and audited
    assert response.status_code == 302
    ae = AdverseEvent.objects.get(patient=patient)
    assert (ae.session, ae.lot, ae.serious, ae.reported_by) == (session, lot, True, nina.user)
    assert AuditEvent.objects.filter(
        action="create", object_id=str(ae.public_id), username="nina", patient=patient
    ).exists()


def test_it_refuses_a_lot_that_was_not_used_in_the_session(
    login, alice, patient, make_session, make_lot
):
    # given two sessions of the patient, each with its own lot
    used, other = make_lot("A1"), make_lot("B2")
    session = make_session(patient, SESSION_DAY, used)
    make_session(patient, SESSION_DAY - dt.timedelta(days=30), other)
    # when the event names the session but the other session's lot
    response = login(alice).post(url(patient), form(session=session.pk, lot=other.pk))
    # then the lot field says why, and nothing is stored
    assert "Lot: lot B2 was not used in the session of 2025-03-01." in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_it_refuses_a_lot_without_its_session(login, alice, patient, make_session, make_lot):
    lot = make_lot("A1")
    make_session(patient, SESSION_DAY, lot)
    response = login(alice).post(url(patient), form(lot=lot.pk))
    assert "Lot: choose the session the lot was used in first." in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_it_offers_no_session_or_lot_of_another_patient(
    login, alice, patient, riverside, make_session, make_lot
):
    # given another Riverside patient's session and lot
    other = Patient.objects.create(clinic=riverside, mrn="RV000002", family_name="Other")
    lot = make_lot("Z9")
    session = make_session(other, SESSION_DAY, lot)
    # when they are posted for this patient
    response = login(alice).post(url(patient), form(session=session.pk, lot=lot.pk))
    # then both are refused as choices
    body = response.content.decode()
    assert "Session: Select a valid choice" in body
    assert "Lot: Select a valid choice" in body
    assert not AdverseEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"resolved_date": "2025-03-01"},
            "Resolved date: must be on or after the onset date (2025-03-02).",
        ),
        (
            {"last_seen_unresolved": "2025-03-01"},
            "Last seen unresolved: must be on or after the onset date (2025-03-02).",
        ),
        (
            {"last_seen_unresolved": "2025-03-09", "resolved_date": "2025-03-09"},
            "Last seen unresolved: must be before the resolved date (2025-03-09)",
        ),
        ({"onset_date": "2999-01-01"}, "Onset date: cannot be in the future."),
        ({"outcome": "recovered"}, "Resolved date: required when the outcome is recovered."),
        ({"resolved_date": "2025-03-09", "outcome": "not_recovered"}, "Outcome: “Not recovered"),
    ],
)
def test_it_names_the_field_of_a_wrong_date_or_outcome(login, alice, patient, fields, message):
    response = login(alice).post(url(patient), form(**fields))
    assert message in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_it_refuses_a_session_after_the_onset(login, alice, patient, make_session):
    session = make_session(patient, ONSET + dt.timedelta(days=3))
    response = login(alice).post(url(patient), form(session=session.pk))
    assert "Session: the session of 2025-03-05 is after the onset date" in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_it_closes_an_event_with_its_outcome_and_audits_the_change(login, alice, event):
    # given an open bruise
    edit = reverse("safety:edit", args=[event.public_id])
    data = form(
        event_type="bruising",
        severity="mild",
        last_seen_unresolved="2025-03-05",
        resolved_date="2025-03-12",
        outcome="recovered",
        version=event.version,
    )
    # when it is closed
    response = login(alice).post(edit, data)
    # then the course is stored and the changed fields are audited (not their values)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.resolved_date, event.outcome, event.duration_days) == (
        dt.date(2025, 3, 12),
        "recovered",
        10,
    )
    audit = AuditEvent.objects.get(action="update", object_id=str(event.public_id))
    assert audit.detail == "causality, last_seen_unresolved, outcome, resolved_date"


def test_it_refuses_an_update_based_on_a_stale_version(login, alice, nina, event):
    edit = reverse("safety:edit", args=[event.public_id])
    data = form(event_type="bruising", severity="mild", version=event.version)
    assert login(alice).post(edit, {**data, "notes": "first"}).status_code == 302
    second = login(nina).post(edit, {**data, "notes": "second"})
    assert "Someone else changed this record" in second.content.decode()
    event.refresh_from_db()
    assert event.notes == "first"


def test_it_shows_the_course_on_the_chart(login, alice, patient, event):
    # given one ongoing event and one resolved after 3 days
    AdverseEvent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        event_type="swelling",
        onset_date=dt.date(2025, 1, 1),
        resolved_date=dt.date(2025, 1, 4),
        severity="moderate",
        serious=True,
    )
    body = login(alice).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert "2025-03-02 → ongoing" in body
    assert "2025-01-01 → 2025-01-04 (3 days)" in body
    assert '<span class="badge bad">Serious</span>' in body
    assert "Record an adverse event" in body


@pytest.mark.parametrize("who", ["bob", "rita", "ada"])
def test_it_refuses_roles_that_may_not_record_clinical_events(login, patient, event, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(url(patient)).status_code == 403
    assert client.post(url(patient), form()).status_code == 403
    assert client.get(reverse("safety:edit", args=[event.public_id])).status_code == 403
    assert client.get(reverse("safety:open")).status_code == 403
    assert AdverseEvent.objects.count() == 1


def test_it_shows_charlie_nothing_of_riverside(login, charlie, patient, event):
    client = login(charlie)
    pages = [
        client.get(url(patient)),
        client.post(url(patient), form()),
        client.get(reverse("safety:edit", args=[event.public_id])),
        client.post(reverse("safety:edit", args=[event.public_id]), form(version=event.version)),
    ]
    for page in pages:
        assert page.status_code == 404
        assert "Lopez" not in page.content.decode()
    open_list = client.get(reverse("safety:open")).content.decode()
    assert "Lopez" not in open_list
    assert "No open adverse events in this clinic." in open_list
    assert AdverseEvent.objects.count() == 1


def test_it_lists_open_events_newest_first_and_audits_the_list(login, nina, patient, event):
    # given an older open event and a resolved one
    AdverseEvent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        event_type="erythema",
        onset_date=dt.date(2025, 1, 1),
        severity="mild",
    )
    AdverseEvent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        event_type="pruritus",
        onset_date=dt.date(2025, 2, 1),
        resolved_date=dt.date(2025, 2, 3),
        severity="mild",
    )
    # when the nurse opens the list
    body = login(nina).get(reverse("safety:open")).content.decode()
    # then the open ones are listed newest onset first, the resolved one not at all
    assert body.index("Bruising") < body.index("Erythema")
    assert "Pruritus" not in body
    assert AuditEvent.objects.filter(action="list", detail="2 open adverse events").exists()
