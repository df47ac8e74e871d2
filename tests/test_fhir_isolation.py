"""The FHIR API opens nothing of one clinic to another clinic's token, and no more of a
clinic to a client than its role opens on the pages.

The walk takes every resource the export writes for Riverside (the demo practice at a reduced
size: every type, derived ids included), and asks for each, by id and by search, with a token
of a Hilltop client: every read is a 404 that names nothing, every search finds none of them.
So that the walk cannot pass by finding nothing, Riverside's own token reads every one."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic
from mesoclinic.demo.generator import MIN_PATIENTS
from mesoclinic.demo.services import load_demo
from mesoclinic.fhir.api.registry import TYPES
from mesoclinic.fhir.codes import mrn_system
from mesoclinic.fhir.export import RESOURCE_TYPES, resources
from mesoclinic.fhir.tests.api_helpers import body, get, issue_token
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db

# Definitions every clinic shares (the same published resource, no clinic's data in it).
SHARED = {"CodeSystem", "Questionnaire"}


def _secrets(clinic: Clinic, other: Clinic) -> set[str]:
    found: set[str] = set()
    for p in Patient.objects.filter(clinic=clinic):
        found.update({p.mrn, p.display_name, p.email, p.phone} - {""})
    for p in Patient.objects.filter(clinic=other):
        found -= {p.mrn, p.display_name, p.email, p.phone}
    return found


def _all_ids(token: str, name: str) -> set[str]:
    bundle = body(get(token, f"{name}?_count=500"))
    return {e["resource"]["id"] for e in bundle.get("entry", [])}


def test_it_gives_a_token_of_another_clinic_nothing_by_id_or_by_search() -> None:
    # given Riverside's records, and a practitioner's client of Hilltop
    load_demo(patients=MIN_PATIENTS, hilltop_patients=3)
    riverside = Clinic.objects.get(slug="riverside")
    hilltop = Clinic.objects.get(slug="hilltop")
    outsider = issue_token(hilltop, Role.PRACTITIONER)
    insider = issue_token(riverside, Role.PRACTITIONER)
    secrets = _secrets(riverside, hilltop)
    theirs = {
        name: [r["id"] for r in resources(riverside, name)]
        for name in RESOURCE_TYPES
        if name not in SHARED
    }
    walked = sum(len(ids) for ids in theirs.values())
    assert walked > 300, "too few resources to mean anything"

    leaks, unreachable = [], []
    for name, ids in theirs.items():
        for resource_id in ids:
            # when Hilltop's client reads each by id, and searches for it by _id
            response = get(outsider, f"{name}/{resource_id}")
            text = response.content.decode()
            # then it is not found (never forbidden: existence is not revealed)
            if response.status_code != 404:
                leaks.append(f"{name}/{resource_id}: {response.status_code}")
            if resource_id in text or any(s in text for s in secrets):
                leaks.append(f"{name}/{resource_id}: the refusal names it")
            if get(insider, f"{name}/{resource_id}").status_code != 200:
                unreachable.append(f"{name}/{resource_id}")
            if name == "Media":
                # a photo's pixels too: Binary/<id> answers as its Media does
                pixels = get(outsider, f"Binary/{resource_id}")
                if pixels.status_code != 404 or resource_id in pixels.content.decode():
                    leaks.append(f"Binary/{resource_id}: {pixels.status_code}")
                if get(insider, f"Binary/{resource_id}").status_code != 200:
                    unreachable.append(f"Binary/{resource_id}")
        found = body(get(outsider, f"{name}?_id={','.join(ids[:50])}"))
        if found["total"]:
            leaks.append(f"{name}?_id=: {found['total']} found")
        # and a search of everything it may read holds none of Riverside's
        response = get(outsider, f"{name}?_count=500")
        shown = {e["resource"]["id"] for e in body(response).get("entry", [])}
        if shown & set(ids):
            leaks.append(f"{name}: search shows {len(shown & set(ids))} of Riverside's")
        if any(s in response.content.decode() for s in secrets):
            leaks.append(f"{name}: search names Riverside's patients")

    # and searches by Riverside's patients, MRNs and lots find nothing of Riverside's
    patient = Patient.objects.filter(clinic=riverside).order_by("pk").first()
    lot = Lot.objects.filter(clinic=riverside).order_by("pk").first()
    assert patient is not None
    assert lot is not None
    queries = [
        f"{name}?patient={patient.public_id}"
        for name, rtype in TYPES.items()
        if "patient" in rtype.param_names
    ] + [
        f"Patient?identifier={quote(mrn_system(str(riverside.public_id)) + '|' + patient.mrn)}",
        f"Patient?identifier={quote(patient.mrn)}",
        f"Patient?name={quote(patient.family_name)}",
        f"MedicationAdministration?lot-number={quote(lot.lot_number)}",
        f"AdverseEvent?lot-number={quote(lot.lot_number)}",
        f"Medication?lot-number={quote(lot.lot_number)}",
        "Observation?_include=Observation:patient&_count=500",
        "MedicationAdministration?_include=MedicationAdministration:medication&_count=500",
    ]
    everything = {i for ids in theirs.values() for i in ids}
    for query in queries:
        response = get(outsider, query)
        assert response.status_code == 200, query
        shown = {e["resource"]["id"] for e in body(response).get("entry", [])}
        if shown & everything:
            leaks.append(f"{query}: shows Riverside's")
    assert leaks == [], "\n".join(leaks[:50])
    assert unreachable == [], unreachable[:20]


@pytest.mark.parametrize(
    ("role", "readable"),
    [
        (Role.PRACTITIONER, set(TYPES)),
        (Role.NURSE, set(TYPES)),
        (
            Role.RECEPTION,
            {"Patient", "Organization", "Practitioner", "PractitionerRole", "Questionnaire"}
            | SHARED,
        ),
        (Role.RESEARCHER, {"CodeSystem"}),
    ],
)
def test_it_lets_each_role_read_what_its_pages_show(
    riverside: Clinic, alice: Any, role: str, readable: set[str]
) -> None:
    # given a client of the role
    token = issue_token(riverside, role)
    # when it searches every type
    answers = {name: get(token, name).status_code for name in TYPES}
    # then the role's types open, and every other is forbidden
    assert {n for n, status in answers.items() if status == 200} == readable
    assert {n for n, status in answers.items() if status != 200} == {
        n for n, status in answers.items() if status == 403
    }


def test_it_refuses_an_include_of_a_type_the_client_may_not_read(
    riverside: Clinic, alice: Any
) -> None:
    # given a practitioner's client granted Observations only
    token = issue_token(riverside, Role.PRACTITIONER, "system/Observation.read")
    # when it asks for the observations' patients too
    with_patients = get(token, "Observation?_include=Observation:patient")
    # then it is refused, though the observations alone open
    assert with_patients.status_code == 403
    assert get(token, "Observation").status_code == 200
