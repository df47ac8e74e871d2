"""The code systems, codes and units the FHIR resources use: pure Python, no Django.

Only codes that exist are used (CONTRIBUTING: never invent a clinical number):
- LOINC: body weight 29463-7, body height 8302-2 and waist circumference 8280-0, the codes the
  brief of issue 13 names; 8280-0 is also the example of
  ../shared/reference/engineering-anchors.md (B6, "Circumference / anthropometrics").
  LOINC 59284-0 is the consent-document category of the R4 Consent examples.
- SNOMED CT: only the three laterality qualifiers of the R4 value set
  http://hl7.org/fhir/R4/valueset-bodysite-laterality.html. The reference gives no SNOMED
  body-structure codes for the aesthetic areas, so the areas use the mesoclinic CodeSystem
  (engineering-anchors.md B6: "local codes for aesthetic zones").
- UCUM units: kg, cm, mm, mL, mg, and the annotation {score} for scale scores.
- HL7 terminology (terminology.hl7.org) for statuses, categories and the adverse-event axes.
Everything else is a local code of the one mesoclinic CodeSystem (``code_system``), which is
exported with the data so a receiver can read every local code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mesoclinic.clinical_codes import (
    AE_TYPES,
    AREAS,
    INDICATIONS,
    MEASUREMENT_KINDS,
    RATERS,
    SEVERITIES,
    SIDES,
    SITE_ROLES,
    TECHNIQUES,
)

# The project's canonical base: a name for its code systems, identifier systems and
# extensions (a URI that names; it need not resolve).
CANONICAL = "https://mesoclinic.org/fhir"
LOCAL = f"{CANONICAL}/CodeSystem/mesoclinic"
LATERALITY_EXTENSION = f"{CANONICAL}/StructureDefinition/laterality"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
THO = "http://terminology.hl7.org/CodeSystem"
OBSERVATION_CATEGORY = f"{THO}/observation-category"
ACT_CODE = f"{THO}/v3-ActCode"
CONSENT_SCOPE = f"{THO}/consentscope"
AE_SERIOUSNESS = f"{THO}/adverse-event-seriousness"
AE_SEVERITY = f"{THO}/adverse-event-severity"
AE_OUTCOME = f"{THO}/adverse-event-outcome"
AE_CAUSALITY = f"{THO}/adverse-event-causality-assess"
DATA_OPERATION = f"{THO}/v3-DataOperation"
PARTICIPATION_TYPE = f"{THO}/v3-ParticipationType"
ALLERGY_CLINICAL = f"{THO}/allergyintolerance-clinical"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
AUTHOR_SIGNATURE = "1.2.840.10065.1.12.1.1"


def mrn_system(clinic_public_id: str) -> str:
    """The identifier system of one clinic's MRNs: MRNs are unique in a clinic, not across
    clinics, so each clinic has its own system."""
    return f"{CANONICAL}/sid/clinic/{clinic_public_id}/mrn"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def local(prefix: str, code: str) -> dict[str, Any]:
    """The mesoclinic coding of ``code`` in the list ``prefix`` (e.g. area, abdomen)."""
    return coding(LOCAL, f"{prefix}-{code}", LOCAL_CONCEPTS.get(f"{prefix}-{code}"))


def concept(*codings: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"coding": list(codings)} if codings else {}
    if text:
        out["text"] = text
    return out


@dataclass(frozen=True)
class Unit:
    """A UCUM unit: ``code`` is what machines read, ``unit`` what people read."""

    code: str
    unit: str


# The measurement kinds with a UCUM unit; the scales are scores ({score}).
UNITS: dict[str, Unit] = {
    "weight_kg": Unit("kg", "kg"),
    "circumference_cm": Unit("cm", "cm"),
    "fat_thickness_mm": Unit("mm", "mm"),
    "hair_density_cm2": Unit("/cm2", "hairs/cm²"),
}
SCORE = Unit("{score}", "score")
ML = Unit("mL", "mL")
MG = Unit("mg", "mg")


def quantity(value: float | int, unit: Unit) -> dict[str, Any]:
    return {"value": value, "unit": unit.unit, "system": UCUM, "code": unit.code}


# LOINC codes by measurement kind; circumference is LOINC's waist circumference only at the
# abdomen (the other girths have no LOINC code in the reference and stay local).
LOINC_WEIGHT = coding(LOINC, "29463-7", "Body weight")
LOINC_HEIGHT = coding(LOINC, "8302-2", "Body height")
LOINC_WAIST = coding(LOINC, "8280-0", "Waist circumference")
LOINC_CONSENT = coding(LOINC, "59284-0", "Patient Consent")


def measurement_loinc(kind: str, area: str) -> dict[str, Any] | None:
    if kind == "weight_kg":
        return LOINC_WEIGHT
    if kind == "circumference_cm" and area == "abdomen":
        return LOINC_WAIST
    return None


def observation_category(kind: str, rater: str) -> str:
    """vital-signs for body weight, survey for what the patient rates, else exam."""
    if kind == "weight_kg":
        return "vital-signs"
    if rater == "patient" or kind in ("pain_vas", "satisfaction"):
        return "survey"
    return "exam"


LATERALITY: dict[str, dict[str, Any]] = {
    "left": coding(SNOMED, "419161000", "Unilateral left"),
    "right": coding(SNOMED, "419465000", "Unilateral right"),
    "bilateral": coding(SNOMED, "51440002", "Bilateral"),
}


def body_site(area: str, side: str) -> dict[str, Any]:
    """The area as a local code, with its side as a laterality extension (SNOMED CT for left,
    right and bilateral; a local code for midline, which has no laterality)."""
    site = concept(local("area", area), text=AREAS.get(area, area))
    if side:
        side_codings = [c for c in (LATERALITY.get(side),) if c is not None]
        side_codings.append(local("side", side))
        site["extension"] = [
            {
                "url": LATERALITY_EXTENSION,
                "valueCodeableConcept": concept(*side_codings, text=SIDES.get(side, side)),
            }
        ]
    return site


AE_SERIOUS = {
    True: coding(AE_SERIOUSNESS, "serious", "Serious"),
    False: coding(AE_SERIOUSNESS, "non-serious", "Non-serious"),
}
AE_SEVERITY_CODES = {code: coding(AE_SEVERITY, code, SEVERITIES[code]) for code in SEVERITIES}
# The record's outcomes (ICH E2B) against the R4 adverse-event-outcome codes.
AE_OUTCOMES: dict[str, dict[str, Any]] = {
    "recovering": coding(AE_OUTCOME, "recovering", "Recovering"),
    "not_recovered": coding(AE_OUTCOME, "ongoing", "Ongoing"),
    "recovered": coding(AE_OUTCOME, "resolved", "Resolved"),
    "sequelae": coding(AE_OUTCOME, "resolvedWithSequelae", "Resolved with Sequelae"),
    "fatal": coding(AE_OUTCOME, "fatal", "Fatal"),
    "unknown": coding(AE_OUTCOME, "unknown", "Unknown"),
}
# WHO-UMC categories; "unrelated" and "not yet assessed" have no WHO-UMC code and stay local.
AE_CAUSALITY_CODES: dict[str, dict[str, Any]] = {
    "certain": coding(AE_CAUSALITY, "Certain", "Certain"),
    "probable": coding(AE_CAUSALITY, "Probably-Likely", "Probably/Likely"),
    "possible": coding(AE_CAUSALITY, "Possible", "Possible"),
    "unlikely": coding(AE_CAUSALITY, "Unlikely", "Unlikely"),
}
CAUSALITY_LABELS = {
    "certain": "Certain",
    "probable": "Probable / likely",
    "possible": "Possible",
    "unlikely": "Unlikely",
    "unrelated": "Unrelated",
    "unassessed": "Not yet assessed",
}
# The staff roles of clinics.choices.Role (a test checks that they agree).
ROLES = {
    "practitioner": "Practitioner",
    "nurse": "Nurse",
    "reception": "Reception",
    "admin": "Clinic admin",
    "researcher": "Researcher",
}
# The items of the medical-history Questionnaire besides the yes/no questions (the questions
# themselves are passed in by the questionnaire mapper, which reads consultations.questions).
QUESTION_LABELS: dict[str, str] = {
    "weight_6_months_ago_kg": "Weight six months ago (kg)",
    "details": "Details",
    "not_asked": "Why a question was not asked",
    "findings": "Contraindication screening findings",
    "body_image_concern": "Body-image screen raised a concern",
}
# The standard photo views (photos.protocol.VIEWS: a test checks that they agree), in English:
# a Media's view names the region and the view, as the capture page's slot does.
PHOTO_VIEWS: dict[str, str] = {
    "submental_frontal": "Submental, frontal",
    "submental_oblique_left": "Submental, left oblique",
    "submental_oblique_right": "Submental, right oblique",
    "submental_profile_left": "Submental, left profile",
    "submental_profile_right": "Submental, right profile",
    "thighs_posterior": "Thighs and buttocks, posterior",
    "thighs_lateral_left": "Thighs and buttocks, left lateral",
    "thighs_lateral_right": "Thighs and buttocks, right lateral",
    "abdomen_frontal": "Abdomen, frontal",
    "abdomen_lateral_left": "Abdomen, left lateral",
    "abdomen_lateral_right": "Abdomen, right lateral",
    "scalp_vertex": "Scalp, vertex",
    "scalp_frontal_hairline": "Scalp, frontal hairline",
}
MEDIA_TYPE = f"{THO}/media-type"
GENDERS = {"f": "female", "m": "male", "x": "other", "u": "unknown"}
ANSWER_LABELS = {"yes": "Yes", "no": "No", "unknown": "Not asked"}


def _concepts() -> dict[str, str]:
    """Every local code with its display: one list per prefix."""
    lists: dict[str, dict[str, str]] = {
        "area": AREAS,
        "side": SIDES,
        "indication": INDICATIONS,
        "technique": TECHNIQUES,
        "site-role": SITE_ROLES,
        "rater": RATERS,
        "ae": AE_TYPES,
        "causality": CAUSALITY_LABELS,
        "measure": {k.code: f"{k.label} ({k.unit})" for k in MEASUREMENT_KINDS.values()},
        "answer": ANSWER_LABELS,
        "role": ROLES,
        "procedure": {"mesotherapy": "Mesotherapy injection treatment"},
        "route": {"injection": "Injection (depth and technique on the dosage)"},
        "consent": {"photographs": "Clinical photographs"},
        "encounter": {"consultation": "Consultation", "session": "Treatment session"},
        "question": QUESTION_LABELS,
        "photo-view": PHOTO_VIEWS,
        "component": {"site-role": "Site role (treated or untreated control)"},
        # The injection map's diagrams (treatments.injection_map_models.Diagram).
        "diagram": {
            "face_front": "Face, front",
            "face_profile": "Face, profile",
            "submental": "Submental",
            "body_front": "Body, front",
            "body_back": "Body, back",
            "thighs": "Thighs",
            "abdomen": "Abdomen",
            "scalp": "Scalp",
        },
    }
    return {
        f"{prefix}-{code}": label
        for prefix, codes in lists.items()
        for code, label in codes.items()
    }


LOCAL_CONCEPTS: dict[str, str] = _concepts()


def code_system() -> dict[str, Any]:
    """The mesoclinic CodeSystem resource: every local code, so that a receiver can read them."""
    return {
        "resourceType": "CodeSystem",
        "id": "mesoclinic",
        "url": LOCAL,
        "name": "Mesoclinic",
        "title": "mesoclinic local codes: areas, sides, indications, outcome scales, adverse events",
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "count": len(LOCAL_CONCEPTS),
        "concept": [{"code": code, "display": label} for code, label in LOCAL_CONCEPTS.items()],
    }
