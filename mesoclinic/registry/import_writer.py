"""Writing a registry import's plan: one loop per table over rows that are already resolved.

The writer decides nothing. Every value and every reference was settled by the planner
(``importer.plan_import``); here each planned row becomes one model instance, in batches,
in the order that lets a ``New`` reference find the key of the row it points to. It imports
the plan's types and the models, never the bundle reader or the planner (a test holds it to
that), and it runs inside the import's transaction (``services.import_registry``), which is
what makes the import all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from django.db import models

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.registry.import_plan import Existing, ImportPlan, Ref
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

Progress = Callable[[str], None]
BATCH_SIZE = 2000
REPORT_EVERY = 10_000

M = TypeVar("M", bound=models.Model)
K = TypeVar("K", bound=Hashable)


def _key(ref: Ref, created: Sequence[int]) -> int:
    """The database key a reference names: the existing row's, or the one just created."""
    return ref.pk if isinstance(ref, Existing) else created[ref.index]


def _bulk(model: type[M], objects: Sequence[M], label: str, progress: Progress) -> int:
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


def _created_keys(
    objects: Sequence[M], key_of: Callable[[M], K], stored: Callable[[], Mapping[K, int]]
) -> list[int]:
    """The database keys of rows just created, in order.

    PostgreSQL and SQLite from 3.35 return them from the insert; an older SQLite does not,
    and then they are read back by the rows' natural key (MRN, bundle id, name).
    """
    if all(obj.pk is not None for obj in objects):
        return [obj.pk for obj in objects]
    by_key = stored()
    return [by_key[key_of(obj)] for obj in objects]


def write_plan(plan: ImportPlan, clinic: Clinic, progress: Progress) -> dict[str, int]:
    """Create every row of ``plan`` in ``clinic``; the number created, by table."""
    created: dict[str, int] = {}
    patients = [
        Patient(
            clinic=clinic,
            mrn=row.mrn,
            sex=row.sex,
            birth_year=row.birth_year,
            height_cm=row.height_cm,
            imported=True,
            extra=dict(row.extra),
        )
        for row in plan.patients
    ]
    created["patients"] = _bulk(Patient, patients, "patients", progress)
    patient_keys = _created_keys(
        patients,
        lambda p: p.mrn,
        lambda: dict(Patient.objects.for_clinic(clinic).values_list("mrn", "pk")),
    )
    sessions = [
        TreatmentSession(
            clinic=clinic,
            patient_id=_key(row.patient, patient_keys),
            performed_at=row.performed_at,
            indication=row.indication,
            protocol=row.protocol,
            practitioner_ref=row.practitioner_ref,
            source_id=row.source_id,
            imported=True,
        )
        for row in plan.sessions
    ]
    created["sessions"] = _bulk(TreatmentSession, sessions, "sessions", progress)
    session_keys = _created_keys(
        sessions,
        lambda s: s.source_id,
        lambda: dict(
            TreatmentSession.objects.for_clinic(clinic)
            .exclude(source_id="")
            .values_list("source_id", "pk")
        ),
    )
    areas = [
        SessionArea(
            session_id=_key(row.session, session_keys),
            area=row.area,
            side=row.side,
            price=row.price,
            currency=row.currency,
            extra=dict(row.extra),
        )
        for row in plan.areas
    ]
    created["session_areas"] = _bulk(SessionArea, areas, "session area rows", progress)
    products = [Product(clinic=clinic, name=row.name, notes=row.notes) for row in plan.products]
    created["products"] = _bulk(Product, products, "products", progress)
    product_keys = _created_keys(
        products,
        lambda p: p.name,
        lambda: dict(Product.objects.for_clinic(clinic).values_list("name", "pk")),
    )
    lots = [
        Lot(
            clinic=clinic,
            product_id=_key(row.product, product_keys),
            lot_number=row.lot_number,
            expiry_date=row.expiry_date,
        )
        for row in plan.lots
    ]
    created["lots"] = _bulk(Lot, lots, "lots", progress)
    lot_keys = _created_keys(
        lots,
        lambda lot: (lot.product_id, lot.lot_number),
        lambda: {
            (product, number): pk
            for pk, product, number in Lot.objects.for_clinic(clinic).values_list(
                "pk", "product_id", "lot_number"
            )
        },
    )
    injections = [
        Injection(
            clinic=clinic,
            session_id=_key(row.session, session_keys),
            area=row.area,
            side=row.side,
            product_id=_key(row.product, product_keys),
            lot_id=_key(row.lot, lot_keys) if row.lot is not None else None,
            lot_expiry=row.lot_expiry,
            used_after_expiry=row.used_after_expiry,
            volume_ml=row.volume_ml,
            points=row.points,
            depth_mm=row.depth_mm,
            technique=row.technique,
            extra=dict(row.extra),
        )
        for row in plan.injections
    ]
    created["injections"] = _bulk(Injection, injections, "injections", progress)
    measurements = [
        Measurement(
            clinic=clinic,
            patient_id=_key(row.patient, patient_keys),
            measured_on=row.measured_on,
            kind=row.kind,
            value=row.value,
            area=row.area,
            side=row.side,
            site_role=row.site_role,
            rater=row.rater,
            imported=True,
            extra=dict(row.extra),
        )
        for row in plan.measurements
    ]
    created["measurements"] = _bulk(Measurement, measurements, "measurements", progress)
    events = [
        AdverseEvent(
            clinic=clinic,
            patient_id=_key(row.patient, patient_keys),
            session_id=_key(row.session, session_keys) if row.session is not None else None,
            event_type=row.event_type,
            onset_date=row.onset_date,
            resolved_date=row.resolved_date,
            last_seen_unresolved=row.last_seen_unresolved,
            severity=row.severity,
            serious=row.serious,
            source_id=row.source_id,
            imported=True,
            extra=dict(row.extra),
        )
        for row in plan.events
    ]
    created["adverse_events"] = _bulk(AdverseEvent, events, "adverse events", progress)
    return created
