"""The FHIR R4 REST endpoints: metadata, read and search (``docs/fhir.md``).

Every view answers JSON (``application/fhir+json``) and every error as an OperationOutcome.
A request names its clinic only through its bearer token (``fhir.access``): a resource of
another clinic is not found (404), never forbidden, so the answer reveals nothing of it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from mesoclinic.audit import request_ids
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record_for_patients
from mesoclinic.fhir.access import AccessDenied, FhirAccess, authenticate
from mesoclinic.fhir.api.capability import capability_statement
from mesoclinic.fhir.api.outcome import FhirError, fhir_response, operation_outcome
from mesoclinic.fhir.api.registry import TYPES
from mesoclinic.fhir.api.search import Page, Query, parse_query, read, references, run
from mesoclinic.fhir.api.sources import ResourceType
from mesoclinic.fhir.context import ExportContext
from mesoclinic.fhir.smart.rate import check_rate
from mesoclinic.patients.models import Patient

logger = logging.getLogger(__name__)

JSON_FORMATS = frozenset(
    {"json", "application/json", "application/fhir+json", "application/fhir json"}
)
View = Callable[..., HttpResponse]


def _check_format(request: HttpRequest) -> None:
    """JSON only: ``_format`` (which overrides Accept, R4 §3.1.0.1.8) or the Accept header."""
    asked = request.GET.get("_format")
    if asked is not None:
        if asked.strip().lower() not in JSON_FORMATS:
            raise FhirError(406, "Only JSON is served: _format=json or application/fhir+json.")
        return
    accept = request.headers.get("Accept", "").lower()
    if accept and not any(t in accept for t in ("json", "*/*", "application/*")):
        raise FhirError(406, "Only JSON is served: accept application/fhir+json.")


def fhir_endpoint(view: View) -> View:
    """GET (and HEAD) only, JSON only, and every failure an OperationOutcome: a refusal with
    its status, an unexpected error as a 500 that carries the request id and nothing else."""
    return _endpoint(view, check_format=True)


def raw_endpoint(view: View) -> View:
    """As ``fhir_endpoint``, but the view answers the format asked itself (Binary: the raw
    bytes, or the Binary resource in JSON)."""
    return _endpoint(view, check_format=False)


def _endpoint(view: View, *, check_format: bool) -> View:
    @csrf_exempt  # a bearer-token API: no cookie is read, so no cross-site request forgery
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if request.method not in ("GET", "HEAD"):
                raise FhirError(405, "This API reads and searches only (GET).")
            if check_format:
                _check_format(request)
            return view(request, *args, **kwargs)
        except FhirError as error:
            return operation_outcome(error.status, error.code, error.diagnostics)
        except AccessDenied as denied:
            return operation_outcome(denied.status, None, denied.message)
        except RateLimited as limited:
            return limited.response
        except Exception:
            # The traceback goes to the error log (redacted there); the client gets no detail.
            logger.exception("FHIR request failed")
            return operation_outcome(
                500, "exception", f"The server failed to answer (request {request_ids.current()})."
            )

    return wrapped


@fhir_endpoint
def metadata(request: HttpRequest) -> HttpResponse:
    # Public, as FHIR requires: it says what is served, and nothing of any clinic.
    return fhir_response(capability_statement(request))


@fhir_endpoint
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise FhirError(404, "No such FHIR endpoint.")


def _resource_type(name: str) -> ResourceType:
    rtype = TYPES.get(name)
    if rtype is None:
        raise FhirError(404, f"Unknown or unsupported resource type; served: {', '.join(TYPES)}.")
    return rtype


class RateLimited(Exception):
    """The client is over its per-minute limit: the 429 answer (with Retry-After) to return."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("rate limited")
        self.response = response


def access_for(request: HttpRequest, rtype: ResourceType, also: tuple[str, ...] = ()) -> FhirAccess:
    access = authenticate(request)
    limited = check_rate(access)
    if limited is not None:
        raise RateLimited(limited)
    for name in (rtype.name, *also):
        if not access.may_read(name):
            raise FhirError(403, f"This client may not read {name} resources.")
    return access


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("metadata")


def _context(request: HttpRequest, access: FhirAccess) -> ExportContext:
    return ExportContext(clinic=access.clinic, fhir_base=_base(request))


