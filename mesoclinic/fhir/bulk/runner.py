"""Running a bulk export job in the background, and the clean-up of expired files.

A job is claimed with a conditional UPDATE (queued, or running with a heartbeat older than
``STALE_AFTER``), so the server's thread pool and ``mesoclinic run-due`` never run the same job
twice, and a job whose server stopped is run again from the start by the next ``run-due``.
The resources come from the same mappers as ``export-fhir`` (``mesoclinic.fhir.export``),
which stream; each file is written under a temporary name and renamed when complete."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.fhir.bulk.groups import group_patients, group_resources
from mesoclinic.fhir.export import resources
from mesoclinic.fhir.models import BulkExportJob, BulkJobStatus
from mesoclinic.fhir.smart.services import who

logger = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(minutes=10)
# How often (in resources) the job row is touched: progress, heartbeat, and a cancel check.
CHECK_EVERY = 5_000
_pool: ThreadPoolExecutor | None = None


class Cancelled(Exception):
    """The client deleted the job while it ran."""


def folder(job: BulkExportJob) -> Path:
    return Path(settings.FHIR_EXPORT_ROOT) / str(job.public_id)


def file_path(job: BulkExportJob, resource_type: str) -> Path:
    return folder(job) / f"{resource_type}.ndjson"


def _claim(job_id: int, now: dt.datetime) -> bool:
    runnable = Q(status=BulkJobStatus.QUEUED) | Q(
        status=BulkJobStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    claimed = (
        BulkExportJob.objects.filter(runnable, pk=job_id)
        .update(status=BulkJobStatus.RUNNING, started_at=now, heartbeat_at=now,
                transaction_time=now, counts={}, current_type="")
    )  # fmt: skip
    return claimed == 1


def _touch(job: BulkExportJob) -> None:
    still = BulkExportJob.objects.filter(pk=job.pk, status=BulkJobStatus.RUNNING).update(
        heartbeat_at=timezone.now(), counts=job.counts, current_type=job.current_type
    )
    if not still:
        raise Cancelled


def _resources(
    job: BulkExportJob, resource_type: str, group_ids: list[str] | None
) -> Iterator[dict[str, Any]]:
    base = fhir_base(job.request_url)
    if group_ids is None:
        return resources(job.clinic, resource_type, job.since, base)
    return group_resources(job.clinic, resource_type, job.since, group_ids, base)


def fhir_base(request_url: str) -> str:
    """The API's base on the host the kick-off came to (its links, e.g. a Media's Binary)."""
    parts = urlsplit(request_url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}{reverse('fhir:metadata').removesuffix('metadata')}"


def _group_ids(job: BulkExportJob) -> list[str] | None:
    """The public ids of a group export's patients, read once when the job runs."""
    if not job.group:
        return None
    patients = group_patients(job.clinic, job.group)
    if patients is None:  # the lot or indication is gone since the kick-off
        return []
    return [str(pid) for pid in patients.values_list("public_id", flat=True)]


def _write_type(job: BulkExportJob, resource_type: str, group_ids: list[str] | None) -> int:
    final = file_path(job, resource_type)
    partial = final.with_name(f".{final.name}.partial")
    count = 0
    with partial.open("w", encoding="utf-8") as out:
        for resource in _resources(job, resource_type, group_ids):
            out.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
            if count % CHECK_EVERY == 0:
                job.counts[resource_type] = count
                _touch(job)
    if count:
        partial.replace(final)
    else:  # Bulk Data: no file for a type with no resources
        partial.unlink()
    return count


def run(job_id: int) -> bool:
    """Run the job if it can be claimed; True when this call ran it (to any end)."""
    if not _claim(job_id, timezone.now()):
        return False
    job = BulkExportJob.objects.select_related("clinic", "client").get(pk=job_id)
    target = folder(job)
    shutil.rmtree(target, ignore_errors=True)  # a re-run starts clean
    target.mkdir(parents=True, exist_ok=True)
    try:
        group_ids = _group_ids(job)
        for resource_type in job.type_list:
            job.current_type = resource_type
            _touch(job)
            job.counts[resource_type] = _write_type(job, resource_type, group_ids)
        _finish(job)
    except Cancelled:
        shutil.rmtree(target, ignore_errors=True)
    except Exception as exc:  # the job must end, and say so, whatever went wrong
        # The exception's text may quote a record: only its type goes to the log and the row.
        logger.error("FHIR bulk export %s failed: %s", job.public_id, type(exc).__name__)
        shutil.rmtree(target, ignore_errors=True)
        BulkExportJob.objects.filter(pk=job.pk, status=BulkJobStatus.RUNNING).update(
            status=BulkJobStatus.FAILED,
            finished_at=timezone.now(),
            error=f"The export failed ({type(exc).__name__}); the server log has the time.",
        )
    return True


def _finish(job: BulkExportJob) -> None:
    now = timezone.now()
    with transaction.atomic():
        done = BulkExportJob.objects.filter(pk=job.pk, status=BulkJobStatus.RUNNING).update(
            status=BulkJobStatus.COMPLETED,
            counts=job.counts,
            current_type="",
            finished_at=now,
            heartbeat_at=now,
            expires_at=now + dt.timedelta(hours=settings.FHIR_EXPORT_FILE_HOURS),
        )
        if not done:
            raise Cancelled
        record(
            None,
            Action.EXPORT,
            obj=job,
            clinic=job.clinic,
            detail=f"{who(job.client)}: bulk export {job.public_id} written, "
            f"{job.total} resources of {len(job.type_list)} types",
        )


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        connections.close_all()  # this thread's connections, not the request's


def schedule(job: BulkExportJob) -> None:
    """Start the job in this process's pool once the kick-off commits (none when the pool is
    off: ``run-due`` runs it)."""
    global _pool
    workers = int(settings.FHIR_BULK_WORKERS)
    if workers <= 0:
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fhir-export")
    pool = _pool
    transaction.on_commit(lambda: pool.submit(_run_in_thread, job.pk))


def delete_files(job: BulkExportJob) -> None:
    shutil.rmtree(folder(job), ignore_errors=True)


def run_due(now: dt.datetime) -> dict[str, int]:
    """What the cron runner does for bulk export: run waiting or stale jobs, delete expired
    files. Returns counts for the runner's report."""
    ran = 0
    waiting = BulkExportJob.objects.filter(
        Q(status=BulkJobStatus.QUEUED)
        | Q(status=BulkJobStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    ).order_by("created_at")
    for job_id in list(waiting.values_list("pk", flat=True)):
        ran += run(job_id)
    expired = 0
    for job in BulkExportJob.objects.filter(status=BulkJobStatus.COMPLETED, expires_at__lte=now):
        delete_files(job)
        expired += BulkExportJob.objects.filter(pk=job.pk, status=BulkJobStatus.COMPLETED).update(
            status=BulkJobStatus.EXPIRED
        )
    return {"exports_run": ran, "exports_expired": expired}
