"""A clinic's records as the evidence engine's four tables, read column by column.

The rows are those ``registry.exporter.clinic_rows`` would write (same querysets, each
through ``.for_clinic(clinic)``, same order, same mapping: an event's key is its
bundle id or public UUID, a session's rows are its areas plus an area only its lines
name, a session with no area is left out and an event's link to it with it), but only the
columns the engine reads, fetched from the database cursor straight into arrays: no model
object, no per-row dict, no JSON ``extra`` parsed. A patient and a session are named by
their database keys, not their MRN or bundle id (no join; the engine only tells them apart,
codes them and reports counts). A measurement's date and coded columns come as one integer
computed in SQL, and event dates as day numbers (sql_codes.py). At 10,000
patients this reads in under a second what the export rows took about four seconds for
(bench/evidence_bench.py, issue 11).

Rows that tie in a query's ordering come in the database's order, as in an export: on
SQLite the same as the export rows, on PostgreSQL possibly another (the query differs). On
SQLite the sessions and the measurements are read in table order and sorted here, the way
SQLite sorts (stable, text in code point order): its sort cost more than the read.

Raw cursor values differ by database (SQLite gives dates and times as text unless the
driver parses them, decimals as float and UUIDs as 32 hex digits; PostgreSQL gives Python
objects); each column is converted here to the one type the engine reads.
"""

from __future__ import annotations

import gc
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from django.db import connections
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast

from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.engine.runs import sort_order, stable_argsort
from mesoclinic.evidence.sql_codes import DayNumber, Vocabulary, packed, unpacked
from mesoclinic.formulary.models import Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

_FETCH_ROWS = 20_000


def _columns(queryset: QuerySet[Any], *names: str, dates: tuple[str, ...] = ()) -> list[list[Any]]:
    """The queryset's ``values_list(*names)`` as one list per column, from the raw cursor
    (the SQL, scoping and order are the ORM's; only the per-row conversion is skipped).

    ``dates`` (dates or date-times) are read as ISO text on SQLite, where the driver would
    otherwise parse each one into a ``date`` or ``datetime`` in Python (numpy and pandas
    parse the text in C)."""
    connection = connections[queryset.db]
    if dates and connection.vendor == "sqlite":
        texts = {f"{name}_text": Cast(name, CharField()) for name in dates}
        queryset = queryset.annotate(**texts)
        names = tuple(f"{name}_text" if name in dates else name for name in names)
    sql, params = queryset.values_list(*names).query.sql_with_params()
    rows: list[tuple[Any, ...]] = []
    with _no_cyclic_collection(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(_FETCH_ROWS):
            rows.extend(chunk)
        return [[row[i] for row in rows] for i in range(len(names))]


def _number_columns(queryset: QuerySet[Any], **dtypes: npt.DTypeLike) -> list[npt.NDArray[Any]]:
    """The queryset's ``values_list(*dtypes)`` as one array per column, for columns that
    hold numbers and never NULL (a NULL raises TypeError): each block of fetched rows
    becomes a structured array in numpy's C loop, with no list of every row and none of
    every column (a million measurements spent about 0.2 s CPU on those and their arrays)."""
    sql, params = queryset.values_list(*dtypes).query.sql_with_params()
    record = np.dtype(list(dtypes.items()))
    blocks = [np.zeros(0, dtype=record)]
    with _no_cyclic_collection(), connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(_FETCH_ROWS):
            blocks.append(np.array(chunk, dtype=record))
    table = np.concatenate(blocks)
    return [np.ascontiguousarray(table[name]) for name in dtypes]


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    # Hundreds of thousands of row tuples would set off the cyclic collector over and over;
    # none of them can be part of a cycle.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _text(values: list[Any]) -> npt.NDArray[np.object_]:
    """Text values as an array holding one string object per distinct value.

    The driver makes a new string for every cell, so a million rows of a handful of codes
    are a million objects: each one hashed and compared by content in every later sort,
    merge and group of the engine (and those of a registry's size cost more than reading
    them). Shared objects are hashed once and compare by identity."""
    try:
        # sys.intern maps each string to the one object of its value, in C.
        return np.array(list(map(sys.intern, values)), dtype=object)
    except TypeError:  # not all strings (None): one object per distinct value all the same
        codes, uniques = pd.factorize(np.array(values, dtype=object), use_na_sentinel=False)
        shared: npt.NDArray[np.object_] = np.asarray(uniques, dtype=object)[codes]
        return shared


def _sorted_codes(values: list[Any]) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.intp]]:
    """``_text(values)`` and each value's rank among the distinct values (code point order,
    as SQLite and numpy sort text), for sorting the rows without comparing strings."""
    try:
        distinct = sorted(set(values))
    except TypeError:  # not all strings (None): the factorisation sorts them as pandas does
        codes, uniques = pd.factorize(np.array(values, dtype=object), sort=True)
        return _text(values), codes
    rank = {value: i for i, value in enumerate(distinct)}
    codes = np.fromiter(map(rank.__getitem__, values), dtype=np.intp, count=len(values))
    shared: npt.NDArray[np.object_] = np.array(distinct, dtype=object)[codes]
    return shared, codes


