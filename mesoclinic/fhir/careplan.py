"""CarePlan: a treatment plan (a course of sessions for one indication)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mesoclinic.clinical_codes import AREAS, SIDES
from mesoclinic.fhir.codes import concept, local
from mesoclinic.fhir.context import ExportContext, instant, meta, ref
from mesoclinic.plans.models import PlanStatus, TreatmentPlan

STATUSES = {
    PlanStatus.ACTIVE: "active",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.STOPPED: "revoked",
}


def to_care_plan(ctx: ExportContext, plan: TreatmentPlan) -> dict[str, Any]:
    areas = ", ".join(
        f"{AREAS.get(a.area, a.area)} ({SIDES.get(a.side, a.side)})" for a in plan.areas.all()
    )
    description = f"{plan.planned_sessions} sessions, every {plan.interval_days} days"
    if areas:
        description += f"; areas: {areas}"
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.public_id),
        "meta": meta(plan.version, plan.updated_at),
        "status": STATUSES.get(PlanStatus(plan.status), "unknown"),
        "intent": "plan",
        "category": [concept(local("indication", plan.indication))],
        "title": plan.protocol or plan.get_indication_display(),
        "description": description,
        "subject": ref("Patient", plan.patient.public_id),
        "created": instant(plan.created_at),
        "activity": [
            {
                "detail": {
                    "code": concept(local("procedure", "mesotherapy")),
                    "status": "completed" if plan.status == PlanStatus.COMPLETED else "scheduled",
                    "scheduledTiming": {
                        "repeat": {
                            "count": plan.planned_sessions,
                            "period": plan.interval_days,
                            "periodUnit": "d",
                        }
                    },
                    "description": description,
                }
            }
        ],
    }
    if plan.start_date is not None:
        resource["period"] = {"start": plan.start_date.isoformat()}
    if plan.lifestyle_advice.strip():
        resource["note"] = [{"text": plan.lifestyle_advice.strip()}]
    if plan.consultation is not None:
        resource["supportingInfo"] = [ref("QuestionnaireResponse", plan.consultation.public_id)]
    return resource


def plan_rows(ctx: ExportContext) -> QuerySet[TreatmentPlan]:
    return (
        TreatmentPlan.objects.for_clinic(ctx.clinic)
        .filter(**ctx.since_filter())
        .select_related("patient", "consultation")
        .prefetch_related("areas")
    )


def care_plans(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    rows = plan_rows(ctx).order_by("id").iterator(chunk_size=500)
    for plan in rows:
        yield to_care_plan(ctx, plan)
