"""Group means over rows sorted by their keys, without a pandas groupby.

A pandas ``groupby(keys).mean()`` over a registry's rows factorises every key column and
hashes their combinations; the engine often has the rows' order by those keys at hand (or
one ``np.lexsort`` away), and then each group is a run of consecutive rows. ``run_means``
gives the same means bit for bit, so that the report does not change by a last digit: pandas
sums each group with Kahan compensation, which for one or two values is exactly the plain sum
(``a``, ``a + b``) that ``np.add.reduceat`` gives; groups of three or more rows, rare in a
clinic's data, are left to pandas itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd


def run_starts(*keys: npt.NDArray[np.generic]) -> npt.NDArray[np.intp]:
    """Positions where a run of equal keys begins, in rows already sorted by ``keys``."""
    if not len(keys[0]):
        return np.zeros(0, dtype=np.intp)
    new = np.zeros(len(keys[0]), dtype=bool)
    new[0] = True
    for key in keys:
        new[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(new)


def run_means(values: npt.NDArray[np.float64], starts: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:  # fmt: skip
    """The mean of each run of ``values`` (runs begin at ``starts``, the first at 0), equal to
    pandas' groupby mean of the same rows in the same order. ``values`` are finite: pandas
    would skip a NaN, a sum would not."""
    if not len(starts):
        return np.zeros(0, dtype=np.float64)
    counts = np.diff(np.append(starts, len(values)))
    means: npt.NDArray[np.float64] = np.add.reduceat(values, starts) / counts
    long = counts >= 3
    if long.any():
        run = np.repeat(np.arange(len(starts)), counts)
        rows = long[run]
        # groupby sorts by run number, which is the order of ``means[long]``.
        means[long] = pd.Series(values[rows]).groupby(run[rows]).mean().to_numpy()
    return means
