"""One id per request (and per command run), carried by every audit event and log line.

The id ties an audit event to the server's log lines of the same request, without either
holding patient data. The middleware makes a new random id for each request; it takes the
id from a header only when ``REQUEST_ID_HEADER`` names one that a trusted reverse proxy
always sets (a client could otherwise choose the id its actions are filed under). A
command gets one id for its whole run, made the first time it is asked for.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_current: ContextVar[str] = ContextVar("mesoclinic_request_id", default="")
# What a proxy's id may look like: short, and nothing a log line could be forged with.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{8,64}")
RESPONSE_HEADER = "X-Request-ID"


def new() -> str:
    return uuid.uuid4().hex


def current() -> str:
    """The id of the request or command being served; a command run gets one on first use."""
    value = _current.get()
    if not value:
        value = new()
        _current.set(value)
    return value


def from_request(request: HttpRequest) -> str:
    header = getattr(settings, "REQUEST_ID_HEADER", "")
    if header:
        offered = request.headers.get(header, "")
        if _ACCEPTABLE.fullmatch(offered):
            return offered
    return new()


class RequestIdMiddleware:
    """Gives each request its id (``request.request_id``) and says it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = from_request(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[RESPONSE_HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every log record, for the formatter (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or "-"
        return True
