"""The patient groups a ``Group/[id]/$export`` can name, and the export of their resources.

mesoclinic keeps no Group table: a group is a question the record already answers, named by
its id, so it is always current and needs nobody to maintain it:

- ``lot-<lot id>`` (the lot's Medication id): every patient given that lot, as the record now
  stands (injection lines in effect, so a corrected line counts for its new lot, as in a
  recall). The recall over Bulk Data: send a hospital or a regulator the full record of the
  patients exposed to a suspect lot.
- ``indication-<code>`` (``-`` for ``_``, since FHIR ids allow no underscore): every patient
  with a treatment plan for that indication (``localized-fat`` for ``localized_fat``).

A group of another clinic, or one that names nothing, is not found (404)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from django.db.models import QuerySet

from mesoclinic.clinical_codes import INDICATIONS
from mesoclinic.clinics.models import Clinic
from mesoclinic.fhir.api.registry import TYPES
from mesoclinic.fhir.context import ExportContext
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.models import Injection

T = TypeVar("T")
LOT = "lot-"
INDICATION = "indication-"
CHUNK = 500


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (itertools.batched is Python 3.12; we support 3.11)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def group_patients(clinic: Clinic, group_id: str) -> QuerySet[Patient] | None:
    """The clinic's patients in the group ``group_id``, or None when no such group exists."""
    patients = Patient.objects.for_clinic(clinic)
    if group_id.startswith(LOT):
        try:
            lot_id = uuid.UUID(group_id.removeprefix(LOT))
        except ValueError:
            return None
        lot = Lot.objects.filter(clinic=clinic, public_id=lot_id).first()
        if lot is None:
            return None
        given = Injection.objects.filter(clinic=clinic, lot=lot).in_effect()
        return patients.filter(pk__in=given.values("session__patient"))
    if group_id.startswith(INDICATION):
        code = group_id.removeprefix(INDICATION).replace("-", "_")
        if code not in INDICATIONS:
            return None
        plans = TreatmentPlan.objects.filter(clinic=clinic, indication=code)
        return patients.filter(pk__in=plans.values("patient"))
    return None


def group_resources(
    clinic: Clinic,
    resource_type: str,
    since: dt.datetime | None,
    patient_ids: list[str],
    fhir_base: str = "",
) -> Iterator[dict[str, Any]]:
    """The group's resources of one type, mapped a page of rows at a time with the REST API's
    own sources and ``patient`` filters (so a resource is the same whichever way it is read).
    Patients are taken ``CHUNK`` at a time, so a large group never makes one query with more
    parameters than a database accepts. A source that cannot be narrowed to the patients
    writes nothing rather than everyone's."""
    ctx = ExportContext(clinic=clinic, since=since, fhir_base=fhir_base)
    for source in TYPES[resource_type].sources:
        narrow = source.filters.get("patient")
        if resource_type != "Patient" and narrow is None:
            continue
        for chunk in batched(patient_ids, CHUNK):
            rows = source.rows(ctx)
            rows = rows.filter(public_id__in=chunk) if narrow is None else narrow(ctx, rows, chunk)
            for page in batched(rows.iterator(chunk_size=2000), CHUNK):
                yield from source.to_resources(ctx, page)