def _days(values: list[Any]) -> npt.NDArray[np.datetime64]:
    """ISO date text or ``date`` objects; None becomes NaT. Each distinct date is parsed
    once (a registry's million readings fall on a few thousand days)."""
    codes, uniques = pd.factorize(np.array(values, dtype=object))
    # Code -1 (None) takes the NaT appended last.
    parsed = np.append(np.array(list(uniques), dtype="datetime64[D]"), np.datetime64("NaT", "D"))
    days: npt.NDArray[np.datetime64] = parsed[codes]
    return days


def _day_numbers(values: list[Any]) -> npt.NDArray[np.datetime64]:
    """Day numbers (``sql_codes.DayNumber``) as dates; None becomes NaT."""
    # None reads as NaN in a float array; day numbers are far inside float's exact integers.
    numbers = np.array(values, dtype=np.float64)
    missing = np.isnan(numbers)
    days = np.where(missing, 0, numbers).astype(np.int64).astype("datetime64[D]")
    days[missing] = np.datetime64("NaT", "D")
    return days


def _uuid_text(value: Any) -> str:
    # As str(UUID) writes it, whether the driver gives a UUID or 32 hex digits.
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(hex=str(value)))


def _keys(source_ids: list[Any], public_ids: list[Any]) -> list[str]:
    """The bundle id a row was imported with, else its public UUID (exporter's rule)."""
    return [s or _uuid_text(p) for s, p in zip(source_ids, public_ids, strict=True)]


def _local_days(codes: npt.NDArray[np.intp], moments: npt.NDArray[Any], clinic: Clinic) -> npt.NDArray[np.datetime64]:  # fmt: skip
    """``clinic.day_of`` of each stored UTC moment, vectorised: ``moments`` the distinct ones
    and ``codes`` each row's among them (``pd.factorize``), each distinct moment converted
    once (sessions are booked on a few times of day)."""
    utc = pd.to_datetime(pd.Series(moments, dtype=object), utc=True, format="ISO8601")
    local = utc.dt.tz_convert(clinic.zone).dt.tz_localize(None)
    # pandas is untyped here (to_numpy() is Any); the astype gives whole days. Code -1
    # (None) takes the NaT appended last.
    distinct = local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    days: npt.NDArray[np.datetime64] = np.append(distinct, np.datetime64("NaT", "D"))[codes]
    return days


# The sessions' order (TreatmentSession.Meta.ordering), put back in numpy on SQLite.
_SESSION_ORDER = ("-performed_at",)


