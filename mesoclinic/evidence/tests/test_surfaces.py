"""The evidence-report command and pages: JSON shape, exit codes, clinic scoping, roles."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.tests.pdf_reading import page_texts
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import SessionArea, TreatmentSession

pytestmark = pytest.mark.django_db

SPEC_KEYS = {
    "indication", "area", "outcome", "patients", "courses", "measurements", "naive_change",
    "per_session_effect", "weight_effect_per_kg", "control_difference_per_session",
    "responders", "adverse_events", "limitations",
}  # fmt: skip


def _course(clinic: Clinic, user: User, mrn: str, start: dt.date = dt.date(2025, 1, 6)) -> Patient:
    """A patient with four monthly cellulite sessions and a baseline thigh girth and weight."""
    patient = Patient.objects.create(clinic=clinic, mrn=mrn, given_name="Zelda", family_name=f"Quarrington{mrn}", birth_date=dt.date(1980, 5, 17), sex="f", created_by=user)  # fmt: skip
    for k in range(4):
        day = start + dt.timedelta(days=28 * k)
        session = TreatmentSession.objects.create(clinic=clinic, patient=patient, performed_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC), indication="cellulite", protocol="Series A", practitioner=user, created_by=user)  # fmt: skip
        SessionArea.objects.create(session=session, area="thigh_outer", side="left")
        for kind, value, extra in (("weight_kg", "70", {}), ("circumference_cm", str(60 - k), {"area": "thigh_outer", "side": "left"})):  # fmt: skip
            Measurement.objects.create(clinic=clinic, patient=patient, measured_on=day, kind=kind, value=Decimal(value), created_by=user, **extra)  # fmt: skip
    return patient


def _run(*args: str) -> Any:
    out = StringIO()
    call_command("evidence_report", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_spec_json_for_a_clinic(alice):
    # given one Riverside course
    _course(alice.clinic, alice.user, "RV1")
    # when the report is asked for as JSON
    report = _run("--indication", "cellulite", "--outcome", "circumference_cm", "--clinic", "riverside", "--json")  # fmt: skip
    # then every key of the spec is there, figures from too few data are null with reasons
    assert set(report) >= SPEC_KEYS
    assert report["courses"] == 1
    assert report["naive_change"] is None
    assert any("naive change not computed" in t for t in report["limitations"])
    assert "RV1" not in json.dumps(report)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--indication", "tattoo"], "--indication"),
        (["--indication", "cellulite", "--area", "elbow"], "--area"),
        (["--indication", "cellulite", "--outcome", "weight_kg"], "--outcome"),
        (["--indication", "cellulite", "--protocol", "nope"], "--protocol"),
        (["--indication", "cellulite", "--clinic", "nowhere"], "--clinic"),
    ],
)
def test_it_exits_2_with_a_clear_error_on_bad_input(alice, args, message):
    # given a single clinic, when a bad code is given
    with pytest.raises(CommandError, match=message) as caught:
        _run(*args, *([] if "--clinic" in args else ["--clinic", "riverside"]), "--json")
    # then the exit status is 2
    assert caught.value.returncode == 2


def test_it_refuses_to_pool_clinics_without_a_clinic_or_bundle(alice, charlie):
    # given two clinics, when no source is named, then it refuses rather than pool them
    with pytest.raises(CommandError, match="--clinic: required") as caught:
        _run("--indication", "cellulite", "--json")
    assert caught.value.returncode == 2


def test_it_never_includes_another_clinics_data(alice, charlie):
    # given one Riverside course and two Hilltop courses
    _course(alice.clinic, alice.user, "RV1")
    _course(charlie.clinic, charlie.user, "HT1")
    _course(charlie.clinic, charlie.user, "HT2")
    # when each clinic's report is run
    riverside = _run("--indication", "cellulite", "--outcome", "circumference_cm", "--clinic", "riverside", "--json")  # fmt: skip
    hilltop = _run("--indication", "cellulite", "--outcome", "circumference_cm", "--clinic", "hilltop", "--json")  # fmt: skip
    # then each counts only its own patients
    assert riverside["flow"]["patients"] == 1
    assert riverside["measurements"] == 4
    assert hilltop["flow"]["patients"] == 2
    assert hilltop["measurements"] == 8


def test_it_shows_a_researcher_the_report_without_identities(login, rita):
    # given a Riverside course of a named patient
    patient = _course(rita.clinic, rita.user, "RV77")
    # when rita opens the page, the printable report and the PDF
    client = login(rita)
    pages = [client.get(reverse(name, args=["cellulite"]) + "?outcome=circumference_cm") for name in ("evidence:indication", "evidence:print", "evidence:pdf")]  # fmt: skip
    # then all are shown, with counts and no name, MRN or date of birth
    for page in pages:
        assert page.status_code == 200
        body = page.content.decode("latin-1")
        for secret in ("RV77", patient.family_name, "Zelda", "1980-05-17", str(patient.public_id)):
            assert secret not in body
    assert "1 courses with a baseline" in pages[0].content.decode()
    # and the views are audited with counts only
    details = list(AuditEvent.objects.filter(detail__startswith="evidence").values_list("detail", flat=True))  # fmt: skip
    assert len(details) == 3
    assert all("RV77" not in d for d in details)


def test_it_renders_an_empty_state_with_the_reasons(login, alice):
    # given no records at all, when the page opens
    page = login(alice).get(reverse("evidence:indication", args=["submental_fat"]))
    # then it says there are too few data and why
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="empty-state"' in body
    assert "no sessions recorded for this indication (Submental fat)" in body


def test_it_shows_charlie_nothing_of_riverside(login, alice, charlie):
    # given a Riverside course, when charlie opens Hilltop's evidence page
    _course(alice.clinic, alice.user, "RV1")
    body = login(charlie).get(reverse("evidence:indication", args=["cellulite"]) + "?outcome=circumference_cm").content.decode()  # fmt: skip
    # then none of Riverside's data is counted
    assert "0 patients" in body
    assert 'id="empty-state"' in body


@pytest.mark.parametrize("who", ["bob", "nina"])
def test_it_refuses_roles_without_the_evidence_permission(login, who, request):
    member = request.getfixturevalue(who)
    assert login(member).get(reverse("evidence:indication", args=["cellulite"])).status_code == 403


def test_it_gives_404_for_an_unknown_indication(login, alice):
    assert login(alice).get(reverse("evidence:indication", args=["tattoo"])).status_code == 404


def _gais_course(clinic: Clinic, user: User, mrn: str, improved: bool) -> None:
    """Two face sessions 4 weeks apart; GAIS by clinician and patient 4 weeks after the last."""
    patient = Patient.objects.create(clinic=clinic, mrn=mrn, given_name="Wilhelmina", family_name=f"Ostrowska{mrn}", birth_date=dt.date(1975, 3, 2), sex="f", created_by=user)  # fmt: skip
    start = dt.date(2025, 2, 3)
    for k in range(2):
        day = start + dt.timedelta(days=28 * k)
        session = TreatmentSession.objects.create(clinic=clinic, patient=patient, performed_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC), indication="skin_rejuvenation", protocol="HA + vitamins", practitioner=user, created_by=user)  # fmt: skip
        SessionArea.objects.create(session=session, area="face", side="bilateral")
    for rater in ("clinician", "patient"):
        Measurement.objects.create(clinic=clinic, patient=patient, measured_on=start + dt.timedelta(days=56), kind="gais", value=Decimal(2 if improved else 4), area="face", side="bilateral", rater=rater, scale_version="GAIS 1-5", created_by=user)  # fmt: skip


def test_it_renders_the_gais_page_with_the_rated_improved_sentence(login, alice, rita, charlie):
    # given 12 Riverside skin courses rated by clinician and patient, 9 of them improved
    for i in range(12):
        _gais_course(alice.clinic, alice.user, f"SK{i}", improved=i < 9)
    # when the researcher opens the skin-rejuvenation page (GAIS is its primary outcome)
    page = login(rita).get(reverse("evidence:indication", args=["skin_rejuvenation"]))
    body = page.content.decode()
    # then it says the share rated improved or better by each rater, without a placebo rate
    assert page.status_code == 200
    assert "75% (95% CI" in body
    assert "were rated improved or better by the clinician (9 of 12 courses" in body
    assert "were rated improved or better by the patients themselves (9 of 12 courses" in body
    assert "No placebo comparison is possible" in body
    # and the change plots that cannot apply say why, the responder plot is drawn
    assert "there is no baseline value to subtract" in body
    assert 'id="ev-resp-title"' in body
    assert 'id="ev-traj-title"' not in body
    assert "courses with a baseline" not in body
    assert "SK1" not in body
    assert "Ostrowska" not in body
    # and the printable report and the PDF say the same, and name no patient
    printed = login(rita).get(reverse("evidence:print", args=["skin_rejuvenation"]))
    printed_body = printed.content.decode()
    assert printed.status_code == 200
    assert "were rated improved or better by the clinician (9 of 12 courses" in printed_body
    assert "Ostrowska" not in printed_body
    pdf = login(rita).get(reverse("evidence:pdf", args=["skin_rejuvenation"]))
    pdf_text = " ".join(" ".join(page_texts(pdf.content)).split())
    assert pdf.status_code == 200
    assert "rated improved or better by the clinician (9 of 12 courses" in pdf_text
    assert "Ostrowska" not in pdf_text
    assert "SK1" not in pdf_text
    # and charlie at Hilltop sees none of it
    other = login(charlie).get(reverse("evidence:indication", args=["skin_rejuvenation"])).content.decode()  # fmt: skip
    assert "rated improved or better by the clinician" not in other
    assert "Ostrowska" not in other
