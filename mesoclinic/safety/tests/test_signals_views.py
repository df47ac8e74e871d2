"""The safety-signals dashboard, its quarantine action, the Today count and the
``safety-signals`` command, on the database."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


def person(clinic: Clinic, mrn: str, given: str) -> Patient:
    return Patient.objects.create(clinic=clinic, mrn=mrn, given_name=given, family_name="Case")


def lesion(
    patient: Patient,
    session: TreatmentSession | None,
    lot: Lot | None,
    onset: dt.date,
    kind: str = "nodule",
) -> AdverseEvent:
    return AdverseEvent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        session=session,
        lot=lot,
        event_type=kind,
        onset_date=onset,
        severity="moderate",
    )


@pytest.fixture
def cluster(riverside, make_lot, make_session):
    """Three late lesions on lot CL-1 (sessions 40, 35 and 30 days ago), a fourth patient
    given the lot without a lesion, and the background: 40 sessions of another lot of the
    same product over the same weeks, without a lesion."""
    today = timezone.localdate()
    lot = make_lot("CL-1")
    background = make_lot("CL-0")
    for n in range(40):
        patient = person(riverside, f"RV0005{n:02d}", "Back")
        make_session(patient, today - dt.timedelta(days=30 + n % 10), background)
    first, second, third, fourth = (
        person(riverside, "RV000101", "Fiona"),
        person(riverside, "RV000102", "Greta"),
        person(riverside, "RV000103", "Hana"),
        person(riverside, "RV000104", "Ivy"),
    )
    lesion(fourth, make_session(fourth, today - dt.timedelta(days=30), lot), lot, today)
    lesion(first, make_session(first, today - dt.timedelta(days=40), lot), lot, today)
    lesion(
        second,
        make_session(second, today - dt.timedelta(days=35), lot),
        lot,
        today - dt.timedelta(days=2),
        "infection",
    )
    make_session(third, today - dt.timedelta(days=20), lot)
    return lot


def test_it_shows_the_cluster_with_cases_exposed_patients_and_steps(login, alice, cluster):
    # when the practitioner opens the dashboard
    response = login(alice).get(reverse("safety:signals"))
    page = response.content.decode()
    # then the lot signal lists both cases, the exposed patient, the steps and a quarantine button
    lot_views = [v for v in response.context["signals"] if v.signal.kind == "lot"]
    assert len(lot_views) == 1
    assert sorted(lot_views[0].signal.case_patients) == ["RV000101", "RV000102", "RV000104"]
    assert list(lot_views[0].signal.exposed) == ["RV000103"]
    assert "Fiona Case" in page
    assert "Hana Case" in page
    assert "mycobacterial culture" in page
    assert "Quarantine this lot" in page
    assert AuditEvent.objects.filter(action="list", detail__startswith="safety signals").exists()
    # and its attack rate against the background, the method, and its epidemic curve
    assert "3 of 4 sessions" in page
    assert "Holm" in page
    assert 'class="plot epicurve"' in page
    # and the practitioner who gave every session is an alert to review, not a signal
    assert [v.signal.kind for v in response.context["signals"]] == ["lot"]
    assert "practitioner" in {v.signal.kind for v in response.context["alerts"]}


def test_it_does_not_signal_early_bruising(login, alice, riverside, make_lot, make_session):
    # given two patients bruised the day after the same lot
    today = timezone.localdate()
    lot = make_lot("BR-1")
    for mrn in ("RV000201", "RV000202"):
        patient = person(riverside, mrn, "Bea")
        session = make_session(patient, today - dt.timedelta(days=1), lot)
        lesion(patient, session, lot, today, "bruising")
    # when
    response = login(alice).get(reverse("safety:signals"))
    # then
    assert response.context["signals"] == []
    assert "No signals" in response.content.decode()


def test_it_quarantines_the_lot_in_one_click_and_audits_it(login, alice, cluster):
    # when the practitioner presses "Quarantine this lot"
    response = login(alice).post(
        reverse("safety:quarantine_lot", args=[cluster.public_id]), {"version": cluster.version}
    )
    # then the lot is held with a reason, and the change is audited
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.status == LotStatus.QUARANTINED
    assert "Safety signal" in cluster.status_reason
    assert AuditEvent.objects.filter(
        object_id=str(cluster.public_id), detail="quarantined from a safety signal"
    ).exists()


def test_it_lets_only_practitioners_quarantine_from_a_signal(login, nina, charlie, cluster):
    # when a nurse, and charlie of another clinic, try to quarantine the lot
    nurse = login(nina).post(reverse("safety:quarantine_lot", args=[cluster.public_id]))
    other = login(charlie).post(reverse("safety:quarantine_lot", args=[cluster.public_id]))
    # then refused and not found; the lot stays available
    assert nurse.status_code == 403
    assert other.status_code == 404
    cluster.refresh_from_db()
    assert cluster.status == LotStatus.AVAILABLE


@pytest.mark.parametrize("persona", ["bob", "rita"])
def test_it_refuses_the_dashboard_to_roles_without_clinical_and_identity_access(
    request, login, cluster, persona
):
    # given reception, the admin or a researcher
    client = login(request.getfixturevalue(persona))
    # then the dashboard is refused
    assert client.get(reverse("safety:signals")).status_code == 403


def test_it_shows_charlie_nothing_of_riverside(login, charlie, cluster):
    # when charlie opens the dashboard and Today
    client = login(charlie)
    response = client.get(reverse("safety:signals"))
    today = client.get(reverse("today")).content.decode()
    # then no signal, no patient
    assert response.context["signals"] == []
    for secret in ("Fiona", "RV000101", "CL-1"):
        assert secret not in response.content.decode()
    assert "safety signal" not in today


def test_it_counts_active_signals_on_today(login, alice, cluster):
    # when the practitioner opens Today
    page = login(alice).get(reverse("today")).content.decode()
    # then the count links to the dashboard (one lot and one practitioner signal)
    assert "2</span> safety alerts to review" in page
    assert reverse("safety:signals") in page


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("safety_signals", *args, stdout=out)
    return out.getvalue()


def test_it_prints_signals_as_json_with_mrns_only(cluster):
    # when
    output = run("--clinic", "riverside", "--json")
    data = json.loads(output)
    # then the lot signal, keyed by lot number, with cases, exposure count and steps
    assert [(s["kind"], s["key"]) for s in data["signals"]] == [("lot", "CL-1")]
    lot = data["signals"][0]
    assert sorted(c["patient_id"] for c in lot["cases"]) == ["RV000101", "RV000102", "RV000104"]
    assert lot["exposed_patients"] == 1
    assert any(step["step"] == "biopsy" for step in lot["steps"])
    # with its attack-rate figures: 3 of 4 sessions against none of the 40 others
    rates = lot["attack_rate"]
    assert (rates["exposed_cases"], rates["exposed_sessions"]) == (3, 4)
    assert (rates["unexposed_cases"], rates["unexposed_sessions"]) == (0, 40)
    assert rates["p_holm"] < 0.05
    assert data["analysis"]["multiple_testing"] == "holm"
    # and the practitioner, who gave every session, is an alert to review, not a signal
    practitioner = next(s for s in data["alerts"] if s["kind"] == "practitioner")
    assert practitioner["key"] == "alice"
    # and no patient names anywhere
    for name in ("Fiona", "Greta", "Hana", "Case"):
        assert name not in output


def test_it_never_lists_another_clinics_patients(cluster, hilltop):
    # when the command runs for Hilltop
    data = json.loads(run("--clinic", "hilltop", "--json"))
    # then nothing of Riverside
    assert data["signals"] == []
    assert data["alerts"] == []


@pytest.mark.parametrize(
    ("args", "option"),
    [(("--clinic", "nowhere"), "--clinic"), (("--clinic", "riverside", "--as-of", "x"), "--as-of")],
)
def test_it_exits_2_on_bad_input(riverside, args, option):
    # when the input is invalid
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("safety_signals", *args, stdout=out)
    # then exit 2, naming the option, nothing printed
    assert raised.value.returncode == 2
    assert str(raised.value).startswith(option)
    assert out.getvalue() == ""


def test_it_attributes_an_event_without_a_session_from_the_database(
    login, alice, riverside, make_lot, make_session
):
    # given two late nodules after lot UN-1, one recorded without its session or lot
    today = timezone.localdate()
    lot = make_lot("UN-1")
    linked, unlinked = person(riverside, "RV000301", "Lina"), person(riverside, "RV000302", "Uma")
    lesion(linked, make_session(linked, today - dt.timedelta(days=30), lot), lot, today)
    make_session(unlinked, today - dt.timedelta(days=31), lot)
    lesion(unlinked, None, None, today)
    # when
    data = json.loads(run("--clinic", "riverside", "--json"))
    # then both are cases of the lot's alert (two sessions, no background: no signal)
    lot_signal = next(s for s in data["alerts"] if s["kind"] == "lot")
    assert sorted(c["patient_id"] for c in lot_signal["cases"]) == ["RV000301", "RV000302"]


def test_it_shows_the_admin_the_signals_with_mrns_only(login, ada, cluster):
    # when the clinic admin, who manages lots and quarantine, opens the dashboard
    response = login(ada).get(reverse("safety:signals"))
    page = response.content.decode()
    # then she sees the lot signal, its cases and exposed patients by MRN, and the steps
    assert response.status_code == 200
    assert "Lot: " in page
    assert "CL-1" in page
    for mrn in ("RV000101", "RV000102", "RV000103"):
        assert mrn in page
    assert "mycobacterial culture" in page
    # and no name, phone or chart link, as the safety-signals command prints them
    main = page.split('<main id="main"', 1)[1]
    for identity in ("Fiona", "Greta", "Hana", "/patients/"):
        assert identity not in main
    assert "Patients are shown by MRN only" in page
    # and she may quarantine the lot and open its recall search
    assert "Quarantine this lot" in page
    assert f"{reverse('recall:search')}?lot=CL-1" in page
    # and the visit is audited with counts
    assert AuditEvent.objects.filter(
        action="list", username="ada", detail__startswith="safety signals"
    ).exists()


def test_it_lets_the_admin_quarantine_a_signals_lot(login, ada, cluster):
    # when the admin presses "Quarantine this lot"
    response = login(ada).post(
        reverse("safety:quarantine_lot", args=[cluster.public_id]), {"version": cluster.version}
    )
    # then the lot is held and the change audited
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.status == LotStatus.QUARANTINED
    assert AuditEvent.objects.filter(username="ada", detail="quarantined from a safety signal")


def test_it_shows_the_admin_the_signal_count_and_link_on_today(login, ada, cluster):
    # when the admin opens Today
    page = login(ada).get(reverse("today")).content.decode()
    # then the active signals are counted with a link to the dashboard, in her navigation too
    assert "2</span> safety alerts to review" in page
    assert f'href="{reverse("safety:signals")}"' in page
