"""The import's plan (pure): every row resolved before anything is written, lot expiries by
one rule, and a writer that can only write what the plan says."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import types
import typing
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest

from mesoclinic.registry import bulk_insert, import_plan, import_writer
from mesoclinic.registry.bundle_model import Bundle, BundleRow
from mesoclinic.registry.bundle_reader import read_sources
from mesoclinic.registry.import_plan import Existing, ImportPlan, New
from mesoclinic.registry.importer import lot_expiries, plan_import
from mesoclinic.registry.recorded_rows import ClinicRows
from mesoclinic.registry.tests.bundles import TODAY, VALID, sources

LONDON = zoneinfo.ZoneInfo("Europe/London")
INJECTION_HEADER = VALID["injections.csv"].splitlines()[0]


def bundle_of(**changes: str | None) -> Bundle:
    result = read_sources(sources(**changes), today=TODAY)
    assert [str(e) for e in result.errors] == []
    return result.bundle


def injection(product: str, lot: str | None, expiry: dt.date | None) -> BundleRow:
    return BundleRow({"session_id": "S1", "product": product, "lot": lot, "expiry": expiry})


JAN, FEB, MAR = dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 3, 31)


@pytest.mark.parametrize(
    ("rows", "recorded", "expected"),
    [
        pytest.param(
            [injection("PC", "L1", MAR), injection("PC", "L1", JAN)],
            {},
            {("PC", "L1"): JAN},
            id="two expiries: the earliest",
        ),
        pytest.param(
            [injection("PC", "L1", JAN), injection("PC", "L1", MAR)],
            {},
            {("PC", "L1"): JAN},
            id="in either order",
        ),
        pytest.param(
            [injection("PC", "L1", None), injection("PC", "L1", FEB)],
            {},
            {("PC", "L1"): FEB},
            id="a row without expiry takes another row's",
        ),
        pytest.param(
            [injection("PC", "L1", None)],
            {},
            {("PC", "L1"): None},
            id="no row gives one: unknown",
        ),
        pytest.param(
            [injection("PC", "L1", JAN)],
            {("PC", "L1"): (9, MAR)},
            {("PC", "L1"): MAR},
            id="a recorded lot keeps its recorded expiry",
        ),
        pytest.param(
            [injection("PC", "L1", JAN)],
            {("PC", "L1"): (9, None)},
            {("PC", "L1"): None},
            id="a recorded lot without expiry stays without",
        ),
        pytest.param(
            [injection("PC", "L1", JAN), injection("DCA", "L1", MAR)],
            {},
            {("PC", "L1"): JAN, ("DCA", "L1"): MAR},
            id="the same number of two products: two lots",
        ),
        pytest.param([injection("PC", None, JAN)], {}, {}, id="no lot named: nothing"),
    ],
)
def test_it_gives_each_lot_one_expiry(
    rows: list[BundleRow],
    recorded: dict[tuple[str, str], tuple[int, dt.date | None]],
    expected: dict[tuple[str, str], dt.date | None],
) -> None:
    # given injection rows naming lots, and the lots the clinic has recorded
    # when the rule reads them
    # then every lot has one expiry
    assert lot_expiries(rows, recorded) == expected


def test_it_plans_a_lot_listed_with_two_expiries_with_the_earliest() -> None:
    # given L100 listed with two expiries and once without one
    bundle = bundle_of(
        injections__csv=VALID["injections.csv"]
        + "S1,thigh_outer,Lipo PC,L100,2024-06-30,1,,,\n"
        + "S1,thigh_outer,Lipo PC,L100,,2,,,\n"
    )
    # when it is planned into a clinic that has nothing
    plan = plan_import(bundle, ClinicRows(), LONDON)
    # then one lot L100 is created, expiring on the earlier date...
    assert [(lot.lot_number, lot.expiry_date) for lot in plan.lots] == [
        ("D7", dt.date(2025, 12, 31)),
        ("L100", dt.date(2024, 1, 31)),
    ]
    # ...each row keeps its own expiry, and the row without one takes the lot's
    l100 = [row for row in plan.injections if row.lot == New(1)]
    assert [(row.volume_ml, row.lot_expiry) for row in l100] == [
        (Decimal("4.50"), dt.date(2024, 1, 31)),
        (Decimal("1"), dt.date(2024, 6, 30)),
        (Decimal("2"), dt.date(2024, 1, 31)),
    ]
    assert [row.used_after_expiry for row in l100] == [True, False, True]


def test_it_resolves_every_reference_to_a_new_row_of_the_plan() -> None:
    # given the valid bundle and a clinic with nothing recorded
    # when it is planned
    plan = plan_import(bundle_of(), ClinicRows(), LONDON)
    # then each row names the new row it belongs to, by position in the plan
    assert [p.mrn for p in plan.patients] == ["P1", "P2"]
    assert [(s.source_id, s.patient) for s in plan.sessions] == [("S1", New(0)), ("S2", New(1))]
    assert plan.sessions[0].performed_at == dt.datetime(2024, 3, 1, 12, tzinfo=LONDON)
    assert [(a.session, a.side) for a in plan.areas] == [
        (New(0), "left"),
        (New(0), "right"),
        (New(1), "midline"),
    ]
    assert [p.name for p in plan.products] == ["DCA 1%", "Lipo PC"]
    assert [(i.session, i.side, i.product, i.lot) for i in plan.injections] == [
        (New(0), "bilateral", New(1), New(1)),
        (New(1), "midline", New(0), New(0)),
    ]
    assert [m.patient for m in plan.measurements] == [New(0), New(0)]
    assert [(e.patient, e.session) for e in plan.events] == [(New(0), New(0))]
    assert (plan.unchanged, plan.errors) == (0, ())


def test_it_resolves_what_the_clinic_has_to_its_database_keys() -> None:
    # given a clinic that has patient P1, the product Lipo PC and its lot L100
    recorded = ClinicRows()
    recorded.patients["P1"] = (41, bundle_of().rows["patients.csv"][0])
    recorded.products["Lipo PC"] = 7
    recorded.lots[("Lipo PC", "L100")] = (9, dt.date(2024, 1, 31))
    # when the valid bundle is planned
    plan = plan_import(bundle_of(), recorded, LONDON)
    # then P1 is reused, and only what is missing is created
    assert [p.mrn for p in plan.patients] == ["P2"]
    assert [s.patient for s in plan.sessions] == [Existing(41), New(0)]
    assert [p.name for p in plan.products] == ["DCA 1%"]
    assert [lot.lot_number for lot in plan.lots] == ["D7"]
    assert [(i.product, i.lot) for i in plan.injections] == [
        (Existing(7), Existing(9)),
        (New(0), New(0)),
    ]
    assert plan.unchanged == 1


# What a planned row may hold: database values and references, nothing left to look up.
RESOLVED = {str, int, bool, Decimal, dt.date, dt.datetime, type(None), Existing, New}


def _unresolved(hint: object, seen: set[type]) -> list[str]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType, tuple):
        return [
            p for arg in typing.get_args(hint) if arg is not ... for p in _unresolved(arg, seen)
        ]
    if hint in RESOLVED:
        return []
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint not in seen:
        seen.add(hint)
        problems = [] if hint.__dataclass_params__.frozen else [f"{hint.__name__} is not frozen"]  # type: ignore[attr-defined]
        for name, field_hint in typing.get_type_hints(hint).items():
            if hint is ImportPlan and name == "errors":
                continue  # a plan with errors is never written
            problems += [f"{hint.__name__}.{name}: {p}" for p in _unresolved(field_hint, seen)]
        return problems
    return [] if hint in seen else [repr(hint)]


def test_it_hands_the_writer_only_frozen_rows_of_resolved_values() -> None:
    # given the plan's classes
    # when every field type is followed down to its values
    problems = _unresolved(ImportPlan, set())
    # then each class is frozen and holds only database values and Existing/New references
    assert problems == []
    plan = plan_import(bundle_of(), ClinicRows(), LONDON)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.patients[0].mrn = "P9"  # type: ignore[misc]


def _imported_modules(module: types.ModuleType) -> set[str]:
    tree = ast.parse(Path(str(module.__file__)).read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_it_keeps_the_writer_apart_from_the_reader_and_the_planner() -> None:
    # given the writer's imports
    imported = _imported_modules(import_writer)
    # when those of the registry app are picked out
    registry = {name for name in imported if name.startswith("mesoclinic.registry")}
    # then the plan's types are all it takes from the import's other steps, besides the
    # bulk insert, which knows nothing of bundles or plans
    assert registry == {"mesoclinic.registry.import_plan", "mesoclinic.registry.bulk_insert"}
    assert not {name for name in _imported_modules(bulk_insert) if name.startswith("mesoclinic")}
    assert _imported_modules(import_plan) <= {
        "__future__",
        "datetime",
        "dataclasses",
        "decimal",
        "mesoclinic.registry.bundle_model",
    }
