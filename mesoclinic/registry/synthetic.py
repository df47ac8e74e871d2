"""A seeded generator of valid, synthetic registry bundles (pure Python), for tests and benchmarks.

The people and numbers are made up and only need to pass the bundle's validation: they are
not clinical reference data and must not be read as doses or outcomes.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

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
from mesoclinic.registry.bundle_format import (
    ADVERSE_EVENTS,
    INJECTIONS,
    MEASUREMENTS,
    PATIENTS,
    SESSIONS,
)
from mesoclinic.registry.bundle_model import Bundle, BundleRow

FIRST_DAY = dt.date(2019, 1, 1)
SPAN_DAYS = 5 * 365  # every generated visit is between 2019 and the end of 2023
PRODUCTS = ("Synthetic PC/DC 5%", "Synthetic HA 1%", "Synthetic peptide mix", "Synthetic DCA 1%")
NOTES = ("", "called back, no answer", 'said "fine", seen again', "line one\nline two", "a, b")


def _decimal(rng: random.Random, low: float, high: float, places: int) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.{places}f}")


def _measurement(rng: random.Random, areas: list[tuple[str, str]]) -> dict[str, Any]:
    kind = MEASUREMENT_KINDS[rng.choice(list(MEASUREMENT_KINDS))]
    if kind.integer:
        value = Decimal(rng.randint(int(kind.minimum), int(kind.maximum)))
    else:
        value = _decimal(rng, float(kind.minimum), float(kind.maximum), rng.choice((0, 1, 2)))
    area, side = rng.choice(areas) if kind.per_area else (None, None)
    return {
        "kind": kind.code,
        "value": value,
        "area": area,
        "side": side,
        "site_role": rng.choice((None, "treated", "control")) if kind.per_area else None,
        "rater": rng.choice(("clinician", "patient")) if kind.rated else None,
    }


def generate_bundle(seed: int, patients: int, extras: bool = True) -> Bundle:
    """About ten rows per patient: ~1 patient, ~3 session rows, ~3 injections, ~2.5
    measurements and ~0.4 adverse events (the mix is printed by the benchmark)."""
    rng = random.Random(seed)
    bundle = Bundle()
    lots = {
        product: [
            (
                f"{product[10:13].upper()}{n:04d}",
                FIRST_DAY + dt.timedelta(days=rng.randint(200, 2200)),
            )
            for n in range(6)
        ]
        for product in PRODUCTS
    }
    if extras:
        bundle.extra_columns[PATIENTS.name] = ("x_note",)
        bundle.extra_columns[ADVERSE_EVENTS.name] = ("x_narrative",)
    event_number = 0
    for p in range(patients):
        patient_id = f"PT{seed % 1000:03d}-{p:06d}"
        values: dict[str, Any] = {
            "patient_id": patient_id,
            "sex": rng.choice(list(SEXES)),
            "birth_year": rng.choice((None, *range(1930, 2005))),
            "height_cm": rng.choice((None, _decimal(rng, 148, 198, 1))),
        }
        extra = {"x_note": rng.choice(NOTES)} if extras else {}
        bundle.rows[PATIENTS.name].append(BundleRow(values=values, extra=extra))
        treated: list[tuple[str, str]] = []
        for s in range(rng.randint(1, 3)):
            session_id = f"{patient_id}-S{s}"
            day = FIRST_DAY + dt.timedelta(days=rng.randint(0, SPAN_DAYS))
            shared = {
                "session_id": session_id,
                "patient_id": patient_id,
                "date": day,
                "indication": rng.choice(list(INDICATIONS)),
                "protocol": rng.choice((None, "PC/DC 4x8w", "HA monthly", 'A "quoted", course')),
                "practitioner_id": rng.choice((None, "DR01", "DR02", "DR03")),
            }
            areas = rng.sample([(a, s) for a in AREAS for s in SIDES], rng.randint(1, 2))
            for area, side in areas:
                priced = rng.random() < 0.5
                bundle.rows[SESSIONS.name].append(
                    BundleRow(
                        values={
                            **shared,
                            "area": area,
                            "side": side,
                            "price": _decimal(rng, 50, 400, 2) if priced else None,
                            "currency": "EUR" if priced else None,
                        }
                    )
                )
                treated.append((area, side))
                for _ in range(rng.randint(0, 3)):
                    product = rng.choice(PRODUCTS)
                    lot, expiry = rng.choice(lots[product])
                    with_lot = rng.random() < 0.8
                    bundle.rows[INJECTIONS.name].append(
                        BundleRow(
                            values={
                                "session_id": session_id,
                                "area": area,
                                "product": product,
                                "lot": lot if with_lot else None,
                                "expiry": expiry if with_lot else None,
                                "volume_ml": _decimal(rng, 0.1, 10, rng.choice((1, 2, 3))),
                                "points": rng.choice((None, rng.randint(1, 60))),
                                "depth_mm": rng.choice((None, _decimal(rng, 0, 13, 1))),
                                "technique": rng.choice((None, *TECHNIQUES)),
                            }
                        )
                    )
            if rng.random() < 0.4:
                event_number += 1
                onset = day + dt.timedelta(days=rng.randint(0, 3))
                resolved = rng.choice((None, onset + dt.timedelta(days=rng.randint(0, 20))))
                last_seen = rng.choice((None, onset + dt.timedelta(days=rng.randint(0, 10))))
                if resolved is not None and last_seen is not None and last_seen > resolved:
                    last_seen = resolved
                values = {
                    "event_id": f"AE-{seed % 1000:03d}-{event_number:07d}",
                    "patient_id": patient_id,
                    "session_id": rng.choice((None, session_id)),
                    "type": rng.choice(list(AE_TYPES)),
                    "onset_date": onset,
                    "resolved_date": resolved,
                    "last_seen_unresolved": last_seen,
                    "severity": rng.choice(list(SEVERITIES)),
                    "serious": rng.random() < 0.05,
                }
                extra = {"x_narrative": rng.choice(NOTES)} if extras else {}
                bundle.rows[ADVERSE_EVENTS.name].append(BundleRow(values=values, extra=extra))
        for _ in range(rng.randint(0, 5)):
            day = FIRST_DAY + dt.timedelta(days=rng.randint(0, SPAN_DAYS))
            values = {"patient_id": patient_id, "date": day, **_measurement(rng, treated)}
            bundle.rows[MEASUREMENTS.name].append(BundleRow(values=values))
    return bundle


ROW_FILES = (PATIENTS.name, SESSIONS.name, INJECTIONS.name, MEASUREMENTS.name, ADVERSE_EVENTS.name)
