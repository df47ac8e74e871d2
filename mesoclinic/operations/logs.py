"""Structured logs: one JSON object per line, and one line per request, without patient data.

A request line names the *route* (``patients/<uuid:public_id>/``), never the path or query:
paths carry record ids and patients' check-in tokens, queries carry searched names. It names
the user by id only. Exceptions are logged by type and frames (file, line, function), never
by message: a database error's message can quote the values of a row (an MRN, a name); a
database error adds its code (``SQLITE_BUSY``, a SQLSTATE).
Every record also passes ``audit.redaction.RedactingLogFilter`` (settings.LOGGING).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from mesoclinic.audit import request_ids

REQUEST_LOGGER = "mesoclinic.requests"
# Fields a request line adds to its record (``extra=``), copied into the JSON object.
REQUEST_FIELDS = ("request_id", "method", "route", "view", "status", "duration_ms", "user_id")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time (UTC), level, logger, message, request fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            code = error_code(record.exc_info[1])
            if code:
                entry["error_code"] = code
            entry["frames"] = [
                f"{frame.filename}:{frame.lineno} {frame.name}"
                for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(entry, ensure_ascii=False, default=str)


def error_code(error: BaseException | None) -> str | None:
    """The database's code for an error (``SQLITE_BUSY``: "database is locked"; a PostgreSQL
    SQLSTATE), from the driver's exception under Django's: a code, never the message."""
    while error is not None:
        code = getattr(error, "sqlite_errorname", None) or getattr(error, "sqlstate", None)
        if isinstance(code, str) and code:
            return code
        error = error.__cause__
    return None


def request_id(request: HttpRequest) -> str:
    """The request's id, as audit.request_ids.RequestIdMiddleware gave it (a trusted proxy's
    only when REQUEST_ID_HEADER is set), or a new one where that middleware did not run."""
    existing = getattr(request, "request_id", None)
    if isinstance(existing, str) and existing:
        return existing
    return request_ids.from_request(request)


class RequestLogMiddleware:
    """One INFO line per request on the ``mesoclinic.requests`` logger (settings.ACCESS_LOG)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.logger = logging.getLogger(REQUEST_LOGGER)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        if not hasattr(request, "request_id"):
            request.request_id = request_id(request)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if self.logger.isEnabledFor(logging.INFO):
            self.logger.info("request", extra=self.fields(request, response, started))
        return response

    def fields(
        self, request: HttpRequest, response: HttpResponse, started: float
    ) -> dict[str, Any]:
        match = getattr(request, "resolver_match", None)
        if match is not None:
            route: str | None = "/" + match.route
            view: str | None = match.view_name
        elif request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            route, view = "/" + settings.STATIC_URL.lstrip("/") + "…", "static"
        else:
            route = view = None
        user = getattr(request, "user", None)
        return {
            "request_id": getattr(request, "request_id", None),
            "method": request.method,
            "route": route,
            "view": view,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        }
