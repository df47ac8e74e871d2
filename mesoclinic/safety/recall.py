"""Recall search: every patient exposed to a lot between two dates (reference §9, "Support a
reverse query: all patients exposed to lot X or vial Y between dates").

A lot is looked up by its number within the clinic; when several products have a lot with
that number, all are included and the result says so. Exposure comes from one query over the
injection lines (index ``injection_clinic_lot`` on clinic and lot), joined to the session,
patient, product and practitioner, and grouped here by patient and session: no query per row.
Draft sessions are included and marked: an injection recorded in a draft may well have been
given. Names and contact details are read only when ``with_contact`` is set (the page and
its call list); the command never asks for them.

The recall lives in safety, beside the safety signals, not in formulary: it is a query over
what was injected, and formulary sits below treatments in the layer order (CONTRIBUTING.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot, LotQuerySet
from mesoclinic.treatments.models import Injection


class RecallError(Exception):
    """A recall search that cannot run: the message names the field."""


@dataclass
class ExposedSession:
    """A session in which the lot was injected: where and how much."""

    public_id: str
    performed_at: dt.datetime
    day: dt.date
    signed: bool
    practitioner: str  # the staff username or the registry practitioner id
    practitioner_name: str
    lines: list[tuple[str, str, str, str, Decimal]] = field(default_factory=list)

    @property
    def volume_ml(self) -> Decimal:
        return sum((line[4] for line in self.lines), Decimal(0))

    @property
    def areas(self) -> list[str]:
        return sorted({f"{area} ({side})" for area, side, _, _, _ in self.lines})

    def to_json(self) -> dict[str, Any]:
        return {
            "session_date": self.day.isoformat(),
            "performed_at": self.performed_at.isoformat(),
            "signed": self.signed,
            "practitioner": self.practitioner,
            "volume_ml": str(self.volume_ml),
            "injections": [
                {"area": a, "side": s, "product": p, "lot": n, "volume_ml": str(v)}
                for a, s, p, n, v in self.lines
            ],
        }


@dataclass
class ExposedPatient:
    """A patient who received the lot; name and contact only for the page."""

    patient_id: str  # the MRN
    public_id: str
    sessions: list[ExposedSession] = field(default_factory=list)
    name: str = ""
    phone: str = ""
    email: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id,
            "sessions": [s.to_json() for s in self.sessions],
        }


@dataclass
class RecallResult:
    lot_number: str
    lots: list[Lot]
    date_from: dt.date | None
    date_to: dt.date | None
    patients: list[ExposedPatient]

    @property
    def shared_number(self) -> bool:
        """Several products have a lot with this number: all are included."""
        return len(self.lots) > 1

    @property
    def session_count(self) -> int:
        return sum(len(p.sessions) for p in self.patients)

    def to_json(self) -> dict[str, Any]:
        return {
            "lot": self.lot_number,
            "products": [
                {
                    "product": lot.product.name,
                    "expiry_date": lot.expiry_date.isoformat() if lot.expiry_date else None,
                    "status": lot.status,
                    "vial_type": lot.vial_type,
                }
                for lot in self.lots
            ],
            "shared_lot_number": self.shared_number,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "patient_count": len(self.patients),
            "patients": [p.to_json() for p in self.patients],
        }


COLUMNS = (
    "session__patient__mrn",
    "session__patient__public_id",
    "session__public_id",
    "session__performed_at",
    "session__signed_at",
    "session__practitioner__username",
    "session__practitioner__first_name",
    "session__practitioner__last_name",
    "session__practitioner_ref",
    "area",
    "side",
    "product__name",
    "lot__lot_number",
    "volume_ml",
)
CONTACT_COLUMNS = (
    "session__patient__given_name",
    "session__patient__family_name",
    "session__patient__phone",
    "session__patient__email",
)


def parse_date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RecallError(
            # The field's code before ": " (the view puts the message on that field).
            f"{name}: "
            + gettext("%(value)s is not a date (use YYYY-MM-DD).") % {"value": repr(text)}
        ) from None


def find_lots(lots: LotQuerySet, number: str) -> list[Lot]:
    """The clinic's lots with this number (any case), one per product."""
    number = number.strip()
    if not number:
        raise RecallError("lot: " + gettext("give the lot number."))
    found = list(lots.filter(lot_number__iexact=number).select_related("product"))
    if not found:
        raise RecallError(
            "lot: "
            + gettext("no lot numbered %(number)s in this clinic.") % {"number": repr(number)}
        )
    return found


