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
    if chosen is not None:
        found = memberships.filter(clinic_id=chosen).first()
        if found is not None:
            return found
    return memberships.order_by("clinic_id").first()


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
