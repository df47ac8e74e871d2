"""What the CapabilityStatement (``fhir/api/capability.py``, the REST API's) declares for SMART
Backend Services and Bulk Data: the statement reads these so the two never disagree."""

from __future__ import annotations

from typing import Any

from mesoclinic.fhir.smart.views import SCOPES_SUPPORTED

# rest[0].security: the SMART service, with the token URL as the oauth-uris extension.
SMART_SERVICE = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
            "code": "SMART-on-FHIR",
        }
    ],
    "text": "SMART Backend Services (client_credentials, private_key_jwt RS384/ES384)",
}


def security(token_url: str) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                "extension": [{"url": "token", "valueUri": token_url}],
            }
        ],
        "service": [SMART_SERVICE],
        "description": "Bearer tokens for registered backend clients; scopes "
        + ", ".join(SCOPES_SUPPORTED),
    }


# rest[0].operation (system level) and rest[0].resource[Patient].operation: Bulk Data $export.
SYSTEM_OPERATIONS = [
    {"name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"}
]
PATIENT_OPERATIONS = [
    {
        "name": "export",
        "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export",
    }
]
# Group/[id]/$export is not declared: it answers 501 (docs/fhir.md).
