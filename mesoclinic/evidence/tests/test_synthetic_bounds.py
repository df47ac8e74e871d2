"""The synthetic generator writes bundles the registry format accepts, at any size: the
benchmarks draw a million patients, where the normal's tails once gave weights under the
format's 20 kg floor and the reader refused the bundle."""

from __future__ import annotations

import numpy as np

from mesoclinic.evidence.synthetic import SyntheticConfig, generate


def test_it_draws_no_weight_below_the_formats_floor_among_many_patients() -> None:
    # given a large practice drawn with a seed that once produced a 17 kg dieter
    bundle = generate(SyntheticConfig(n_patients=100_000), np.random.default_rng(11))
    # when its weights are read
    rows = bundle.measurements
    weights_kg = rows.loc[rows["kind"] == "weight_kg", "value"].to_numpy(dtype=float)
    # then every one is a plausible adult's, above the format's 20 kg floor
    assert weights_kg.min() >= 30.0
