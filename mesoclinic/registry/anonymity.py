"""k-anonymity of a de-identified extract: banding the quasi-identifiers, choosing how coarse
the bands must be, and which patients to suppress (pure Python).

The quasi-identifiers are what an outsider may know of a patient and find in the extract:
sex, birth year, height and weight (the issue's set for S6 of
../shared/reference/security-reliability.md §7; the reference's own list also names region,
treatment year, product and indication, which this module does not measure yet). A class is
the patients who share all four banded values; *k* is the size of the smallest class.

The policy (reference §2, "Ours"): generalise, then suppress, until every class has at least
k members (5 inside the organisation, 11 when the extract leaves it; the reference's own
policy, not an HHS number). Generalisation climbs ``LADDER`` one step at a time and stops at
the first step whose suppression is at most ``MAX_SUPPRESSED_FRACTION`` of the patients (the
reference's target: "suppression ≤ 5% of rows"); if no step gets there, the coarsest step is
used. Patients still in a class smaller than k are suppressed (the caller removes all their
rows).

Bands are written as ``low-high``, both ends included, in whole units: a birth-year band
``1980-1984``; a height band ``160-169`` holds 160.0 to 169.9 cm. Ages over 89 are one group
(HIPAA Safe Harbor #3): everyone born in or before the export year minus 90 falls in the
band ``1900-<that year>`` (1900 is the format's earliest birth year). Heights and weights
outside the common range are top- and bottom-coded into open-ended bands whose ends are the
format's limits (height 100–250 cm, weight 20–400 kg), because a very tall or very heavy
patient is exactly the one a fine band would single out. The band edges are privacy policy,
not clinical numbers. An unknown value is its own class value (an empty band).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_K = 5
MAX_SUPPRESSED_FRACTION = 0.05  # reference §7 S6 target: suppression ≤ 5 % of rows
OLDEST_AGE_SHOWN = 89  # Safe Harbor: ages over 89 are aggregated into "90 or older"
EARLIEST_BIRTH_YEAR = 1900  # the format's limit (../shared/spec/registry-csv.md)
# The format's limits, used as the open ends of the outermost bands.
HEIGHT_LIMITS_CM = (100, 250)
WEIGHT_LIMITS_KG = (20, 400)
# Policy: heights below 150 or from 190 cm, weights below 50 or from 120 kg share one band.
HEIGHT_CODED_CM = (150, 190)
WEIGHT_CODED_KG = (50, 120)
QUASI_IDENTIFIERS = ("sex", "birth_year", "height_cm", "weight_kg")


@dataclass(frozen=True)
class Step:
    """One step of generalisation: band widths; ``None`` withholds the value altogether."""

    birth_years: int
    height_cm: int | None
    weight_kg: int | None

    def describe(self) -> str:
        def width(value: int | None, unit: str) -> str:
            return "withheld" if value is None else f"{value} {unit}"

        return (
            f"birth year {self.birth_years}-year bands, height {width(self.height_cm, 'cm')}, "
            f"weight {width(self.weight_kg, 'kg')}"
        )


LADDER = (
    Step(5, 10, 10),
    Step(5, 10, 20),
    Step(10, 10, 20),
    Step(10, 20, None),
    Step(10, None, None),
    Step(20, None, None),
)


@dataclass(frozen=True)
class Traits:
    """A patient's quasi-identifiers as exported in full (None = unknown)."""

    sex: str
    birth_year: int | None
    height_cm: Decimal | None
    weight_kg: Decimal | None


@dataclass(frozen=True)
class Banded:
    """A patient's quasi-identifiers as the extract shows them ('' = unknown or withheld)."""

    sex: str
    birth_years: str
    height_cm: str
    weight_kg: str


@dataclass(frozen=True)
class Generalisation:
    """What the extract shows of each kept patient, who is suppressed, and the k reached."""

    step: Step
    k: int
    banded: dict[str, Banded]
    suppressed: frozenset[str]
    min_k: int  # the smallest class among kept patients; 0 when no patient is kept
    quasi_identifiers: tuple[str, ...] = QUASI_IDENTIFIERS


def birth_year_band(year: int | None, width: int, export_year: int) -> str:
    """``1980-1984`` for 1982 in 5-year bands; everyone aged 90 or over in one band."""
    if year is None:
        return ""
    oldest = export_year - OLDEST_AGE_SHOWN - 1
    if year <= oldest:
        return f"{EARLIEST_BIRTH_YEAR}-{oldest}"
    low = max(year - year % width, oldest + 1)
    high = year - year % width + width - 1
    return f"{low}-{high}"


def measure_band(
    value: Decimal | None,
    width: int | None,
    coded: tuple[int, int],
    limits: tuple[int, int],
) -> str:
    """``160-169`` for 165.5 in 10-unit bands; below/above ``coded`` share one open band."""
    if value is None or width is None:
        return ""
    whole = math.floor(value)
    if whole < coded[0]:
        return f"{limits[0]}-{coded[0] - 1}"
    if whole >= coded[1]:
        return f"{coded[1]}-{limits[1]}"
    low = whole - (whole - coded[0]) % width
    return f"{low}-{min(low + width, coded[1]) - 1}"


def band(traits: Traits, step: Step, export_year: int) -> Banded:
    return Banded(
        sex=traits.sex,
        birth_years=birth_year_band(traits.birth_year, step.birth_years, export_year),
        height_cm=measure_band(traits.height_cm, step.height_cm, HEIGHT_CODED_CM, HEIGHT_LIMITS_CM),
        weight_kg=measure_band(traits.weight_kg, step.weight_kg, WEIGHT_CODED_KG, WEIGHT_LIMITS_KG),
    )


def class_sizes(banded: Mapping[str, Banded]) -> Counter[Banded]:
    return Counter(banded.values())


def generalise(
    patients: Mapping[str, Traits],
    export_year: int,
    *,
    k: int = DEFAULT_K,
    max_suppressed_fraction: float = MAX_SUPPRESSED_FRACTION,
) -> Generalisation:
    """The first step of ``LADDER`` that suppresses few enough patients (else the last),
    with every patient of a class smaller than ``k`` suppressed."""
    if k < 1:
        raise ValueError("k must be at least 1")
    allowed = math.floor(len(patients) * max_suppressed_fraction)
    for number, step in enumerate(LADDER):
        banded = {pid: band(traits, step, export_year) for pid, traits in patients.items()}
        sizes = class_sizes(banded)
        small = frozenset(pid for pid, value in banded.items() if sizes[value] < k)
        if len(small) <= allowed or number == len(LADDER) - 1:
            kept = {pid: value for pid, value in banded.items() if pid not in small}
            min_k = min(class_sizes(kept).values(), default=0)
            return Generalisation(step, k, kept, small, min_k)
    raise AssertionError("unreachable: the last step always returns")