def _session_rows(clinic: Clinic) -> tuple[pd.DataFrame, pd.Index, npt.NDArray[np.bool_]]:
    """Session rows (one per session × area × side), the sessions' database keys, and beside
    each whether it has rows (a session with none is left out).

    A session is named by its database key, as a patient is: the engine codes session ids
    and never shows one (engine/tables.py), so the bundle id or public UUID an export would
    write is not read."""
    sessions = TreatmentSession.objects.for_clinic(clinic)
    # On SQLite the rows are read in table order and put in the model's order (newest first)
    # here, as for the measurements: SQLite's sort of 350,000 sessions cost more than reading
    # them, and the area rows' too (their order within a session is their key's).
    in_numpy = connections[sessions.db].vendor == "sqlite" and tuple(TreatmentSession._meta.ordering or ()) == _SESSION_ORDER  # fmt: skip
    pks, mrns, performed, indications, protocols = _columns(
        sessions.order_by("pk") if in_numpy else sessions,
        "pk", "patient_id", "performed_at", "indication", "protocol", dates=("performed_at",),
    )  # fmt: skip
    area_pk, area_session, area, side, price, currency = _columns(
        SessionArea.objects.filter(session__in=sessions).order_by() if in_numpy else SessionArea.objects.filter(session__in=sessions).order_by("pk"),
        "pk", "session_id", "area", "side", "price", "currency",
    )  # fmt: skip
    # (session, area, side) is unique (constraint session_area_once): no duplicate to drop.
    # The rows are kept as arrays, not a frame: each frame of a registry's 350,000 rows (and
    # each concatenation and reordering of one) copied every column and had pandas check
    # every text cell again.
    row_session = np.array(area_session, dtype=np.int64)
    row_area, row_side = _text(area), _text(side)
    row_price, row_currency = np.array(price, dtype=np.float64), _text([c or "" for c in currency])  # fmt: skip
    row_order = np.array(area_pk, dtype=np.int64)
    # An area only the lines name becomes one row (the first line's side), as in the export.
    # The database finds those lines (the area rows' unique index answers each probe): a
    # registry's half a million lines are not read for the few, if any, it returns.
    lines = Injection.objects.filter(clinic=clinic, session__in=sessions).in_effect()
    named = SessionArea.objects.filter(session=OuterRef("session"), area=OuterRef("area"))
    line_session, line_area, line_side = _columns(lines.filter(~Exists(named)), "session_id", "area", "side")  # fmt: skip
    extra = pd.DataFrame({"session": np.array(line_session, dtype=np.int64), "area": _text(line_area), "side": _text(line_side)})  # fmt: skip
    extra = extra.drop_duplicates(["session", "area"])
    n_areas, n_extra = len(row_session), len(extra)
    row_session = np.concatenate([row_session, extra["session"].to_numpy(dtype=np.int64)])
    row_area = np.concatenate([row_area, extra["area"].to_numpy(dtype=object)])
    row_side = np.concatenate([row_side, extra["side"].to_numpy(dtype=object)])
    row_price = np.concatenate([row_price, np.full(n_extra, np.nan)])
    row_currency = np.concatenate([row_currency, np.full(n_extra, "", dtype=object)])
    row_order = np.concatenate([row_order, np.arange(n_extra, dtype=np.int64)])
    row_sub = np.repeat(np.array([0, 1], dtype=np.int64), [n_areas, n_extra])
    # The stored moments factorised once, in text order: for the sessions' order and days.
    moment_rank, moments = pd.factorize(np.array(performed, dtype=object), sort=True)
    # Each session's place in the session query's order.
    rank = np.arange(len(pks))
    if in_numpy:
        # SQLite sorts the stored text (ISO, compared bytewise: code point order, as
        # Python's) and keeps rows that tie in table order; a stable sort of the text's rank,
        # descending, gives the same order.
        rank[stable_argsort(-moment_rank.astype(np.int64))] = np.arange(len(pks))
    # In that order; within a session its area rows, then the lines' areas.
    at = pd.Index(pks).get_indexer(row_session)
    order = sort_order(rank[at], row_sub, row_order)
    at = at[order]
    session_pks = np.array(pks, dtype=np.int64)
    frame = pd.DataFrame(
        {
            "session_id": session_pks[at],
            "patient_id": np.array(mrns, dtype=np.int64)[at],
            "date": _local_days(moment_rank, moments, clinic)[at],
            "indication": _text(indications)[at],
            "area": row_area[order],
            "side": row_side[order],
            "protocol": _text(protocols)[at],
            "price": row_price[order],
            "currency": row_currency[order],
        }
    )
    # Arrays, not a dict of the 350,000 sessions of a registry: the events look theirs up.
    written = np.zeros(len(pks), dtype=bool)
    written[at] = True
    return frame, pd.Index(session_pks), written


