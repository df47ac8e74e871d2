"""The demo practice at a reduced size: what it contains, that it obeys the clinical and
clinic-scoping rules the app enforces, and that loading it is idempotent."""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.aftercare.models import CheckIn
from mesoclinic.clinical_codes import MEASUREMENT_KINDS
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.catalogue import DEMO_PASSWORD, PROTOCOLS
from mesoclinic.demo.services import (
    DemoError,
    LoadResult,
    _clinic_models,
    is_loaded,
    load_demo,
)
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.registry.pseudonym_key import load_key
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, TreatmentSession
from tests.second_step import sign_in

PATIENTS, HILLTOP_PATIENTS = 20, 5


def load_small(*, reset: bool = False) -> LoadResult:
    return load_demo(patients=PATIENTS, hilltop_patients=HILLTOP_PATIENTS, reset=reset)


@pytest.fixture
def demo(db: Any) -> LoadResult:
    return load_small()


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in _clinic_models()}


def test_it_creates_both_clinics_with_every_role_and_indication(demo: LoadResult) -> None:
    # given the demo loaded at reduced size
    riverside = Clinic.objects.get(slug="riverside")
    hilltop = Clinic.objects.get(slug="hilltop")
    # when we look at its staff and courses
    roles = set(Membership.objects.filter(clinic=riverside).values_list("role", flat=True))
    professions = set(
        Membership.objects.filter(clinic=riverside, role=Role.PRACTITIONER).values_list(
            "profile__profession", flat=True
        )
    )
    indications = set(
        TreatmentPlan.objects.for_clinic(riverside).values_list("indication", flat=True)
    )
    # then every role, three professions and every demo indication are there
    assert roles == set(Role.values)
    assert len(professions) == 3
    assert indications == set(PROTOCOLS)
    assert (riverside.time_zone, riverside.currency) == ("Europe/London", "GBP")
    assert Patient.objects.for_clinic(riverside).count() == PATIENTS
    assert Patient.objects.for_clinic(hilltop).count() == HILLTOP_PATIENTS
    assert Membership.objects.filter(clinic=hilltop, user__username="charlie").exists()
    assert User.objects.get(username="alice").check_password(DEMO_PASSWORD)


def test_it_records_sessions_with_injections_lots_measurements_and_adverse_events(
    demo: LoadResult,
) -> None:
    # given the demo
    riverside = Clinic.objects.get(slug="riverside")
    sessions = TreatmentSession.objects.for_clinic(riverside)
    # when we count what hangs off the sessions
    kinds = set(Measurement.objects.for_clinic(riverside).values_list("kind", flat=True))
    roles = set(Measurement.objects.for_clinic(riverside).values_list("site_role", flat=True))
    without_weight = sessions.exclude(measurements__kind="weight_kg")
    # then sessions have injections on lots, every expected kind is measured (with a
    # control site), every visit has a weight, adverse events are recorded and recent
    # signed sessions have their aftercare follow-ups
    assert sessions.count() > 0
    assert Injection.objects.filter(clinic=riverside).filter(lot__isnull=True).count() == 0
    assert not sessions.filter(injections__isnull=True).exists()
    assert kinds == set(MEASUREMENT_KINDS) - {"fat_thickness_mm"}
    assert "control" in roles
    assert not without_weight.exists()
    assert AdverseEvent.objects.for_clinic(riverside).count() > 0
    assert AdverseEvent.objects.for_clinic(riverside).filter(lot__isnull=False).exists()
    assert CheckIn.objects.filter(clinic=riverside, session__signed_at__isnull=False).exists()


def test_it_never_injects_a_lot_after_expiry_while_recalled_or_quarantined(
    demo: LoadResult,
) -> None:
    # given the demo's lots, including the special ones
    statuses = set(Lot.objects.values_list("status", flat=True))
    recalled = Lot.objects.get(status=LotStatus.RECALLED)
    found = re.search(r"\d{4}-\d{2}-\d{2}", recalled.status_reason)
    assert found is not None
    recall_day = dt.date.fromisoformat(found[0])
    # when we compare every injection with its lot
    late = []
    for shot in Injection.objects.select_related("lot", "session"):
        lot, day = shot.lot, shot.session.performed_at.date()
        assert lot is not None
        assert lot.expiry_date is not None
        assert lot.received_on is not None
        if not lot.received_on <= day <= lot.expiry_date:
            late.append(shot)
    after_recall = Injection.objects.filter(
        lot=recalled, session__performed_at__date__gte=recall_day
    )
    # then none is out of date, after the recall or from quarantine
    assert {LotStatus.RECALLED, LotStatus.QUARANTINED, LotStatus.USED_UP} <= statuses
    assert Lot.objects.filter(
        status=LotStatus.AVAILABLE, expiry_date__lt=timezone.localdate()
    ).exists()
    assert late == []
    assert Injection.objects.filter(lot=recalled).exists()
    assert not after_recall.exists()
    assert not Injection.objects.filter(lot__status=LotStatus.QUARANTINED).exists()


