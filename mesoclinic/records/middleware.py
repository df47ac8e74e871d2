"""A refused change to a signed record, or a write the database gave up on because another
write held what it needed, reaches the user as a clear page, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from mesoclinic.records.immutability import refusal_message
from mesoclinic.records.models import ImmutableRecordError

logger = logging.getLogger(__name__)

# PostgreSQL's codes for a transaction it rolled back because of another one: deadlock
# detected, serialization failure, lock not available (a lock or statement timeout).
_CONFLICT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})


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
        return _notice(request, "refused", 409, {"message": message})


def _notice(request: HttpRequest, name: str, status: int, context: dict[str, str] | None = None) -> HttpResponse:  # fmt: skip
    """The page ``records/<name>.html`` with ``status``; for an htmx request its fragment
    ``records/_<name>.html`` with 200, put in the page's main area instead of the fragment
    the request aimed at (htmx does not swap an error status)."""
    if request.headers.get("HX-Request"):
        response = render(request, f"records/_{name}.html", context)
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, f"records/{name}.html", context, status=status)


def write_conflict(exception: BaseException) -> str:
    """The database's code when ``exception`` is a write it rolled back because another
    transaction held what it needed (PostgreSQL's SQLSTATE, or "database is locked" from
    SQLite past its busy timeout); "" for any other error."""
    if not isinstance(exception, OperationalError):
        return ""
    sqlstate = getattr(exception.__cause__, "sqlstate", None)
    if sqlstate in _CONFLICT_SQLSTATES:
        return str(sqlstate)
    if "database is locked" in str(exception):
        return "sqlite-locked"
    return ""


class WriteConflictMiddleware:
    """Answer a write the database rolled back because of another one at the same moment
    (two people saving one patient's record; docs/performance.md, locks) with a 503 page
    that says nothing was saved and to save again, instead of a server error. The whole
    transaction was rolled back, so saving again is safe."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        code = write_conflict(exception)
        if not code:
            return None
        # The code and the path (public ids only); the database's message may quote a row.
        logger.warning("Write rolled back by the database (%s) at %s", code, request.path)
        response = _notice(request, "busy", 503)
        if response.status_code == 503:
            response["Retry-After"] = "1"
        return response
