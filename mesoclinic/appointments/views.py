"""Calendar and booking pages: day and week views per practitioner or room; book, move,
cancel and step an appointment through its visit. Reception works here with demographics
only: no clinical note is shown to a role without ``view_clinical``."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mesoclinic.appointments import grid as calendar
from mesoclinic.appointments import services
from mesoclinic.appointments.choices import TRANSITIONS, ResourceKind, Status
from mesoclinic.appointments.forms import (
    BookingForm,
    CancelForm,
    NewBookingForm,
    StatusForm,
    bookable_members,
)
from mesoclinic.appointments.models import Appointment, AppointmentQuerySet, Resource
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.records.models import StaleRecordError


def _appointments(membership: Membership, perm: Perm) -> AppointmentQuerySet:
    return Appointment.objects.restrict(membership, perm).select_related(
        "patient", "appointment_type", "practitioner__user", "room", "device", "plan", "session"
    )


@requires(Perm.VIEW_DEMOGRAPHICS)
def calendar_view(request: HttpRequest) -> HttpResponse:
    """?view=day|week, ?date=YYYY-MM-DD, ?by=practitioner|room, ?who=<public id> (week)."""
    membership = current_membership(request)
    clinic = membership.clinic
    day = calendar.parse_day(request.GET.get("date"), clinic)
    by = "room" if request.GET.get("by") == "room" else "practitioner"
    who_id = calendar.parse_uuid(request.GET.get("who"))
    week = request.GET.get("view") == "week"
    practitioners = list(bookable_members(clinic))
    rooms = list(Resource.objects.for_clinic(clinic).filter(kind=ResourceKind.ROOM, is_active=True))
    practitioner = next((m for m in practitioners if m.public_id == who_id), None)
    room = next((r for r in rooms if r.public_id == who_id), None)
    if week and practitioner is None and room is None:
        practitioner = practitioners[0] if by == "practitioner" and practitioners else None
        room = rooms[0] if by == "room" and rooms else None
    if week:
        first = calendar.week_start(day)
        columns = calendar.week_columns(first, practitioner, room)
        days = 7
    else:
        first = day
        columns = calendar.day_columns(clinic, day, by)
        days = 1
    start = clinic.start_of_day(first)
    end = clinic.start_of_day(first + dt.timedelta(days=days))
    rows = _appointments(membership, Perm.VIEW_DEMOGRAPHICS).active().overlapping(start, end)
    if week and practitioner is not None:
        rows = rows.filter(practitioner=practitioner)
    elif week and room is not None:
        rows = rows.filter(room=room)
    grid = calendar.build_grid(clinic, rows, columns, "day" if week else by)
    if grid.count:
        record(request, Action.LIST, detail=f"calendar: {grid.count} appointments")
    step = dt.timedelta(days=days)
    return render(
        request,
        "appointments/calendar.html",
        {
            "grid": grid,
            "day": day,
            "week": week,
            "by": by,
            "practitioners": practitioners,
            "rooms": rooms,
            "practitioner": practitioner,
            "room": room,
            "previous": first - step,
            "next": first + step,
            "today": clinic.today(),
        },
    )


def _initial(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    """The slot the calendar's link named: its start, practitioner and room."""
    initial: dict[str, Any] = {}
    start = request.GET.get("start", "")
    with contextlib.suppress(ValueError):
        initial["starts_at"] = dt.datetime.fromisoformat(start).strftime("%Y-%m-%dT%H:%M")
    who = calendar.parse_uuid(request.GET.get("practitioner"))
    if who is not None:
        initial["practitioner"] = who
    place = calendar.parse_uuid(request.GET.get("room"))
    if place is not None:
        initial["room"] = place
    return initial


def _booking(form: BookingForm, plan: TreatmentPlan | None) -> services.Booking:
    data = form.cleaned_data
    return services.Booking(
        appointment_type=data["appointment_type"],
        practitioner=data["practitioner"],
        starts_at=data["starts_at"],
        room=data.get("room"),
        device=data.get("device"),
        plan=plan,
        early_reason=data.get("early_reason") or "",
    )


