"""Planning a registry import: what a valid bundle adds to a clinic, every row resolved
(pure Python, no Django import).

An import is read → plan → write: ``bundle_reader`` validates the bundle, ``plan_import``
compares it with the clinic's recorded rows (``recorded_rows.ClinicRows``) and decides every
row to create with every reference resolved (``import_plan.ImportPlan``), and
``import_writer`` writes exactly that in the import's transaction.

Matching (so that importing the same bundle twice changes nothing the second time):
- patients by MRN = ``patient_id``; sessions by ``session_id`` (an imported session's
  ``source_id``, or the public UUID an export wrote); adverse events by ``event_id``;
- injections and measurements have no id: they match by their whole content (every
  spec column), counted, so a bundle with two identical syringes adds two the first time
  and none the second;
- products by name (created without ingredients), lots by product and lot number (created
  with the earliest expiry the bundle gives for them, see ``lot_expiries``).

A bundle never changes a record that exists: a row whose id is known but whose cells
differ from what is recorded is an error naming the cell (correct it in the app, which
amends and audits, or fix the bundle). ``x_`` cells of rows that already exist are left
as stored. New areas or injections for a session that is already signed are refused,
since a signed session changes only by amendment.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mesoclinic.registry.bundle_format import (
    ADVERSE_EVENTS,
    FILES,
    INJECTIONS,
    MEASUREMENTS,
    PATIENTS,
    SESSION_SHARED,
    SESSIONS,
    format_value,
)
from mesoclinic.registry.bundle_model import Bundle, BundleError, BundleRow
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
    return tuple(row.extra.items())


@dataclass
class _Matched:
    """The bundle rows that are new to the clinic, before their references are resolved."""

    patients: list[BundleRow] = field(default_factory=list)
    # session key -> its first row (the session-level cells), for sessions the clinic lacks
    sessions: dict[str, BundleRow] = field(default_factory=dict)
    # (session key, row) for areas added to sessions (new or existing)
    areas: list[tuple[str, BundleRow]] = field(default_factory=list)
    injections: list[BundleRow] = field(default_factory=list)
    measurements: list[BundleRow] = field(default_factory=list)
    events: list[BundleRow] = field(default_factory=list)
    unchanged: int = 0
    errors: list[BundleError] = field(default_factory=list)


def plan_import(bundle: Bundle, recorded: ClinicRows, zone: dt.tzinfo) -> ImportPlan:
    """Everything a valid ``bundle`` adds to the clinic whose rows are ``recorded``.

    ``zone`` is the clinic's time zone (a session's date becomes noon there). The plan's
    ``errors`` list every row that contradicts or would change a record; such a plan is
    not to be written.
    """
    expiries = lot_expiries(bundle.rows[INJECTIONS.name], recorded.lots)
    injections = [_with_lot_expiry(row, expiries) for row in bundle.rows[INJECTIONS.name]]
    matched = _match(bundle, injections, recorded)
    return _resolve(matched, recorded, expiries, zone)


def _with_lot_expiry(row: BundleRow, expiries: Mapping[LotKey, dt.date | None]) -> BundleRow:
    lot = row.values["lot"]
    if lot is None or row.values["expiry"] is not None:
        return row
    values = {**row.values, "expiry": expiries[(row.values["product"], lot)]}
    return BundleRow(values=values, extra=row.extra, line=row.line)


def _match(bundle: Bundle, injections: list[BundleRow], recorded: ClinicRows) -> _Matched:
    matched = _Matched()
    errors = matched.errors
    for row in bundle.rows[PATIENTS.name]:
        known = recorded.patients.get(row.values["patient_id"])
        if known is None:
            matched.patients.append(row)
            continue
        matched.unchanged += 1
        _conflicts(
            PATIENTS.name,
            row,
            known[1].values,
            ("sex", "birth_year", "height_cm"),
            f"patient {row.values['patient_id']}",
            errors,
        )
    for row in bundle.rows[SESSIONS.name]:
        key = row.values["session_id"]
        record = recorded.sessions.get(key)
        if record is None:
            matched.sessions.setdefault(key, row)
            matched.areas.append((key, row))
            continue
        what = f"session {key}"
        _conflicts(SESSIONS.name, row, record.shared, SESSION_SHARED, what, errors)
        if row.values["patient_id"] != record.shared["patient_id"]:
            continue  # already reported; the area rows below would only repeat it
        stored_area = record.rows.get((row.values["area"], row.values["side"]))
        if stored_area is not None:
            matched.unchanged += 1
            _conflicts(SESSIONS.name, row, stored_area.values, ("price", "currency"), what, errors)
        elif record.signed:
            errors.append(
                BundleError(
                    SESSIONS.name,
                    row.line,
                    "area",
                    row.values["area"],
                    f"only the areas already recorded for session {key}, which is signed "
                    "(a signed session changes only by amendment in the app)",
                )
            )
        else:
            matched.areas.append((key, row))
    _match_counted(
        INJECTIONS.name, injections, recorded.injections, matched.injections, matched, recorded
    )
    _match_counted(
        MEASUREMENTS.name,
        bundle.rows[MEASUREMENTS.name],
        recorded.measurements,
        matched.measurements,
        matched,
        None,
    )
    for row in bundle.rows[ADVERSE_EVENTS.name]:
        known_event = recorded.events.get(row.values["event_id"])
        if known_event is None:
            matched.events.append(row)
            continue
        matched.unchanged += 1
        columns = [c for c in ADVERSE_EVENTS.column_names if c != "event_id"]
        _conflicts(
            ADVERSE_EVENTS.name,
            row,
            known_event[1].values,
            columns,
            f"adverse event {row.values['event_id']}",
            errors,
        )
    errors.sort(key=lambda e: (list(FILES).index(e.file) if e.file in FILES else 99, e.line))
    return matched


def _content_key(file: str, row: BundleRow) -> tuple[Any, ...]:
    return tuple(row.values.get(name) for name in FILES[file].column_names)


def _conflicts(
    file: str,
    row: BundleRow,
    stored: dict[str, Any],
    columns: Sequence[str],
    what: str,
    errors: list[BundleError],
) -> None:
    spec = FILES[file]
    for name in columns:
        given = row.values.get(name)
        if given is not None and given != stored.get(name):
            recorded = format_value(spec.column(name), stored.get(name))
            errors.append(
                BundleError(
                    file,
                    row.line,
                    name,
                    format_value(spec.column(name), given),
                    f"'{recorded}' as already recorded for {what} "
                    "(a bundle does not change existing records)",
                )
            )


def _match_counted(
    file: str,
    rows: list[BundleRow],
    stored_rows: list[BundleRow],
    new_rows: list[BundleRow],
    matched: _Matched,
    recorded: ClinicRows | None,
) -> None:
    """Rows without ids: add only as many of each content as the clinic does not yet have.

    ``recorded`` is given for rows that belong to a session, which a signed one refuses.
    """
    stored = Counter(_content_key(file, row) for row in stored_rows)
    for row in rows:
        key = _content_key(file, row)
        if stored[key] > 0:
            stored[key] -= 1
            matched.unchanged += 1
            continue
        if recorded is not None:
            record = recorded.sessions.get(row.values["session_id"])
            if record is not None and record.signed:
                matched.errors.append(
                    BundleError(
                        file,
                        row.line,
                        "session_id",
                        row.values["session_id"],
                        "a session that is not signed (a signed session's injections "
                        "change only by amendment in the app)",
                    )
                )
                continue
        new_rows.append(row)


def _resolve(
    matched: _Matched,
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
            side=injection_side(sides[(key, v["area"])]),
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
        errors=tuple(matched.errors),
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
