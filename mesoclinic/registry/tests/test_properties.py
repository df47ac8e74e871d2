"""Property tests of the pure bundle layer: write → read → write is the identity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.clinical_codes import (
    AE_TYPES,
    AREAS,
    INDICATIONS,
    MEASUREMENT_KINDS,
    SEVERITIES,
    SEXES,
    SIDES,
    TECHNIQUES,
)
from mesoclinic.registry.bundle_format import format_decimal
from mesoclinic.registry.bundle_model import Bundle, BundleRow
from mesoclinic.registry.bundle_reader import read_sources
from mesoclinic.registry.bundle_writer import render_bundle
from mesoclinic.registry.tests.bundles import TODAY

# Ids may hold anything printable, commas, quotes and non-Latin letters included.
ids = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=64).filter(
    lambda s: s == s.strip()
)
# x_ cells are carried untouched: line breaks, quotes, any Unicode (bar NUL and surrogates).
free_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))
texts = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=40).filter(
    lambda s: s == s.strip()
)
days = st.dates(dt.date(1990, 1, 1), TODAY)


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(Decimal(low), Decimal(high), places=places)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def bundles(draw: st.DrawFn) -> Bundle:
    bundle = Bundle()
    bundle.extra_columns["patients.csv"] = ("x_note",)
    patients = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    for pid in patients:
        values = {
            "patient_id": pid,
            "sex": draw(st.sampled_from(list(SEXES))),
            "birth_year": draw(optional(st.integers(1900, 1990))),
            "height_cm": draw(optional(decimals("100", "250", 1))),
        }
        bundle.rows["patients.csv"].append(BundleRow(values, {"x_note": draw(free_text)}))
    session_patient: dict[str, str] = {}
    for sid in draw(st.lists(ids, max_size=4, unique=True)):
        pid = draw(st.sampled_from(patients))
        session_patient[sid] = pid
        shared = {
            "session_id": sid,
            "patient_id": pid,
            "date": draw(days),
            "indication": draw(st.sampled_from(list(INDICATIONS))),
            "protocol": draw(optional(texts)),
            "practitioner_id": draw(optional(ids)),
        }
        pairs = st.tuples(st.sampled_from(list(AREAS)), st.sampled_from(list(SIDES)))
        areas = draw(st.lists(pairs, min_size=1, max_size=3, unique=True))
        for area, side in areas:
            price = draw(optional(decimals("0", "99999999.99", 2)))
            bundle.rows["sessions.csv"].append(
                BundleRow(
                    {
                        **shared,
                        "area": area,
                        "side": side,
                        "price": price,
                        "currency": None
                        if price is None
                        else draw(st.sampled_from(("EUR", "GBP"))),
                    }
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            values = {
                "session_id": sid,
                "area": draw(st.sampled_from([a for a, _ in areas])),
                "product": draw(texts),
                "lot": draw(optional(texts)),
                "expiry": draw(optional(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)))),
                "volume_ml": draw(decimals("0.001", "9999.999", 3)),
                "points": draw(optional(st.integers(1, 10_000))),
                "depth_mm": draw(optional(decimals("0", "20", 1))),
                "technique": draw(optional(st.sampled_from(list(TECHNIQUES)))),
            }
            bundle.rows["injections.csv"].append(BundleRow(values))
    for _ in range(draw(st.integers(0, 4))):
        kind = MEASUREMENT_KINDS[draw(st.sampled_from(list(MEASUREMENT_KINDS)))]
        places = 0 if kind.integer else 2
        value = draw(decimals(str(kind.minimum), str(kind.maximum), places))
        values = {
            "patient_id": draw(st.sampled_from(patients)),
            "date": draw(days),
            "kind": kind.code,
            "value": value,
            "area": draw(st.sampled_from(list(AREAS))) if kind.per_area else None,
            "side": draw(st.sampled_from(list(SIDES))) if kind.per_area else None,
            "site_role": draw(optional(st.sampled_from(("treated", "control"))))
            if kind.per_area
            else None,
            "rater": draw(st.sampled_from(("clinician", "patient")))
            if kind.rated
            else draw(optional(st.sampled_from(("clinician", "patient")))),
        }
        bundle.rows["measurements.csv"].append(BundleRow(values))
    for eid in draw(st.lists(ids, max_size=3, unique=True)):
        pid = draw(st.sampled_from(patients))
        own = [s for s, p in session_patient.items() if p == pid]
        onset = draw(days)
        resolved = draw(optional(st.dates(onset, TODAY)))
        values = {
            "event_id": eid,
            "patient_id": pid,
            "session_id": draw(optional(st.sampled_from(own))) if own else None,
            "type": draw(st.sampled_from(list(AE_TYPES))),
            "onset_date": onset,
            "resolved_date": resolved,
            "last_seen_unresolved": draw(optional(st.dates(onset, resolved or TODAY))),
            "severity": draw(st.sampled_from(list(SEVERITIES))),
            "serious": draw(st.booleans()),
        }
        bundle.rows["adverse_events.csv"].append(BundleRow(values))
    return bundle


@settings(max_examples=150, deadline=None)
@given(bundles())
def test_it_reads_back_what_it_wrote_and_writes_the_same_bytes(bundle: Bundle) -> None:
    # given a bundle written once
    first = render_bundle(bundle)
    # when it is read and written again
    result = read_sources(first, today=TODAY)
    second = render_bundle(result.bundle)
    # then it was valid, nothing was lost, and the bytes are identical
    assert [str(e) for e in result.errors] == []
    assert result.bundle.count() == bundle.count()
    assert second == first


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_it_writes_each_decimal_in_one_canonical_form(value: Decimal) -> None:
    # given a decimal, written and parsed back
    text = format_decimal(value)
    # when / then: the text is plain notation that means the same number and is its own form
    assert "E" not in text
    assert "e" not in text
    assert Decimal(text) == value
    assert format_decimal(Decimal(text)) == text
