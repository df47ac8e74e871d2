"""Registry import and export: the transactions behind the ``import-registry`` and
``export-registry`` commands (the rules are in ``importer``, ``exporter`` and the pure
``bundle_*`` and ``deidentify`` modules)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record as audit_record
from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.registry.bundle_format import FILES, INJECTIONS
from mesoclinic.registry.bundle_model import Bundle, BundleError, BundleRejected
from mesoclinic.registry.bundle_reader import read_bundle, read_sources
from mesoclinic.registry.bundle_writer import render_bundle, write_files
from mesoclinic.registry.deidentify import deidentify
from mesoclinic.registry.exporter import ClinicRows, clinic_rows
from mesoclinic.registry.importer import (
    ImportPlan,
    injection_side,
    performed_at,
    plan_import,
    summary_text,
)
from mesoclinic.registry.models import DeidentificationKey
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

Progress = Callable[[str], None]
BATCH_SIZE = 2000
REPORT_EVERY = 10_000


def _quiet(message: str) -> None:
    return None


@dataclass
class ImportResult:
    created: dict[str, int]
    unchanged: int
    summary: str

    @property
    def changed_anything(self) -> bool:
        return any(self.created.values())


@dataclass
class ExportResult:
    counts: dict[str, int]
    skipped_sessions: int
    warnings: list[BundleError]
    paths: list[Path]


def import_registry(
    path: str | Path, clinic: Clinic, *, progress: Progress = _quiet, user: Any = None
) -> ImportResult:
    """Validate the bundle at ``path`` and write it into ``clinic``, or raise BundleRejected."""
    progress("reading and checking the bundle")
    result = read_bundle(path, today=clinic.today())
    if result.errors:
        raise BundleRejected(result.errors)
    bundle = result.bundle
    progress(f"read {bundle.count():,} rows; comparing them with the clinic's records")
    with transaction.atomic():
        # One import per clinic at a time: the plan must not go stale before it is written.
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        existing = clinic_rows(clinic)
        _fill_lot_expiry(bundle, existing)
        plan = plan_import(bundle, existing)
        if plan.errors:
            raise BundleRejected(plan.errors)
        created = _write(plan, clinic, existing, progress)
        if sum(created.values()) >= REPORT_EVERY:
            _refresh_statistics(progress)
        summary = summary_text(created, plan.unchanged)
        audit_record(None, Action.IMPORT, clinic=clinic, user=user, detail=f"registry {summary}")
    return ImportResult(created, plan.unchanged, summary)


def _refresh_statistics(progress: Progress) -> None:
    """After a large load, refresh PostgreSQL's planner statistics of the tables written.

    Until autovacuum gets round to it the planner believes the tables are as small as
    before, and picks plans (nested loops over sequential scans) that make the next read
    of the clinic, such as a re-import's comparison, many times slower.
    """
    if connection.vendor != "postgresql":
        return
    progress("refreshing the database's statistics")
    tables = [
        model._meta.db_table
        for model in (Patient, TreatmentSession, SessionArea, Injection, Measurement, AdverseEvent)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _fill_lot_expiry(bundle: Bundle, existing: ClinicRows) -> None:
    """A row that names a lot but not its expiry takes the lot's known expiry.

    The recorded lot's expiry when the clinic has the lot, else the earliest the bundle
    gives for it, so that the row matches what an export writes back for it.
    """
    earliest: dict[tuple[str, str], Any] = {}
    for row in bundle.rows[INJECTIONS.name]:
        lot, expiry = row.values["lot"], row.values["expiry"]
        if lot is not None and expiry is not None:
            key = (row.values["product"], lot)
            if key not in earliest or expiry < earliest[key]:
                earliest[key] = expiry
    for row in bundle.rows[INJECTIONS.name]:
        lot = row.values["lot"]
        if lot is not None and row.values["expiry"] is None:
            key = (row.values["product"], lot)
            known = existing.lots.get(key)
            row.values["expiry"] = known[1] if known is not None else earliest.get(key)


def _bulk(
    model: type[models.Model], objects: Sequence[models.Model], label: str, progress: Progress
) -> int:
    total = len(objects)
    if not total:
        return 0
    progress(f"writing {total:,} {label}")
    reported = 0
    for start in range(0, total, BATCH_SIZE):
        model._default_manager.bulk_create(objects[start : start + BATCH_SIZE])
        done = min(start + BATCH_SIZE, total)
        if done - reported >= REPORT_EVERY and done < total:
            progress(f"  {label}: {done:,} of {total:,}")
            reported = done
    return total


def _write(
    plan: ImportPlan, clinic: Clinic, existing: ClinicRows, progress: Progress
) -> dict[str, int]:
    created: dict[str, int] = {}
    created["patients"] = _bulk(
        Patient,
        [
            Patient(
                clinic=clinic,
                mrn=row.values["patient_id"],
                sex=row.values["sex"],
                birth_year=row.values["birth_year"],
                height_cm=row.values["height_cm"],
                imported=True,
                extra=row.extra,
            )
            for row in plan.patients
        ],
        "patients",
        progress,
    )
    patient_pk = dict(Patient.objects.for_clinic(clinic).values_list("mrn", "pk"))
    created["sessions"] = _bulk(
        TreatmentSession,
        [
            TreatmentSession(
                clinic=clinic,
                patient_id=patient_pk[new.shared["patient_id"]],
                performed_at=performed_at(new.shared["date"], clinic),
                indication=new.shared["indication"],
                protocol=new.shared["protocol"] or "",
                practitioner_ref=new.shared["practitioner_id"] or "",
                source_id=new.key,
                imported=True,
            )
            for new in plan.sessions
        ],
        "sessions",
        progress,
    )
    session_pk = {key: record.pk for key, record in existing.sessions.items()}
    session_date = {key: record.shared["date"] for key, record in existing.sessions.items()}
    session_date.update({new.key: new.shared["date"] for new in plan.sessions})
    if plan.sessions:
        session_pk.update(
            TreatmentSession.objects.for_clinic(clinic)
            .exclude(source_id="")
            .values_list("source_id", "pk")
        )
    sides: dict[tuple[str, str], set[str]] = {}
    for key, record in existing.sessions.items():
        for area, side in record.rows:
            sides.setdefault((key, area), set()).add(side)
    for key, row in plan.areas:
        sides.setdefault((key, row.values["area"]), set()).add(row.values["side"])
    created["session_areas"] = _bulk(
        SessionArea,
        [
            SessionArea(
                session_id=session_pk[key],
                area=row.values["area"],
                side=row.values["side"],
                price=row.values["price"],
                currency=row.values["currency"] or "",
                extra=row.extra,
            )
            for key, row in plan.areas
        ],
        "session area rows",
        progress,
    )
    created.update(
        _write_injections(plan, clinic, existing, session_pk, session_date, sides, progress)
    )
    created["measurements"] = _bulk(
        Measurement,
        [
            Measurement(
                clinic=clinic,
                patient_id=patient_pk[row.values["patient_id"]],
                measured_on=row.values["date"],
                kind=row.values["kind"],
                value=row.values["value"],
                area=row.values["area"] or "",
                side=row.values["side"] or "",
                site_role=row.values["site_role"] or "",
                rater=row.values["rater"] or "",
                imported=True,
                extra=row.extra,
            )
            for row in plan.measurements
        ],
        "measurements",
        progress,
    )
    created["adverse_events"] = _bulk(
        AdverseEvent,
        [
            AdverseEvent(
                clinic=clinic,
                patient_id=patient_pk[row.values["patient_id"]],
                session_id=session_pk[row.values["session_id"]]
                if row.values["session_id"]
                else None,
                event_type=row.values["type"],
                onset_date=row.values["onset_date"],
                resolved_date=row.values["resolved_date"],
                last_seen_unresolved=row.values["last_seen_unresolved"],
                severity=row.values["severity"],
                serious=row.values["serious"],
                source_id=row.values["event_id"],
                imported=True,
                extra=row.extra,
            )
            for row in plan.events
        ],
        "adverse events",
        progress,
    )
    return created


def _write_injections(
    plan: ImportPlan,
    clinic: Clinic,
    existing: ClinicRows,
    session_pk: dict[str, int],
    session_date: dict[str, Any],
    sides: dict[tuple[str, str], set[str]],
    progress: Progress,
) -> dict[str, int]:
    names = {row.values["product"] for row in plan.injections}
    product_pk = dict(
        Product.objects.for_clinic(clinic).filter(name__in=names).values_list("name", "pk")
    )
    new_products = sorted(names - set(product_pk))
    created = {
        "products": _bulk(
            Product,
            [
                Product(
                    clinic=clinic,
                    name=name,
                    notes="Created by a registry import: add its ingredients before dosing.",
                )
                for name in new_products
            ],
            "products",
            progress,
        )
    }
    if new_products:
        product_pk.update(
            Product.objects.for_clinic(clinic).filter(name__in=names).values_list("name", "pk")
        )
    wanted: dict[tuple[str, str], Any] = {}
    for row in plan.injections:
        if row.values["lot"] is not None:
            key = (row.values["product"], row.values["lot"])
            expiry = row.values["expiry"]
            if key not in wanted or (
                expiry is not None and (wanted[key] is None or expiry < wanted[key])
            ):
                wanted[key] = expiry
    new_lots = sorted(key for key in wanted if key not in existing.lots)
    created["lots"] = _bulk(
        Lot,
        [
            Lot(
                clinic=clinic,
                product_id=product_pk[product],
                lot_number=number,
                expiry_date=wanted[(product, number)],
            )
            for product, number in new_lots
        ],
        "lots",
        progress,
    )
    lot_pk = {key: pk for key, (pk, _) in existing.lots.items()}
    if new_lots:
        for pk, product, number in Lot.objects.for_clinic(clinic).values_list(
            "pk", "product__name", "lot_number"
        ):
            lot_pk[(product, number)] = pk
    objects = []
    for row in plan.injections:
        values = row.values
        key = values["session_id"]
        expiry = values["expiry"]
        objects.append(
            Injection(
                clinic=clinic,
                session_id=session_pk[key],
                area=values["area"],
                side=injection_side(sides[(key, values["area"])]),
                product_id=product_pk[values["product"]],
                lot_id=lot_pk[(values["product"], values["lot"])] if values["lot"] else None,
                lot_expiry=expiry,
                used_after_expiry=expiry is not None and session_date[key] > expiry,
                volume_ml=values["volume_ml"],
                points=values["points"],
                depth_mm=values["depth_mm"],
                technique=values["technique"] or "",
                extra=row.extra,
            )
        )
    created["injections"] = _bulk(Injection, objects, "injections", progress)
    return created


def export_registry(
    destination: str | Path,
    clinic: Clinic,
    *,
    deidentified: bool = False,
    progress: Progress = _quiet,
    user: Any = None,
) -> ExportResult:
    """Write every record of ``clinic`` as a bundle (a folder, or a .zip by its name)."""
    progress("reading the clinic's records")
    rows = clinic_rows(clinic)
    bundle = rows.bundle()
    today = clinic.today()
    if deidentified:
        key, _ = DeidentificationKey.objects.get_or_create(clinic=clinic)
        bundle = deidentify(bundle, key.salt, today)
    files = render_bundle(bundle)
    # The export is read back as an import would read it, so a record the app holds that
    # the format cannot carry is reported rather than discovered at the next import.
    warnings = read_sources(files, today=today).errors
    counts = {name: len(bundle.rows[name]) for name in FILES}
    kind = "de-identified" if deidentified else "identified"
    detail = f"registry bundle ({kind}): " + ", ".join(
        f"{counts[name]} {name.removesuffix('.csv').replace('_', ' ')} rows" for name in FILES
    )
    with transaction.atomic():
        audit_record(None, Action.EXPORT, clinic=clinic, user=user, detail=detail)
        paths = write_files(files, destination)
    return ExportResult(counts, rows.skipped_sessions, warnings, paths)
