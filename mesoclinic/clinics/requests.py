"""The request as the middleware leaves it, for the signatures of views that read it."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from mesoclinic.clinics.models import Membership


class ClinicRequest(HttpRequest):
    """A request past the clinic middleware (clinics.middleware sets ``membership``: the
    signed-in user's active membership, or None) and django-htmx's (``htmx``: what htmx sent).

    For the type checker only: Django still builds a plain HttpRequest and the middleware
    adds the attributes, so a view typed with this reads them without ``type: ignore``.
    """

    membership: Membership | None
    htmx: HtmxDetails
