"""What a registry import will write, every row resolved (pure Python, no Django import).

The plan is the hand-over between the two halves of an import: ``importer.plan_import``
decides it from the bundle and the clinic's recorded rows, and ``import_writer.write_plan``
writes it without deciding anything. Every value is already what the database column holds
(``""`` rather than an empty cell, the session's moment rather than its date, the lot's
expiry filled in), and every reference is either a row the clinic has (``Existing``, its
database key) or a row this plan creates (``New``, its position in the plan's list of that
kind). The classes are frozen: nothing changes a plan between its making and its writing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from mesoclinic.registry.bundle_model import BundleError

# A row's x_ cells, in the order the bundle gave them (stored as the row's ``extra``).
Extra = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Existing:
    """A row the clinic already has, by its database key."""

    pk: int


@dataclass(frozen=True, slots=True)
class New:
    """A row this plan creates, by its position in the plan's list of that kind."""

    index: int


Ref = Existing | New

# A product a registry import had to create has no ingredients, so the dose check cannot
# weigh it until someone adds them: its notes say so where the formulary shows it.
NEW_PRODUCT_NOTES = "Created by a registry import: add its ingredients before dosing."


@dataclass(frozen=True, slots=True)
class PatientRow:
    mrn: str
    sex: str
    birth_year: int | None
    height_cm: Decimal | None
    extra: Extra


@dataclass(frozen=True, slots=True)
class SessionRow:
    patient: Ref
    performed_at: dt.datetime
    indication: str
    protocol: str
    practitioner_ref: str
    source_id: str


@dataclass(frozen=True, slots=True)
class AreaRow:
    session: Ref
    area: str
    side: str
    price: Decimal | None
    currency: str
    extra: Extra


@dataclass(frozen=True, slots=True)
class ProductRow:
    name: str
    notes: str


@dataclass(frozen=True, slots=True)
class LotRow:
    product: Ref
    lot_number: str
    expiry_date: dt.date | None


@dataclass(frozen=True, slots=True)
class InjectionRow:
    session: Ref
    area: str
    side: str
    product: Ref
    lot: Ref | None
    lot_expiry: dt.date | None
    used_after_expiry: bool
    volume_ml: Decimal
    points: int | None
    depth_mm: Decimal | None
    technique: str
    extra: Extra


@dataclass(frozen=True, slots=True)
class MeasurementRow:
    patient: Ref
    measured_on: dt.date
    kind: str
    value: Decimal
    area: str
    side: str
    site_role: str
    rater: str
    extra: Extra


@dataclass(frozen=True, slots=True)
class EventRow:
    patient: Ref
    session: Ref | None
    event_type: str
    onset_date: dt.date
    resolved_date: dt.date | None
    last_seen_unresolved: dt.date | None
    severity: str
    serious: bool
    source_id: str
    extra: Extra


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Every row the import creates, in the order it is written, and what it found wrong.

    A ``New`` reference points into the list of its kind, which is always written before
    the rows that refer to it (patients, sessions, areas, products, lots, then the rest).
    A plan with ``errors`` is never written.
    """

    patients: tuple[PatientRow, ...] = ()
    sessions: tuple[SessionRow, ...] = ()
    areas: tuple[AreaRow, ...] = ()
    products: tuple[ProductRow, ...] = ()
    lots: tuple[LotRow, ...] = ()
    injections: tuple[InjectionRow, ...] = ()
    measurements: tuple[MeasurementRow, ...] = ()
    events: tuple[EventRow, ...] = ()
    unchanged: int = 0
    errors: tuple[BundleError, ...] = ()