@requires(Perm.EDIT_DEMOGRAPHICS)
def book(request: HttpRequest) -> HttpResponse:
    """Book from the calendar (patient by MRN), from the chart (?patient=) or from a plan
    (?plan=: the earliest date of its next session is shown, and booking earlier needs a reason)."""
    membership = current_membership(request)
    clinic = membership.clinic
    plan: TreatmentPlan | None = None
    patient: Patient | None = None
    plan_id = calendar.parse_uuid(request.GET.get("plan"))
    patient_id = calendar.parse_uuid(request.GET.get("patient"))
    if plan_id is not None:
        plan = get_object_or_404(
            TreatmentPlan.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS).select_related(
                "patient", "clinic"
            ),
            public_id=plan_id,
        )
        patient = plan.patient
    elif patient_id is not None:
        patient = get_object_or_404(
            Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS), public_id=patient_id
        )
    earliest = services.earliest_for(plan) if plan is not None else None
    initial = _initial(request, membership)
    if earliest is not None and earliest.day is not None and "starts_at" not in initial:
        initial["starts_at"] = f"{max(earliest.day, clinic.today()).isoformat()}T09:00"
    data = request.POST if request.method == "POST" else None
    form = NewBookingForm(data, clinic=clinic, patient=patient, initial=initial)
    if request.method == "POST" and form.is_valid():
        assert form.patient is not None
        try:
            appointment = services.book(request, form.patient, _booking(form, plan), request.user)
        except services.BookingError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, gettext("Appointment booked."))
            return redirect("appointments:detail", public_id=appointment.public_id)
    if patient is not None:
        record(request, Action.VIEW, obj=patient, detail="booking form")
    return render(
        request,
        "appointments/book.html",
        {
            "form": form,
            "patient": patient,
            "plan": plan,
            "earliest": earliest,
            "earliest_rule": services.rule_text(earliest.rule) if earliest else "",
            "progress": services.plan_progress(plan) if plan else None,
        },
    )


@requires(Perm.VIEW_DEMOGRAPHICS)
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    appointment = get_object_or_404(
        _appointments(membership, Perm.VIEW_DEMOGRAPHICS), public_id=public_id
    )
    record(request, Action.VIEW, obj=appointment)
    steps = [(s, Status(s).label) for s in TRANSITIONS.get(appointment.status, ())]
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "steps": steps,
            "cancel_form": CancelForm(read_version=appointment.version),
            "can_edit": membership.has(Perm.EDIT_DEMOGRAPHICS),
            "reminders": appointment.reminders.all(),
        },
    )


@requires(Perm.EDIT_DEMOGRAPHICS)
def move(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    appointment = get_object_or_404(
        _appointments(membership, Perm.EDIT_DEMOGRAPHICS), public_id=public_id
    )
    local = timezone.localtime(appointment.starts_at, membership.clinic.zone)
    initial = {
        "appointment_type": appointment.appointment_type.public_id,
        "practitioner": appointment.practitioner.public_id,
        "room": appointment.room.public_id if appointment.room else None,
        "device": appointment.device.public_id if appointment.device else None,
        "starts_at": local.replace(tzinfo=None),
        # A clinical note: prefilled only for a role that may read it (kept when left blank).
        "early_reason": appointment.early_reason if membership.has(Perm.VIEW_CLINICAL) else "",
    }
    data = request.POST if request.method == "POST" else None
    form = BookingForm(
        data, clinic=membership.clinic, initial=initial, read_version=appointment.version
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.move(request, appointment, form.read_version, _booking(form, appointment.plan))
        except services.BookingError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Appointment moved."))
            return redirect("appointments:detail", public_id=appointment.public_id)
    record(request, Action.VIEW, obj=appointment, detail="move form")
    return render(request, "appointments/move.html", {"form": form, "appointment": appointment})


@requires(Perm.EDIT_DEMOGRAPHICS)
def cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    appointment = get_object_or_404(
        _appointments(membership, Perm.EDIT_DEMOGRAPHICS), public_id=public_id
    )
    data = request.POST if request.method == "POST" else None
    form = CancelForm(data, read_version=appointment.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel(request, appointment, form.read_version, form.cleaned_data["reason"])
        except services.BookingError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Appointment cancelled."))
            return redirect("appointments:detail", public_id=appointment.public_id)
    record(request, Action.VIEW, obj=appointment, detail="cancel form")
    return render(request, "appointments/cancel.html", {"form": form, "appointment": appointment})


@require_POST
@requires(Perm.EDIT_DEMOGRAPHICS)
def status(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    appointment = get_object_or_404(
        _appointments(membership, Perm.EDIT_DEMOGRAPHICS), public_id=public_id
    )
    form = StatusForm(request.POST, read_version=appointment.version)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for e in form.non_field_errors()) or gettext("Nothing was changed."),
        )
        return redirect("appointments:detail", public_id=appointment.public_id)
    try:
        services.set_status(request, appointment, form.read_version, form.cleaned_data["status"])
    except (services.BookingError, StaleRecordError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Appointment updated."))
    return redirect("appointments:detail", public_id=appointment.public_id)
