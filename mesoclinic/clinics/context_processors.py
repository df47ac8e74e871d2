"""Template context: the active membership and what its role allows."""

from __future__ import annotations

from django.http import HttpRequest

from mesoclinic.clinics.roles import Perm
from mesoclinic.clinics.session_timeout import idle_limit_seconds, warning_lead_seconds

# Apps that add links to the navigation bar, in order; each has templates/<app>/_nav.html.
NAV_APPS = (
    "appointments",
    "consultations",
    "consent",
    "formulary",
    "dosing",
    "plans",
    "treatments",
    "outcomes",
    "safety",
    "aftercare",
    "photos",
    "evidence",
    "billing",
)


def membership(request: HttpRequest) -> dict[str, object]:
    m = getattr(request, "membership", None)
    perms = {p.value: bool(m and m.has(p)) for p in Perm}
    return {"membership": m, "can": perms, "clinic": m.clinic if m else None, "nav_apps": NAV_APPS}


def session_timeout(request: HttpRequest) -> dict[str, object]:
    """The idle period and warning lead for the page's sign-out banner (base.html)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    idle = idle_limit_seconds(request)
    return {"session_idle_seconds": idle, "session_warning_seconds": warning_lead_seconds(idle)}
