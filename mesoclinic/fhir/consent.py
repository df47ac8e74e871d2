"""Consent: a patient's signed consent to a treatment, on a template version.

Withdrawal is an amendment of the signed consent, so the status is read as amended
(``Consent.withdrawn_on``): a withdrawn consent is ``inactive`` and its provision ends then.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mesoclinic.consent.models import Consent
from mesoclinic.fhir.codes import CONSENT_SCOPE, LOINC_CONSENT, coding, concept, local
from mesoclinic.fhir.context import ExportContext, instant, record_meta, ref
from mesoclinic.records.models import prefetch_amendments


def _status(consent: Consent) -> str:
    if consent.is_withdrawn:
        return "inactive"
    # Signed by the patient, not yet by whoever took the consent: proposed until then.
    return "active" if consent.is_signed else "proposed"


def to_consent(ctx: ExportContext, consent: Consent) -> dict[str, Any]:
    template = consent.template
    patient = ref("Patient", consent.patient.public_id)
    period: dict[str, Any] = {"start": instant(consent.patient_signed_at)}
    withdrawn = consent.withdrawn_on
    if withdrawn is not None:
        period["end"] = instant(withdrawn)
    photographs = "permit" if consent.effective("photo_consent") else "deny"
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(consent.public_id),
        "meta": record_meta(consent),
        "status": _status(consent),
        "scope": concept(coding(CONSENT_SCOPE, "treatment", "Treatment")),
        "category": [concept(LOINC_CONSENT)],
        "patient": patient,
        "dateTime": instant(consent.patient_signed_at),
        "performer": [patient],
        "organization": [ctx.organization()],
        # The template version the patient read is the rule consented to.
        "policyRule": concept(
            coding(f"{ctx.clinic_canonical}/consent-template", template.code),
            text=f"{template.title} (v{template.template_version})",
        ),
        "provision": {
            "type": "permit",
            "period": period,
            "code": [concept(local("indication", template.indication))],
            "provision": [
                {"type": photographs, "code": [concept(local("consent", "photographs"))]}
            ],
        },
    }
    return resource


def consent_rows(ctx: ExportContext) -> QuerySet[Consent]:
    return (
        ctx.changed(Consent.objects.for_clinic(ctx.clinic), Consent)
        .select_related("patient", "template")
        .prefetch_related(prefetch_amendments())
    )


def consents(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    rows = consent_rows(ctx).order_by("id").iterator(chunk_size=500)
    for consent in rows:
        yield to_consent(ctx, consent)