# The measurements' order (Measurement.Meta.ordering), put back in numpy on SQLite.
_MEASUREMENT_ORDER = ("measured_on", "kind", "area", "side")
# The coded columns packed with the date (sql_codes.py): the first three are the order's.
_CODED = ("kind", "area", "side", "site_role", "rater")


def _measurement_frame(clinic: Clinic) -> pd.DataFrame:
    """The measurements in the model's order. On SQLite, sorting a million rows by date, kind,
    area and side cost more than reading them: the rows are read in table order and put in
    that order here by a stable sort, which gives SQLite's own order (its sort keeps rows
    that tie in table order; text compares bytewise there, and UTF-8's byte order is the code
    point order numpy sorts by).

    The date and the five coded columns come as one integer (``sql_codes.packed``): three
    cells a row instead of eight. A value outside its field's choices (none is written by
    the app or the importer, but the database does not enforce them) makes the whole table
    be read as text instead (``_measurement_text_frame``), so nothing is ever mislabelled."""
    queryset = Measurement.objects.for_clinic(clinic)
    in_numpy = connections[queryset.db].vendor == "sqlite" and tuple(Measurement._meta.ordering or ()) == _MEASUREMENT_ORDER  # fmt: skip
    if in_numpy:
        queryset = queryset.order_by("pk")
    vocabularies = tuple(Vocabulary.of(Measurement, name) for name in _CODED)
    # None of the three is ever NULL (the columns are NOT NULL, and a code is 0 for NULL).
    mrns, packed_codes, values = _number_columns(queryset.annotate(packed_codes=packed("measured_on", vocabularies)), patient_id=np.int64, packed_codes=np.int64, value=np.float64)  # fmt: skip
    if in_numpy:
        # Integer order of the value without its last two codes is the order by date, kind,
        # area and side (sql_codes.py); the sort is stable, as SQLite's is. The three
        # columns are put in order before they are taken apart (fewer arrays to reorder),
        # the labels joined and a frame made (numpy takes them faster than pandas, and
        # integers faster than objects).
        order = stable_argsort(packed_codes // (vocabularies[3].radix * vocabularies[4].radix))
        mrns, packed_codes, values = mrns[order], packed_codes[order], values[order]
    days, codes = unpacked(packed_codes, vocabularies)
    if any((c == 0).any() for c in codes):
        return _measurement_text_frame(clinic)
    return pd.DataFrame(
        {
            "patient_id": mrns,
            "date": days.astype("datetime64[D]"),
            "kind": vocabularies[0].names(codes[0]),
            "value": values,
            "area": vocabularies[1].names(codes[1]),
            "side": vocabularies[2].names(codes[2]),
            "site_role": vocabularies[3].names(codes[3]),
            "rater": vocabularies[4].names(codes[4]),
        }
    )


def _measurement_text_frame(clinic: Clinic) -> pd.DataFrame:
    """``_measurement_frame`` from the columns read as text, for values outside the choices."""
    queryset = Measurement.objects.for_clinic(clinic)
    in_numpy = connections[queryset.db].vendor == "sqlite" and tuple(Measurement._meta.ordering or ()) == _MEASUREMENT_ORDER  # fmt: skip
    if in_numpy:
        queryset = queryset.order_by("pk")
    mrn, day, kind, value, area, side, site_role, rater = _columns(
        queryset,
        "patient_id", "measured_on", "kind", "value", "area", "side", "site_role", "rater",
        dates=("measured_on",),
    )  # fmt: skip
    dates = _days(day)
    texts = {"kind": _sorted_codes(kind), "area": _sorted_codes(area), "side": _sorted_codes(side)}  # fmt: skip
    columns = {
        "patient_id": np.array(mrn, dtype=np.int64),
        "date": dates,
        "kind": texts["kind"][0],
        "value": np.array(value, dtype=np.float64),
        "area": texts["area"][0],
        "side": texts["side"][0],
        "site_role": _text(site_role),
        "rater": _text(rater),
    }
    if in_numpy:
        keys = [dates.view(np.int64)] + [texts[name][1] for name in ("kind", "area", "side")]
        # lexsort sorts by the last key first, and is stable.
        order = np.lexsort(keys[::-1])
        columns = {name: values[order] for name, values in columns.items()}
    return pd.DataFrame(columns)


def _written_keys(session_pks: pd.Index, written: npt.NDArray[np.bool_], linked: list[Any]) -> npt.NDArray[np.int64]:  # fmt: skip
    """Each row's session key, -1 where it names none or one left out (engine/tables.py)."""
    # None reads as NaN in a float array, and a key far inside float's exact integers.
    keys = np.nan_to_num(np.array(linked, dtype=np.float64), nan=-1).astype(np.int64)
    at = session_pks.get_indexer(keys)
    kept = at >= 0
    kept[kept] = written[at[kept]]
    out: npt.NDArray[np.int64] = np.where(kept, keys, -1)
    return out


def clinic_frames(clinic: Clinic) -> dict[str, pd.DataFrame]:
    """The four tables of ``clinic`` as frames ``figures.Tables`` takes."""
    # The engine only counts the listed patients (engine/tables.py): read in table order,
    # not the model's order by name (a sort of every patient by text).
    patients = pd.DataFrame({"patient_id": _number_columns(Patient.objects.for_clinic(clinic).order_by(), pk=np.int64)[0]})  # fmt: skip
    sessions, session_pks, written = _session_rows(clinic)
    measurements = _measurement_frame(clinic)
    # The dates as day numbers computed in SQL (sql_codes.DayNumber): no text to parse.
    day_numbers = {f"{name}_day": DayNumber(name) for name in ("onset_date", "resolved_date", "last_seen_unresolved")}  # fmt: skip
    source_ids, public_ids, event_mrn, session_pk, kinds, onset, resolved, last, severity, serious = _columns(
        AdverseEvent.objects.for_clinic(clinic).annotate(**day_numbers),
        "source_id", "public_id", "patient_id", "session_id", "event_type", "onset_date_day",
        "resolved_date_day", "last_seen_unresolved_day", "severity", "serious",
    )  # fmt: skip
    events = pd.DataFrame(
        {
            "event_id": _keys(source_ids, public_ids),
            "patient_id": event_mrn,
            "session_id": _written_keys(session_pks, written, session_pk),
            "type": _text(kinds),
            "onset_date": _day_numbers(onset),
            "resolved_date": _day_numbers(resolved),
            "last_seen_unresolved": _day_numbers(last),
            "severity": _text(severity),
            "serious": np.array(serious, dtype=bool),
        }
    )
    # What was injected, for the dose-response view (the lines as amended).
    line_session, line_area, product_pk, volume = _columns(
        Injection.objects.filter(clinic=clinic, session__in=TreatmentSession.objects.for_clinic(clinic)).in_effect(),
        "session_id", "area", "product_id", "volume_ml",
    )  # fmt: skip
    # The product's key, not its name through a join: the few products' names joined here.
    names = dict(Product.objects.filter(pk__in=set(product_pk)).values_list("pk", "name"))
    keys = pd.Index(np.fromiter(names, dtype=np.int64, count=len(names)))
    product = np.array([sys.intern(n) for n in names.values()], dtype=object)[keys.get_indexer(product_pk)]  # fmt: skip
    injections = pd.DataFrame(
        {
            "session_id": _written_keys(session_pks, written, line_session),
            "area": _text(line_area),
            "product": product,
            "volume_ml": np.array(volume, dtype=np.float64),
        }
    )
    return {"patients": patients, "sessions": sessions, "measurements": measurements, "adverse_events": events, "injections": injections}  # fmt: skip
