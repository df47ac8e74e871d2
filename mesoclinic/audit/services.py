"""Writing the audit trail. Every patient-data view, export and command calls ``record``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import HttpRequest

from mesoclinic.audit import chain
from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditChainHead, AuditEvent
from mesoclinic.clinics.client_address import client_address as _client_address

if TYPE_CHECKING:
    from mesoclinic.clinics.models import Clinic


def client_address(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR, or the hop the configured number of trusted proxies vouch for: never a raw
    # X-Forwarded-For, which the client writes unless a trusted proxy rewrites it, since an
    # audit trail must not record an address the user chose (clinics.client_address).
    return _client_address(request)


def record(
    request: HttpRequest | None,
    action: Action,
    *,
    obj: models.Model | None = None,
    patient: models.Model | None = None,
    clinic: Clinic | None = None,
    detail: str = "",
    user: Any = None,
) -> AuditEvent:
    """Append one audit event. Called inside the business transaction: if it fails, the write fails.

    ``patient`` defaults to ``obj`` when ``obj`` is a patient, else to ``obj.patient``. Which
    model is "a patient" comes from the trail's own foreign key, not an import: the audit
    trail sits below the patient register and must not import it."""
    actor: Any = user if user is not None else (request.user if request is not None else None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    membership = getattr(request, "membership", None) if request is not None else None
    if clinic is None:
        clinic = getattr(obj, "clinic", None) or getattr(patient, "clinic", None)
        if clinic is None and membership is not None:
            clinic = membership.clinic
    if patient is None and obj is not None:
        patient_model: Any = AuditEvent._meta.get_field("patient").related_model
        patient = obj if isinstance(obj, patient_model) else getattr(obj, "patient", None)
    object_id = ""
    if obj is not None:
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    return AuditEvent.objects.create(
        user=actor,
        username=getattr(actor, "username", "") if actor is not None else "",
        clinic=clinic,
        patient_id=patient.pk if patient is not None else None,
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=object_id,
        detail=detail[:300],
        ip_address=client_address(request),
    )


def record_for_patients(
    request: HttpRequest | None,
    action: Action,
    *,
    clinic: Clinic,
    patient_ids: Sequence[int | None],
    username: str,
    object_type: str = "",
    object_id: str = "",
    detail: str = "",
) -> list[AuditEvent]:
    """Append one event per patient of ``patient_ids`` (None: an event naming no patient) for
    an actor that is not a user (an API client, named in ``username`` and ``detail``).

    A search that returns many patients' records is audited per patient, like a chart view,
    at a cost that does not grow with them: the chain's head is locked once, the events are
    sealed one after another and inserted together, and the head moves once."""
    if not patient_ids:
        return []
    address = client_address(request)
    with transaction.atomic():
        head = chain.lock_head(AuditChainHead, clinic.pk)
        events = []
        for patient_id in patient_ids:
            event = AuditEvent(
                user=None,
                username=username[:150],
                clinic=clinic,
                patient_id=patient_id,
                action=action,
                object_type=object_type[:50],
                object_id=object_id[:64],
                detail=detail[:300],
                ip_address=address,
            )
            chain.seal(event, head)
            head.length, head.head_hash = event.seq, event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        chain.advance(AuditChainHead, head, events[-1])
    return events