def test_it_keeps_every_row_and_link_inside_its_own_clinic(demo: LoadResult) -> None:
    # given every clinic-owned model
    crossings = []
    for model in _clinic_models():
        for field in model._meta.concrete_fields:
            target = field.related_model
            if not isinstance(field, models.ForeignKey) or not isinstance(target, type):
                continue
            if target is Clinic:
                continue
            if any(f.name == "clinic" for f in target._meta.concrete_fields):
                # when a row points at another clinic's row
                bad = model._default_manager.exclude(**{field.name: None}).exclude(
                    **{f"{field.name}__clinic": models.F("clinic")}
                )
                crossings += [(model.__name__, field.name)] * bad.count()
            elif target is User:
                bad = (
                    model._default_manager.exclude(clinic=None)
                    .exclude(**{field.name: None})
                    .exclude(**{f"{field.name}__memberships__clinic": models.F("clinic")})
                )
                crossings += [(model.__name__, field.name)] * bad.count()
    # then there is none: no Riverside record touches Hilltop's patients, lots or staff
    assert crossings == []


def test_it_signs_only_by_practitioners_and_leaves_today_as_drafts(demo: LoadResult) -> None:
    # given the demo
    riverside = Clinic.objects.get(slug="riverside")
    practitioners = User.objects.filter(
        memberships__clinic=riverside, memberships__role=Role.PRACTITIONER
    )
    tz = zoneinfo.ZoneInfo(riverside.time_zone)
    today = timezone.localdate(timezone=tz)
    sessions = TreatmentSession.objects.for_clinic(riverside)
    # when we look at the signatures
    signed = sessions.filter(signed_at__isnull=False)
    # then every signature is a practitioner's, after the session, and today has drafts
    assert signed.exists()
    assert not signed.exclude(signed_by__in=practitioners).exists()
    assert all(s.signed_at is not None and s.signed_at > s.performed_at for s in signed)
    todays = [s for s in sessions if s.performed_at.astimezone(tz).date() == today]
    assert todays
    assert all(s.signed_at is None for s in todays)


def test_it_places_a_late_nodule_cluster_on_one_lot(demo: LoadResult) -> None:
    # given the demo's nodules attributed to a lot
    nodules = AdverseEvent.objects.filter(
        event_type="nodule", causality="possible", lot__isnull=False
    ).select_related("session")
    # when we group the late ones (4-8 weeks after the session) by lot
    late = [
        n
        for n in nodules
        if n.session is not None and 28 <= (n.onset_date - n.session.performed_at.date()).days <= 56
    ]
    lots = {n.lot_id for n in late}
    # then at least two late nodules share one lot and are still open
    assert len(late) >= 2
    assert len(lots) == 1
    assert all(n.resolved_date is None for n in late)


def test_it_does_nothing_on_a_second_run(demo: LoadResult) -> None:
    # given the demo loaded once
    before = _counts()
    # when it is loaded again
    again = load_small()
    # then nothing was added
    assert demo.created
    assert not again.created
    assert _counts() == before


def test_it_rebuilds_the_same_practice_on_reset(demo: LoadResult) -> None:
    # given the demo loaded once
    before = _counts()
    names = sorted(Patient.objects.values_list("given_name", "family_name"))
    # when it is rebuilt
    result = load_small(reset=True)
    # then the same practice is there once, not twice
    assert result.created
    assert is_loaded()
    assert _counts() == before
    assert sorted(Patient.objects.values_list("given_name", "family_name")) == names
    assert Clinic.objects.filter(slug="riverside").count() == 1


def test_it_refuses_to_load_over_existing_demo_usernames(db: Any) -> None:
    # given a user named like a demo login, without the demo
    User.objects.create_user("alice", password="x")
    # when / then loading refuses and names the user, writing nothing
    with pytest.raises(DemoError, match="alice"):
        load_small()
    assert not Clinic.objects.exists()


