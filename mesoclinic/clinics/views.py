"""Switching clinic, and how long a sign-in has left (sign-in and sign-out are Django's own
views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from mesoclinic.clinics import session_timeout
from mesoclinic.clinics.middleware import SESSION_KEY
from mesoclinic.clinics.models import Membership


@login_required
@require_POST
def switch_clinic(request: HttpRequest, clinic_public_id: str) -> HttpResponse:
    target = get_object_or_404(
        Membership, user=request.user, is_active=True, clinic__public_id=clinic_public_id
    )
    request.session[SESSION_KEY] = target.clinic_id
    messages.info(request, f"You are now working in {target.clinic.name}.")
    return redirect("today")


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
