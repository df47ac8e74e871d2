"""A clinic's records as registry bundle rows (the export, and the importer's view of what exists).

Every query goes through ``.for_clinic(clinic)`` (models without a clinic-scoped manager
are reached through a clinic-scoped parent), so no other clinic's row can appear.
The importer compares a bundle against these same rows, so "already there" means
exactly "an export would write this row".

Mapping decisions:
- ``patient_id`` is the MRN; ``birth_year`` is the birth date's year when the app knows
  the full date.
- ``session_id`` / ``event_id`` are the bundle id the row was imported with, else the
  record's public UUID (stable, and never a database number).
- ``practitioner_id`` is the imported ``practitioner_ref``, else ``U`` + the user's
  number, a stable id that names nobody.
- A session's rows are its areas; an area that only its injections name (a session
  recorded in the app without an area row) is written as an area row without a price.
  A session with no area at all cannot be written in the format and is counted as
  skipped.
- An injection's ``expiry`` is the expiry recorded with it on import, else its lot's.
"""

from __future__ import annotations

from typing import Any

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.registry.bundle_model import BundleRow
from mesoclinic.registry.recorded_rows import ClinicRows, SessionRecord
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession


def _blank(value: str | None) -> str | None:
    return value or None


def _extra(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def practitioner_id(ref: str, user_id: int | None) -> str | None:
    if ref:
        return ref
    return f"U{user_id}" if user_id is not None else None


def clinic_rows(clinic: Clinic) -> ClinicRows:
    out = ClinicRows()
    for pk, mrn, sex, birth_date, birth_year, height_cm, extra in (
        Patient.objects.for_clinic(clinic)
        .values_list("pk", "mrn", "sex", "birth_date", "birth_year", "height_cm", "extra")
        .iterator(chunk_size=5000)
    ):
        values: dict[str, Any] = {
            "patient_id": mrn,
            "sex": sex,
            "birth_year": birth_date.year if birth_date else birth_year,
            "height_cm": height_cm,
        }
        out.patients[mrn] = (pk, BundleRow(values=values, extra=_extra(extra)))
    sessions = TreatmentSession.objects.for_clinic(clinic)
    by_pk: dict[int, SessionRecord] = {}
    for row in sessions.values_list(
        "pk",
        "source_id",
        "public_id",
        "patient_id",
        "patient__mrn",
        "performed_at",
        "indication",
        "protocol",
        "practitioner_ref",
        "practitioner_id",
        "signed_at",
    ).iterator(chunk_size=5000):
        pk, source_id, public_id, patient_pk, mrn, at, indication, protocol, ref, user, signed = row
        key = source_id or str(public_id)
        shared = {
            "session_id": key,
            "patient_id": mrn,
            "date": clinic.day_of(at),
            "indication": indication,
            "protocol": _blank(protocol),
            "practitioner_id": practitioner_id(ref, user),
        }
        record = SessionRecord(pk, patient_pk, signed is not None, shared)
        out.sessions[key] = by_pk[pk] = record
    for session_pk, area, side, price, currency, extra in (
        SessionArea.objects.filter(session__in=sessions)
        .values_list("session_id", "area", "side", "price", "currency", "extra")
        .order_by("pk")
        .iterator(chunk_size=5000)
    ):
        record = by_pk[session_pk]
        record.rows[(area, side)] = BundleRow(
            values={
                **record.shared,
                "area": area,
                "side": side,
                "price": price,
                "currency": _blank(currency),
            },
            extra=_extra(extra),
        )
    # The lines as corrected by amendments; a replaced line is not part of the record's content.
    injections = Injection.objects.filter(clinic=clinic, session__in=sessions).in_effect()
    for (
        session_pk,
        area,
        side,
        product,
        lot,
        lot_expiry,
        expiry,
        volume_ml,
        points,
        depth_mm,
        technique,
        extra,
    ) in injections.values_list(
        "session_id",
        "area",
        "side",
        "product__name",
        "lot__lot_number",
        "lot_expiry",
        "lot__expiry_date",
        "volume_ml",
        "points",
        "depth_mm",
        "technique",
        "extra",
    ).iterator(chunk_size=5000):
        record = by_pk[session_pk]
        if not any(a == area for a, _ in record.rows):
            record.rows[(area, side)] = BundleRow(
                values={
                    **record.shared,
                    "area": area,
                    "side": side,
                    "price": None,
                    "currency": None,
                }
            )
        values = {
            "session_id": record.shared["session_id"],
            "area": area,
            "product": product,
            "lot": lot,
            "expiry": lot_expiry or expiry,
            "volume_ml": volume_ml,
            "points": points,
            "depth_mm": depth_mm,
            "technique": _blank(technique),
        }
        out.injections.append(BundleRow(values=values, extra=_extra(extra)))
    for key, record in list(out.sessions.items()):
        if not record.rows:
            del out.sessions[key]
            out.skipped_sessions += 1
    for values_row in (
        Measurement.objects.for_clinic(clinic)
        .values_list(
            "patient__mrn",
            "measured_on",
            "kind",
            "value",
            "area",
            "side",
            "site_role",
            "rater",
            "extra",
        )
        .iterator(chunk_size=5000)
    ):
        mrn, day, kind, value, area, side, site_role, rater, extra = values_row
        values = {
            "patient_id": mrn,
            "date": day,
            "kind": kind,
            "value": value,
            "area": _blank(area),
            "side": _blank(side),
            "site_role": _blank(site_role),
            "rater": _blank(rater),
        }
        out.measurements.append(BundleRow(values=values, extra=_extra(extra)))
    for pk, product, number, expiry_date in Lot.objects.for_clinic(clinic).values_list(
        "pk", "product__name", "lot_number", "expiry_date"
    ):
        out.lots[(product, number)] = (pk, expiry_date)
    out.products = dict(Product.objects.for_clinic(clinic).values_list("name", "pk"))
    session_keys = {record.pk: key for key, record in out.sessions.items()}
    for event in (
        AdverseEvent.objects.for_clinic(clinic)
        .values_list(
            "pk",
            "source_id",
            "public_id",
            "patient__mrn",
            "session_id",
            "event_type",
            "onset_date",
            "resolved_date",
            "last_seen_unresolved",
            "severity",
            "serious",
            "extra",
        )
        .iterator(chunk_size=5000)
    ):
        (
            pk,
            source_id,
            public_id,
            mrn,
            session_pk,
            kind,
            onset,
            resolved,
            last,
            sev,
            serious,
            extra,
        ) = event
        key = source_id or str(public_id)
        values = {
            "event_id": key,
            "patient_id": mrn,
            "session_id": session_keys.get(session_pk) if session_pk else None,
            "type": kind,
            "onset_date": onset,
            "resolved_date": resolved,
            "last_seen_unresolved": last,
            "severity": sev,
            "serious": serious,
        }
        out.events[key] = (pk, BundleRow(values=values, extra=_extra(extra)))
    return out
