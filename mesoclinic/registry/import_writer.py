"""Writing a registry import's plan: one bulk insert per table of rows already resolved.

The writer decides nothing. Every value and every reference was settled by the planner
(``importer.plan_import``); here each planned row becomes one tuple of column values, the
keys of the rows that others refer to (patients, sessions, products, lots) are allocated
first so that a ``New`` reference becomes the key of the row it points to (the other rows
are numbered by the database as they are written), and each table is written with the database's bulk path
(``bulk_insert``: executemany on SQLite, COPY on PostgreSQL), parents before children. It
imports the plan's types and the models, never the bundle reader or the planner (a test
holds it to that), and it runs inside the import's transaction
(``services.import_registry``), which is what makes the import all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.registry.bulk_insert import allocate_keys, insert_rows
from mesoclinic.registry.import_plan import Existing, ImportPlan, Ref
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

Progress = Callable[[str], None]


def _key(ref: Ref, created: Sequence[int]) -> int:
    """The database key a reference names: the existing row's, or the one allocated."""
    return ref.pk if isinstance(ref, Existing) else created[ref.index]


def write_plan(plan: ImportPlan, clinic: Clinic, progress: Progress) -> dict[str, int]:
    """Create every row of ``plan`` in ``clinic``; the number created, by table."""
    c = clinic.pk
    created: dict[str, int] = {}
    patient_keys = allocate_keys(Patient, len(plan.patients))
    created["patients"] = insert_rows(
        Patient,
        ("id", "clinic_id", "mrn", "sex", "birth_year", "height_cm", "imported", "extra"),
        [
            (pk, c, r.mrn, r.sex, r.birth_year, r.height_cm, True, dict(r.extra))
            for pk, r in zip(patient_keys, plan.patients, strict=True)
        ],
        label="patients",
        progress=progress,
    )
    session_keys = allocate_keys(TreatmentSession, len(plan.sessions))
    created["sessions"] = insert_rows(
        TreatmentSession,
        (
            "id",
            "clinic_id",
            "patient_id",
            "performed_at",
            "indication",
            "protocol",
            "practitioner_ref",
            "source_id",
            "imported",
        ),
        [
            (
                pk,
                c,
                _key(r.patient, patient_keys),
                r.performed_at,
                r.indication,
                r.protocol,
                r.practitioner_ref,
                r.source_id,
                True,
            )
            for pk, r in zip(session_keys, plan.sessions, strict=True)
        ],
        label="sessions",
        progress=progress,
    )
    created["session_areas"] = insert_rows(
        SessionArea,
        ("session_id", "area", "side", "price", "currency", "extra"),
        [
            (_key(r.session, session_keys), r.area, r.side, r.price, r.currency, dict(r.extra))
            for r in plan.areas
        ],
        label="session area rows",
        progress=progress,
    )
    product_keys = allocate_keys(Product, len(plan.products))
    created["products"] = insert_rows(
        Product,
        ("id", "clinic_id", "name", "notes"),
        [(pk, c, r.name, r.notes) for pk, r in zip(product_keys, plan.products, strict=True)],
        label="products",
        progress=progress,
    )
    lot_keys = allocate_keys(Lot, len(plan.lots))
    created["lots"] = insert_rows(
        Lot,
        ("id", "clinic_id", "product_id", "lot_number", "expiry_date"),
        [
            (pk, c, _key(r.product, product_keys), r.lot_number, r.expiry_date)
            for pk, r in zip(lot_keys, plan.lots, strict=True)
        ],
        label="lots",
        progress=progress,
    )
    created["injections"] = insert_rows(
        Injection,
        (
            "clinic_id",
            "session_id",
            "area",
            "side",
            "product_id",
            "lot_id",
            "lot_expiry",
            "used_after_expiry",
            "volume_ml",
            "points",
            "depth_mm",
            "technique",
            "extra",
        ),
        [
            (
                c,
                _key(r.session, session_keys),
                r.area,
                r.side,
                _key(r.product, product_keys),
                _key(r.lot, lot_keys) if r.lot is not None else None,
                r.lot_expiry,
                r.used_after_expiry,
                r.volume_ml,
                r.points,
                r.depth_mm,
                r.technique,
                dict(r.extra),
            )
            for r in plan.injections
        ],
        label="injections",
        progress=progress,
    )
    created["measurements"] = insert_rows(
        Measurement,
        (
            "clinic_id",
            "patient_id",
            "measured_on",
            "kind",
            "value",
            "area",
            "side",
            "site_role",
            "rater",
            "imported",
            "extra",
        ),
        [
            (
                c,
                _key(r.patient, patient_keys),
                r.measured_on,
                r.kind,
                r.value,
                r.area,
                r.side,
                r.site_role,
                r.rater,
                True,
                dict(r.extra),
            )
            for r in plan.measurements
        ],
        label="measurements",
        progress=progress,
    )
    created["adverse_events"] = insert_rows(
        AdverseEvent,
        (
            "clinic_id",
            "patient_id",
            "session_id",
            "event_type",
            "onset_date",
            "resolved_date",
            "last_seen_unresolved",
            "severity",
            "serious",
            "source_id",
            "imported",
            "extra",
        ),
        [
            (
                c,
                _key(r.patient, patient_keys),
                _key(r.session, session_keys) if r.session is not None else None,
                r.event_type,
                r.onset_date,
                r.resolved_date,
                r.last_seen_unresolved,
                r.severity,
                r.serious,
                r.source_id,
                True,
                dict(r.extra),
            )
            for r in plan.events
        ],
        label="adverse events",
        progress=progress,
    )
    return created
