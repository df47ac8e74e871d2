"""Provenance: who signed a record and when (with the signature), and every amendment of a
signed record (who, when, why, which fields), pointing at the resources it changed.

The superseded values of an amendment are not repeated here: the resources carry the record
as amended, and the Provenance says that, when and why it was amended.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from mesoclinic.consent.models import Consent
from mesoclinic.consultations.models import Consultation
from mesoclinic.fhir.codes import (
    AUTHOR_SIGNATURE,
    DATA_OPERATION,
    SIGNATURE_TYPE,
    THO,
    coding,
    concept,
)
from mesoclinic.fhir.context import ExportContext, derived_id, instant, ref
from mesoclinic.records.models import Amendment, SignableRecord
from mesoclinic.treatments.models import TreatmentSession

PARTICIPANT = f"{THO}/provenance-participant-type"
SIGNED_MODELS: tuple[type[SignableRecord], ...] = (Consultation, Consent, TreatmentSession)


def targets(record_type: type[SignableRecord], public_id: str) -> list[dict[str, Any]]:
    """The resources mapped from a signed record."""
    if record_type is Consent:
        return [ref("Consent", public_id)]
    if record_type is Consultation:
        return [ref("Encounter", public_id), ref("QuestionnaireResponse", public_id)]
    return [ref("Encounter", public_id)]


def _who(ctx: ExportContext, user_id: int | None, name: str) -> dict[str, Any]:
    return ctx.practitioner(user_id, name) or {"display": name or "unknown"}


SIGNATURE_READ = ("public_id", "signed_at", "signed_by_id", "signed_by_name")


def signature_rows(ctx: ExportContext, model: type[SignableRecord]) -> QuerySet[Any]:
    """The clinic's signed records of ``model`` (signed since ``ctx.since``), unordered."""
    rows: QuerySet[Any] = model.objects.for_clinic(ctx.clinic)
    return rows.filter(signed_at__isnull=False, **ctx.since_filter("signed_at"))


def to_signature(
    ctx: ExportContext, model: type[SignableRecord], values: tuple[Any, ...]
) -> dict[str, Any]:
    """The Provenance of one signature, from ``SIGNATURE_READ`` of the signed record."""
    public_id, signed_at, user_id, name = values
    who = _who(ctx, user_id, name)
    return {
        "resourceType": "Provenance",
        "id": derived_id(public_id, "signature"),
        # A signature never changes: one version, recorded when signed.
        "meta": {"versionId": "1", "lastUpdated": instant(signed_at)},
        "target": targets(model, str(public_id)),
        "recorded": instant(signed_at),
        "activity": concept(text="Signed"),
        "agent": [
            {
                "type": concept(coding(PARTICIPANT, "legal", "Legal Authenticator")),
                "who": who,
            }
        ],
        "signature": [
            {
                "type": [coding(SIGNATURE_TYPE, AUTHOR_SIGNATURE, "Author's Signature")],
                "when": instant(signed_at),
                "who": who,
            }
        ],
    }


def signatures(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for model in SIGNED_MODELS:
        rows = (
            signature_rows(ctx, model)
            .order_by("id")
            .values_list(*SIGNATURE_READ)
            .iterator(chunk_size=2000)
        )
        for values in rows:
            yield to_signature(ctx, model, values)


def _chunks(rows: Iterable[Amendment], size: int) -> Iterator[list[Amendment]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def signed_types() -> dict[int, type[SignableRecord]]:
    """The signed record models by content type id."""
    return {ContentType.objects.get_for_model(model).pk: model for model in SIGNED_MODELS}


def amendment_rows(ctx: ExportContext) -> QuerySet[Amendment]:
    """The clinic's amendments of signed records (since ``ctx.since``), unordered."""
    return (
        Amendment.objects.for_clinic(ctx.clinic)
        .filter(content_type_id__in=signed_types(), **ctx.since_filter("at"))
        .prefetch_related("injection_lines")
    )


def map_amendments(ctx: ExportContext, chunk: list[Amendment]) -> Iterator[dict[str, Any]]:
    """The Provenance of each amendment of ``chunk``, with one query per record type for the
    amended records' public ids."""
    types = signed_types()
    public_ids: dict[tuple[int, int], str] = {}
    for type_id, model in types.items():
        pks = [a.object_id for a in chunk if a.content_type_id == type_id]
        if pks:
            for pk, record_id in model.objects.filter(pk__in=pks).values_list("pk", "public_id"):
                public_ids[(type_id, pk)] = str(record_id)
    for amendment in chunk:
        target_id = public_ids.get((amendment.content_type_id, amendment.object_id))
        if target_id is None:
            continue
        target = targets(types[amendment.content_type_id], target_id)
        # A corrected injection line is a new MedicationAdministration.
        target += [
            ref("MedicationAdministration", line.public_id)
            for line in amendment.injection_lines.all()
        ]
        fields = ", ".join(sorted(amendment.changes)) if amendment.changes else "injection line"
        yield {
            "resourceType": "Provenance",
            "id": str(amendment.public_id),
            "meta": {"versionId": "1", "lastUpdated": instant(amendment.at)},
            "target": target,
            "recorded": instant(amendment.at),
            "activity": concept(
                coding(DATA_OPERATION, "UPDATE", "revise"), text=f"Amended: {fields}"
            ),
            "reason": [concept(text=amendment.reason)],
            "agent": [
                {
                    "type": concept(coding(PARTICIPANT, "author", "Author")),
                    "who": _who(ctx, amendment.author_id, amendment.author_name),
                }
            ],
        }


def amendments(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    rows = amendment_rows(ctx).order_by("id").iterator(chunk_size=500)
    for chunk in _chunks(rows, 500):
        yield from map_amendments(ctx, chunk)


def provenances(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    yield from signatures(ctx)
    yield from amendments(ctx)
