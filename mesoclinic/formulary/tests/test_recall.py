"""Recall: the page, its call list and ``mesoclinic recall`` list every patient exposed to a
lot between two dates, within the clinic only, with names on the page only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from mesoclinic.treatments.tests.conftest import make_lot, make_product

pytestmark = pytest.mark.django_db


def make_patient(clinic: Clinic, mrn: str, given: str, family: str) -> Patient:
    return Patient.objects.create(
        clinic=clinic, mrn=mrn, given_name=given, family_name=family, phone=f"+44 {mrn}"
    )


def give(
    patient: Patient, lot: Lot, day: dt.date, by: Membership, volume: str = "2", signed: bool = True
) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        performed_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
        indication="localized_fat",
        practitioner=by.user,
        created_by=by.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    Injection.objects.create(
        clinic=patient.clinic,
        session=session,
        area="abdomen",
        side="midline",
        product=lot.product,
        lot=lot,
        volume_ml=Decimal(volume),
    )
    if signed:
        TreatmentSession.objects.filter(pk=session.pk).update(signed_at=timezone.now())
    return session


@pytest.fixture
def exposed(riverside, alice, pcdc, pcdc_lot, lido_lot):
    """Maria (twice) and Jon got PC-001; Ann got lidocaine only."""
    maria = make_patient(riverside, "RV000010", "Maria", "Lopez")
    jon = make_patient(riverside, "RV000011", "Jon", "Smith")
    ann = make_patient(riverside, "RV000012", "Ann", "Other")
    give(maria, pcdc_lot, dt.date(2025, 3, 1), alice)
    give(maria, pcdc_lot, dt.date(2025, 4, 1), alice, volume="3", signed=False)
    give(jon, pcdc_lot, dt.date(2025, 5, 1), alice)
    give(ann, lido_lot, dt.date(2025, 3, 1), alice)
    return {"maria": maria, "jon": jon, "ann": ann}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("recall", *args, stdout=out)
    return out.getvalue()


def test_it_lists_every_exposed_patient_with_sessions_areas_and_volumes(exposed):
    # when the command is run for PC-001
    data = json.loads(run("--clinic", "riverside", "--lot", "PC-001", "--json"))
    # then Maria (2 sessions, one a draft) and Jon, not Ann
    assert data["lot"] == "PC-001"
    by_id = {p["patient_id"]: p for p in data["patients"]}
    assert sorted(by_id) == ["RV000010", "RV000011"]
    maria = by_id["RV000010"]["sessions"]
    assert [s["session_date"] for s in maria] == ["2025-03-01", "2025-04-01"]
    assert [s["signed"] for s in maria] == [True, False]
    assert maria[1]["volume_ml"] == "3.000"
    assert maria[0]["injections"][0]["area"] == "abdomen"
    assert maria[0]["practitioner"] == "alice"


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ((), ["RV000010", "RV000011"]),
        (("--from", "2025-04-01"), ["RV000010", "RV000011"]),
        (("--from", "2025-04-02"), ["RV000011"]),
        (("--to", "2025-03-31"), ["RV000010"]),
        (("--from", "2025-03-02", "--to", "2025-03-31"), []),
        (("--from", "2025-05-01", "--to", "2025-05-01"), ["RV000011"]),
    ],
)
def test_it_filters_by_dates_inclusively(exposed, dates, expected):
    # when the command is run with a date range
    data = json.loads(run("--clinic", "riverside", "--lot", "PC-001", "--json", *dates))
    # then only the sessions in the range count
    assert [p["patient_id"] for p in data["patients"]] == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--clinic", "nowhere", "--lot", "PC-001"), "--clinic"),
        (("--clinic", "riverside", "--lot", "NOPE"), "--lot"),
        (("--clinic", "riverside", "--lot", "PC-001", "--from", "2025-02-30"), "--from"),
        (("--clinic", "riverside", "--lot", "PC-001", "--to", "yesterday"), "--to"),
        (
            (
                "--clinic",
                "riverside",
                "--lot",
                "PC-001",
                "--from",
                "2025-05-01",
                "--to",
                "2025-01-01",
            ),
            "--to",
        ),
    ],
)
def test_it_exits_2_naming_the_bad_option(exposed, args, message):
    # when the command is given something invalid
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("recall", *args, stdout=out)
    # then exit 2, the message names the option, nothing on standard output
    assert raised.value.returncode == 2
    assert str(raised.value).startswith(message)
    assert out.getvalue() == ""


def test_it_never_prints_names_or_contact(exposed):
    # when the command is run, as text and as JSON
    outputs = run("--clinic", "riverside", "--lot", "PC-001") + run(
        "--clinic", "riverside", "--lot", "PC-001", "--json"
    )
    # then MRNs only
    assert "RV000010" in outputs
    for secret in ("Maria", "Lopez", "Jon", "Smith", "+44"):
        assert secret not in outputs


def test_it_includes_every_product_sharing_the_lot_number_and_says_so(exposed, riverside, alice):
    # given another product with a lot also numbered PC-001
    other = make_lot(make_product(riverside, "Other mix", procaine="20"), "PC-001")
    give(exposed["ann"], other, dt.date(2025, 6, 1), alice)
    # when
    data = json.loads(run("--clinic", "riverside", "--lot", "pc-001", "--json"))
    text = run("--clinic", "riverside", "--lot", "PC-001")
    # then all three patients, and the output says the number is shared
    assert len(data["patients"]) == 3
    assert data["shared_lot_number"] is True
    assert "2 products have a lot numbered PC-001" in text


def test_it_never_lists_another_clinics_patients(exposed, hilltop, charlie):
    # given Hilltop has a lot with the same number and a patient given it
    lot = make_lot(make_product(hilltop, "PC/DC"), "PC-001")
    give(make_patient(hilltop, "HT000001", "Hill", "Person"), lot, dt.date(2025, 3, 1), charlie)
    # when each clinic runs the recall
    river = json.loads(run("--clinic", "riverside", "--lot", "PC-001", "--json"))
    hill = json.loads(run("--clinic", "hilltop", "--lot", "PC-001", "--json"))
    # then each sees only its own patients
    assert "HT000001" not in {p["patient_id"] for p in river["patients"]}
    assert [p["patient_id"] for p in hill["patients"]] == ["HT000001"]


def test_it_audits_the_command_with_counts_only(exposed, riverside):
    # when
    run("--clinic", "riverside", "--lot", "PC-001")
    # then one export event, with counts and no MRN
    event = AuditEvent.objects.get(action="export", clinic=riverside)
    assert "2 patients" in event.detail
    assert "RV0000" not in event.detail


def test_it_uses_a_constant_number_of_queries(exposed, riverside, alice):
    # given more sessions on the lot
    lot = Lot.objects.get(lot_number="PC-001")
    for n in range(5):
        give(make_patient(riverside, f"RV00009{n}", "P", str(n)), lot, dt.date(2025, 7, 1), alice)
    # when the recall runs
    with CaptureQueriesContext(connection) as queries:
        run("--clinic", "riverside", "--lot", "PC-001", "--json")
    # then: clinic, lot, the injection rows, the audit event: no query per row
    # (the audit event is one transaction of five: BEGIN, lock its chain's head, insert,
    # move the head, COMMIT)
    assert len(queries) <= 9


def test_it_shows_names_and_contact_on_the_page(login, alice, exposed):
    # when the practitioner searches
    response = login(alice).get(reverse("recall:search"), {"lot": "PC-001"})
    page = response.content.decode()
    # then names, phones and MRNs are listed, and the search is audited with counts only
    assert "Maria Lopez" in page
    assert "+44 RV000010" in page
    assert "Ann Other" not in page
    event = AuditEvent.objects.get(action="list", detail__startswith="recall search")
    assert "2 patients" in event.detail


def test_it_exports_an_audited_call_list(login, ada, exposed):
    # when the admin downloads the call list
    response = login(ada).get(reverse("recall:call_list"), {"lot": "PC-001"})
    # then one row per patient with identities only (the admin sees no contact details), and
    # an export audit with counts only
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert "phone" not in rows[0]
    assert "email" not in rows[0]
    assert [(r["mrn"], r["name"], r["sessions"]) for r in rows] == [
        ("RV000010", "Maria Lopez", "2"),
        ("RV000011", "Jon Smith", "1"),
    ]
    event = AuditEvent.objects.get(action="export")
    assert event.detail.startswith("recall call list")
    assert "Maria" not in event.detail
    assert "RV000010" not in event.detail


def test_it_gives_the_clinical_staff_who_call_the_phone_numbers(login, alice, ada, exposed):
    # when the practitioner and then the admin open the recall page and the call list
    for user, sees in ((alice, True), (ada, False)):
        client = login(user)
        page = client.get(reverse("recall:search"), {"lot": "PC-001"}).content.decode()
        listed = client.get(reverse("recall:call_list"), {"lot": "PC-001"}).content.decode()
        # then only clinical staff see the contact column and the phone column
        assert ('scope="col">Contact<' in page) is sees
        assert ("phone" in listed.splitlines()[0]) is sees


def test_it_neutralises_formulas_in_the_call_list(login, alice, riverside, pcdc_lot):
    # given a patient whose name starts like a spreadsheet formula
    hostile = make_patient(riverside, "RV000099", "=HYPERLINK(1)", "X")
    give(hostile, pcdc_lot, dt.date(2025, 3, 1), alice)
    # when
    response = login(alice).get(reverse("recall:call_list"), {"lot": "PC-001"})
    # then the cell is text
    assert "'=HYPERLINK(1) X" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"lot": "NOPE"}, "no lot numbered"),
        ({"lot": "PC-001", "date_from": "2025-13-01"}, "Enter a valid date"),
        ({"lot": "PC-001", "date_from": "2025-05-01", "date_to": "2025-01-01"}, "before the start"),
    ],
)
def test_it_explains_a_bad_search_on_the_page(login, alice, exposed, query, message):
    # when the search is invalid
    response = login(alice).get(reverse("recall:search"), query)
    # then the message is shown and nobody is listed
    assert message in response.content.decode()
    assert response.context["result"] is None


@pytest.mark.parametrize("persona", ["bob", "rita"])
def test_it_refuses_reception_and_researchers(request, login, exposed, persona):
    # given reception or a researcher
    client = login(request.getfixturevalue(persona))
    # then both the page and the call list are refused
    assert client.get(reverse("recall:search"), {"lot": "PC-001"}).status_code == 403
    assert client.get(reverse("recall:call_list"), {"lot": "PC-001"}).status_code == 403


def test_it_shows_charlie_nothing_of_riverside(login, charlie, exposed):
    # when charlie searches Riverside's lot number from Hilltop
    client = login(charlie)
    page = client.get(reverse("recall:search"), {"lot": "PC-001"}).content.decode()
    csv_response = client.get(reverse("recall:call_list"), {"lot": "PC-001"})
    # then no lot is found and no Riverside patient appears
    assert "no lot numbered" in page
    assert "Maria" not in page
    assert "RV000010" not in page
    assert csv_response.status_code == 400
    assert "Maria" not in csv_response.content.decode()