def _audit(
    request: HttpRequest,
    access: FhirAccess,
    resource_type: str,
    interaction: str,
    resources: list[dict[str, Any]],
    detail: str,
    object_id: str = "",
) -> None:
    """One event per patient whose data is returned (like a chart view), or one naming no
    patient; the actor is the client (name and public id), the detail holds no patient data."""
    ids = {r["id"] for r in resources if r["resourceType"] == "Patient"}
    ids.update(i for r in resources for i in references(r, "Patient"))
    patients: list[int | None] = [*sorted(
        Patient.objects.for_clinic(access.clinic)
        .filter(public_id__in=ids)
        .order_by()
        .values_list("pk", flat=True)
    )] if ids else []  # fmt: skip
    client = access.client
    record_for_patients(
        request,
        Action.VIEW if interaction == "read" else Action.SEARCH,
        clinic=access.clinic,
        patient_ids=patients or [None],
        username=f"fhir:{client.name}",
        object_type=f"fhir:{resource_type}",
        object_id=object_id,
        detail=f"FHIR {interaction} by client {client.public_id}: {detail}",
    )


def _version(resource: dict[str, Any]) -> str:
    return str(resource.get("meta", {}).get("versionId", ""))


@fhir_endpoint
def read_view(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    rtype = _resource_type(resource_type)
    if rtype.public and rtype.static is not None:
        resource = rtype.static(None)
        if resource["id"] != resource_id:
            raise FhirError(404, f"No {rtype.name} has this id.")
        access = None
    else:
        access = access_for(request, rtype)
        found = read(_context(request, access), rtype, resource_id)
        if found is None:
            # Not in this clinic: whether it exists elsewhere is not said.
            raise FhirError(404, f"No {rtype.name} has this id.")
        resource = found
    etag = f'W/"{_version(resource)}"'
    if access is not None:
        _audit(request, access, rtype.name, "read", [resource], rtype.name, object_id=resource_id)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = fhir_response(resource)
    response["ETag"] = etag
    updated = resource.get("meta", {}).get("lastUpdated")
    moment = parse_datetime(updated) if isinstance(updated, str) else None
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())
    return response


def _link(request: HttpRequest, query: Query, offset: int) -> str:
    kept = [
        (name, value)
        for name in request.GET
        if name not in ("_count", "_offset")
        for value in request.GET.getlist(name)
    ]
    params = [*kept, ("_count", str(query.count)), ("_offset", str(offset))]
    return f"{request.build_absolute_uri(request.path)}?{urlencode(params)}"


def _bundle(request: HttpRequest, query: Query, page: Page) -> dict[str, Any]:
    base = _base(request)
    links = [{"relation": "self", "url": _link(request, query, query.offset)}]
    if query.count and query.offset + query.count < page.total:
        links.append({"relation": "next", "url": _link(request, query, query.offset + query.count)})
    if query.offset > 0:
        previous = max(query.offset - max(query.count, 1), 0)
        links.append({"relation": "previous", "url": _link(request, query, previous)})

    def entry(resource: dict[str, Any], mode: str) -> dict[str, Any]:
        return {
            "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
            "resource": resource,
            "search": {"mode": mode},
        }

    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": page.total,
        "link": links,
    }
    entries = [entry(r, "match") for r in page.resources]
    entries += [entry(r, "include") for r in page.included]
    if entries:
        # FHIR JSON has no empty arrays: a page with nothing on it has no entry element.
        bundle["entry"] = entries
    return bundle


@fhir_endpoint
def search_view(request: HttpRequest, resource_type: str) -> HttpResponse:
    rtype = _resource_type(resource_type)
    query = parse_query(rtype, request.GET)
    included_types = tuple(rtype.includes[i] for i in query.includes)
    if rtype.public and rtype.static is not None:
        resource = rtype.static(None)
        found = [resource] if query.ids is None or resource["id"] in query.ids else []
        page = Page(len(found), found[query.offset : query.offset + query.count])
        return fhir_response(_bundle(request, query, page))
    access = access_for(request, rtype, included_types)
    page = run(_context(request, access), rtype, query)
    _audit(
        request,
        access,
        rtype.name,
        "search",
        page.resources + page.included,
        f"{rtype.name} search, {page.total} matched, {len(page.resources)} returned from "
        f"{query.offset}, {len(page.included)} included",
    )
    return fhir_response(_bundle(request, query, page))
