"""The per-client rate limit of the FHIR endpoints: at most ``FHIR_RATE_LIMIT_PER_MINUTE``
requests in a calendar minute, then 429 with ``Retry-After`` and an OperationOutcome.

Counted in the database (``RateWindow``) so that every server process shares one count.
A FHIR view calls ``check_rate(access)`` right after ``authenticate`` and returns its answer
when it is not None."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone

from mesoclinic.fhir.access import FhirAccess
from mesoclinic.fhir.api.outcome import operation_outcome
from mesoclinic.fhir.models import BackendClient, RateWindow


def _count(client: BackendClient, start: dt.datetime) -> int:
    window = RateWindow.objects.filter(client=client, window_start=start)
    with transaction.atomic():
        if not window.update(requests=F("requests") + 1):
            try:
                with transaction.atomic():
                    RateWindow.objects.create(client=client, window_start=start, requests=1)
            except IntegrityError:  # another process opened the window first
                window.update(requests=F("requests") + 1)
        return int(window.values_list("requests", flat=True).get())


def check_client_rate(client: BackendClient) -> HttpResponse | None:
    now = timezone.now()
    start = now.replace(second=0, microsecond=0)
    limit = int(settings.FHIR_RATE_LIMIT_PER_MINUTE)
    if _count(client, start) <= limit:
        return None
    retry_after_s = max(1, 60 - now.second)
    response = operation_outcome(
        429,
        "throttled",
        f"More than {limit} requests this minute from this client; retry in {retry_after_s} s.",
    )
    response["Retry-After"] = str(retry_after_s)
    return response


def check_rate(access: FhirAccess) -> HttpResponse | None:
    """None when ``access``'s client is within its limit, else the 429 answer to return."""
    return check_client_rate(access.client)


def forget_old_windows(now: dt.datetime) -> int:
    deleted, _ = RateWindow.objects.filter(window_start__lt=now - dt.timedelta(minutes=2)).delete()
    return deleted
