"""k-anonymity: the bands at their edges, the "90 or older" group, and that every class of
any output has at least k patients while the suppressed ones are all gone."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.registry.anonymity import (
    LADDER,
    Traits,
    birth_year_band,
    generalise,
    measure_band,
)

EXPORT_YEAR = 2026  # born in 1936 or earlier = 90 or older in the group


@pytest.mark.parametrize(
    ("year", "width", "expected"),
    [
        (None, 5, ""),
        (1980, 5, "1980-1984"),
        (1984, 5, "1980-1984"),
        (1985, 5, "1985-1989"),
        (2026, 5, "2025-2029"),
        (1900, 5, "1900-1936"),
        (1920, 5, "1900-1936"),
        (1936, 5, "1900-1936"),  # 89 or 90 this year: grouped with the 90+ (conservative)
        (1937, 5, "1937-1939"),  # the band after the 90+ group starts after it
        (1940, 5, "1940-1944"),
        (1937, 10, "1937-1939"),
        (1955, 10, "1950-1959"),
        (1955, 20, "1940-1959"),
    ],
)
def test_it_bands_birth_years_with_everyone_over_89_in_one_group(
    year: int | None, width: int, expected: str
) -> None:
    # given a birth year and a band width / when banded in 2026 / then
    assert birth_year_band(year, width, EXPORT_YEAR) == expected


HEIGHT = ((150, 190), (100, 250))
WEIGHT = ((50, 120), (20, 400))


@pytest.mark.parametrize(
    ("value", "width", "edges", "expected"),
    [
        (None, 10, HEIGHT, ""),
        ("165.5", None, HEIGHT, ""),  # withheld at this step
        ("100", 10, HEIGHT, "100-149"),
        ("149.9", 10, HEIGHT, "100-149"),
        ("150", 10, HEIGHT, "150-159"),
        ("159.99", 10, HEIGHT, "150-159"),
        ("160", 10, HEIGHT, "160-169"),
        ("189.9", 10, HEIGHT, "180-189"),
        ("190", 10, HEIGHT, "190-250"),
        ("250", 10, HEIGHT, "190-250"),
        ("175", 20, HEIGHT, "170-189"),
        ("49.9", 10, WEIGHT, "20-49"),
        ("50", 10, WEIGHT, "50-59"),
        ("119.9", 20, WEIGHT, "110-119"),
        ("120", 10, WEIGHT, "120-400"),
    ],
)
def test_it_bands_heights_and_weights_with_the_extremes_coded_together(
    value: str | None,
    width: int | None,
    edges: tuple[tuple[int, int], tuple[int, int]],
    expected: str,
) -> None:
    # given a measure, a width and the coding edges / when banded / then
    amount = None if value is None else Decimal(value)
    assert measure_band(amount, width, edges[0], edges[1]) == expected


def traits_strategy() -> st.SearchStrategy[Traits]:
    return st.builds(
        Traits,
        sex=st.sampled_from(["f", "f", "f", "m", "x", "u"]),
        birth_year=st.one_of(st.none(), st.integers(1900, EXPORT_YEAR)),
        height_cm=st.one_of(
            st.none(), st.decimals(100, 250, places=1, allow_nan=False, allow_infinity=False)
        ),
        weight_kg=st.one_of(
            st.none(), st.decimals(20, 400, places=1, allow_nan=False, allow_infinity=False)
        ),
    )


@settings(max_examples=150, deadline=None)
@given(
    patients=st.lists(traits_strategy(), max_size=120),
    k=st.integers(1, 12),
)
def test_it_leaves_every_class_with_at_least_k_patients(patients: list[Traits], k: int) -> None:
    # given any patients and any k
    population = {f"P{n}": traits for n, traits in enumerate(patients)}
    # when generalised
    chosen = generalise(population, EXPORT_YEAR, k=k)
    # then every kept class has k or more patients, kept and suppressed split the patients,
    # and the suppression limit is kept unless the coarsest step was needed
    sizes = Counter(chosen.banded.values())
    assert all(size >= k for size in sizes.values())
    assert chosen.min_k == min(sizes.values(), default=0)
    assert set(chosen.banded) | chosen.suppressed == set(population)
    assert not set(chosen.banded) & chosen.suppressed
    if chosen.step != LADDER[-1]:
        assert len(chosen.suppressed) <= len(population) * 0.05


def test_it_coarsens_the_bands_before_suppressing_many() -> None:
    # given 35 women born in 1982 of 165 cm, and 5 more whose heights stand out
    population = {f"P{n}": Traits("f", 1982, Decimal(165), None) for n in range(35)}
    for n, height in enumerate((150, 160, 170, 180, 185)):
        population[f"T{n}"] = Traits("f", 1982, Decimal(height), None)
    # when generalised to k = 5 (at most 2 of 40 may be suppressed)
    chosen = generalise(population, EXPORT_YEAR, k=5)
    # then 10 and 20 cm bands would suppress 4 and 3, so height is withheld and nobody goes
    assert chosen.step == LADDER[4]
    assert chosen.suppressed == frozenset()
    assert chosen.min_k == 40


def test_it_suppresses_the_few_that_no_band_hides() -> None:
    # given 60 women born in 1982 and one man born in 1950
    population = {f"P{n}": Traits("f", 1982, None, None) for n in range(60)}
    population["M"] = Traits("m", 1950, None, None)
    # when generalised to k = 5
    chosen = generalise(population, EXPORT_YEAR, k=5)
    # then the finest bands are kept and only the man is suppressed
    assert chosen.step == LADDER[0]
    assert chosen.suppressed == frozenset({"M"})
    assert chosen.min_k == 60
