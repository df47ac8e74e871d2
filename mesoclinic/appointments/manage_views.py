"""A patient's appointments and messages (with the reminder opt-out), the clinic's
appointment types and rooms/devices, and a practitioner's calendar feed address."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mesoclinic.appointments.forms import AppointmentTypeForm, ResourceForm
from mesoclinic.appointments.models import (
    Appointment,
    AppointmentType,
    CalendarFeed,
    PatientMessage,
    ReminderOptOut,
    Resource,
)
from mesoclinic.appointments.services import BOOKABLE_ROLES
from mesoclinic.appointments.tokens import issue_feed
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.records.models import StaleRecordError
from mesoclinic.records.services import save_versioned


@requires(Perm.VIEW_DEMOGRAPHICS)
def patient_appointments(request: HttpRequest, public_id: str) -> HttpResponse:
    """The patient's appointments and every message: reminders and recalls sent or not
    delivered, and the patient's answers (the chart's timeline lists the same log)."""
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS), public_id=public_id
    )
    appointments = (
        Appointment.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS)
        .filter(patient=patient)
        .select_related("appointment_type", "practitioner__user", "room")
        .order_by("-starts_at")
    )
    sent = PatientMessage.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS).filter(
        patient=patient
    )
    record(request, Action.VIEW, obj=patient, detail="appointments and reminders")
    return render(
        request,
        "appointments/patient.html",
        {
            "patient": patient,
            "appointments": appointments,
            "reminders": sent.select_related("appointment"),
            "plans": TreatmentPlan.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS).filter(
                patient=patient, status=PlanStatus.ACTIVE
            ),
            "opted_out": ReminderOptOut.objects.filter(patient=patient).exists(),
        },
    )


@require_POST
@requires(Perm.EDIT_DEMOGRAPHICS)
def opt_out(request: HttpRequest, public_id: str) -> HttpResponse:
    """Switch the patient's reminders off, or back on."""
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.EDIT_DEMOGRAPHICS), public_id=public_id
    )
    with transaction.atomic():
        existing = ReminderOptOut.objects.filter(patient=patient)
        if existing.exists():
            existing.delete()
            record(request, Action.UPDATE, obj=patient, detail="reminders switched on")
            messages.success(request, gettext("Reminders switched on."))
        else:
            ReminderOptOut.objects.create(
                clinic_id=patient.clinic_id, patient=patient, created_by=membership.user
            )
            record(request, Action.UPDATE, obj=patient, detail="reminders switched off")
            messages.success(request, gettext("Reminders switched off: nothing will be sent."))
    return redirect("appointments:patient", public_id=patient.public_id)


@requires(Perm.MANAGE_CLINIC)
def setup(request: HttpRequest) -> HttpResponse:
    """The clinic's appointment types and rooms/devices, each with a form to add one."""
    membership = current_membership(request)
    clinic = membership.clinic
    data = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if data else None
    type_form = AppointmentTypeForm(data if which == "type" else None, prefix="type")
    resource_form = ResourceForm(data if which == "resource" else None, prefix="resource")
    form = type_form if which == "type" else resource_form if which == "resource" else None
    if form is not None and form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            item.clinic = clinic
            item.created_by = membership.user
            item.save()
            record(request, Action.CREATE, obj=item, clinic=clinic)
        messages.success(request, gettext("Saved."))
        return redirect("appointments:setup")
    return render(
        request,
        "appointments/setup.html",
        {
            "types": AppointmentType.objects.restrict(membership, Perm.MANAGE_CLINIC),
            "resources": Resource.objects.restrict(membership, Perm.MANAGE_CLINIC),
            "type_form": type_form,
            "resource_form": resource_form,
        },
    )


def _edit(
    request: HttpRequest,
    public_id: str,
    model: type[AppointmentType] | type[Resource],
    form_class: type[AppointmentTypeForm] | type[ResourceForm],
) -> HttpResponse:
    membership = current_membership(request)
    rows = model.objects.restrict(membership, Perm.MANAGE_CLINIC)
    item = get_object_or_404(rows, public_id=public_id)
    form = form_class(request.POST if request.method == "POST" else None, instance=item)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                saved = save_versioned(item, form.read_version, fields)
                record(
                    request, Action.UPDATE, obj=saved, detail=", ".join(sorted(form.changed_data))
                )
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Saved."))
            return redirect("appointments:setup")
    return render(request, "appointments/setup_edit.html", {"form": form, "item": item})


@requires(Perm.MANAGE_CLINIC)
def type_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    return _edit(request, public_id, AppointmentType, AppointmentTypeForm)


@requires(Perm.MANAGE_CLINIC)
def resource_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    return _edit(request, public_id, Resource, ResourceForm)


@requires(Perm.VIEW_DEMOGRAPHICS)
def feed(request: HttpRequest) -> HttpResponse:
    """A practitioner's own calendar feed: make a new address (revoking the old) or revoke it.
    The address is shown once, when made; only its hash is kept."""
    membership = current_membership(request)
    bookable = membership.role in BOOKABLE_ROLES
    url = ""
    if request.method == "POST" and bookable:
        with transaction.atomic():
            if request.POST.get("action") == "revoke":
                CalendarFeed.objects.filter(
                    practitioner=membership, revoked_at__isnull=True
                ).update(revoked_at=timezone.now())
                record(
                    request, Action.UPDATE, clinic=membership.clinic, detail="calendar feed revoked"
                )
                messages.success(request, gettext("The calendar feed address no longer works."))
            else:
                token = issue_feed(membership)
                record(
                    request, Action.CREATE, clinic=membership.clinic, detail="calendar feed issued"
                )
                url = request.build_absolute_uri(f"/ical/{token}.ics")
    live = CalendarFeed.objects.filter(practitioner=membership, revoked_at__isnull=True).first()
    return render(
        request, "appointments/feed.html", {"bookable": bookable, "live": live, "url": url}
    )
