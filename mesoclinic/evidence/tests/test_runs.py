"""The numpy shortcuts of the engine give what the pandas steps they replace gave, to the bit
(the report must not move by a last digit when it gets faster)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mesoclinic.evidence.engine.adverse import _distinct
from mesoclinic.evidence.engine.courses import _codes
from mesoclinic.evidence.engine.runs import (
    combined_key,
    key_means,
    run_starts,
    search_many,
    sort_order,
    stable_argsort,
)
from mesoclinic.evidence.figures import _last_reading


def rows(n: int = 5000, seed: int = 7) -> pd.DataFrame:
    """Rows with many ties and groups of one to several readings, in no particular order."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "course": rng.integers(0, 150, n),
            "day": rng.integers(19000, 19010, n),
            "treated": rng.random(n) < 0.6,
            "side": rng.choice(np.array(["left", "right", "bilateral", ""], dtype=object), n),
            "value": rng.normal(80.0, 15.0, n) * rng.choice([1.0, 1e-3, 1e4], n),
        }
    )


def test_it_sorts_integer_keys_as_a_stable_lexsort_does() -> None:
    # Given integer, bool and wide-ranging keys with many ties
    frame = rows()
    keys = [frame[c].to_numpy() for c in ("course", "day", "treated")]
    wide = np.array([0, 2**40, 5, 2**40, 0] * 10, dtype=np.int64)

    # When they are sorted by the combined key, or left to lexsort where it would overflow
    # Then the permutation is lexsort's
    assert np.array_equal(sort_order(*keys), np.lexsort(keys[::-1]))
    assert combined_key(wide, wide, wide) is None
    assert np.array_equal(sort_order(wide, wide[::-1]), np.lexsort((wide[::-1], wide)))


def test_it_sorts_by_16_bit_digits_as_a_stable_argsort_does() -> None:
    # Given int64 keys with many ties: negative, spanning one to three 16-bit digits, one at
    # the limit left to numpy's merge sort, nearly sorted, and of zero, one and two rows
    rng = np.random.default_rng(11)
    keys = [rng.integers(-(2**k), 2**k, 20_000) for k in (3, 15, 16, 17, 31, 40, 47, 48, 62)]
    keys.append(np.sort(rng.integers(0, 2**20, 20_000)) + rng.integers(0, 3, 20_000))
    keys += [np.zeros(0, np.int64), np.array([5]), np.array([7, -7]), np.full(100, 2**40)]

    # When sorted by digits
    # Then each permutation is numpy's stable one
    for key in keys:
        key = key.astype(np.int64)
        assert np.array_equal(stable_argsort(key), np.argsort(key, kind="stable")), key[:5]


def test_it_finds_needles_in_no_order_where_searchsorted_does() -> None:
    # Given sorted keys with runs of ties and needles in no order: below, between, on and
    # above the keys, repeated
    rng = np.random.default_rng(5)
    keys = np.sort(rng.integers(-50, 5000, 3000))
    needles = np.concatenate([rng.integers(-100, 5100, 20_000), keys[::7], keys[::-13]])

    # When searched in increasing order and put back
    # Then each needle's position is searchsorted's, on either side
    for side in ("left", "right"):
        assert np.array_equal(search_many(keys, needles, side=side), np.searchsorted(keys, needles, side=side))  # fmt: skip
    assert len(search_many(keys, needles[:0])) == 0


def test_it_leaves_non_integer_keys_to_lexsort() -> None:
    # Given a float key
    day = np.array([3.5, 1.0, 3.5, 2.0])

    # When sorted
    # Then no combined key is made and the order is lexsort's
    assert combined_key(day) is None
    assert np.array_equal(sort_order(day), np.lexsort((day,)))


def test_it_averages_groups_bit_for_bit_as_a_groupby_over_the_columns() -> None:
    # Given unsorted rows (pandas adds with Kahan compensation) and the same rows sorted
    # (pandas adds with reduceat), groups of up to a dozen readings
    for frame in (rows(), rows().sort_values(["course", "day", "treated"], kind="stable")):
        keys = [frame[c].to_numpy() for c in ("course", "day", "treated")]
        key = combined_key(*keys)
        assert key is not None

        # When averaged by the one integer key
        distinct, means = key_means(frame["value"].to_numpy(), key)

        # Then every mean is the groupby's to the last bit, in the groupby's order
        expected = frame.groupby(["course", "day", "treated"], sort=True)["value"].mean()
        assert np.array_equal(means, expected.to_numpy())
        assert len(distinct) == len(expected)
        order = sort_order(*keys)
        assert len(run_starts(*(k[order] for k in keys))) == len(expected)


def test_it_codes_tuples_in_order_of_first_appearance() -> None:
    # Given columns of integers, text and flags
    frame = rows()

    # When coded
    codes = _codes(
        frame["course"].to_numpy(), frame["side"].to_numpy(), frame["treated"].to_numpy()
    )

    # Then the codes are the groupby's ngroup without sorting
    expected = frame.groupby(["course", "side", "treated"], sort=False).ngroup().to_numpy()
    assert np.array_equal(codes, expected)


def test_it_finds_distinct_patients_as_unique_does() -> None:
    # Given patient codes with gaps and repeats
    codes = np.array([5, 0, 5, 9, 2, 2, 0], dtype=np.int64)

    # When made distinct
    distinct, inverse = _distinct(codes)

    # Then the values and the inverse are np.unique's
    expected, expected_inverse = np.unique(codes, return_inverse=True)
    assert np.array_equal(distinct, expected)
    assert np.array_equal(inverse, expected_inverse)


def test_it_picks_each_series_last_reading_as_sort_and_tail_do() -> None:
    # Given series with several readings on the same day
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"series": rng.integers(0, 300, 4000), "day": rng.integers(0, 30, 4000)})
    chosen = rng.random(4000) < 0.7

    # When the last reading of each series is picked
    picked = _last_reading(frame["series"].to_numpy(), frame["day"].to_numpy(), chosen)

    # Then the rows and their order are those of sort_values("day").groupby("series").tail(1)
    expected = frame[chosen].sort_values("day").groupby("series").tail(1).index.to_numpy()
    assert np.array_equal(picked, expected)
