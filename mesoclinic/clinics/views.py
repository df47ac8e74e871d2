"""Switching clinic, how long a sign-in has left, and resetting a forgotten password (sign-in
and sign-out are Django's own views; throttling is ``throttle``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mesoclinic.clinics import services, session_timeout
from mesoclinic.clinics.client_address import client_address
from mesoclinic.clinics.middleware import SESSION_KEY
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.signals import password_reset_completed


@login_required
@require_POST
def switch_clinic(request: HttpRequest, clinic_public_id: str) -> HttpResponse:
    target = get_object_or_404(
        Membership, user=request.user, is_active=True, clinic__public_id=clinic_public_id
    )
    request.session[SESSION_KEY] = target.clinic_id
    messages.info(request, _("You are now working in %(clinic)s.") % {"clinic": target.clinic.name})
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


class ResetRequestView(auth_views.PasswordResetView):
    """Ask for a reset e-mail. The answer is the same whether or not an account has the address
    (nobody learns who has an account); each address may ask a few times an hour."""

    form_class = services.ResetForm
    email_template_name = services.EMAIL_TEMPLATE
    subject_template_name = services.SUBJECT_TEMPLATE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = client_address(request)
        until = services.reset_requests_refused_until(address)
        if until is not None:
            return render(
                request, "registration/password_reset_throttled.html", {"until": until}, status=429
            )
        services.note_reset_request(address)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "link_minutes": services.link_minutes()}

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"link_minutes": services.link_minutes()}
        return super().form_valid(form)


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from an e-mailed link; it also lifts the account's sign-in lockout
    and (by changing the password) ends the account's other sessions."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_was_reset(form.user)
        password_reset_completed.send(type(self), request=self.request, user=form.user)
        return response
