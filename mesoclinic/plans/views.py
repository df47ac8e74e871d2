"""Treatment plan screens: plan a course for a patient, edit it, close it (the plan's page,
with its sessions and the signing gates of the next one, is in workspace)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients.models import Patient
from mesoclinic.plans import services
from mesoclinic.plans.forms import PlanAreaFormSet, PlanForm, PlanStatusForm
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.records.models import INCOMPLETE_EDIT, StaleRecordError


def _plan(membership: Membership, perm: Perm, public_id: str) -> TreatmentPlan:
    return get_object_or_404(
        TreatmentPlan.objects.restrict(membership, perm).select_related("patient", "consultation"),
        public_id=public_id,
    )


@requires(Perm.EDIT_CLINICAL)
def plan_create(request: HttpRequest, patient_id: str) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.EDIT_CLINICAL), public_id=patient_id
    )
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, patient=patient, membership=membership)
    areas = PlanAreaFormSet(data, instance=TreatmentPlan(), prefix="areas")
    if request.method == "POST" and form.is_valid() and areas.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        with transaction.atomic():
            plan = services.create_plan(patient, request.user, fields, areas)
            record(request, Action.CREATE, obj=plan)
        messages.success(request, gettext("Plan saved."))
        return redirect("plan_detail", public_id=plan.public_id)
    # Showing the form shows the patient: that is a read of patient data.
    record(request, Action.VIEW, obj=patient, detail="new plan form")
    return render(
        request,
        "plans/form.html",
        {"form": form, "areas": areas, "patient": patient, "plan": None},
    )


@requires(Perm.EDIT_CLINICAL)
def plan_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    plan = _plan(membership, Perm.EDIT_CLINICAL, public_id)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan, patient=plan.patient, membership=membership)
    areas = PlanAreaFormSet(data, instance=plan, prefix="areas")
    if request.method == "POST" and form.is_valid() and areas.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        expected = form.read_version
        try:
            with transaction.atomic():
                plan = services.update_plan(
                    TreatmentPlan.objects.get(pk=plan.pk), expected, fields, areas
                )
                changed = sorted(form.changed_data) + (["areas"] if areas.has_changed() else [])
                record(request, Action.UPDATE, obj=plan, detail=", ".join(changed))
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Plan saved."))
            return redirect("plan_detail", public_id=plan.public_id)
    record(request, Action.VIEW, obj=plan, detail="edit form")
    return render(
        request,
        "plans/form.html",
        {"form": form, "areas": areas, "patient": plan.patient, "plan": plan},
    )


@require_POST
@requires(Perm.EDIT_CLINICAL)
def plan_close(request: HttpRequest, public_id: str, status: str) -> HttpResponse:
    membership = current_membership(request)
    plan = _plan(membership, Perm.EDIT_CLINICAL, public_id)
    form = PlanStatusForm(request.POST)
    if status not in (PlanStatus.COMPLETED, PlanStatus.STOPPED) or not form.is_valid():
        messages.error(
            request, gettext("The plan was not changed. %(reason)s") % {"reason": INCOMPLETE_EDIT}
        )
        return redirect("plan_detail", public_id=plan.public_id)
    try:
        with transaction.atomic():
            plan = services.close_plan(plan, form.cleaned_data["version"], status)
            record(request, Action.UPDATE, obj=plan, detail=f"status {status}")
    except (StaleRecordError, services.PlanError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("Plan marked stopped early.")
            if plan.status == PlanStatus.STOPPED
            else gettext("Plan marked completed."),
        )
    return redirect("plan_detail", public_id=plan.public_id)
