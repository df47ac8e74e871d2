"""Password resets: the e-mail with its expiring link, the per-address limit on asking for one,
and what a completed reset does to the account (its lockout lifted).

The link's token is Django's (``default_token_generator``): it expires after
``PASSWORD_RESET_TIMEOUT`` seconds and stops working once the password or the last sign-in
changes, so it is used once. Setting a new password also ends every other signed-in session of
the account, because each session carries a hash of the password it was opened with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from mesoclinic.clinics.language import reader_language
from mesoclinic.clinics.models import PasswordResetRequest
from mesoclinic.clinics.throttle import unlock_account

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.txt"


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.PASSWORD_RESET_ADDRESS_MINUTES)


def reset_requests_refused_until(address: str | None) -> dt.datetime | None:
    """When ``address`` may ask for a reset e-mail again, or None if it may now."""
    since = timezone.now() - _window()
    times = list(
        PasswordResetRequest.objects.filter(ip_address=address, requested_at__gt=since)
        .order_by("-requested_at")
        .values_list("requested_at", flat=True)[: settings.PASSWORD_RESET_ADDRESS_LIMIT]
    )
    if len(times) < settings.PASSWORD_RESET_ADDRESS_LIMIT:
        return None
    # Allowed again when the oldest of the latest `limit` requests leaves the window.
    return times[-1] + _window()


def note_reset_request(address: str | None) -> None:
    """Count one request from ``address`` (and forget the ones no window counts any more)."""
    PasswordResetRequest.objects.filter(requested_at__lte=timezone.now() - _window()).delete()
    PasswordResetRequest.objects.create(ip_address=address)


def link_minutes() -> int:
    """How long a reset link works, in whole minutes, as the pages and e-mail say it."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


def link_context(user: AbstractBaseUser, request: HttpRequest) -> dict[str, Any]:
    """What the e-mail templates need: the same as Django's own reset form gives them."""
    return {
        "link_minutes": link_minutes(),
        "email": getattr(user, "email", ""),
        "domain": request.get_host(),
        "site_name": "mesoclinic",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
    }


class ResetForm(PasswordResetForm):
    """Django's reset form, writing each e-mail in its reader's language (their own, else
    their clinic's), not in the language of whoever asked for it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = (reader_language(user) if user is not None else "") or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class NoEmailAddress(Exception):
    """The account has no e-mail address to send a reset link to."""


def send_reset_link(user: AbstractBaseUser, request: HttpRequest, admin_name: str) -> None:
    """E-mail ``user`` a link to set a new password: an admin's reset for a staff member."""
    email = getattr(user, "email", "")
    if not email:
        raise NoEmailAddress(
            gettext("There is no e-mail address for this person, so no reset link can be sent.")
        )
    context = {**link_context(user, request), "admin_name": admin_name}
    ResetForm().send_mail(SUBJECT_TEMPLATE, EMAIL_TEMPLATE, context, None, email)


def password_was_reset(user: AbstractBaseUser) -> None:
    """After a reset: the account's sign-in lockout is lifted (its own failures forgotten)."""
    unlock_account(user.get_username())