def exposed_lines(
    clinic: Clinic, lot_ids: list[int], date_from: dt.date | None, date_to: dt.date | None
) -> Any:
    """Which lines count as exposure to these lots: the one definition, read with its columns
    by ``exposure_rows`` and as (lot, patient) pairs by ``recall_status.exposures``."""
    # The lines as corrected: a line moved to another lot by an amendment counts there.
    rows = Injection.objects.filter(clinic=clinic, lot_id__in=lot_ids).in_effect()
    if date_from:
        rows = rows.filter(session__performed_at__gte=clinic.start_of_day(date_from))
    if date_to:
        rows = rows.filter(
            session__performed_at__lt=clinic.start_of_day(date_to + dt.timedelta(days=1))
        )
    return rows


def exposure_rows(
    clinic: Clinic,
    lot_ids: list[int],
    date_from: dt.date | None,
    date_to: dt.date | None,
    with_contact: bool,
) -> Any:
    """The one query: injection lines of these lots, with session, patient, product and
    practitioner columns, ordered by patient and time (``.explain()`` shows the plan)."""
    rows = exposed_lines(clinic, lot_ids, date_from, date_to)
    columns = list(COLUMNS)
    if with_contact:
        columns += CONTACT_COLUMNS
    return rows.order_by("session__patient__mrn", "session__performed_at", "id").values(*columns)


def recall(
    clinic: Clinic,
    lots: LotQuerySet,
    number: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    with_contact: bool = False,
) -> RecallResult:
    """Everyone exposed to lot ``number`` of ``clinic`` between the dates (inclusive, in the
    clinic's time zone). ``lots`` is the caller's clinic-scoped lot queryset."""
    if date_from and date_to and date_from > date_to:
        raise RecallError("to: " + gettext("the end date is before the start date."))
    found = find_lots(lots, number)
    ordered = exposure_rows(clinic, [lot.pk for lot in found], date_from, date_to, with_contact)
    patients: dict[str, ExposedPatient] = {}
    sessions: dict[str, ExposedSession] = {}
    for row in ordered:
        mrn = row["session__patient__mrn"]
        patient = patients.get(mrn)
        if patient is None:
            patient = patients[mrn] = ExposedPatient(mrn, str(row["session__patient__public_id"]))
            if with_contact:
                given, family = (
                    row["session__patient__given_name"],
                    row["session__patient__family_name"],
                )
                patient.name = " ".join(p for p in (given, family) if p)
                patient.phone = row["session__patient__phone"]
                patient.email = row["session__patient__email"]
        key = str(row["session__public_id"])
        session = sessions.get(key)
        if session is None:
            username = row["session__practitioner__username"] or ""
            full = " ".join(
                n
                for n in (
                    row["session__practitioner__first_name"],
                    row["session__practitioner__last_name"],
                )
                if n
            )
            session = sessions[key] = ExposedSession(
                public_id=key,
                performed_at=row["session__performed_at"],
                day=clinic.day_of(row["session__performed_at"]),
                signed=row["session__signed_at"] is not None,
                practitioner=username or row["session__practitioner_ref"],
                practitioner_name=full or username or row["session__practitioner_ref"],
            )
            patient.sessions.append(session)
        session.lines.append(
            (
                row["area"],
                row["side"],
                row["product__name"],
                row["lot__lot_number"],
                row["volume_ml"],
            )
        )
    return RecallResult(found[0].lot_number, found, date_from, date_to, list(patients.values()))
