"""The guard: a session that passed the password but not the second step reaches nothing but
the second step itself. Runs after django-otp's OTPMiddleware (which reads the verified device
from the session) and after the sign-in clock (an expired sign-in is signed out first).

Three states for a signed-in person (``state``):
- verified, or not required and without a device: everything is open;
- has a device, not verified this session: only the verify page (and its passkey calls);
- required, no device yet: only enrolment.
Every other address, pages and htmx partials alike, is refused with a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django_htmx.http import HttpResponseClientRedirect

from mesoclinic.mfa import open_decision, policy


class State(Enum):
    OPEN = "open"
    VERIFY = "verify"
    ENROL = "enrol"


# Open in any state: signing out, the page's "how long have I left" (it answers only with a
# number), and what needs no staff sign-in at all.
ALWAYS_OPEN = {"login", "logout", "session_time_left", "session_keep_alive", "healthz"}
PUBLIC_NAMESPACES = {"aftercare_patient", "appointments_patient"}
OPEN_WHILE = {
    State.VERIFY: {"mfa:verify", "mfa:passkey_auth_begin", "mfa:passkey_auth_complete"},
    State.ENROL: {"mfa:enrol", "mfa:passkey_register_begin", "mfa:passkey_register_complete"},
}
LANDING = {State.VERIFY: "mfa:verify", State.ENROL: "mfa:enrol"}


def state(request: HttpRequest) -> State:
    user: Any = request.user
    if not user.is_authenticated or user.is_verified():
        return State.OPEN
    # Open without a second step, decided a moment ago and nothing changed since: the four
    # queries below are spared (open_decision.py says for how long, and what ends it).
    if open_decision.is_open(request.session, user.pk):
        return State.OPEN
    if policy.has_authenticator(user):
        return State.VERIFY
    if policy.is_required(user):
        return State.ENROL
    open_decision.remember_open(request.session, user.pk)
    return State.OPEN


def _route_name(request: HttpRequest) -> tuple[str, str]:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return "", ""
    return match.namespace, match.view_name


class SecondStepMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        namespace, name = _route_name(request)
        if name in ALWAYS_OPEN or namespace.split(":")[0] in PUBLIC_NAMESPACES:
            return self.get_response(request)
        now = state(request)
        if now is State.OPEN or name in OPEN_WHILE[now]:
            return self.get_response(request)
        url = reverse(LANDING[now])
        if request.method == "GET" and not getattr(request, "htmx", False):
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
