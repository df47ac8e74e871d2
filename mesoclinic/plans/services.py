"""Treatment plan workflows: creating and editing a course with its areas, closing it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.utils.translation import gettext

from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, PlanStatus, TreatmentPlan
from mesoclinic.records.services import save_versioned


class PlanError(Exception):
    """A plan change that is refused; the message says why."""


def create_plan(
    patient: Patient,
    user: Any,
    fields: dict[str, Any],
    areas: BaseInlineFormSet[PlanArea, TreatmentPlan, ModelForm[PlanArea]],
) -> TreatmentPlan:
    """The plan and its areas in one transaction: never a plan without its areas."""
    with transaction.atomic():
        plan = TreatmentPlan(clinic=patient.clinic, patient=patient, created_by=user, **fields)
        plan.save()
        areas.instance = plan
        areas.save()
    return plan


def update_plan(
    plan: TreatmentPlan,
    expected_version: int,
    fields: dict[str, Any],
    areas: BaseInlineFormSet[PlanArea, TreatmentPlan, ModelForm[PlanArea]],
) -> TreatmentPlan:
    """Save an edit made at ``expected_version``; refused if someone changed the plan since."""
    with transaction.atomic():
        plan = save_versioned(plan, expected_version, fields)
        areas.instance = plan
        areas.save()
    return plan


def close_plan(plan: TreatmentPlan, expected_version: int, status: str) -> TreatmentPlan:
    """Mark an active course completed or stopped early."""
    if status not in (PlanStatus.COMPLETED, PlanStatus.STOPPED):
        raise PlanError(gettext("A plan can only be marked completed or stopped."))
    if plan.status != PlanStatus.ACTIVE:
        raise PlanError(
            gettext("This plan is already stopped early.")
            if plan.status == PlanStatus.STOPPED
            else gettext("This plan is already completed.")
        )
    return save_versioned(plan, expected_version, {"status": status})
