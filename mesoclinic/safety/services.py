"""Adverse-event workflows: recording one and following its course, each write audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.patients.models import Patient
from mesoclinic.records.services import save_versioned
from mesoclinic.safety.models import AdverseEvent


def _check_links(patient: Patient, fields: dict[str, Any]) -> None:
    # The form already limits the choices; this guards every other caller.
    session, lot = fields.get("session"), fields.get("lot")
    if session is not None and session.patient_id != patient.pk:
        raise ValueError("The session belongs to another patient.")
    if lot is not None and (
        session is None or not session.injections.in_effect().filter(lot=lot).exists()
    ):
        raise ValueError("The lot was not used in the linked session.")


def record_adverse_event(
    request: HttpRequest, membership: Membership, patient: Patient, fields: dict[str, Any]
) -> AdverseEvent:
    """Create an adverse event for ``patient``, reported by the signed-in user."""
    _check_links(patient, fields)
    with transaction.atomic():
        event = AdverseEvent(
            clinic_id=membership.clinic_id,
            patient=patient,
            created_by=membership.user,
            reported_by=membership.user,
            **fields,
        )
        event.full_clean()
        event.save()
        record(request, Action.CREATE, obj=event, patient=patient)
    return event


def update_adverse_event(
    request: HttpRequest, event: AdverseEvent, expected_version: int, fields: dict[str, Any]
) -> AdverseEvent:
    """Update the course or close the event; refused if someone changed it meanwhile."""
    _check_links(event.patient, fields)
    changed = sorted(name for name, value in fields.items() if getattr(event, name) != value)
    with transaction.atomic():
        fresh = save_versioned(event, expected_version, fields)
        record(request, Action.UPDATE, obj=fresh, detail=", ".join(changed) or "no change")
    return fresh
