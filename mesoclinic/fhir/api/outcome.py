"""OperationOutcome: how every FHIR error is answered (FHIR R4 §3.1.0.4: errors are
OperationOutcome resources), and the JSON response every FHIR view returns."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json; charset=utf-8"


def fhir_response(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=FHIR_JSON,
    )


# The issue type (http://hl7.org/fhir/issue-type) of each HTTP status we answer with.
_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    410: "deleted",
    415: "not-supported",
    429: "throttled",
    500: "exception",
}


class FhirError(Exception):
    """A request the API refuses: the status, the issue type and a message that names no
    patient (it is sent to the client as an OperationOutcome)."""

    def __init__(self, status: int, diagnostics: str, code: str | None = None) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code or _CODES.get(status, "processing")
        self.diagnostics = diagnostics


def outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def operation_outcome(status: int, code: str | None, diagnostics: str) -> HttpResponse:
    """An error answered as an OperationOutcome; ``code`` None takes the status's issue type.
    A 401 carries ``WWW-Authenticate: Bearer`` (RFC 6750 §3)."""
    response = fhir_response(outcome(code or _CODES.get(status, "processing"), diagnostics), status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response
