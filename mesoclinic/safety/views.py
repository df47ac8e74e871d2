"""Recording adverse events, following their course, and the clinic's open events."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import StaleRecordError
from mesoclinic.safety import services
from mesoclinic.safety.forms import AdverseEventForm
from mesoclinic.safety.models import AdverseEvent, Outcome
from mesoclinic.treatments.models import Injection

# One screen of open events; a clinic with more has a backlog to work through first.
OPEN_LIMIT = 500


def _form(
    request: HttpRequest, membership: Membership, patient: Patient, event: AdverseEvent | None
) -> AdverseEventForm:
    sessions = patient.sessions.restrict(membership, Perm.VIEW_CLINICAL).order_by("-performed_at")
    # Only lots injected into this patient are offered; the form checks the chosen session.
    lots = Lot.objects.restrict(membership, Perm.VIEW_CLINICAL).filter(
        pk__in=Injection.objects.in_effect().filter(session__patient=patient).values("lot_id")
    )
    return AdverseEventForm(
        request.POST or None,
        instance=event,
        sessions=sessions,
        lots=lots,
        clinic=membership.clinic,
    )


@requires(Perm.EDIT_CLINICAL)
def record_event(request: HttpRequest, public_id: Any) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.EDIT_CLINICAL), public_id=public_id
    )
    form = _form(request, membership, patient, None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.record_adverse_event(request, membership, patient, fields)
        messages.success(request, gettext("Adverse event recorded."))
        return redirect("patient_chart", public_id=patient.public_id)
    record(request, Action.VIEW, obj=patient, detail="adverse event form")
    return render(request, "safety/form.html", {"form": form, "patient": patient, "event": None})


@requires(Perm.EDIT_CLINICAL)
def edit_event(request: HttpRequest, public_id: Any) -> HttpResponse:
    membership = current_membership(request)
    event = get_object_or_404(
        AdverseEvent.objects.restrict(membership, Perm.EDIT_CLINICAL).select_related("patient"),
        public_id=public_id,
    )
    patient = event.patient
    form = _form(request, membership, patient, event)
    if request.method == "POST" and form.is_valid():
        expected = form.read_version
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_adverse_event(
                request, AdverseEvent.objects.get(pk=event.pk), expected, fields
            )
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Adverse event updated."))
            return redirect("patient_chart", public_id=patient.public_id)
    record(request, Action.VIEW, obj=event)
    return render(request, "safety/form.html", {"form": form, "patient": patient, "event": event})


@requires(Perm.VIEW_CLINICAL, Perm.VIEW_DEMOGRAPHICS)
def open_events(request: HttpRequest) -> HttpResponse:
    """Every adverse event of the clinic still being followed, newest onset first."""
    membership = current_membership(request)
    events = list(
        AdverseEvent.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(resolved_date__isnull=True)
        .exclude(outcome=Outcome.FATAL)
        .select_related("patient", "session", "lot__product")
        .order_by("-onset_date", "-created_at")[:OPEN_LIMIT]
    )
    record(request, Action.LIST, detail=f"{len(events)} open adverse events")
    return render(
        request, "safety/open.html", {"events": events, "limited": len(events) == OPEN_LIMIT}
    )
