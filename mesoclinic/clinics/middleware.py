"""Attach the signed-in user's active clinic membership to every request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from mesoclinic.clinics.models import Membership

SESSION_KEY = "active_clinic_id"


def active_membership(request: HttpRequest) -> Membership | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=user, is_active=True).select_related(
        # the user's language too: clinics.language reads it on every request
        "clinic",
        "user",
        "user__language_preference",
    )
    chosen = request.session.get(SESSION_KEY)
    found: Membership | None = None
    if chosen is not None:
        # One row at most (one membership per user and clinic): no ORDER BY to build, as
        # first() would add (issue 11: this query is built on every signed-in request).
        found = next(iter(memberships.filter(clinic_id=chosen).order_by()[:1]), None)
    if found is None:
        found = memberships.order_by("clinic_id").first()
    if found is not None:
        _share_language_choice(found, user)
    return found


def _share_language_choice(membership: Membership, user: object) -> None:
    """Give ``request.user`` the language choice read with the membership (the same person),
    so that a view asking it of ``request.user`` does not read it again."""
    cache = membership.user._state.fields_cache
    if "language_preference" in cache:
        user._state.fields_cache.setdefault(  # type: ignore[attr-defined]
            "language_preference", cache["language_preference"]
        )


class ActiveMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = active_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        # Times are stored in UTC and shown (and typed into forms) in the clinic's own zone.
        if membership is not None:
            timezone.activate(zoneinfo.ZoneInfo(membership.clinic.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
