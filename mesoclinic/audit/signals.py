"""Sign-in, sign-out and failed sign-in go into the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.audit.services import client_address, record
from mesoclinic.clinics.signals import password_reset_completed


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(request, Action.LOGIN, user=user, clinic=None)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request, Action.LOGOUT, user=user, clinic=None)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The username tried is kept (it is staff, not patient data); the password never is.
    AuditEvent.objects.create(
        action=Action.LOGIN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        ip_address=client_address(request),
    )


@receiver(password_reset_completed)
def on_password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(
        request,
        Action.UPDATE,
        obj=user,
        user=user,
        clinic=None,
        detail="password set with an e-mailed reset link; sign-in lockout lifted",
    )
