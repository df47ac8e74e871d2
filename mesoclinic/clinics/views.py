"""Switching clinic (sign-in and sign-out are Django's own views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

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
