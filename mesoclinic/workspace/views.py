"""The surfaces that gather many apps: Today's list, the patient chart, a plan's page (its
sessions and the signing gates of the next), and the clinic's staff and settings pages.

They sit on top of the layer order (CONTRIBUTING.md): the chart and Today read sessions,
measurements, aftercare and recalls; the staff pages audit and lock versions. The apps below
never import this one.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mesoclinic.appointments import services as appointment_services
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics import services as clinic_services
from mesoclinic.clinics import throttle
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.requests import ClinicRequest
from mesoclinic.clinics.roles import Perm
from mesoclinic.mfa import policy as mfa_policy
from mesoclinic.mfa import services as mfa_services
from mesoclinic.patients.fields import access_for
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.records.models import StaleRecordError
from mesoclinic.treatments import readiness
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.workspace import chart_cache, services
from mesoclinic.workspace.alerts import chart_alerts
from mesoclinic.workspace.forms import ClinicSettingsForm, StaffCreateForm, StaffEditForm
from mesoclinic.workspace.timeline import build_chart, window_years
from mesoclinic.workspace.today import attention, day_sessions


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
    booked = (
        appointment_services.day_list(membership, start, end)
        if membership.has(Perm.VIEW_DEMOGRAPHICS)
        else None
    )
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
        "workspace/today.html",
        {
            "sessions": rows,
            "appointments": booked,
            "follow_up": follow_up,
            "day": start.date(),
            "other_memberships": others.select_related("clinic"),
        },
    )


@requires(Perm.VIEW_DEMOGRAPHICS)
def patient_chart(request: ClinicRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS), public_id=public_id
    )
    # restrict() found it in the member's clinic: that clinic, already read, is the patient's.
    patient.clinic = membership.clinic
    # The timeline's window: the recent year, or as many years as the "older" link asked for.
    years = window_years(request.GET.get("years"))
    # The history (plots and timeline) comes from the cache when nothing it shows has changed
    # (workspace/chart_cache.py); the header and the alerts below are always read live.
    clinical = membership.has(Perm.VIEW_CLINICAL)
    if request.htmx and "years" in request.GET:
        # The "older" link followed with htmx: only the year it adds, after those shown.
        record(request, Action.VIEW, obj=patient, detail=f"chart, history of {years} years")
        if clinical:
            return HttpResponse(chart_cache.history(patient, membership, years, older=True))
        return render(
            request,
            "workspace/_timeline_older.html",
            {"patient": patient, "chart": build_chart(patient, membership, years), "entries": []},
        )
    alerts = chart_alerts(patient, membership)
    record(request, Action.VIEW, obj=patient, detail="chart")
    context = {
        "patient": patient,
        "history": chart_cache.history(patient, membership, years) if clinical else None,
        "alerts": alerts,
        "patient_fields": access_for(membership),
    }
    return render(request, "workspace/chart.html", context)


@requires(Perm.VIEW_CLINICAL)
def plan_page(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    plan = get_object_or_404(
        TreatmentPlan.objects.restrict(membership, Perm.VIEW_CLINICAL).select_related(
            "patient", "consultation"
        ),
        public_id=public_id,
    )
    sessions = list(
        plan.sessions.restrict(membership, Perm.VIEW_CLINICAL).prefetch_related("areas")
    )
    record(request, Action.VIEW, obj=plan)
    areas = [a.area for a in plan.areas.all()]
    return render(
        request,
        "workspace/plan.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "sessions": sessions,
            "done": sum(1 for s in sessions if s.is_signed),
            "progress": appointment_services.plan_progress(plan),
            "earliest": appointment_services.earliest_for(plan)
            if plan.status == PlanStatus.ACTIVE
            else None,
            # The same signing gates the session page shows, before any session is started.
            "checks": readiness.checks_for(plan.patient, [plan.indication], areas)
            if plan.status == PlanStatus.ACTIVE
            else [],
        },
    )


@requires(Perm.MANAGE_STAFF)
def staff_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    staff = (
        Membership.objects.filter(clinic=membership.clinic)
        .select_related("user", "profile")
        .order_by("-is_active", "user__last_name", "user__first_name")
    )
    return render(request, "workspace/staff_list.html", {"staff": staff})


@requires(Perm.MANAGE_STAFF)
def staff_create(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            added = services.add_staff(membership.clinic, form.cleaned_data)
            record(request, Action.CREATE, obj=added, detail=f"staff added as {added.role}")
        messages.success(
            request,
            _("Added %(name)s as %(role)s.")
            % {"name": added.display_name, "role": added.get_role_display()},
        )
        return redirect("staff_list")
    return render(request, "workspace/staff_form.html", {"form": form, "member": None})


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
            messages.success(request, _("Saved %(name)s.") % {"name": member.display_name})
            return redirect("staff_list")
    return render(
        request,
        "workspace/staff_form.html",
        {
            "form": form,
            "member": member,
            "lock": throttle.account_lock(member.user.username),
            "second_step_devices": len(mfa_policy.authenticators(member.user)),
        },
    )


def _staff_member(request: HttpRequest, public_id: str) -> Membership:
    """A member of the admin's own clinic: another clinic's staff is a 404."""
    clinic = current_membership(request).clinic
    return get_object_or_404(
        Membership.objects.filter(clinic=clinic).select_related("user"), public_id=public_id
    )


@require_POST
@requires(Perm.MANAGE_STAFF)
def staff_unlock(request: HttpRequest, public_id: str) -> HttpResponse:
    """Lift a staff member's sign-in lockout (their failed sign-ins are forgotten); audited."""
    member = _staff_member(request, public_id)
    with transaction.atomic():
        runs = throttle.unlock_account(member.user.username)
        record(request, Action.UPDATE, obj=member, detail=f"sign-in unlocked ({runs} runs)")
    messages.success(request, _("%(name)s can sign in again.") % {"name": member.display_name})
    return redirect("staff_edit", public_id=member.public_id)


