"""Signing a session schedules its check-ins; imported history and drafts get none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mesoclinic.aftercare.models import CheckIn
from mesoclinic.aftercare.services import schedule_follow_up
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


def test_it_schedules_the_four_contacts_when_a_session_is_signed(patient, make_signed_session):
    # given a session signed just now
    session = make_signed_session(patient)
    # when the signing hook runs
    created = schedule_follow_up(session)
    # then the 48–72 h, 2 w, 4–6 w and 12 w check-ins exist with their windows
    rows = list(CheckIn.objects.filter(session=session).order_by("window_start"))
    assert [c.kind for c in rows] == ["acute", "week2", "week4_6", "week12"]
    assert len(created) == 4
    acute = rows[0]
    assert acute.window_start == session.performed_at + dt.timedelta(hours=48)
    assert acute.window_end == session.performed_at + dt.timedelta(hours=72)
    assert all(c.status == "scheduled" and c.patient == patient for c in rows)
    assert all(c.clinic_id == session.clinic_id for c in rows)


def test_it_is_idempotent(patient, make_signed_session):
    # given a session whose check-ins were scheduled
    session = make_signed_session(patient)
    schedule_follow_up(session)
    # when the hook runs again
    again = schedule_follow_up(session)
    # then nothing new is created
    assert again == []
    assert CheckIn.objects.filter(session=session).count() == 4


def test_it_schedules_nothing_for_imported_history(patient, make_signed_session):
    # given a session imported from a registry bundle
    session = make_signed_session(patient, imported=True)
    # then it gets no check-ins
    assert schedule_follow_up(session) == []
    assert not CheckIn.objects.exists()


def test_it_schedules_nothing_for_a_draft(patient, riverside, alice):
    draft = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now(),
        indication="localized_fat",
        created_by=alice.user,
    )
    assert schedule_follow_up(draft) == []


def test_it_skips_contacts_whose_window_closed_before_signing(patient, make_signed_session):
    # given a session performed 20 days ago and only signed now
    session = make_signed_session(patient, timezone.now() - dt.timedelta(days=20))
    # when it is scheduled
    schedule_follow_up(session)
    # then the 48–72 h contact is not created; the 2-week one is still open
    assert sorted(CheckIn.objects.values_list("kind", flat=True)) == [
        "week12",
        "week2",
        "week4_6",
    ]


def test_it_adds_the_outcome_scales_after_the_last_session_of_a_course(
    patient, riverside, alice, make_signed_session
):
    # given a two-session course whose second session is signed
    plan = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="localized_fat",
        planned_sessions=2,
        interval_days=28,
    )
    first = make_signed_session(patient, timezone.now() - dt.timedelta(days=28), plan=plan)
    second = make_signed_session(patient, plan=plan)
    # when both are scheduled
    schedule_follow_up(first)
    schedule_follow_up(second)
    # then only the last session's 12-week check-in asks the outcome scales
    asking = CheckIn.objects.filter(asks_outcomes=True)
    assert [(c.session_id, c.kind) for c in asking] == [(second.pk, "week12")]


def test_it_follows_a_protocol_configured_for_the_indication(
    settings, patient, make_signed_session
):
    # given a practice that contacts submental patients at 1 and 7 days only
    settings.AFTERCARE_PROTOCOLS = {
        "submental_fat": {
            "contacts": [["day1", "1 day", 24, 48], ["day7", "1 week", 168, 336]],
            "outcome_after_last_hours": None,
        }
    }
    session = make_signed_session(
        patient, indication="submental_fat", sites=(("submental", "midline"),)
    )
    # when it is scheduled
    schedule_follow_up(session)
    # then the protocol's contacts are used
    assert list(CheckIn.objects.order_by("window_start").values_list("kind", flat=True)) == [
        "day1",
        "day7",
    ]
