"""Today's list and switching clinic."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.middleware import SESSION_KEY
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.treatments.models import TreatmentSession


def clinic_today(clinic_tz: str) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of today in the clinic's own time zone, as aware datetimes."""
    tz = zoneinfo.ZoneInfo(clinic_tz)
    today = timezone.now().astimezone(tz).date()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


@login_required
def today(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    start, end = clinic_today(membership.clinic.time_zone)
    sessions = list(
        TreatmentSession.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS)
        .filter(performed_at__gte=start, performed_at__lt=end)
        .select_related("patient")
        .order_by("performed_at")
    )
    if sessions:
        record(request, Action.LIST, detail=f"today's list: {len(sessions)} sessions")
    return render(request, "clinics/today.html", {"sessions": sessions, "day": start.date()})


@login_required
@require_POST
def switch_clinic(request: HttpRequest, clinic_public_id: str) -> HttpResponse:
    target = get_object_or_404(
        Membership, user=request.user, is_active=True, clinic__public_id=clinic_public_id
    )
    request.session[SESSION_KEY] = target.clinic_id
    return redirect("today")
