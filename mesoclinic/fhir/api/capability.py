"""The CapabilityStatement (``GET /fhir/R4/metadata``): exactly what the API serves.

The REST resources and their search parameters come from the registry the views use, so the
statement cannot list a parameter the search refuses or miss one it accepts. The security
service (SMART Backend Services' token endpoint) and the operations (``$export``) are entries
of the two lists below, each naming the URL that serves it: an entry is declared only when
its URL exists in this build, so the statement never offers what is not there. The SMART and
Bulk Data work adds its URL names here (``../notes`` fhir-shared: fhirsmart extends these)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_resolver, reverse

from mesoclinic.fhir.api.registry import TYPES
from mesoclinic.fhir.codes import CANONICAL

# When this statement last changed in substance (its required ``date``).
STATEMENT_DATE = "2026-12-03"
SOFTWARE_VERSION = "0.13"
SMART = "http://terminology.hl7.org/CodeSystem/restful-security-service"
OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"


@dataclass(frozen=True)
class Endpoint:
    """An OAuth endpoint of the SMART security service: its role (``token``, ``register``,
    …) in the oauth-uris extension, and the URL name that serves it."""

    role: str
    url_name: str


@dataclass(frozen=True)
class Operation:
    """A FHIR operation (``$export``): its name, its definition's canonical URL, and the URL
    name that serves it."""

    name: str
    definition: str
    url_name: str


# SMART Backend Services: the token endpoint (client-credentials with a signed JWT).
SECURITY_ENDPOINTS: list[Endpoint] = [Endpoint("token", "fhir_smart:token")]
BULK = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition"
OPERATIONS: list[Operation] = [
    Operation("export", f"{BULK}/export", "fhir_bulk:export"),
    Operation("patient-export", f"{BULK}/patient-export", "fhir_bulk:patient_export"),
    Operation("group-export", f"{BULK}/group-export", "fhir_bulk:group_export"),
]


def _exists(url_name: str) -> bool:
    """Whether this build has a URL named ``url_name`` (``namespace:name``)."""
    namespace, _, name = url_name.rpartition(":")
    resolver = get_resolver()
    if namespace:
        if namespace not in resolver.namespace_dict:
            return False
        resolver = resolver.namespace_dict[namespace][1]
    return name in resolver.reverse_dict


def _url(request: HttpRequest, url_name: str) -> str | None:
    if not _exists(url_name):
        return None
    try:
        return request.build_absolute_uri(reverse(url_name))
    except NoReverseMatch:
        return None


# The pixels of a clinical photo (a Media's content.url): read only, under the Media scope.
BINARY: dict[str, Any] = {
    "type": "Binary",
    "interaction": [{"code": "read"}],
    "readHistory": False,
    "updateCreate": False,
    "documentation": (
        "The stored picture of a Media (a clinical photo) with the image's Content-Type, or "
        "the Binary resource when FHIR JSON is asked for. Readable by whoever may read the "
        "Media: a scope including Media.read suffices."
    ),
}


def _resource(name: str) -> dict[str, Any]:
    rtype = TYPES[name]
    entry: dict[str, Any] = {
        "type": name,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "versioning": "versioned",
        "readHistory": False,
        "updateCreate": False,
        "searchParam": [
            {
                "name": p.name,
                "definition": p.definition,
                "type": p.type,
                "documentation": p.documentation,
            }
            for p in rtype.params
        ],
    }
    if rtype.includes:
        entry["searchInclude"] = list(rtype.includes)
    if rtype.public:
        entry["documentation"] = "Readable without a token: it holds nothing of a clinic."
    return entry


def capability_statement(request: HttpRequest) -> dict[str, Any]:
    base = request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("metadata")
    security: dict[str, Any] = {
        "cors": False,
        "description": (
            "SMART Backend Services: a client registered by a clinic admin obtains a bearer "
            "token (client credentials with a JWT assertion signed RS384 or ES384) scoped to "
            "its clinic and role; every request but metadata and CodeSystem needs it."
        ),
    }
    uris = [
        {"url": role, "valueUri": url}
        for role, url in (
            (endpoint.role, _url(request, endpoint.url_name)) for endpoint in SECURITY_ENDPOINTS
        )
        if url is not None
    ]
    if uris:
        security["service"] = [
            {"coding": [{"system": SMART, "code": "SMART-on-FHIR"}], "text": "OAuth2 using SMART"}
        ]
        security["extension"] = [{"url": OAUTH_URIS, "extension": uris}]
    rest: dict[str, Any] = {
        "mode": "server",
        "documentation": "Read and search, JSON only. Errors are OperationOutcome resources.",
        "security": security,
        "resource": sorted(
            [*(_resource(name) for name in TYPES), BINARY], key=lambda r: str(r["type"])
        ),
    }
    operations = [
        {"name": op.name, "definition": op.definition} for op in OPERATIONS if _exists(op.url_name)
    ]
    if operations:
        rest["operation"] = operations
    return {
        "resourceType": "CapabilityStatement",
        "id": "mesoclinic",
        "url": f"{CANONICAL}/CapabilityStatement/mesoclinic",
        "version": SOFTWARE_VERSION,
        "name": "MesoclinicFhirApi",
        "title": "mesoclinic FHIR R4 API",
        "status": "active",
        "experimental": False,
        "date": STATEMENT_DATE,
        "publisher": "mesoclinic",
        "kind": "instance",
        "software": {"name": "mesoclinic", "version": SOFTWARE_VERSION},
        "implementation": {"description": "mesoclinic FHIR R4 API", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [rest],
    }
