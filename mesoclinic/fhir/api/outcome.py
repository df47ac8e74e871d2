"""Every FHIR error is an OperationOutcome (R4 §3.1.0.11): a status and one issue."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

FHIR_JSON = "application/fhir+json"


def operation_outcome(status: int, code: str, diagnostics: str) -> HttpResponse:
    """An OperationOutcome answer. ``code`` is an issue-type code (``not-found``, ``security``,
    ``throttled``, ``not-supported``, ``invalid``…); ``diagnostics`` names no patient."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }
    return JsonResponse(body, status=status, content_type=FHIR_JSON)