@require_POST
@requires(Perm.MANAGE_STAFF)
def staff_send_reset(request: HttpRequest, public_id: str) -> HttpResponse:
    """E-mail a staff member a link to set a new password; audited."""
    acting = current_membership(request)
    member = _staff_member(request, public_id)
    try:
        with transaction.atomic():
            record(request, Action.UPDATE, obj=member, detail="password reset link e-mailed")
            clinic_services.send_reset_link(member.user, request, acting.display_name)
    except clinic_services.NoEmailAddress as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "A link to set a new password was e-mailed to %(name)s. "
                "It works once, for %(minutes)d minute.",
                "A link to set a new password was e-mailed to %(name)s. "
                "It works once, for %(minutes)d minutes.",
                clinic_services.link_minutes(),
            )
            % {"name": member.display_name, "minutes": clinic_services.link_minutes()},
        )
    return redirect("staff_edit", public_id=member.public_id)


@require_POST
@requires(Perm.MANAGE_STAFF)
def staff_reset_second_step(request: HttpRequest, public_id: str) -> HttpResponse:
    """Remove a staff member's second-step devices (a lost phone): they enrol again at their
    next sign-in. Audited; refused for oneself and for someone of another clinic too."""
    acting = current_membership(request)
    member = _staff_member(request, public_id)
    try:
        removed = mfa_services.reset_by_admin(request, acting, member)
    except mfa_services.CannotReset as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "Removed %(count)d second-step device of %(name)s: "
                "they set up a new one, with their password, when they next sign in.",
                "Removed %(count)d second-step devices of %(name)s: "
                "they set up a new one, with their password, when they next sign in.",
                removed,
            )
            % {"count": removed, "name": member.display_name},
        )
    return redirect("staff_edit", public_id=member.public_id)


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
            messages.success(
                request, _("Clinic settings saved.") if changed else _("Nothing changed.")
            )
            return redirect("clinic_settings")
    return render(request, "workspace/settings.html", {"form": form})
