"""What a resource says of its record: the lot on the Medication, the dose in mL, the site
with its laterality, the MRN system of the clinic, the rater and the site role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.codes import LOCAL, mrn_system
from mesoclinic.fhir.tests.helpers import export, r4_errors
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(riverside: Clinic, alice: Membership, patient: Patient) -> Injection:
    product = Product.objects.create(clinic=riverside, name="PC/DC 5%", manufacturer="Acme")
    Ingredient.objects.create(product=product, substance="phosphatidylcholine", mg_per_ml=50)
    Ingredient.objects.create(product=product, substance="deoxycholic_acid", mg_per_ml="23.75")
    lot = Lot.objects.create(
        clinic=riverside, product=product, lot_number="PC2026-17", expiry_date=dt.date(2027, 5, 31)
    )
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC),
        indication="localized_fat",
        practitioner=alice.user,
    )
    SessionArea.objects.create(session=session, area="thigh_outer", side="left")
    return Injection.objects.create(
        clinic=riverside,
        session=session,
        area="thigh_outer",
        side="left",
        product=product,
        lot=lot,
        volume_ml=Decimal("2.500"),
        points=40,
        depth_mm=Decimal("6"),
        technique="point",
    )


def test_it_gives_the_lot_its_medication_and_the_line_its_dose_in_ml(
    tmp_path: Path, line: Injection
) -> None:
    # when the clinic is exported
    resources = export(tmp_path, line.clinic, types=("Medication", "MedicationAdministration"))
    # then the lot is a Medication with its lot number, expiry and ingredient strengths
    assert line.lot is not None
    medication = resources["Medication"][0]
    assert medication["id"] == str(line.lot.public_id)
    assert medication["batch"] == {"lotNumber": "PC2026-17", "expirationDate": "2027-05-31"}
    strengths = {
        i["itemCodeableConcept"]["text"]: (
            i["strength"]["numerator"]["value"],
            i["strength"]["numerator"]["code"],
            i["strength"]["denominator"]["value"],
            i["strength"]["denominator"]["code"],
        )
        for i in medication["ingredient"]
    }
    assert strengths == {
        "phosphatidylcholine": (50, "mg", 1, "mL"),
        "deoxycholic_acid": (23.75, "mg", 1, "mL"),
    }
    # and the line is an administration of that lot: 2.5 mL at the left outer thigh
    given = resources["MedicationAdministration"][0]
    assert given["medicationReference"] == {"reference": f"Medication/{line.lot.public_id}"}
    assert given["dosage"]["dose"] == {
        "value": 2.5,
        "unit": "mL",
        "system": "http://unitsofmeasure.org",
        "code": "mL",
    }
    site = given["dosage"]["site"]
    assert site["coding"][0]["code"] == "area-thigh_outer"
    laterality = site["extension"][0]["valueCodeableConcept"]["coding"][0]
    assert (laterality["system"], laterality["code"]) == ("http://snomed.info/sct", "419161000")
    assert given["status"] == "in-progress"  # the session is a draft
    assert all(r4_errors(r) is None for r in (medication, given))


def test_it_identifies_the_patient_by_the_mrn_in_the_clinics_own_system(
    tmp_path: Path, patient: Patient, hilltop: Clinic
) -> None:
    # when the clinic's patients are exported
    resources = export(tmp_path, patient.clinic, types=("Patient",))
    # then the MRN is the identifier, in a system of this clinic (not another's)
    identifier = resources["Patient"][0]["identifier"][0]
    assert identifier["value"] == "RV000001"
    assert identifier["system"] == mrn_system(str(patient.clinic.public_id))
    assert identifier["system"] != mrn_system(str(hilltop.public_id))
    assert resources["Patient"][0]["birthDate"] == "1985-03-14"
    assert resources["Patient"][0]["gender"] == "female"


def test_it_gives_a_rated_measurement_its_rater_site_and_role(
    tmp_path: Path, patient: Patient, alice: Membership
) -> None:
    # given a clinician-rated scale at a treated site and a patient-rated one
    clinician = Measurement.objects.create(
        clinic=patient.clinic,
        patient=patient,
        measured_on=dt.date(2026, 11, 2),
        kind="pcss",
        value=3,
        area="thigh_outer",
        side="right",
        site_role="treated",
        rater="clinician",
        rated_by=alice.user,
    )
    Measurement.objects.create(
        clinic=patient.clinic,
        patient=patient,
        measured_on=dt.date(2026, 11, 2),
        kind="pcss",
        value=2,
        area="thigh_outer",
        side="left",
        site_role="control",
        rater="patient",
    )
    # when the observations are exported
    rows = export(tmp_path, patient.clinic, types=("Observation",))["Observation"]
    by_id = {r["id"]: r for r in rows}
    rated = by_id[str(clinician.public_id)]
    # then the clinician's rating is an exam by the practitioner, the patient's a survey by the patient
    assert rated["performer"] == [
        {"reference": f"Practitioner/{alice.public_id}", "display": alice.display_name}
    ]
    assert rated["category"][0]["coding"][0]["code"] == "exam"
    assert rated["valueInteger"] == 3
    role = rated["component"][0]["valueCodeableConcept"]["coding"][0]
    assert (role["system"], role["code"]) == (LOCAL, "site-role-treated")
    own = next(r for r in rows if r["id"] != str(clinician.public_id))
    assert own["performer"] == [{"reference": f"Patient/{patient.public_id}"}]
    assert own["category"][0]["coding"][0]["code"] == "survey"
    assert own["component"][0]["valueCodeableConcept"]["coding"][0]["code"] == "site-role-control"
    assert all(r4_errors(r) is None for r in rows)


def test_it_names_the_suspect_lot_and_causality_of_an_adverse_event(
    tmp_path: Path, line: Injection
) -> None:
    # given a serious nodule attributed, probably, to the lot
    event = AdverseEvent.objects.create(
        clinic=line.clinic,
        patient=line.session.patient,
        session=line.session,
        lot=line.lot,
        event_type="nodule",
        onset_date=dt.date(2026, 12, 1),
        severity="moderate",
        serious=True,
        causality="probable",
        outcome="recovering",
    )
    # when the adverse events are exported
    resource = export(tmp_path, line.clinic, types=("AdverseEvent",))["AdverseEvent"][0]
    # then seriousness, severity, outcome and the suspect lot with its causality are coded
    assert resource["id"] == str(event.public_id)
    assert resource["seriousness"]["coding"][0]["code"] == "serious"
    assert resource["severity"]["coding"][0]["code"] == "moderate"
    assert resource["outcome"]["coding"][0]["code"] == "recovering"
    assert line.lot is not None
    suspect = resource["suspectEntity"][0]
    assert suspect["instance"] == {"reference": f"Medication/{line.lot.public_id}"}
    assert suspect["causality"][0]["assessment"]["coding"][0]["code"] == "Probably-Likely"
    assert r4_errors(resource) is None
