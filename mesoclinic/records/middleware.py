"""A refused change to a signed record reaches the user as a clear page, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from mesoclinic.records.immutability import refusal_message
from mesoclinic.records.models import ImmutableRecordError

logger = logging.getLogger(__name__)


class ImmutableRecordMiddleware:
    """Turn ``ImmutableRecordError`` (the ORM guard) and the database trigger's refusal
    (an ``IntegrityError``, e.g. when a record was signed between the page's check and the
    save) into a 409 page with the guard's words. Views that expect the error still show it
    in their form; this catches the rest."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ImmutableRecordError):
            message = str(exception)
        else:
            message = refusal_message(exception) or ""
        if not message:
            return None
        # The guard and the database speak English (a trigger's text is fixed in the schema);
        # the person reads the same sentence in their language (messages in immutability.py).
        message = gettext(message)
        # The message names a record type, never a patient; the path holds only public ids.
        logger.warning("Refused a change to a signed record at %s: %s", request.path, message)
        context = {"message": message}
        if request.headers.get("HX-Request"):
            # htmx does not swap an error status: answer 200 and put the notice in the page's
            # main area instead of the fragment the request aimed at.
            response = render(request, "records/_refused.html", context)
            response["HX-Retarget"] = "#main"
            response["HX-Reswap"] = "innerHTML"
            return response
        return render(request, "records/refused.html", context, status=409)
