"""The codes and units the resources carry: LOINC where a code exists, UCUM units, SNOMED CT
laterality, and every local code defined in the exported mesoclinic CodeSystem."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mesoclinic.clinical_codes import AREAS, MEASUREMENT_KINDS, SIDES
from mesoclinic.clinics.choices import Role
from mesoclinic.fhir import codes
from mesoclinic.fhir.codes import LOCAL, LOCAL_CONCEPTS, body_site, code_system, measurement_loinc
from mesoclinic.fhir.observation import value_of


@pytest.mark.parametrize(
    ("kind", "area", "loinc"),
    [
        ("weight_kg", "", "29463-7"),
        ("circumference_cm", "abdomen", "8280-0"),
        ("circumference_cm", "thigh_outer", None),
        ("circumference_cm", "arm", None),
        ("fat_thickness_mm", "abdomen", None),
        ("gais", "face", None),
        ("pain_vas", "", None),
    ],
)
def test_it_codes_a_measurement_in_loinc_only_where_a_code_exists(
    kind: str, area: str, loinc: str | None
) -> None:
    # when the LOINC coding of a measurement kind at an area is asked
    found = measurement_loinc(kind, area)
    # then it is the reference's code, or none
    assert (found["code"] if found else None) == loinc
    if found:
        assert found["system"] == "http://loinc.org"


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("weight_kg", "80.50", {"valueQuantity": {"value": 80.5, "unit": "kg", "code": "kg"}}),
        ("circumference_cm", "92", {"valueQuantity": {"value": 92, "unit": "cm", "code": "cm"}}),
        (
            "fat_thickness_mm",
            "12.5",
            {"valueQuantity": {"value": 12.5, "unit": "mm", "code": "mm"}},
        ),
        (
            "hair_density_cm2",
            "180",
            {"valueQuantity": {"value": 180, "unit": "hairs/cm²", "code": "/cm2"}},
        ),
        ("gais", "2", {"valueInteger": 2}),
        ("hexsel_css", "11", {"valueInteger": 11}),
        ("pain_vas", "3.5", {"valueQuantity": {"value": 3.5, "unit": "score", "code": "{score}"}}),
    ],
)
def test_it_gives_each_measurement_its_ucum_unit_or_an_integer_score(
    kind: str, value: str, expected: dict[str, Any]
) -> None:
    # when a measured value is mapped
    mapped = value_of(kind, Decimal(value))
    # then it is a UCUM quantity (or a whole-number score) with the value unchanged
    for key, wanted in expected.items():
        if isinstance(wanted, dict):
            assert {k: mapped[key][k] for k in wanted} == wanted
            assert mapped[key]["system"] == "http://unitsofmeasure.org"
        else:
            assert mapped[key] == wanted


def test_it_covers_every_measurement_kind() -> None:
    # given every kind the record knows, then each maps to a value (no kind is left out)
    for kind, spec in MEASUREMENT_KINDS.items():
        assert value_of(kind, spec.minimum)


@pytest.mark.parametrize(
    ("side", "snomed"),
    [("left", "419161000"), ("right", "419465000"), ("bilateral", "51440002"), ("midline", None)],
)
def test_it_codes_laterality_in_snomed_ct_where_it_has_one(side: str, snomed: str | None) -> None:
    # when a body site is mapped with its side
    site = body_site("thigh_outer", side)
    laterality = site["extension"][0]["valueCodeableConcept"]["coding"]
    # then the side is the SNOMED CT laterality of the R4 value set (midline has none), and
    # always the local side code
    found = [c["code"] for c in laterality if c["system"] == "http://snomed.info/sct"]
    assert found == ([snomed] if snomed else [])
    assert {"system": LOCAL, "code": f"side-{side}"}.items() <= laterality[-1].items()


def test_it_defines_every_local_code_in_the_code_system() -> None:
    # given the exported CodeSystem
    system = code_system()
    defined = {c["code"] for c in system["concept"]}
    # then every area, side, kind and role is defined there, and the count is right
    assert {f"area-{a}" for a in AREAS} <= defined
    assert {f"side-{s}" for s in SIDES} <= defined
    assert {f"measure-{k}" for k in MEASUREMENT_KINDS} <= defined
    assert system["count"] == len(defined) == len(LOCAL_CONCEPTS)


def test_it_names_the_same_roles_as_the_clinics_app() -> None:
    # the pure codes module repeats the role list; it must agree with clinics.choices.Role
    assert {r.value: str(r.label) for r in Role} == codes.ROLES


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        ("recovered", "resolved"),
        ("recovering", "recovering"),
        ("not_recovered", "ongoing"),
        ("sequelae", "resolvedWithSequelae"),
        ("fatal", "fatal"),
        ("unknown", "unknown"),
    ],
)
def test_it_maps_each_adverse_event_outcome_to_the_r4_code(outcome: str, code: str) -> None:
    assert codes.AE_OUTCOMES[outcome]["code"] == code
