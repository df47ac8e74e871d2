"""Sorting rows by integer keys, and group means over the sorted runs, without pandas.

A pandas ``groupby(keys).mean()`` over a registry's rows factorises every key column and
hashes their combinations; the engine often has the rows' order by those keys at hand (or
one ``np.lexsort`` away), and then each group is a run of consecutive rows. ``run_means``
gives the same means bit for bit, so that the report does not change by a last digit: pandas
sums each group with Kahan compensation, which for one or two values is exactly the plain sum
(``a``, ``a + b``) that ``np.add.reduceat`` gives; groups of three or more rows, rare in a
clinic's data, are left to pandas itself.

``sort_order`` is ``np.lexsort`` of integer keys (first key first), by one stable argsort of
a single int64 key made of them: the same permutation, several times faster on a registry's
rows (lexsort sorts once per key).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd


# Keys whose combined range reaches this are left to lexsort (no int64 overflow).
_COMBINED_LIMIT = 1 << 62


def _combined(keys: tuple[npt.NDArray[np.generic], ...]) -> npt.NDArray[np.int64] | None:
    """One int64 per row, ordered as the rows' key tuples; None if a key is not an integer
    (or bool) column or the ranges multiplied would overflow."""
    out = np.zeros(len(keys[0]), dtype=np.int64)
    total = 1
    for key in keys:
        if key.dtype.kind not in "iub":
            return None
        low, high = (int(key.min()), int(key.max())) if len(key) else (0, 0)
        width = high - low + 1
        total *= width
        if total >= _COMBINED_LIMIT:
            return None
        out = out * width + (key.astype(np.int64) - low)
    return out


def sort_order(*keys: npt.NDArray[np.generic]) -> npt.NDArray[np.intp]:
    """The stable order of the rows by ``keys``, the first key first (``np.lexsort`` of the
    keys reversed)."""
    combined = _combined(keys)
    if combined is None:
        return np.lexsort(keys[::-1])
    return np.argsort(combined, kind="stable")


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
