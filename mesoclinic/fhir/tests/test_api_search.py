"""The FHIR API's search: each parameter against the database's own answer, paging that
visits every match once, _include, and refusals of what is not understood."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic
from mesoclinic.consultations.models import Consultation
from mesoclinic.demo.generator import MIN_PATIENTS
from mesoclinic.demo.services import load_demo
from mesoclinic.fhir.codes import LOCAL, mrn_system
from mesoclinic.fhir.tests.api_helpers import body, get, issue, issue_token
from mesoclinic.fhir.tests.helpers import r4_errors
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db: Any) -> Clinic:
    load_demo(patients=MIN_PATIENTS, hilltop_patients=1)
    return Clinic.objects.get(slug="riverside")


@pytest.fixture
def token(clinic: Clinic) -> str:
    return issue_token(clinic, Role.PRACTITIONER)


def _ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


def _search(token: str, query: str) -> dict[str, Any]:
    response = get(token, query)
    assert response.status_code == 200, response.content[:300]
    bundle = body(response)
    assert bundle["type"] == "searchset"
    return bundle


def test_it_finds_a_patient_by_identifier_with_or_without_its_system(
    clinic: Clinic, token: str
) -> None:
    patient = Patient.objects.filter(clinic=clinic).order_by("pk")[3]
    system = mrn_system(str(clinic.public_id))
    for value in (f"{system}|{patient.mrn}", patient.mrn):
        bundle = _search(token, f"Patient?identifier={quote(value, safe='')}")
        assert (bundle["total"], _ids(bundle)) == (1, [str(patient.public_id)])
    # another system's MRN is not this clinic's
    other = _search(token, f"Patient?identifier={quote('urn:other|' + patient.mrn, safe='')}")
    assert other["total"] == 0


def test_it_finds_patients_by_name_and_birthdate(clinic: Clinic, token: str) -> None:
    patient = Patient.objects.filter(clinic=clinic, birth_date__isnull=False).order_by("pk")[0]
    assert patient.birth_date is not None
    expected = {
        str(p.public_id)
        for p in Patient.objects.filter(clinic=clinic)
        if p.family_name.lower().startswith(patient.family_name[:3].lower())
        or p.given_name.lower().startswith(patient.family_name[:3].lower())
    }
    by_name = _search(token, f"Patient?name={quote(patient.family_name[:3].upper())}")
    assert set(_ids(by_name)) == expected
    day = patient.birth_date.isoformat()
    on_day = _search(token, f"Patient?birthdate={day}")
    assert str(patient.public_id) in _ids(on_day)
    born = patient.birth_date
    keeps: list[tuple[str, Callable[[dt.date], bool]]] = [
        ("ge", lambda d: d >= born),
        ("gt", lambda d: d > born),
        ("le", lambda d: d <= born),
        ("lt", lambda d: d < born),
        ("ne", lambda d: d != born),
    ]
    for prefix, keep in keeps:
        found = _search(token, f"Patient?birthdate={prefix}{day}&_count=500")
        wanted = {
            str(p.public_id)
            for p in Patient.objects.filter(clinic=clinic, birth_date__isnull=False)
            if p.birth_date is not None and keep(p.birth_date)
        }
        assert set(_ids(found)) == wanted, prefix
    year = _search(token, f"Patient?birthdate={patient.birth_date.year}&_count=500")
    assert set(_ids(year)) == {
        str(p.public_id)
        for p in Patient.objects.filter(clinic=clinic, birth_date__year=patient.birth_date.year)
    }


def test_it_finds_a_patients_observations_by_reference_date_and_code(
    clinic: Clinic, token: str
) -> None:
    patient = (
        Measurement.objects.filter(clinic=clinic, kind="weight_kg").order_by("pk").first().patient  # type: ignore[union-attr]
    )
    measured = Measurement.objects.filter(patient=patient)
    taken = Consultation.objects.filter(patient=patient)
    weights = taken.filter(weight_kg__isnull=False).count()
    heights = taken.filter(height_cm__isnull=False).count()
    # by patient, as Patient/<id> and as the id alone: every measurement and taken weight/height
    for ref in (f"Patient/{patient.public_id}", str(patient.public_id)):
        bundle = _search(token, f"Observation?patient={ref}&_count=500")
        assert bundle["total"] == measured.count() + weights + heights
    # by LOINC body weight, with and without its system
    for code in ("http://loinc.org|29463-7", "29463-7"):
        bundle = _search(token, f"Observation?patient={patient.public_id}&code={quote(code)}")
        assert bundle["total"] == measured.filter(kind="weight_kg").count() + weights
    # by the local code of a kind
    local = _search(token, f"Observation?code={quote(LOCAL + '|measure-weight_kg')}&_count=500")
    assert local["total"] == Measurement.objects.filter(clinic=clinic, kind="weight_kg").count()
    # by date: measurements on or after a day
    first = measured.order_by("measured_on").first()
    assert first is not None
    day = first.measured_on + dt.timedelta(days=1)
    after = _search(token, f"Observation?patient={patient.public_id}&date=ge{day}&_count=500")
    expected = measured.filter(measured_on__gte=day).count() + sum(
        (c.weight_kg is not None) + (c.height_cm is not None)
        for c in taken
        if clinic.day_of(c.consulted_at) >= day
    )
    assert after["total"] == expected


def test_it_finds_what_was_given_from_a_lot_and_what_it_is_suspected_of(
    clinic: Clinic, token: str
) -> None:
    # given a lot the clinic used (a recall over the API)
    line = Injection.objects.in_effect().filter(clinic=clinic, lot__isnull=False).first()
    assert line is not None
    assert line.lot is not None
    lot = line.lot.lot_number
    given = _search(token, f"MedicationAdministration?lot-number={quote(lot)}&_count=500")
    lines = Injection.objects.in_effect().filter(clinic=clinic, lot__lot_number=lot)
    assert set(_ids(given)) == {str(i.public_id) for i in lines}
    events = _search(token, f"AdverseEvent?lot-number={quote(lot)}&_count=500")
    suspected = AdverseEvent.objects.filter(clinic=clinic, lot__lot_number=lot)
    assert set(_ids(events)) == {str(e.public_id) for e in suspected}
    medication = _search(token, f"Medication?lot-number={quote(lot)}")
    assert _ids(medication) == [str(line.lot.public_id)]
    assert _search(token, "MedicationAdministration?lot-number=NO-SUCH-LOT")["total"] == 0


def test_it_finds_by_last_update_and_by_id(clinic: Clinic, token: str) -> None:
    patients = list(Patient.objects.filter(clinic=clinic).order_by("updated_at"))
    middle = patients[len(patients) // 2].updated_at
    stamp = quote(middle.isoformat(timespec="seconds"))
    later = _search(token, f"Patient?_lastUpdated=ge{stamp}&_count=500")
    whole_second = middle.replace(microsecond=0)
    assert set(_ids(later)) == {str(p.public_id) for p in patients if p.updated_at >= whole_second}
    two = f"{patients[0].public_id},{patients[1].public_id}"
    assert set(_ids(_search(token, f"Patient?_id={two}"))) == {
        str(patients[0].public_id),
        str(patients[1].public_id),
    }


def test_it_pages_through_every_match_once_with_next_links(clinic: Clinic, token: str) -> None:
    # given more observations than a page
    bundle = _search(token, "Observation?_count=7")
    total, seen, pages = bundle["total"], _ids(bundle), 1
    assert total > 20
    # when the next links are followed to the end
    while next_link := [x["url"] for x in bundle["link"] if x["relation"] == "next"]:
        bundle = _search(token, next_link[0])
        assert len(bundle.get("entry", [])) <= 7
        seen += _ids(bundle)
        pages += 1
    # then every match came once, and every entry has its full URL
    assert len(seen) == len(set(seen)) == total
    assert pages == -(-total // 7)
    entry = bundle["entry"][0]
    assert entry["fullUrl"] == f"http://testserver/fhir/R4/Observation/{entry['resource']['id']}"


def test_it_includes_the_patients_and_the_lots_medications(clinic: Clinic, token: str) -> None:
    bundle = _search(
        token,
        "MedicationAdministration?_count=10&_include=MedicationAdministration:patient"
        "&_include=MedicationAdministration:medication",
    )
    matched = [e["resource"] for e in bundle.get("entry", []) if e["search"]["mode"] == "match"]
    included = {
        (e["resource"]["resourceType"], e["resource"]["id"])
        for e in bundle.get("entry", [])
        if e["search"]["mode"] == "include"
    }
    wanted = {("Patient", m["subject"]["reference"].split("/")[1]) for m in matched} | {
        ("Medication", m["medicationReference"]["reference"].split("/")[1])
        for m in matched
        if not m["medicationReference"]["reference"].startswith("#")
    }
    assert included == wanted
    assert r4_errors(bundle) is None
    observations = _search(token, "Observation?_count=5&_include=Observation:patient")
    assert {e["resource"]["resourceType"] for e in observations.get("entry", [])} == {
        "Observation",
        "Patient",
    }


def test_it_takes_no_more_queries_for_a_larger_page(clinic: Clinic, token: str) -> None:
    def queries(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = get(
                token,
                f"MedicationAdministration?_count={count}&_include=MedicationAdministration:patient"
                "&_include=MedicationAdministration:medication",
            )
        assert response.status_code == 200
        return len(_not_rate(captured.captured_queries))

    small, large = queries(5), queries(200)
    assert small == large
    # an Observation page reaches up to three kinds of row (measurements, weights and heights
    # taken at consultations): a query or two more per kind reached, then no more however large
    few = len(_search_queries(token, "Observation?_count=5"))
    every_kind = len(_search_queries(token, "Observation?_count=200"))
    most = len(_search_queries(token, "Observation?_count=500"))
    assert few <= every_kind == most


def _not_rate(queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The queries of the search itself: the rate limit's counter costs a few more when it
    opens a minute's window than when it adds to one, whatever the page size."""
    return [
        q
        for q in queries
        if "ratewindow" not in q["sql"].lower()
        and not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def _search_queries(token: str, query: str) -> list[Any]:
    with CaptureQueriesContext(connection) as captured:
        assert get(token, query).status_code == 200
    return _not_rate(captured.captured_queries)


def test_it_audits_a_search_once_per_patient_returned(clinic: Clinic, token: str) -> None:
    before = AuditEvent.objects.filter(clinic=clinic).count()
    bundle = _search(token, "Observation?_count=30")
    patients = {e["resource"]["subject"]["reference"] for e in bundle.get("entry", [])}
    events = AuditEvent.objects.filter(clinic=clinic).order_by("id")[before:]
    assert len(events) == len(patients)
    assert {e.action for e in events} == {"search"}
    assert len({e.patient_id for e in events}) == len(patients)
    # and the clinic's chain, appended in one step, still verifies
    from mesoclinic.audit.verification import verify_chain

    assert verify_chain(clinic.pk).intact


@pytest.mark.parametrize(
    "query",
    [
        "Patient?birthdate=1980-13-01",
        "Patient?birthdate=19800101",
        "Patient?birthdate=xx1980",
        "Observation?date=2026-02-30",
        "Observation?_lastUpdated=yesterday",
        "Observation?unknown=1",
        "Observation?_sort=date",
        "Observation?_summary=count",
        "Observation?name=Smith",
        "Observation?code:text=weight",
        "Patient?identifier=",
        "Observation?_count=-1",
        "Observation?_count=lots",
        "Observation?_offset=-5",
        "Observation?_include=Observation:performer",
        "Patient?_include=Observation:patient",
        "Observation?patient=Practitioner/00000000-0000-0000-0000-000000000000",
        "Observation?patient=not-an-id",
        "Organization?name=Riverside",
    ],
)
def test_it_refuses_what_it_does_not_understand(clinic: Clinic, token: str, query: str) -> None:
    response = get(token, query)
    assert response.status_code == 400, query
    assert issue(response) == "invalid"


def test_it_serves_a_huge_count_as_its_largest_page(clinic: Clinic, token: str) -> None:
    bundle = _search(token, "Observation?_count=100000")
    assert len(bundle["entry"]) == min(bundle["total"], 500)
    assert "_count=500" in bundle["link"][0]["url"]


def test_it_counts_without_entries_when_asked_for_none(clinic: Clinic, token: str) -> None:
    bundle = _search(token, "Observation?_count=0")
    assert bundle["total"] > 0
    assert "entry" not in bundle
    assert [x["relation"] for x in bundle["link"]] == ["self"]
