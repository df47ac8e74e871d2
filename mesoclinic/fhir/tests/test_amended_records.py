"""Amended, corrected and withdrawn records: the resources carry the record as it now reads,
the superseded value appears in no resource, and a Provenance says who changed it and why."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.consent.models import Consent
from mesoclinic.consultations.models import Consultation
from mesoclinic.demo.generator import MIN_PATIENTS
from mesoclinic.demo.services import load_demo
from mesoclinic.fhir.context import derived_id
from mesoclinic.fhir.tests.helpers import export, r4_errors
from mesoclinic.records.services import amend_record
from mesoclinic.treatments.corrections import LineValues, correct_line
from mesoclinic.treatments.models import Injection, TreatmentSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic() -> Clinic:
    load_demo(patients=MIN_PATIENTS, hilltop_patients=1)
    return Clinic.objects.get(slug="riverside")


def _practitioner(clinic: Clinic) -> Membership:
    return Membership.objects.filter(clinic=clinic, role=Role.PRACTITIONER).first()  # type: ignore[return-value]


def _provenance_for(
    resources: dict[str, list[dict[str, Any]]], target: str
) -> list[dict[str, Any]]:
    return [
        p
        for p in resources["Provenance"]
        if target in {t["reference"] for t in p["target"]} and "signature" not in p
    ]


def test_it_exports_an_amended_weight_as_amended_with_its_provenance(
    clinic: Clinic, tmp_path: Path
) -> None:
    # given a signed consultation whose weight was amended from 71.3 to 74.9 kg
    consultation = Consultation.objects.filter(
        clinic=clinic, signed_at__isnull=False, weight_kg__isnull=False
    ).first()
    assert consultation is not None
    original = consultation.weight_kg
    assert original is not None
    amended = original + Decimal("3.6")
    amend_record(
        consultation, _practitioner(clinic), "Scale was not zeroed", {"weight_kg": amended}
    )
    # when the clinic is exported
    resources = export(tmp_path, clinic)
    # then the consultation's weight Observation carries the amended value
    weight_id = derived_id(consultation.public_id, "weight_kg")
    weight = next(o for o in resources["Observation"] if o["id"] == weight_id)
    assert weight["valueQuantity"]["value"] == float(amended)
    assert r4_errors(weight) is None
    # and no Observation of that encounter still says the signed value
    of_encounter = [
        o
        for o in resources["Observation"]
        if o.get("encounter", {}).get("reference") == f"Encounter/{consultation.public_id}"
    ]
    assert float(original) not in [o["valueQuantity"]["value"] for o in of_encounter]
    # and a Provenance targets the amended encounter, with the reason and no old value
    provenance = _provenance_for(resources, f"Encounter/{consultation.public_id}")
    assert len(provenance) == 1
    assert provenance[0]["reason"] == [{"text": "Scale was not zeroed"}]
    assert "weight_kg" in provenance[0]["activity"]["text"]
    assert str(original) not in json.dumps(provenance[0])


def test_it_exports_a_corrected_line_and_not_the_line_it_replaced(
    clinic: Clinic, tmp_path: Path
) -> None:
    # given a signed session's injection line corrected to a smaller volume
    line = (
        Injection.objects.in_effect()
        .filter(clinic=clinic, session__signed_at__isnull=False, volume_ml__gt=Decimal("0.5"))
        .select_related("product", "lot")
        .first()
    )
    assert line is not None
    values = dataclasses.replace(LineValues.of(line), volume_ml=line.volume_ml - Decimal("0.25"))
    new = correct_line(line, _practitioner(clinic), "Wrong volume written", values)
    # when the clinic is exported
    resources = export(tmp_path, clinic)
    administrations = {a["id"]: a for a in resources["MedicationAdministration"]}
    # then the replaced line is not exported, the correction is, with the corrected dose
    assert str(line.public_id) not in administrations
    corrected = administrations[str(new.public_id)]
    assert corrected["dosage"]["dose"]["value"] == float(new.volume_ml)
    assert r4_errors(corrected) is None
    # and the replaced line's id appears in no resource at all
    everything = "\n".join(json.dumps(r) for rows in resources.values() for r in rows)
    assert str(line.public_id) not in everything
    # and the correction's Provenance names the new administration and the reason
    provenance = _provenance_for(resources, f"MedicationAdministration/{new.public_id}")
    assert [p["reason"] for p in provenance] == [[{"text": "Wrong volume written"}]]


def test_it_exports_a_withdrawn_consent_as_inactive_with_its_provenance(
    clinic: Clinic, tmp_path: Path
) -> None:
    # given the demo's consents, some withdrawn by an amendment
    withdrawn = [c for c in Consent.objects.filter(clinic=clinic) if c.is_withdrawn]
    assert withdrawn
    # when the clinic is exported
    resources = export(tmp_path, clinic)
    consents = {c["id"]: c for c in resources["Consent"]}
    for consent in withdrawn:
        # then a withdrawn consent is inactive, its provision ending at the withdrawal
        resource = consents[str(consent.public_id)]
        assert resource["status"] == "inactive"
        assert resource["provision"]["period"]["end"]
        # and the withdrawal has its Provenance
        assert _provenance_for(resources, f"Consent/{consent.public_id}")
    # and no other consent is inactive
    inactive = {c["id"] for c in resources["Consent"] if c["status"] == "inactive"}
    assert inactive == {str(c.public_id) for c in withdrawn}


def test_it_exports_a_record_amended_since_the_date_asked_with_a_new_version(
    clinic: Clinic, tmp_path: Path
) -> None:
    # given a signed consultation amended after a cut-off (its row itself unchanged since)
    consultation = Consultation.objects.filter(
        clinic=clinic, signed_at__isnull=False, weight_kg__isnull=False
    ).first()
    assert consultation is not None
    assert consultation.weight_kg is not None
    cutoff = timezone.now()
    before = consultation.amendments.count()
    amend_record(
        consultation, _practitioner(clinic), "Typo", {"weight_kg": consultation.weight_kg + 1}
    )
    # when only what changed since the cut-off is exported
    resources = export(tmp_path, clinic, since=cutoff)
    # then the amended consultation is there, beside only the visits saved since the cut-off,
    # with a version counting the amendment
    encounters = {e["id"]: e for e in resources["Encounter"]}
    saved = [
        *Consultation.objects.filter(clinic=clinic, updated_at__gte=cutoff),
        *TreatmentSession.objects.filter(clinic=clinic, updated_at__gte=cutoff),
    ]
    assert consultation not in saved
    assert set(encounters) == {str(consultation.public_id), *(str(r.public_id) for r in saved)}
    meta = encounters[str(consultation.public_id)]["meta"]
    assert meta["versionId"] == f"{consultation.version}.{before + 1}"
    assert str(consultation.public_id) in {r["id"] for r in resources["QuestionnaireResponse"]}
