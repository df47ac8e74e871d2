"""What every mapper shares: the clinic, the --since bound, references, ids and meta."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.codes import CANONICAL
from mesoclinic.records.models import Amendment, SignableRecord

_Q = TypeVar("_Q", bound=models.QuerySet[Any])

# Resources with no row of their own (a procedure per session area, a weight observation of a
# consultation, a signature) get a UUID derived from their record's public id: the same on
# every export, so a receiver updates rather than duplicates.
DERIVED = uuid.UUID("6f0f3a52-6f1e-4c47-9a55-1f6c1e0d2b7a")


def derived_id(public_id: uuid.UUID | str, what: str) -> str:
    return str(uuid.uuid5(DERIVED, f"{public_id}:{what}"))


def ref(
    resource_type: str, public_id: uuid.UUID | str, display: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"reference": f"{resource_type}/{public_id}"}
    if display:
        out["display"] = display
    return out


def instant(moment: dt.datetime) -> str:
    """An aware datetime as a FHIR instant (ISO 8601 with its offset)."""
    return moment.isoformat()


def number(value: Decimal | int | float) -> int | float:
    """A decimal as JSON: whole numbers as integers, others as floats (80.50 -> 80.5)."""
    dec = Decimal(str(value))
    return int(dec) if dec == dec.to_integral_value() else float(dec)


def meta(version: int | None, updated_at: dt.datetime | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if version is not None:
        out["versionId"] = str(version)
    if updated_at is not None:
        out["lastUpdated"] = instant(updated_at)
    return out


def record_meta(record: SignableRecord) -> dict[str, Any]:
    """meta of a signed record: an amendment changes what the record says, so it counts as a
    version (``2.1`` = version 2 with one amendment) and its time as the last update.
    Reads the prefetched amendments (``records.models.prefetch_amendments``)."""
    amendments = record.amendment_rows()
    if not amendments:
        return meta(record.version, record.updated_at)
    latest = max(a.at for a in amendments)
    return meta(None, max(latest, record.updated_at)) | {
        "versionId": f"{record.version}.{len(amendments)}"
    }


@dataclass
class ExportContext:
    """One clinic's export: the clinic, the lower bound on changes, and its staff by user id."""

    clinic: Clinic
    since: dt.datetime | None = None
    # The API's absolute base (``https://host/fhir/R4/``) when the export is read over HTTP
    # (REST, Bulk Data); a command-line export has none. Links to Binary reads use it.
    fhir_base: str = ""
    _staff: dict[int, Membership] | None = field(default=None, repr=False)

    @property
    def staff(self) -> dict[int, Membership]:
        # The clinic's memberships: a handful of rows however many patients, read once.
        if self._staff is None:
            self._staff = {
                m.user_id: m
                for m in Membership.objects.filter(clinic=self.clinic).select_related("user")
            }
        return self._staff

    def practitioner(self, user_id: int | None, name: str = "") -> dict[str, Any] | None:
        """A reference to the Practitioner of ``user_id`` in this clinic; a name alone when the
        user is no member of it (an imported record); None when there is neither."""
        membership = self.staff.get(user_id) if user_id is not None else None
        if membership is not None:
            return ref("Practitioner", membership.public_id, membership.display_name)
        return {"display": name} if name else None

    @property
    def clinic_canonical(self) -> str:
        """The base of this clinic's own identifier systems (MRNs, consent templates)."""
        return f"{CANONICAL}/sid/clinic/{self.clinic.public_id}"

    def organization(self) -> dict[str, Any]:
        return ref("Organization", self.clinic.public_id, self.clinic.name)

    def since_filter(self, lookup: str = "updated_at") -> dict[str, Any]:
        return {f"{lookup}__gte": self.since} if self.since is not None else {}

    def changed(self, rows: _Q, model: type[SignableRecord], path: str = "") -> _Q:
        """``rows`` whose signed record (at ``path``) changed since ``since``: saved, or
        amended (an amendment leaves the signed row, and its ``updated_at``, as it was)."""
        if self.since is None:
            return rows
        amended = Amendment.objects.filter(
            content_type=ContentType.objects.get_for_model(model), at__gte=self.since
        ).values("object_id")
        return rows.filter(
            Q(**{f"{path}updated_at__gte": self.since}) | Q(**{f"{path}pk__in": amended})
        )
