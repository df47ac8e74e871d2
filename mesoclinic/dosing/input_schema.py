"""The dose-check input (../shared/spec/dose-check.md) parsed into typed, validated values.

Pure Python (no Django import). Validation is strict because a typo must never pass a dose
check silently: unknown fields at any level, missing required fields, wrong types, numbers
that are not finite, zero or negative volumes and concentrations, impossible dates and
synonyms of limited substances are all refused. Every message starts with the field path,
e.g. ``syringes[1].volume_ml: must be > 0, got -2``.

One additive extension to the spec's input: a syringe may carry ``"side"`` (left, right,
bilateral, midline) so that the collagenase per-area rule can tell two buttocks apart.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from mesoclinic.clinical_codes import AREAS, MEASUREMENT_KINDS, SEXES, SIDES
from mesoclinic.dosing.json_fields import (
    FieldReader,
    JsonObject,
    get,
    kind,
    refuse_constant,
    show,
)
from mesoclinic.dosing.rules import BUILTIN_PROTOCOLS, Protocol, ProtocolLimit


class InputError(ValueError):
    """The input is invalid; ``errors`` lists one ``path: problem`` message per fault."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Patient:
    weight_kg: Decimal | None
    height_cm: Decimal | None
    sex: str | None
    birth_date: dt.date | None


@dataclass(frozen=True)
class Ingredient:
    substance: str
    mg_per_ml: Decimal
    with_epinephrine: bool = False


@dataclass(frozen=True)
class Syringe:
    """One syringe (or cocktail) of the session: its volume, its points and what is in it."""

    area: str
    volume_ml: Decimal
    ingredients: tuple[Ingredient, ...]
    label: str = ""
    side: str | None = None
    points: int | None = None

    @property
    def substances(self) -> frozenset[str]:
        return frozenset(i.substance for i in self.ingredients)

    def mg(self, ingredient: Ingredient) -> Decimal:
        """mg of one ingredient in this syringe: mg/mL × mL (R1)."""
        return ingredient.mg_per_ml * self.volume_ml


@dataclass(frozen=True)
class PastSession:
    date: dt.date
    substances: frozenset[str]
    area: str | None = None


@dataclass(frozen=True)
class SessionPlan:
    """One planned session of one patient, with the patient's earlier sessions."""

    patient: Patient
    date: dt.date
    syringes: tuple[Syringe, ...]
    history: tuple[PastSession, ...] = ()
    protocol: Protocol | None = None


def load_session_json(text: str) -> SessionPlan:
    """Parse JSON text into a SessionPlan; raises InputError naming every faulty field."""
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=refuse_constant,
            object_pairs_hook=JsonObject.from_pairs,
        )
    except ValueError as error:
        raise InputError([f"input: not valid JSON ({error})"]) from None
    return parse_session(data)


def parse_session(data: object) -> SessionPlan:
    """Validate an already-decoded JSON value; raises InputError naming every faulty field."""
    errors = FieldReader()
    root = errors.fields(
        data, "", required=("patient", "date", "syringes"), optional=("protocol", "history")
    )
    if root is None:
        raise InputError(errors.messages)
    patient = _patient(get(root, "patient"), errors)
    date = errors.date(get(root, "date"), "date")
    protocol = _protocol(root.get("protocol"), errors)
    given_history = root.get("history")  # absent or null: no earlier sessions
    history = errors.array([] if given_history is None else given_history, "history", _past_session)
    syringes = errors.array(get(root, "syringes"), "syringes", _syringe)
    if "syringes" in root and isinstance(root["syringes"], list) and not root["syringes"]:
        errors.add("syringes", "must list at least one syringe")
    birth = patient.birth_date if patient is not None else None
    if date is not None and birth is not None and birth > date:
        errors.add("patient.birth_date", f"is after the session date {date.isoformat()}")
    if date is not None:
        for index, past in enumerate(history or ()):
            if past is not None and past.date > date:
                errors.add(
                    f"history[{index}].date",
                    f"{past.date.isoformat()} is after the session date {date.isoformat()}; "
                    "history lists earlier sessions",
                )
    if errors.messages:
        raise InputError(errors.messages)
    # No errors means every part parsed.
    assert patient is not None
    assert date is not None
    return SessionPlan(
        patient=patient,
        date=date,
        syringes=tuple(s for s in syringes or () if s is not None),
        history=tuple(h for h in history or () if h is not None),
        protocol=protocol,
    )


def _patient(value: object, errors: FieldReader) -> Patient | None:
    data = errors.fields(value, "patient", optional=("weight_kg", "height_cm", "sex", "birth_date"))
    if data is None:
        return None
    weight = MEASUREMENT_KINDS["weight_kg"]  # the project's plausible body-weight range
    weight_kg = errors.number(
        get(data, "weight_kg"), "patient.weight_kg", low=weight.minimum, high=weight.maximum
    )
    sex = data.get("sex")
    if sex is not None and sex not in SEXES:
        errors.add("patient.sex", f"must be one of {', '.join(SEXES)} or null, got {show(sex)}")
        sex = None
    birth = get(data, "birth_date")
    return Patient(
        weight_kg=weight_kg,
        height_cm=errors.number(get(data, "height_cm"), "patient.height_cm"),
        sex=sex,
        birth_date=None if birth is None else errors.date(birth, "patient.birth_date"),
    )


