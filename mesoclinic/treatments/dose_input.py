"""A treatment session turned into the dose engine's input (a ``SessionPlan``) and checked
against the clinic's rules (``dosing.services.clinic_rules``); docs/dose-rules.md, "In the app".

It lives beside the session it reads: it needs sessions, consultations and measurements, and
dosing, below them in the layer order (CONTRIBUTING.md), keeps the pure engine and the
practice limits.

Conventions (documented in docs/dose-rules.md):

* Syringes: every injection line is one syringe: its product's ingredients (mg/mL), the
  line's volume, area, side and points.
* Lidocaine with epinephrine: a product that lists lidocaine AND an ``epinephrine`` (or
  ``adrenaline``) ingredient with a concentration above 0 is lidocaine with epinephrine
  (R2's 7 mg/kg / 500 mg label); lidocaine in any other product is plain (4.5 mg/kg / 300 mg).
  Lidocaine is never assumed to carry epinephrine, which would pick the looser limit.
* Substance names: ingredients are compared as lower-case codes (spaces and hyphens become
  ``_``). A known other name of a limited substance (``xylocaine``, ``lignocaine`` …,
  rules.SUBSTANCE_ALIASES) is counted under its code so its limits apply, with a note.
* Weight: the most recent body weight on or before the session day, from an outcomes
  Measurement (kind ``weight_kg``) or a consultation, and only if it is at most
  ``WEIGHT_MAX_AGE_DAYS`` old. An older or missing weight is "no weight recorded", which the
  engine reports as a "cannot verify" violation for every mg/kg limit (R9), never a pass.
* History: the patient's other SIGNED sessions on or before the session day, one entry per
  area with the substances injected there (drafts are plans, not treatments).
* Protocol: the session's protocol name matched (case-insensitive) to the clinic's protocol
  limits; failing that, to a built-in protocol code (rules.BUILTIN_PROTOCOLS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from mesoclinic.clinics.models import Clinic
from mesoclinic.consultations.models import Consultation
from mesoclinic.dosing.engine import check_session
from mesoclinic.dosing.input_schema import Ingredient, PastSession, Patient, SessionPlan, Syringe
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.rules import LIDOCAINE, Protocol, RuleSet
from mesoclinic.dosing.services import (
    EPINEPHRINE_CODES,
    WEIGHT_MAX_AGE_DAYS,
    DoseCheck,
    RecordedWeight,
    clinic_rules,
    substance_code,
)
from mesoclinic.treatments.models import Injection, TreatmentSession, prefetch_lines_in_effect
from mesoclinic.treatments.weight_source import (  # noqa: F401  (supply_measured_weight: its old home)
    MeasuredWeight,
    latest_measured,
    supply_measured_weight,
)


def recorded_weight(
    patient: Any, clinic: Clinic, day: dt.date
) -> tuple[RecordedWeight | None, RecordedWeight | None]:
    """(the weight to use, a too-old weight to mention): latest on or before ``day``."""
    measured = latest_measured(patient, clinic, day)
    next_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=clinic.zone)
    consultation = (
        Consultation.objects.for_clinic(clinic)
        .filter(patient=patient, weight_kg__isnull=False, consulted_at__lt=next_day)
        .order_by("-consulted_at")
        .first()
    )
    return weight_on(
        clinic,
        day,
        [measured] if measured is not None else [],
        [consultation] if consultation is not None else [],
    )


def weight_on(
    clinic: Clinic,
    day: dt.date,
    measured: Iterable[RecordedWeight],
    consultations: Iterable[Consultation],
) -> tuple[RecordedWeight | None, RecordedWeight | None]:
    """``recorded_weight`` from the patient's measured weights (newest first) and weighed
    consultations (newest first): the first of each on or before ``day`` is a candidate.
    Shared with the batch check (treatments.dose_batch), so both pick alike."""
    found: list[RecordedWeight] = []
    measurement = next((m for m in measured if m.on <= day), None)
    if measurement is not None:
        found.append(measurement)
    for consultation in consultations:
        on = clinic.day_of(consultation.consulted_at)
        if on <= day and consultation.weight_kg is not None:
            found.append(RecordedWeight(consultation.weight_kg, on, "consultation"))
            break
    if not found:
        return None, None
    # The most recent; on the same day a measurement wins (it was taken to be measured).
    latest = max(found, key=lambda w: (w.on, w.origin == "measurement"))
    if (day - latest.on).days > WEIGHT_MAX_AGE_DAYS:
        return None, latest
    return latest, None


def _ingredients(line: Injection, notes: list[str]) -> tuple[Ingredient, ...]:
    per_ml: dict[str, Decimal] = {}
    for ingredient in line.product.ingredients.all():
        code, note = substance_code(ingredient.substance)
        if note and f"{line.product.name}: {note}" not in notes:
            notes.append(f"{line.product.name}: {note}")
        per_ml[code] = per_ml.get(code, Decimal(0)) + ingredient.mg_per_ml
    with_epinephrine = any(per_ml.get(code, Decimal(0)) > 0 for code in EPINEPHRINE_CODES)
    return tuple(
        Ingredient(code, mg_per_ml, with_epinephrine=with_epinephrine and code == LIDOCAINE)
        for code, mg_per_ml in sorted(per_ml.items())
    )


def _syringes(lines: Iterable[Injection], notes: list[str]) -> tuple[Syringe, ...]:
    return tuple(
        Syringe(
            label=f"line {number}: {line.product.name}",
            area=line.area,
            side=line.side or None,
            volume_ml=line.volume_ml,
            points=line.points,
            ingredients=_ingredients(line, notes),
        )
        for number, line in enumerate(lines, start=1)
    )


def _history(session: TreatmentSession, day: dt.date) -> tuple[PastSession, ...]:
    # Earlier sessions as corrected: a line moved to another product counts as that product.
    past = (
        TreatmentSession.objects.for_clinic(session.clinic)
        .filter(patient_id=session.patient_id, signed_at__isnull=False)
        .exclude(pk=session.pk)
        .prefetch_related(prefetch_lines_in_effect("product__ingredients"))
    )
    return history_from(session, day, past)


def history_from(
    session: TreatmentSession, day: dt.date, signed: Iterable[TreatmentSession]
) -> tuple[PastSession, ...]:
    """The engine's history of ``session``: the patient's ``signed`` sessions (lines in effect
    prefetched with their products' ingredients) on or before ``day``, one entry per area."""
    entries: list[PastSession] = []
    for other in signed:
        if other.pk == session.pk:
            continue
        other_day = session.clinic.day_of(other.performed_at)
        if other_day > day:
            continue
        by_area: dict[str, set[str]] = {}
        for line in other.lines_in_effect():
            codes = {substance_code(i.substance)[0] for i in line.product.ingredients.all()}
            by_area.setdefault(line.area, set()).update(codes)
        entries.extend(
            PastSession(date=other_day, substances=frozenset(codes), area=area)
            for area, codes in sorted(by_area.items())
            if codes
        )
    return tuple(sorted(entries, key=lambda p: (p.date, p.area or "")))


def check_session_dose(
    session: TreatmentSession, lines: list[Injection] | None = None
) -> DoseCheck:
    """Run the dose engine on a session (its lines with products and ingredients)."""
    if lines is None:
        lines = list(
            session.injections.in_effect()
            .select_related("product")
            .prefetch_related("product__ingredients")
        )
    day = session.clinic.day_of(session.performed_at)
    return dose_check(
        session,
        lines,
        day=day,
        weights=recorded_weight(session.patient, session.clinic, day),
        rules=clinic_rules(session.clinic, session.protocol),
        history=_history(session, day),
    )


def dose_check(
    session: TreatmentSession,
    lines: list[Injection],
    *,
    day: dt.date,
    weights: tuple[RecordedWeight | None, RecordedWeight | None],
    rules: tuple[RuleSet, Protocol | None, list[DoseLimit]],
    history: tuple[PastSession, ...],
) -> DoseCheck:
    """The dose check of ``session`` from what was read for it (``check_session_dose`` reads
    one session, treatments.dose_batch many at once): the engine's input built and checked."""
    weight, stale = weights
    rule_set, protocol, applied = rules
    patient = session.patient
    notes: list[str] = []
    plan = SessionPlan(
        patient=Patient(
            weight_kg=weight.weight_kg if weight else None,
            height_cm=patient.height_cm,
            sex=patient.sex or None,
            # A birth date after the session day is a data-entry error; leave it out.
            birth_date=patient.birth_date
            if patient.birth_date and patient.birth_date <= day
            else None,
        ),
        date=day,
        syringes=_syringes(lines, notes),
        history=history,
        protocol=protocol,
    )
    verdict = check_session(plan, rule_set)
    return DoseCheck(
        verdict=verdict,
        plan=plan,
        weight=weight,
        stale_weight=stale,
        notes=notes,
        rules=rule_set,
        limits=applied,
    )
