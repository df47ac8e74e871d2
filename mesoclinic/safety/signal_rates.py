"""The statistics of an attack-rate table, in pure Python (no Django, no numpy or scipy: the
dashboard and ``safety-signals`` must start without the heavy libraries, and case finding at
1M sessions keeps to 300 MB; the tests check each function against scipy).

- ``fisher_greater``: the one-sided Fisher exact test of a 2x2 table (is the attack rate
  among the exposed higher than among the unexposed?), from the hypergeometric tail.
- ``score_ci``: the Miettinen–Nurminen score interval of the relative risk (a score interval,
  as the CDC's outbreak analyses use; it stays sensible with few cases, where the Wald
  interval on the log scale does not).
- ``mantel_haenszel``: the relative risk stratified by another exposure (Mantel–Haenszel
  estimate, Greenland–Robins interval, one-sided Cochran–Mantel–Haenszel test).
- ``holm``: Holm's step-down adjustment of a family of p-values (family-wise error).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Two-sided 95 % interval.
Z_95 = 1.959963984540054
# (cases among exposed, exposed, cases among unexposed, unexposed), one stratum.
Stratum = tuple[int, int, int, int]


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_greater(a: int, n1: int, c: int, n0: int) -> float:
    """P(X >= a) for X the exposed cases under no association, given the margins."""
    total, cases = n1 + n0, a + c
    low, high = max(0, n1 - (total - cases)), min(cases, n1)
    if a <= low:
        return 1.0
    base = _log_comb(total, n1)

    def pmf(x: int) -> float:
        return math.exp(_log_comb(cases, x) + _log_comb(total - cases, n1 - x) - base)

    mode = (n1 + 1) * (cases + 1) // (total + 2)
    # Sum the shorter tail, moving away from the mode, and stop once the terms vanish.
    upper = a > mode
    x, step, end = (a, 1, high) if upper else (a - 1, -1, low)
    tail = 0.0
    while (x <= end) if upper else (x >= end):
        term = pmf(x)
        tail += term
        if term < tail * 1e-16:
            break
        x += step
    p = tail if upper else 1.0 - tail
    return min(1.0, max(0.0, p))


def normal_greater(z: float) -> float:
    """P(Z >= z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def relative_risk(a: int, n1: int, c: int, n0: int) -> float:
    """Attack rate among the exposed over that among the unexposed (inf when no unexposed
    case, nan when neither group has a case)."""
    if n1 == 0 or n0 == 0:
        return math.nan
    if c == 0:
        return math.inf if a else math.nan
    return (a / n1) / (c / n0)


def _score_z(theta: float, a: int, n1: int, c: int, n0: int) -> float:
    """Miettinen–Nurminen score statistic for H0: RR = theta (decreasing in theta)."""
    total = n1 + n0
    qa = total * theta
    qb = -(n1 * theta + a + n0 + c * theta)
    qc = a + c
    disc = max(0.0, qb * qb - 4 * qa * qc)
    p0 = (-qb - math.sqrt(disc)) / (2 * qa)
    p1 = theta * p0
    variance = (p1 * (1 - p1) / n1 + theta * theta * p0 * (1 - p0) / n0) * total / (total - 1)
    diff = a / n1 - theta * c / n0
    if variance <= 0:
        return math.copysign(math.inf, diff) if diff else 0.0
    return diff / math.sqrt(variance)


def score_ci(a: int, n1: int, c: int, n0: int, z: float = Z_95) -> tuple[float, float]:
    """The Miettinen–Nurminen score interval of the relative risk (0 and inf at the ends
    when a group has no case)."""
    if n1 == 0 or n0 == 0 or a + c == 0:
        return (0.0, math.inf)

    def root(target: float) -> float:
        lo, hi = -30.0, 30.0  # log RR; 44 halvings leave it within 4e-12
        for _ in range(44):
            mid = (lo + hi) / 2
            if _score_z(math.exp(mid), a, n1, c, n0) > target:
                lo = mid
            else:
                hi = mid
        return math.exp((lo + hi) / 2)

    lower = 0.0 if a == 0 else root(z)
    upper = math.inf if c == 0 else root(-z)
    return (lower, upper)


def mantel_haenszel(strata: Sequence[Stratum]) -> tuple[float, tuple[float, float], float]:
    """The stratified relative risk, its 95 % interval and the one-sided CMH p-value (with
    the continuity correction). Strata with a single session or no exposed or unexposed
    session carry no information and are left out."""
    r = s = var_num = observed = expected = variance = 0.0
    for a, n1, c, n0 in strata:
        total = n1 + n0
        if n1 == 0 or n0 == 0 or total < 2:
            continue
        cases = a + c
        r += a * n0 / total
        s += c * n1 / total
        var_num += (cases * n1 * n0 - a * c * total) / (total * total)
        observed += a
        expected += n1 * cases / total
        variance += n1 * n0 * cases * (total - cases) / (total * total * (total - 1))
    if variance <= 0:
        return (math.nan, (0.0, math.inf), 1.0)
    p = normal_greater((observed - expected - 0.5) / math.sqrt(variance))
    if s == 0:
        return (math.inf if r else math.nan, (0.0, math.inf), p)
    if r == 0:
        return (0.0, (0.0, math.inf), p)
    rr = r / s
    se = math.sqrt(max(0.0, var_num / (r * s)))
    return (rr, (rr * math.exp(-Z_95 * se), rr * math.exp(Z_95 * se)), p)


# Below this variance of the stratified count the normal approximation of the CMH test is
# too optimistic (a handful of expected cases): the exact conditional test is used instead.
EXACT_BELOW_VARIANCE = 100.0


def _hypergeometric(a: int, n1: int, c: int, n0: int) -> tuple[int, list[float]]:
    """The first value and the probabilities of the exposed cases given the margins, over
    the values that matter (relative 1e-20 of the mode dropped): one term from ``lgamma``
    at the mode, the others by the ratio of successive terms."""
    total, cases = n1 + n0, a + c
    low, high = max(0, n1 - (total - cases)), min(cases, n1)
    mode = min(high, max(low, (n1 + 1) * (cases + 1) // (total + 2)))
    peak = math.exp(
        _log_comb(cases, mode) + _log_comb(total - cases, n1 - mode) - _log_comb(total, n1)
    )
    up: list[float] = []
    term, x = peak, mode
    while x < high:
        term *= (cases - x) * (n1 - x) / ((x + 1) * (total - cases - n1 + x + 1))
        if term < peak * 1e-20:
            break
        up.append(term)
        x += 1
    down: list[float] = []
    term, x = peak, mode
    while x > low:
        term *= x * (total - cases - n1 + x) / ((cases - x + 1) * (n1 - x + 1))
        if term < peak * 1e-20:
            break
        down.append(term)
        x -= 1
    return mode - len(down), [*reversed(down), peak, *up]


def exact_stratified_greater(strata: Sequence[Stratum]) -> float:
    """P(sum of exposed cases >= observed) given every stratum's margins: the exact
    conditional test of no association in any stratum (the exact counterpart of the CMH
    test), by convolving the strata's hypergeometric distributions."""
    dist, offset, observed = [1.0], 0, 0
    for a, n1, c, n0 in strata:
        if n1 == 0 or n0 == 0 or a + c == 0:
            continue
        low, pmf = _hypergeometric(a, n1, c, n0)
        observed += a
        offset += low
        if len(pmf) == 1:
            continue
        out = [0.0] * (len(dist) + len(pmf) - 1)
        for i, d in enumerate(dist):
            if d:
                for j, q in enumerate(pmf):
                    out[i + j] += d * q
        # Drop the far tails (relative 1e-20): the width stays that of the distribution.
        top = max(out) * 1e-20
        start = 0
        while out[start] < top:
            start += 1
        end = len(out)
        while out[end - 1] < top:
            end -= 1
        dist, offset = out[start:end], offset + start
    index = observed - offset
    if index <= 0:
        return 1.0
    return min(1.0, sum(dist[index:]) / sum(dist))


def stratified_p(strata: Sequence[Stratum]) -> float:
    """One-sided p-value of an excess among the exposed within strata: exact when the
    expected count is small, the CMH normal approximation otherwise."""
    variance = 0.0
    for a, n1, c, n0 in strata:
        total, cases = n1 + n0, a + c
        if n1 and n0 and total > 1:
            variance += n1 * n0 * cases * (total - cases) / (total * total * (total - 1))
    if variance < EXACT_BELOW_VARIANCE:
        return exact_stratified_greater(strata)
    return mantel_haenszel(strata)[2]


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in the order given (monotone, capped at 1)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted
