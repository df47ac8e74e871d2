"""Passkeys through django-otp-webauthn: its ceremony views, with our audit and throttle
(called by static/mfa/passkeys.js; the relying party is configured in settings)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django_otp_webauthn import views as webauthn_views

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.mfa import policy, services, throttle


def _throttled(request: HttpRequest) -> HttpResponse | None:
    until = throttle.blocked_until(request.user)
    if until is None:
        return None
    return JsonResponse({"detail": throttle.refusal(until), "code": "throttled"}, status=429)


class RegisterBegin(webauthn_views.BeginCredentialRegistrationView):  # type: ignore[misc]
    pass


class RegisterComplete(webauthn_views.CompleteCredentialRegistrationView):  # type: ignore[misc]
    """Enrolment of a passkey; audited (the credential's id only, never its key)."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post(*args, **kwargs)
        user: Any = self.request.user
        device = policy.authenticators(user)[-1]
        record(self.request, Action.CREATE, obj=device, detail="second step: passkey enrolled")
        return response


class AuthBegin(webauthn_views.BeginCredentialAuthenticationView):  # type: ignore[misc]
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _throttled(self.request) or super().post(*args, **kwargs)


class AuthComplete(webauthn_views.CompleteCredentialAuthenticationView):  # type: ignore[misc]
    """The second step by passkey; a refusal counts towards the throttle and is audited."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = _throttled(self.request)
        if refused is not None:
            return refused
        response: HttpResponse = super().post(*args, **kwargs)
        return response

    def handle_exception(self, exc: Exception) -> HttpResponse:
        response: HttpResponse = super().handle_exception(exc)
        if self.request.user.is_authenticated:
            services.wrong_code(self.request, self.request.user, "passkey")
        return response

    def complete_auth(self, device: Any) -> Any:
        super().complete_auth(device)
        record(self.request, Action.LOGIN, detail="second step passed (passkey)")
