"""Recording a visit's measurements, and correcting or removing one entered in error."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.outcomes import services
from mesoclinic.outcomes.forms import (
    ROW_FIELDS,
    BaseRowFormSet,
    MeasurementEditForm,
    RowFormSet,
    VisitForm,
    control_rows,
)
from mesoclinic.outcomes.models import Measurement
from mesoclinic.outcomes.outcome_sets import outcome_set, prompt_rows
from mesoclinic.outcomes.weight import weight_changes
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.records.forms import ReadVersionForm
from mesoclinic.records.models import INCOMPLETE_EDIT, StaleRecordError

PREFIX = "rows"
BLANK_ROWS = 3


def _patient(membership: Membership, public_id: Any, perm: Perm) -> Patient:
    return get_object_or_404(Patient.objects.restrict(membership, perm), public_id=public_id)


def _measurement(membership: Membership, public_id: Any) -> Measurement:
    return get_object_or_404(
        Measurement.objects.restrict(membership, Perm.EDIT_CLINICAL).select_related("patient"),
        public_id=public_id,
    )


def plan_rows(
    patient: Patient, membership: Membership
) -> tuple[TreatmentPlan | None, list[dict[str, str]]]:
    """Rows prefilled from the patient's newest active plan: its indication's measures at
    each planned area."""
    plan = (
        TreatmentPlan.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(patient=patient, status=PlanStatus.ACTIVE)
        .prefetch_related("areas")
        .order_by("-created_at")
        .first()
    )
    if plan is None:
        return None, []
    # The indication's standard outcome set at each planned site (outcome_sets.py).
    return plan, prompt_rows(plan.indication, [(a.area, a.side) for a in plan.areas.all()])


def _posted_rows(data: QueryDict) -> list[dict[str, str]]:
    try:
        total = min(int(data.get(f"{PREFIX}-TOTAL_FORMS", "0")), 60)
    except ValueError:
        total = 0
    return [{f: data.get(f"{PREFIX}-{i}-{f}", "") for f in ROW_FIELDS} for i in range(total)]


def _blank_rows(count: int) -> list[dict[str, str]]:
    return [dict.fromkeys(ROW_FIELDS, "") for _ in range(count)]


@requires(Perm.EDIT_CLINICAL)
def record_measurements(request: HttpRequest, public_id: Any) -> HttpResponse:
    membership = current_membership(request)
    patient = _patient(membership, public_id, Perm.EDIT_CLINICAL)
    sessions = patient.sessions.restrict(membership, Perm.VIEW_CLINICAL).order_by("-performed_at")
    plan, prefilled = plan_rows(patient, membership)
    action = request.POST.get("action", "save")

    if request.method == "POST" and action in ("add_row", "add_control"):
        # Rebuild the page with one more row, or with the opposite-side control rows,
        # keeping everything typed so far; nothing is validated or saved yet.
        rows = _posted_rows(request.POST)
        rows += control_rows(rows) if action == "add_control" else _blank_rows(1)
        visit = VisitForm(
            initial={k: request.POST.get(k, "") for k in ("measured_on", "session", "weight_kg")},
            sessions=sessions,
            clinic=membership.clinic,
        )
        formset = RowFormSet(prefix=PREFIX, initial=rows)
    elif request.method == "POST":
        visit = VisitForm(request.POST, sessions=sessions, clinic=membership.clinic)
        formset = RowFormSet(request.POST, prefix=PREFIX)
        if visit.is_valid() and formset.is_valid():
            values = cast(BaseRowFormSet, formset).rows()
            weight = visit.cleaned_data["weight_kg"]
            if weight is not None:
                values.insert(0, services.Row(kind="weight_kg", value=weight))
            if not values:
                visit.add_error(
                    None, gettext("Enter at least one value: the weight or a row's value.")
                )
            else:
                try:
                    saved = services.record_measurements(
                        request,
                        membership,
                        patient,
                        visit.cleaned_data["measured_on"],
                        visit.cleaned_data["session"],
                        values,
                    )
                except ValidationError as exc:
                    visit.add_error(None, "; ".join(exc.messages))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Saved %(count)d measurement.",
                            "Saved %(count)d measurements.",
                            len(saved),
                        )
                        % {"count": len(saved)},
                    )
                    _warn_weight(request, membership, patient, saved)
                    return redirect("patient_chart", public_id=patient.public_id)
    else:
        visit = VisitForm(
            initial={"measured_on": timezone.localdate()},
            sessions=sessions,
            clinic=membership.clinic,
        )
        formset = RowFormSet(prefix=PREFIX, initial=prefilled + _blank_rows(BLANK_ROWS))
    record(request, Action.VIEW, obj=patient, detail="measurement form")
    return render(
        request,
        "outcomes/record.html",
        {
            "patient": patient,
            "visit": visit,
            "formset": formset,
            "plan": plan,
            "outcome_set": outcome_set(plan.indication) if plan else None,
            "one_sided": any(r["side"] in ("left", "right") for r in prefilled),
        },
    )


def _warn_weight(
    request: HttpRequest, membership: Membership, patient: Patient, saved: list[Measurement]
) -> None:
    """Tell the user at once when the weight just entered is more than 5% off the first."""
    new = [m for m in saved if m.kind == "weight_kg"]
    if not new:
        return
    weights = (
        Measurement.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(patient=patient, kind="weight_kg")
        .order_by("measured_on", "pk")
    )
    changes = weight_changes((m.measured_on, m.value, m.pk) for m in weights)
    change = changes.get(new[0].pk)
    if change is not None and change.flagged:
        messages.warning(
            request,
            gettext(
                "Weight is %(percent)s%% from the first recorded weight "
                "(%(baseline)s kg on %(day)s): more than 5%%."
            )
            % {
                "percent": f"{change.percent:+}",
                "baseline": change.baseline_kg,
                "day": f"{change.baseline_on:%Y-%m-%d}",
            },
        )


@requires(Perm.EDIT_CLINICAL)
def edit_measurement(request: HttpRequest, public_id: Any) -> HttpResponse:
    membership = current_membership(request)
    m = _measurement(membership, public_id)
    form = MeasurementEditForm(request.POST or None, instance=m)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_measurement(
                request, Measurement.objects.get(pk=m.pk), form.read_version, fields
            )
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            messages.success(request, gettext("Measurement corrected."))
            return redirect("patient_chart", public_id=m.patient.public_id)
    record(request, Action.VIEW, obj=m)
    return render(request, "outcomes/edit.html", {"form": form, "m": m, "patient": m.patient})


@requires(Perm.EDIT_CLINICAL)
def delete_measurement(request: HttpRequest, public_id: Any) -> HttpResponse:
    membership = current_membership(request)
    m = _measurement(membership, public_id)
    error = ""
    form = ReadVersionForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        error = INCOMPLETE_EDIT
    elif request.method == "POST":
        try:
            services.delete_measurement(request, m, form.cleaned_data["version"])
        except StaleRecordError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                gettext("Deleted %(kind)s entered in error.")
                % {"kind": m.get_kind_display().lower()},
            )
            return redirect("patient_chart", public_id=m.patient.public_id)
    record(request, Action.VIEW, obj=m)
    return render(request, "outcomes/delete.html", {"m": m, "patient": m.patient, "error": error})
