"""Automatic logoff: a sign-in ends after the clinic's idle period without a request, and in
any case after the absolute lifetime (``SESSION_COOKIE_AGE``) from sign-in.

The session keeps two times (seconds since the epoch): when the person signed in and when
they last made a request. Every request counts as activity except the page's own question
"how long have I left?" (``session_time_left``), so a page left open never keeps itself alive.
The warning before the end is the page's (static/mesoclinic/session-timeout.js); the server
alone decides, so a page with JavaScript off or asleep is signed out all the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django_htmx.http import HttpResponseClientRedirect

from mesoclinic.clinics.models import IDLE_TIMEOUT_DEFAULT_SECONDS
from mesoclinic.clinics.navigation import fixed_url

SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVITY_AT = "last_activity_at"
# The banner appears this long before the idle sign-out (half the idle period when that is
# shorter, as in a test with a tiny timeout).
WARNING_LEAD_SECONDS = 120
# A request restarts the idle clock only when the recorded activity is older than this: a
# run of clicks then saves the session once, not once a request (issue 11: the session
# UPDATE and its transaction were part of every chart view). The idle sign-out comes at
# most this much earlier than the full period after the last request, never later.
ACTIVITY_STEP_SECONDS = 30


@dataclass(frozen=True)
class Remaining:
    """What is left of a sign-in: until the idle sign-out and until the absolute one."""

    idle_seconds: int
    idle_limit_seconds: int
    absolute_seconds: int

    @property
    def seconds(self) -> int:
        return max(0, min(self.idle_seconds, self.absolute_seconds))

    @property
    def expired(self) -> bool:
        return self.seconds <= 0

    @property
    def extendable(self) -> bool:
        """Whether activity would give more time (not when the absolute end comes first)."""
        return self.absolute_seconds > self.idle_seconds

    @property
    def reason(self) -> str:
        if self.idle_seconds <= 0:
            return f"after {_duration(self.idle_limit_seconds)} without activity"
        return "at the end of the longest time a sign-in may last"

    @property
    def signed_out_message(self) -> str:
        """The sentence shown on the sign-in page after this sign-out, in the active language."""
        if self.idle_seconds > 0:
            return gettext(
                "You were signed out at the end of the longest time a sign-in may last. "
                "Please sign in again."
            )
        limit = self.idle_limit_seconds
        if limit >= 60:
            return ngettext(
                "You were signed out after %(count)d minute without activity. Please sign in again.",
                "You were signed out after %(count)d minutes without activity. Please sign in again.",
                limit // 60,
            ) % {"count": limit // 60}
        return ngettext(
            "You were signed out after %(count)d second without activity. Please sign in again.",
            "You were signed out after %(count)d seconds without activity. Please sign in again.",
            limit,
        ) % {"count": limit}


def _duration(seconds: int) -> str:
    count, unit = (seconds // 60, "minute") if seconds >= 60 else (seconds, "second")
    return f"{count} {unit}{'' if count == 1 else 's'}"


def idle_limit_seconds(request: HttpRequest) -> int:
    """The active clinic's idle period; the default for someone with no clinic (a superuser)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return IDLE_TIMEOUT_DEFAULT_SECONDS
    return int(membership.clinic.idle_timeout_seconds)


def warning_lead_seconds(idle_limit: int) -> int:
    return min(WARNING_LEAD_SECONDS, idle_limit // 2)


def remaining(request: HttpRequest, now: float | None = None) -> Remaining:
    now = time.time() if now is None else now
    session = request.session
    # A session from before this rule (no times in it) counts from now.
    signed_in = float(session.get(SIGNED_IN_AT, now))
    last = float(session.get(LAST_ACTIVITY_AT, now))
    limit = idle_limit_seconds(request)
    return Remaining(
        idle_seconds=int(last + limit - now),
        idle_limit_seconds=limit,
        absolute_seconds=int(signed_in + settings.SESSION_COOKIE_AGE - now),
    )


@receiver(user_logged_in)
def _start_clock(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_ACTIVITY_AT] = now


def _to_login(request: HttpRequest) -> HttpResponse:
    # Back to the page after signing in again; a form posted after the end is not saved
    # (the warning is there so that it does not come to that).
    url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
    if request.method != "GET":
        url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.path})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class SessionTimeoutMiddleware:
    """Signs out a sign-in that has run out, before any view sees the request.

    Runs after ActiveMembershipMiddleware, whose clinic decides the idle period.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        left = remaining(request)
        status_url = fixed_url("session_time_left")
        if left.expired:
            logout(request)
            request.membership = None  # type: ignore[attr-defined]
            messages.info(request, left.signed_out_message)
            # The page's own questions get their answer ("signed out"); a sign-in page opens.
            answered_here = (status_url, reverse("session_keep_alive"), reverse(settings.LOGIN_URL))
            if request.path in answered_here:
                return self.get_response(request)
            return _to_login(request)
        if request.path != status_url:
            now = time.time()
            session = request.session
            if SIGNED_IN_AT not in session:
                session[SIGNED_IN_AT] = now
            stale = now - float(session.get(LAST_ACTIVITY_AT, 0)) >= ACTIVITY_STEP_SECONDS
            if stale or request.path == fixed_url("session_keep_alive"):
                session[LAST_ACTIVITY_AT] = now
        return self.get_response(request)
