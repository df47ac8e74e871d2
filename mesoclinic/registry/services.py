"""Registry import and export: the transactions behind the ``import-registry`` and
``export-registry`` commands.

An import is read → plan → write: the pure ``bundle_reader`` validates the bundle; then, in
one transaction, the clinic's rows are read (``exporter.clinic_rows``), the pure planner
(``importer.plan_import``) resolves every row to create, and ``import_writer`` writes
exactly those. The export's rules are in ``exporter`` and the pure ``bundle_*``,
``deidentify`` and ``anonymity`` modules; a de-identified export's key comes from outside
the database (``pseudonym_key``)."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record as audit_record
from mesoclinic.clinics.models import Clinic
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.registry.anonymity import DEFAULT_K, Generalisation
from mesoclinic.registry.bundle_format import FILES, PATIENTS
from mesoclinic.registry.bundle_model import BundleError, BundleRejected
from mesoclinic.registry.bundle_reader import read_bundle, read_sources
from mesoclinic.registry.bundle_writer import render_bundle, write_files
from mesoclinic.registry.deidentify import deidentify
from mesoclinic.registry.exporter import clinic_rows
from mesoclinic.registry.import_writer import write_plan
from mesoclinic.registry.importer import plan_import, summary_text
from mesoclinic.registry.pseudonym_key import clinic_key, key_id, load_key
from mesoclinic.safety import signal_state
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

Progress = Callable[[str], None]
# Rows written above which PostgreSQL's statistics are refreshed before the transaction ends.
REFRESH_STATISTICS_AFTER = 10_000
# Written beside the CSV files of a de-identified bundle; a reader only reads *.csv.
MANIFEST = "deidentification.json"


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
    # De-identified exports only: what the manifest records.
    manifest: dict[str, Any] = field(default_factory=dict)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector for the duration of an import.

    An import holds a few hundred thousand small objects (a dict per row, its values, the
    plan's rows) that are all alive until it ends, and the collector, triggered by the
    allocations, walks them again and again: measured at 100,000 rows, about a third of
    the reading's CPU time. They are freed by reference counting; anything cyclic is
    collected when the collector resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_registry(
    path: str | Path, clinic: Clinic, *, progress: Progress = _quiet, user: Any = None
) -> ImportResult:
    """Validate the bundle at ``path`` and write it into ``clinic``, or raise BundleRejected."""
    with _no_cycle_collection():
        return _import_registry(path, clinic, progress=progress, user=user)


def _import_registry(
    path: str | Path, clinic: Clinic, *, progress: Progress, user: Any
) -> ImportResult:
    progress("reading and checking the bundle")
    result = read_bundle(path, today=clinic.today())
    if result.errors:
        raise BundleRejected(result.errors)
    bundle = result.bundle
    progress(f"read {bundle.count():,} rows; comparing them with the clinic's records")
    with transaction.atomic():
        # One import per clinic at a time: the plan must not go stale before it is written.
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        plan = plan_import(bundle, clinic_rows(clinic), clinic.zone)
        if plan.errors:
            raise BundleRejected(list(plan.errors))
        created = write_plan(plan, clinic, progress)
        # The rows were bulk-written (no model signals): the Today count of safety signals
        # is brought up to date here, in the same transaction.
        signal_state.refresh(clinic)
        if sum(created.values()) >= REFRESH_STATISTICS_AFTER:
            _refresh_statistics(progress)
        summary = summary_text(created, plan.unchanged)
        audit_record(None, Action.IMPORT, clinic=clinic, user=user, detail=f"registry {summary}")
    return ImportResult(created, plan.unchanged, summary)


def _refresh_statistics(progress: Progress) -> None:
    """After a large load, refresh PostgreSQL's planner statistics of the tables written.

    Until autovacuum gets round to it the planner believes the tables are as small as
    before, and picks plans (nested loops over sequential scans) that make the next read
    of the clinic, such as a re-import's comparison, many times slower.

    Only the keys are analysed (the primary key, the clinic and the other foreign keys,
    which those reads filter and join on), with the tables' sizes: a quarter of the cost of
    every column at 100,000 rows. An ANALYZE of some columns leaves the table's count of
    changes since its last full analysis as it was, so autovacuum still analyses every
    column soon after.
    """
    if connection.vendor != "postgresql":
        return
    progress("refreshing the database's statistics")
    quote = connection.ops.quote_name
    tables = [
        "{} ({})".format(
            quote(model._meta.db_table),
            ", ".join(
                quote(field.column)
                for field in model._meta.concrete_fields
                if field.primary_key or field.is_relation
            ),
        )
        for model in (Patient, TreatmentSession, SessionArea, Injection, Measurement, AdverseEvent)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))


def export_registry(
    destination: str | Path,
    clinic: Clinic,
    *,
    deidentified: bool = False,
    k: int = DEFAULT_K,
    progress: Progress = _quiet,
    user: Any = None,
) -> ExportResult:
    """Write every record of ``clinic`` as a bundle (a folder, or a .zip by its name).

    A de-identified export needs the pseudonym key (PseudonymKeyError before anything is
    read without it), generalises the quasi-identifiers to ``k`` and writes a manifest.
    """
    installation_key = load_key() if deidentified else b""
    progress("reading the clinic's records")
    rows = clinic_rows(clinic)
    bundle = rows.bundle()
    today = clinic.today()
    manifest: dict[str, Any] = {}
    if deidentified:
        patients = len(bundle.rows[PATIENTS.name])
        progress(f"de-identifying {patients:,} patients (k = {k})")
        key = clinic_key(installation_key, clinic.public_id)
        bundle, chosen = deidentify(bundle, key, today, k=k)
        manifest = deidentification_manifest(chosen, patients, installation_key)
    files = render_bundle(bundle)
    # The export is read back as an import would read it, so a record the app holds that
    # the format cannot carry is reported rather than discovered at the next import.
    warnings = read_sources(files, today=today).errors
    counts = {name: len(bundle.rows[name]) for name in FILES}
    kind = "de-identified" if deidentified else "identified"
    detail = f"registry bundle ({kind}): " + ", ".join(
        f"{counts[name]} {name.removesuffix('.csv').replace('_', ' ')} rows" for name in FILES
    )
    if manifest:
        detail += (
            f"; min k {manifest['min_k']} (target {k}), "
            f"{manifest['patients_suppressed']} patients suppressed"
        )
        files[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    with transaction.atomic():
        audit_record(None, Action.EXPORT, clinic=clinic, user=user, detail=detail)
        paths = write_files(files, destination)
    return ExportResult(counts, rows.skipped_sessions, warnings, paths, manifest)


def deidentification_manifest(
    chosen: Generalisation, patients: int, installation_key: bytes
) -> dict[str, Any]:
    """What the extract's re-identification risk was measured on, and what it came to."""
    return {
        "quasi_identifiers": list(chosen.quasi_identifiers),
        "generalisation": chosen.step.describe(),
        "k_target": chosen.k,
        "min_k": chosen.min_k,
        "patients_in_clinic": patients,
        "patients_suppressed": len(chosen.suppressed),
        "pseudonym_key_id": key_id(installation_key),
        "columns": {
            "x_birth_years": "birth-year band low-high, both included; 1900-Y is aged 90 or over",
            "x_height_cm": "height band low-high in whole cm (160-169 = 160.0 to 169.9)",
            "x_weight_kg": "band of the first measured weight, low-high in whole kg",
        },
    }
