"""Today's list, switching clinic, and staff management."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics import services, session_timeout
from mesoclinic.clinics.forms import ClinicSettingsForm, StaffCreateForm, StaffEditForm
from mesoclinic.clinics.middleware import SESSION_KEY
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.clinics.today import attention, day_sessions
from mesoclinic.records.models import StaleRecordError
from mesoclinic.treatments.models import TreatmentSession


@login_required
def today(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    start = membership.clinic.start_of_day(membership.clinic.today())
    end = start + dt.timedelta(days=1)
    sessions = list(
        TreatmentSession.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS)
        .filter(performed_at__gte=start, performed_at__lt=end)
        .select_related("patient__clinic")
        .order_by("performed_at")
    )
    rows = day_sessions(membership, sessions)
    follow_up = attention(membership, timezone.now())
    if sessions or follow_up.patients_listed:
        # Counts only: the rows name patients, the audit detail never does.
        record(
            request,
            Action.LIST,
            detail=f"today's list: {len(sessions)} sessions, {follow_up.red_flag_count} red "
            f"flags, {follow_up.overdue_count} overdue check-ins",
        )
    others = Membership.objects.filter(user=membership.user, is_active=True).exclude(
        pk=membership.pk
    )
    return render(
        request,
        "clinics/today.html",
        {
            "sessions": rows,
            "follow_up": follow_up,
            "day": start.date(),
            "other_memberships": others.select_related("clinic"),
        },
    )


@login_required
@require_POST
def switch_clinic(request: HttpRequest, clinic_public_id: str) -> HttpResponse:
    target = get_object_or_404(
        Membership, user=request.user, is_active=True, clinic__public_id=clinic_public_id
    )
    request.session[SESSION_KEY] = target.clinic_id
    messages.info(request, f"You are now working in {target.clinic.name}.")
    return redirect("today")


@requires(Perm.MANAGE_STAFF)
def staff_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    staff = (
        Membership.objects.filter(clinic=membership.clinic)
        .select_related("user", "profile")
        .order_by("-is_active", "user__last_name", "user__first_name")
    )
    return render(request, "clinics/staff_list.html", {"staff": staff})


@requires(Perm.MANAGE_STAFF)
def staff_create(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            added = services.add_staff(membership.clinic, form.cleaned_data)
            record(request, Action.CREATE, obj=added, detail=f"staff added as {added.role}")
        messages.success(request, f"Added {added.display_name} as {added.get_role_display()}.")
        return redirect("staff_list")
    return render(request, "clinics/staff_form.html", {"form": form, "member": None})


@requires(Perm.MANAGE_STAFF)
def staff_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    member = get_object_or_404(
        Membership.objects.filter(clinic=membership.clinic), public_id=public_id
    )
    profile = getattr(member, "profile", None)
    initial = {
        "role": member.role,
        "is_active": member.is_active,
        "profession": profile.profession if profile else "",
        "registration_number": profile.registration_number if profile else "",
        "registration_body": profile.registration_body if profile else "",
    }
    form = StaffEditForm(request.POST or None, initial=initial, read_version=member.version)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                member = services.change_staff(
                    member, membership, form.cleaned_data, form.read_version
                )
                record(
                    request,
                    Action.UPDATE,
                    obj=member,
                    detail=f"role {member.role}, active {member.is_active}",
                )
        except (services.StaffError, StaleRecordError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved {member.display_name}.")
            return redirect("staff_list")
    return render(request, "clinics/staff_form.html", {"form": form, "member": member})


@requires(Perm.MANAGE_CLINIC)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    """The clinic's settings for its admin; every save is audited with what changed."""
    membership = current_membership(request)
    # A copy: a form that fails validation must not alter the clinic this request uses.
    clinic = Clinic.objects.get(pk=membership.clinic_id)
    form = ClinicSettingsForm(
        request.POST or None, instance=clinic, initial={"version": clinic.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved, changed = services.update_settings(
                    clinic, form.cleaned_data.get("version"), form.cleaned_data
                )
                record(
                    request,
                    Action.UPDATE,
                    obj=saved,
                    clinic=saved,
                    detail="clinic settings: " + (", ".join(changed) or "no change"),
                )
        except services.StaleSettingsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Clinic settings saved." if changed else "Nothing changed.")
            return redirect("clinic_settings")
    return render(request, "clinics/settings.html", {"form": form})


def _session_answer(request: HttpRequest) -> JsonResponse:
    """How long the page's sign-in has left, for its warning banner (session-timeout.js)."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining_seconds": 0}, status=401)
    left = session_timeout.remaining(request)
    return JsonResponse(
        {
            "signed_in": True,
            "remaining_seconds": left.seconds,
            "warning_seconds": session_timeout.warning_lead_seconds(left.idle_limit_seconds),
            "extendable": left.extendable,
        }
    )


@require_GET
def session_time_left(request: HttpRequest) -> JsonResponse:
    """Asking does not count as activity (SessionTimeoutMiddleware leaves the clock alone)."""
    return _session_answer(request)


@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """The "stay signed in" button: this request is the activity that restarts the clock."""
    return _session_answer(request)