def _protocol(value: object, errors: FieldReader) -> Protocol | None:
    if value is None:
        return None
    if isinstance(value, str):
        if value not in BUILTIN_PROTOCOLS:
            errors.add(
                "protocol",
                f"unknown protocol {show(value)}; known: {', '.join(BUILTIN_PROTOCOLS)}",
            )
            return None
        return BUILTIN_PROTOCOLS[value]
    data = errors.fields(value, "protocol", required=("name", "limits"))
    if data is None:
        return None
    name = errors.text(get(data, "name"), "protocol.name")
    limits = errors.array(get(data, "limits"), "protocol.limits", _protocol_limit)
    if name is None or limits is None or None in limits:
        return None
    return Protocol(name=name, limits=tuple(lim for lim in limits if lim is not None))


def _protocol_limit(value: object, path: str, errors: FieldReader) -> ProtocolLimit | None:
    data = errors.fields(value, path, required=("substance", "max_mg", "source"))
    if data is None:
        return None
    substance = errors.substance(get(data, "substance"), f"{path}.substance")
    max_mg = errors.number(get(data, "max_mg"), f"{path}.max_mg", required=True)
    source = errors.text(get(data, "source"), f"{path}.source")
    if substance is None or max_mg is None or source is None:
        return None
    return ProtocolLimit(substance=substance, max_mg=max_mg, source=source)


def _past_session(value: object, path: str, errors: FieldReader) -> PastSession | None:
    data = errors.fields(value, path, required=("date", "substances"), optional=("area",))
    if data is None:
        return None
    date = errors.date(get(data, "date"), f"{path}.date")
    substances = errors.array(get(data, "substances"), f"{path}.substances", _substance_item)
    area = errors.code(get(data, "area"), f"{path}.area", AREAS, nullable=True)
    if date is None or substances is None or None in substances:
        return None
    return PastSession(
        date=date, substances=frozenset(s for s in substances if s is not None), area=area
    )


def _substance_item(value: object, path: str, errors: FieldReader) -> str | None:
    return errors.substance(value, path)


def _syringe(value: object, path: str, errors: FieldReader) -> Syringe | None:
    data = errors.fields(
        value,
        path,
        required=("area", "volume_ml", "ingredients"),
        optional=("label", "side", "points"),
    )
    if data is None:
        return None
    label = data.get("label", "")
    if not isinstance(label, str):
        errors.add(f"{path}.label", f"must be a string, got {kind(label)}")
    area = errors.code(get(data, "area"), f"{path}.area", AREAS)
    side = errors.code(get(data, "side"), f"{path}.side", SIDES, nullable=True)
    volume_ml = errors.number(get(data, "volume_ml"), f"{path}.volume_ml", required=True)
    points_value = errors.number(get(data, "points"), f"{path}.points", low=Decimal(1))
    points: int | None = None
    if points_value is not None:
        if points_value != points_value.to_integral_value():
            errors.add(f"{path}.points", f"must be a whole number, got {show(data['points'])}")
        points = int(points_value)
    ingredients = errors.array(get(data, "ingredients"), f"{path}.ingredients", _ingredient)
    if isinstance(get(data, "ingredients"), list) and not data["ingredients"]:
        errors.add(f"{path}.ingredients", "must list at least one ingredient")
    seen: set[str] = set()
    for index, ingredient in enumerate(ingredients or ()):
        if ingredient is not None:
            if ingredient.substance in seen:
                errors.add(
                    f"{path}.ingredients[{index}].substance",
                    f"{ingredient.substance} is listed twice in this syringe",
                )
            seen.add(ingredient.substance)
    if area is None or volume_ml is None or not ingredients or None in ingredients:
        return None
    return Syringe(
        label=label if isinstance(label, str) else "",
        area=area,
        side=side,
        volume_ml=volume_ml,
        points=points,
        ingredients=tuple(i for i in ingredients if i is not None),
    )


def _ingredient(value: object, path: str, errors: FieldReader) -> Ingredient | None:
    data = errors.fields(
        value, path, required=("substance", "mg_per_ml"), optional=("with_epinephrine",)
    )
    if data is None:
        return None
    substance = errors.substance(get(data, "substance"), f"{path}.substance")
    mg_per_ml = errors.number(get(data, "mg_per_ml"), f"{path}.mg_per_ml", required=True)
    epinephrine = data.get("with_epinephrine", False)
    if not isinstance(epinephrine, bool):
        errors.add(f"{path}.with_epinephrine", f"must be true or false, got {kind(epinephrine)}")
        return None
    if substance is None or mg_per_ml is None:
        return None
    return Ingredient(substance=substance, mg_per_ml=mg_per_ml, with_epinephrine=epinephrine)
