"""Planning a registry import: what a valid bundle adds to a clinic, every row resolved
(pure Python, no Django import).

An import is read → plan → write: ``bundle_reader`` validates the bundle; ``plan_import``
matches it with the clinic's recorded rows (``import_match``: what is new, what is already
there, what contradicts a record) and resolves every row to create (``import_plan``):
database values, the lot's expiry filled in by one rule (``lot_expiries``), and every
reference either an existing row's key or a new row of the plan; ``import_writer`` writes
exactly that in the import's transaction.

Products are matched by name (a new one is created without ingredients), lots by product
and lot number (a new one is created with the earliest expiry the bundle gives for it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from mesoclinic.registry.bundle_format import INJECTIONS
from mesoclinic.registry.bundle_model import Bundle, BundleRow
from mesoclinic.registry.import_match import Matched, match_rows
from mesoclinic.registry.import_plan import (
    NEW_PRODUCT_NOTES,
    AreaRow,
    EventRow,
    Existing,
    Extra,
    ImportPlan,
    InjectionRow,
    LotRow,
    MeasurementRow,
    New,
    PatientRow,
    ProductRow,
    Ref,
    SessionRow,
)
from mesoclinic.registry.recorded_rows import ClinicRows, LotKey


def lot_expiries(
    injections: Iterable[BundleRow], recorded: Mapping[LotKey, tuple[int, dt.date | None]]
) -> dict[LotKey, dt.date | None]:
    """The expiry of every lot the injection rows name: the one recorded when the clinic
    has the lot, else the earliest the rows give for it (None when no row gives one).

    A row that names a lot but not its expiry takes this one, and a new lot is created with
    it, so that the row matches what an export writes back for it. The earliest, because a
    lot listed with two expiries is one lot, and the earlier date is the safe one to check
    its uses against.
    """
    expiries: dict[LotKey, dt.date | None] = {}
    for row in injections:
        lot = row.values["lot"]
        if lot is None:
            continue
        key = (row.values["product"], lot)
        if key in recorded:
            expiries[key] = recorded[key][1]
            continue
        expiry, earliest = row.values["expiry"], expiries.get(key)
        if earliest is None or (expiry is not None and expiry < earliest):
            expiries[key] = expiry
    return expiries


def performed_at(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    # Noon in the clinic's zone: the bundle has only the date, and noon stays on the same
    # date in every zone change (DST never moves it past midnight).
    return dt.datetime.combine(day, dt.time(12), tzinfo=zone)


def injection_side(sides: set[str]) -> str:
    """The side recorded for an injection, which the bundle gives only as an area.

    When the session treats the area on one side, that side; when on several (left and
    right rows), ``bilateral``.
    """
    return next(iter(sides)) if len(sides) == 1 else "bilateral"


def _extra(row: BundleRow) -> Extra:
    extra = row.extra
    return tuple(extra.items()) if extra else ()


def plan_import(bundle: Bundle, recorded: ClinicRows, zone: dt.tzinfo) -> ImportPlan:
    """Everything a valid ``bundle`` adds to the clinic whose rows are ``recorded``.

    ``zone`` is the clinic's time zone (a session's date becomes noon there). When a row
    contradicts or would change a record, the plan holds only the ``errors`` that say so
    (the rows around a contradiction need not resolve, and are never written).
    """
    expiries = lot_expiries(bundle.rows[INJECTIONS.name], recorded.lots)
    injections = [_with_lot_expiry(row, expiries) for row in bundle.rows[INJECTIONS.name]]
    matched = match_rows(bundle, injections, recorded)
    if matched.errors:
        return ImportPlan(unchanged=matched.unchanged, errors=tuple(matched.errors))
    return _resolve(matched, recorded, expiries, zone)


def _with_lot_expiry(row: BundleRow, expiries: Mapping[LotKey, dt.date | None]) -> BundleRow:
    lot = row.values["lot"]
    if lot is None or row.values["expiry"] is not None:
        return row
    values = {**row.values, "expiry": expiries[(row.values["product"], lot)]}
    return BundleRow(values=values, extra=row.extra, line=row.line)


def _resolve(
    matched: Matched,
    recorded: ClinicRows,
    expiries: Mapping[LotKey, dt.date | None],
    zone: dt.tzinfo,
) -> ImportPlan:
    """The plan's rows: database values, and every reference an ``Existing`` or ``New`` row."""
    patient: dict[str, Ref] = {mrn: Existing(pk) for mrn, (pk, _) in recorded.patients.items()}
    patient.update({row.values["patient_id"]: New(i) for i, row in enumerate(matched.patients)})
    session: dict[str, Ref] = {key: Existing(r.pk) for key, r in recorded.sessions.items()}
    session.update({key: New(i) for i, key in enumerate(matched.sessions)})
    session_date = {key: record.shared["date"] for key, record in recorded.sessions.items()}
    session_date.update({key: row.values["date"] for key, row in matched.sessions.items()})
    sides: dict[tuple[str, str], set[str]] = {}
    for key, record in recorded.sessions.items():
        for area, side in record.rows:
            sides.setdefault((key, area), set()).add(side)
    for key, row in matched.areas:
        sides.setdefault((key, row.values["area"]), set()).add(row.values["side"])

    # Each area's injection side, worked out once rather than for every injection row.
    side_of = {key: injection_side(area_sides) for key, area_sides in sides.items()}

    names = {row.values["product"] for row in matched.injections}
    new_products = sorted(names - set(recorded.products))
    product: dict[str, Ref] = {name: Existing(pk) for name, pk in recorded.products.items()}
    product.update({name: New(i) for i, name in enumerate(new_products)})
    wanted = {
        (row.values["product"], row.values["lot"])
        for row in matched.injections
        if row.values["lot"] is not None
    }
    new_lots = sorted(wanted - set(recorded.lots))
    lot: dict[LotKey, Ref] = {key: Existing(pk) for key, (pk, _) in recorded.lots.items()}
    lot.update({key: New(i) for i, key in enumerate(new_lots)})

    def injection(row: BundleRow) -> InjectionRow:
        v = row.values
        key, expiry = v["session_id"], v["expiry"]
        return InjectionRow(
            session=session[key],
            area=v["area"],
            side=side_of[(key, v["area"])],
            product=product[v["product"]],
            lot=lot[(v["product"], v["lot"])] if v["lot"] is not None else None,
            lot_expiry=expiry,
            used_after_expiry=expiry is not None and session_date[key] > expiry,
            volume_ml=v["volume_ml"],
            points=v["points"],
            depth_mm=v["depth_mm"],
            technique=v["technique"] or "",
            extra=_extra(row),
        )

    return ImportPlan(
        patients=tuple(
            PatientRow(
                mrn=row.values["patient_id"],
                sex=row.values["sex"],
                birth_year=row.values["birth_year"],
                height_cm=row.values["height_cm"],
                extra=_extra(row),
            )
            for row in matched.patients
        ),
        sessions=tuple(
            SessionRow(
                patient=patient[row.values["patient_id"]],
                performed_at=performed_at(row.values["date"], zone),
                indication=row.values["indication"],
                protocol=row.values["protocol"] or "",
                practitioner_ref=row.values["practitioner_id"] or "",
                source_id=key,
            )
            for key, row in matched.sessions.items()
        ),
        areas=tuple(
            AreaRow(
                session=session[key],
                area=row.values["area"],
                side=row.values["side"],
                price=row.values["price"],
                currency=row.values["currency"] or "",
                extra=_extra(row),
            )
            for key, row in matched.areas
        ),
        products=tuple(ProductRow(name=name, notes=NEW_PRODUCT_NOTES) for name in new_products),
        lots=tuple(
            LotRow(product=product[name], lot_number=number, expiry_date=expiries[(name, number)])
            for name, number in new_lots
        ),
        injections=tuple(injection(row) for row in matched.injections),
        measurements=tuple(
            MeasurementRow(
                patient=patient[row.values["patient_id"]],
                measured_on=row.values["date"],
                kind=row.values["kind"],
                value=row.values["value"],
                area=row.values["area"] or "",
                side=row.values["side"] or "",
                site_role=row.values["site_role"] or "",
                rater=row.values["rater"] or "",
                extra=_extra(row),
            )
            for row in matched.measurements
        ),
        events=tuple(
            EventRow(
                patient=patient[row.values["patient_id"]],
                session=session[row.values["session_id"]] if row.values["session_id"] else None,
                event_type=row.values["type"],
                onset_date=row.values["onset_date"],
                resolved_date=row.values["resolved_date"],
                last_seen_unresolved=row.values["last_seen_unresolved"],
                severity=row.values["severity"],
                serious=row.values["serious"],
                source_id=row.values["event_id"],
                extra=_extra(row),
            )
            for row in matched.events
        ),
        unchanged=matched.unchanged,
    )


def summary_text(created: Mapping[str, int], unchanged: int) -> str:
    parts = [
        f"{created.get('patients', 0)} patients",
        f"{created.get('sessions', 0)} sessions ({created.get('session_areas', 0)} area rows)",
        f"{created.get('injections', 0)} injections",
        f"{created.get('measurements', 0)} measurements",
        f"{created.get('adverse_events', 0)} adverse events",
        f"{created.get('products', 0)} products",
        f"{created.get('lots', 0)} lots",
    ]
    return f"imported {', '.join(parts)}; unchanged {unchanged}"