def test_it_prints_the_logins_from_the_command(db: Any, settings: Any, tmp_path: Path) -> None:
    # given an empty database
    settings.VAR_DIR = tmp_path
    out, err = io.StringIO(), io.StringIO()
    # when the command runs without serving
    call_command(
        "demo", "--no-serve", "--patients", "12", "--hilltop-patients", "2", stdout=out, stderr=err
    )
    # then it printed every login with password, role and clinic, and its progress
    text = out.getvalue()
    assert re.search(rf"alice\s+{DEMO_PASSWORD}\s+Practitioner\s+Riverside Aesthetics", text)
    assert re.search(rf"charlie\s+{DEMO_PASSWORD}\s+Practitioner\s+Hilltop Skin Clinic", text)
    assert re.search(r"nina\s+\S+\s+Nurse", text)
    assert "sessions" in err.getvalue()
    # and it says honestly that the demo asks for no second step, and how to turn it on
    assert "do not require a second sign-in step" in text
    assert "Second sign-in step" in text
    # and it made its own pseudonym key, owner-only, that a de-identified export accepts
    key = tmp_path / "demo-pseudonym.key"
    assert f"MESOCLINIC_PSEUDONYM_KEY_FILE={key} " in text
    assert key.stat().st_mode & 0o077 == 0
    assert len(load_key({"MESOCLINIC_PSEUDONYM_KEY_FILE": str(key)})) == 32


def test_it_lets_a_newcomer_in_with_the_printed_password(demo: LoadResult) -> None:
    # given the demo, whose clinics switch the second step off
    client = Client()
    # when alice, a practitioner, signs in with the printed password alone
    client.post(reverse("login"), {"username": "alice", "password": DEMO_PASSWORD})
    # then Today opens, with no second step asked for
    assert client.get(reverse("today")).status_code == 200


def test_it_does_not_show_riverside_patients_to_charlie(demo: LoadResult, client: Any) -> None:
    # given charlie of Hilltop signed in, and a Riverside patient
    sign_in(client, User.objects.get(username="charlie"))
    patient = Patient.objects.for_clinic(Clinic.objects.get(slug="riverside")).first()
    assert patient is not None
    # when charlie opens the chart and the patient list
    chart = client.get(reverse("patient_chart", args=[patient.public_id]))
    listing = client.get(reverse("patients:list"))
    # then the chart is a 404 and the list does not name the patient
    assert chart.status_code == 404
    assert patient.family_name not in listing.content.decode()


def test_it_leaves_the_audit_chains_intact_on_reset(demo: LoadResult) -> None:
    # given a demo user's sign-in between two failed sign-ins of others (the no-clinic chain)
    from mesoclinic.audit.choices import Action
    from mesoclinic.audit.models import AuditEvent
    from mesoclinic.audit.services import record

    record(None, Action.LOGIN_FAILED, clinic=None, detail="before")
    record(None, Action.LOGIN, clinic=None, user=User.objects.get(username="alice"))
    record(None, Action.LOGIN_FAILED, clinic=None, detail="after")
    # when the demo is rebuilt (its users' sign-ins leave the chain)
    load_small(reset=True)
    # then every chain verifies, and the re-seal is on record
    call_command("verify_audit", stdout=io.StringIO())
    assert AuditEvent.objects.filter(clinic=None, object_type="audit chain").exists()
    assert not AuditEvent.objects.filter(clinic=None, username="alice").exists()


def test_it_books_no_completed_visit_without_its_session_and_no_overlap(demo: LoadResult) -> None:
    # given the demo's week of appointments
    from mesoclinic.appointments.choices import Status
    from mesoclinic.appointments.models import Appointment

    visits = list(Appointment.objects.select_related("appointment_type", "session"))
    assert visits
    # then every completed or arrived treatment visit is the visit of its own session
    for visit in visits:
        if visit.status in (Status.COMPLETED, Status.ARRIVED):
            assert visit.session is not None, visit
            assert visit.session.patient_id == visit.patient_id
            assert visit.session.signed_at is not None or visit.status == Status.ARRIVED
    # and no practitioner is in two places at once (cancelled visits free their time)
    by_member: dict[int, list[Appointment]] = {}
    for visit in visits:
        if visit.status != Status.CANCELLED:
            by_member.setdefault(visit.practitioner_id, []).append(visit)
    for mine in by_member.values():
        mine.sort(key=lambda v: v.starts_at)
        for earlier, later in zip(mine, mine[1:], strict=False):
            assert earlier.ends_at <= later.starts_at, (earlier, later)
