"""Bulk Data Access 2.0 endpoints: kick-off (``$export`` at system and Patient level), the
status URL (202 with ``X-Progress``, 200 with the manifest, DELETE to cancel) and the NDJSON
files, each only for the client that asked. No request thread waits for an export: the job
runs in the server's export pool or in ``mesoclinic run-due``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.fhir.access import AccessDenied, FhirAccess, authenticate
from mesoclinic.fhir.api.outcome import operation_outcome
from mesoclinic.fhir.bulk import request as kickoff
from mesoclinic.fhir.bulk import runner
from mesoclinic.fhir.bulk.groups import group_patients
from mesoclinic.fhir.models import BulkExportJob, BulkJobStatus
from mesoclinic.fhir.smart.rate import check_rate
from mesoclinic.fhir.smart.services import who

FhirView = Callable[..., HttpResponseBase]
RETRY_AFTER_S = 5


def fhir_endpoint(*methods: str) -> Callable[[FhirView], Callable[..., HttpResponseBase]]:
    """Bearer token, rate limit and allowed methods, each refused with an OperationOutcome."""

    def decorator(view: FhirView) -> Callable[..., HttpResponseBase]:
        @csrf_exempt  # bearer tokens, no cookies: nothing a forged request could ride on
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in methods:
                response = operation_outcome(405, "not-supported", f"Use {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                access = authenticate(request)
            except AccessDenied as exc:
                response = operation_outcome(exc.status, "security", exc.message)
                if exc.status == 401:
                    response["WWW-Authenticate"] = 'Bearer realm="fhir"'
                return response
            limited = check_rate(access)
            if limited is not None:
                return limited
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorator


def _kick_off(
    request: HttpRequest, access: FhirAccess, level: str, group: str = ""
) -> HttpResponse:
    try:
        asked = kickoff.parse(request, access, level)
    except kickoff.KickOffError as exc:
        return operation_outcome(exc.status, exc.code, exc.message)
    with transaction.atomic():
        job = BulkExportJob.objects.create(
            clinic=access.clinic,
            client=access.client,
            level=level,
            request_url=request.build_absolute_uri(),
            types=",".join(asked.types),
            since=asked.since,
            group=group,
        )
        record(
            request,
            Action.EXPORT,
            obj=job,
            clinic=access.clinic,
            detail=f"{who(access.client)}: bulk export {job.public_id} requested "
            f"({level}, {len(asked.types)} types)",
        )
        runner.schedule(job)
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        reverse("fhir_bulk:status", args=[job.public_id])
    )
    return response


@fhir_endpoint("GET")
def system_export(request: HttpRequest, access: FhirAccess) -> HttpResponse:
    return _kick_off(request, access, "system")


@fhir_endpoint("GET")
def patient_export(request: HttpRequest, access: FhirAccess) -> HttpResponse:
    return _kick_off(request, access, "patient")


@fhir_endpoint("GET")
def group_export(request: HttpRequest, access: FhirAccess, group_id: str) -> HttpResponse:
    # A group is a question the record answers (fhir.bulk.groups): a lot's exposed patients or
    # an indication's. One of another clinic, or none at all, is the same 404.
    if group_patients(access.clinic, group_id) is None:
        return operation_outcome(
            404,
            "not-found",
            "No such Group. A group is lot-<the lot's Medication id> (every patient given that "
            "lot) or indication-<code> (every patient with a plan for it), e.g. "
            "indication-localized-fat.",
        )
    return _kick_off(request, access, "group", group_id)


def _own_job(access: FhirAccess, public_id: Any) -> BulkExportJob | None:
    """The job if this client asked for it; another client's job (even of the same clinic)
    is as unknown as one that never existed."""
    return (
        BulkExportJob.objects.select_related("client")
        .filter(client=access.client, public_id=public_id)
        .first()
    )


def _manifest(request: HttpRequest, job: BulkExportJob) -> dict[str, Any]:
    assert job.transaction_time is not None
    return {
        "transactionTime": job.transaction_time.isoformat().replace("+00:00", "Z"),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": resource_type,
                "url": request.build_absolute_uri(
                    reverse("fhir_bulk:file", args=[job.public_id, resource_type])
                ),
                "count": int(job.counts.get(resource_type, 0)),
            }
            for resource_type in job.type_list
            if int(job.counts.get(resource_type, 0)) > 0
        ],
        "error": [],
    }


def _progress(job: BulkExportJob) -> str:
    if job.status == BulkJobStatus.QUEUED:
        return "queued"
    types = job.type_list
    done = sum(1 for t in types if t in job.counts and t != job.current_type)
    return f"{done} of {len(types)} types, {job.total} resources" + (
        f", writing {job.current_type}" if job.current_type else ""
    )


@fhir_endpoint("GET", "DELETE")
def status(request: HttpRequest, access: FhirAccess, public_id: Any) -> HttpResponse:
    job = _own_job(access, public_id)
    if job is None or job.status in (BulkJobStatus.CANCELLED, BulkJobStatus.EXPIRED):
        return operation_outcome(404, "not-found", "No such export (or it was deleted or expired).")
    if request.method == "DELETE":
        with transaction.atomic():
            BulkExportJob.objects.filter(pk=job.pk).update(status=BulkJobStatus.CANCELLED)
            record(
                request,
                Action.UPDATE,
                obj=job,
                clinic=access.clinic,
                detail=f"{who(access.client)}: bulk export {job.public_id} cancelled",
            )
        runner.delete_files(job)
        return HttpResponse(status=202)
    if job.status in (BulkJobStatus.QUEUED, BulkJobStatus.RUNNING):
        response = HttpResponse(status=202)
        response["X-Progress"] = _progress(job)
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
    if job.status == BulkJobStatus.FAILED:
        return operation_outcome(500, "exception", job.error or "The export failed.")
    response = JsonResponse(_manifest(request, job))
    if job.expires_at is not None:
        response["Expires"] = job.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@fhir_endpoint("GET")
def download(
    request: HttpRequest, access: FhirAccess, public_id: Any, resource_type: str
) -> HttpResponseBase:
    job = _own_job(access, public_id)
    if (
        job is None
        or job.status != BulkJobStatus.COMPLETED
        or resource_type not in job.type_list
        or not runner.file_path(job, resource_type).is_file()
    ):
        return operation_outcome(404, "not-found", "No such export file (or it has expired).")
    with transaction.atomic():
        record(
            request,
            Action.EXPORT,
            obj=job,
            clinic=access.clinic,
            detail=f"{who(access.client)}: bulk export {job.public_id} file "
            f"{resource_type}.ndjson downloaded",
        )
    return FileResponse(
        runner.file_path(job, resource_type).open("rb"), content_type="application/fhir+ndjson"
    )
