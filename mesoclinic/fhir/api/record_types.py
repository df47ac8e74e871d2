"""Served types that are no clinical record of their own: Provenance (a signature or an
amendment, searched by the signed record's patient) and the definitions (the clinic, its staff,
the medical-history Questionnaire, the mesoclinic CodeSystem)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from mesoclinic.clinics.models import Clinic
from mesoclinic.fhir.api.declarations import (
    ID,
    LOCAL_PARAM,
    common,
    date_param,
    last_updated,
    patient_param,
)
from mesoclinic.fhir.api.sources import (
    ResourceType,
    Rows,
    Source,
    date_filter,
    derived,
    each,
    patient_filter,
)
from mesoclinic.fhir.codes import (
    code_system,
)
from mesoclinic.fhir.context import ExportContext
from mesoclinic.fhir.organization import (
    membership_rows,
    to_organization,
    to_practitioner,
    to_practitioner_role,
)
from mesoclinic.fhir.provenance import (
    SIGNED_MODELS,
    amendment_rows,
    map_amendments,
    signature_rows,
    to_signature,
)
from mesoclinic.fhir.questionnaire import questionnaire
from mesoclinic.records.models import SignableRecord


def _signatures(model: type[SignableRecord]) -> Source:
    def rows(ctx: ExportContext) -> Rows:
        return signature_rows(ctx, model).only(
            "public_id", "signed_at", "signed_by", "signed_by_name"
        )

    def to_resources(ctx: ExportContext, page: list[Any]) -> list[dict[str, Any]]:
        return [
            to_signature(ctx, model, (r.public_id, r.signed_at, r.signed_by_id, r.signed_by_name))
            for r in page
        ]

    return Source(
        rows,
        to_resources,
        common("patient", "signed_at", False, "signed_at"),
        derive=derived("signature"),
        derived_from=("public_id",),
    )


def _amendment_patient(ctx: ExportContext, rows: Rows, values: list[str]) -> Rows:
    """Amendments of the patients' signed records (an amendment points at its record)."""
    q = Q(pk__in=[])
    for model in SIGNED_MODELS:
        of_patient = patient_filter("patient")(ctx, model.objects.for_clinic(ctx.clinic), values)
        q |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=of_patient.values("pk"),
        )
    return rows.filter(q)


PROVENANCE = ResourceType(
    "Provenance",
    sources=(
        *(_signatures(model) for model in SIGNED_MODELS),
        Source(
            amendment_rows,
            lambda ctx, page: list(map_amendments(ctx, page)),
            {
                "patient": _amendment_patient,
                "date": date_filter("date", "at", day=False),
                "_lastUpdated": date_filter("_lastUpdated", "at", day=False),
            },
        ),
    ),
    params=(
        ID,
        patient_param("the patient of the signed or amended record"),
        date_param("Provenance.recorded", f"{LOCAL_PARAM}/Provenance-date"),
        last_updated("Provenance.recorded: a signature or amendment never changes"),
    ),  # fmt: skip
)

# Definitions ---------------------------------------------------------------------------------


def _clinic_rows(ctx: ExportContext) -> Rows:
    return Clinic.objects.filter(pk=ctx.clinic.pk)


ORGANIZATION = ResourceType(
    "Organization",
    sources=(Source(_clinic_rows, each(lambda ctx, clinic: to_organization(ctx))),),
    params=(ID,),
)
PRACTITIONER = ResourceType(
    "Practitioner",
    sources=(Source(membership_rows, each(lambda ctx, m: to_practitioner(m))),),
    params=(ID,),
)
PRACTITIONER_ROLE = ResourceType(
    "PractitionerRole",
    sources=(Source(membership_rows, each(to_practitioner_role)),),
    params=(ID,),
)


def versioned(resource: dict[str, Any]) -> dict[str, Any]:
    """A definition with no row (it changes only with a release): its content's hash is its
    version, so an ETag changes exactly when the definition does."""
    body = json.dumps(resource, sort_keys=True, separators=(",", ":")).encode()
    return {**resource, "meta": {"versionId": hashlib.sha256(body).hexdigest()[:16]}}


QUESTIONNAIRE = ResourceType(
    "Questionnaire", static=lambda clinic: versioned(questionnaire()), params=(ID,)
)
CODE_SYSTEM = ResourceType(
    "CodeSystem", static=lambda clinic: versioned(code_system()), params=(ID,), public=True
)
