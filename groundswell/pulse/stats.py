"""The statistics of employee voice, written out so each formula can be read and checked.

No statistics library is needed: means, sample variances, Cronbach's alpha, a Welch
confidence interval for a difference of means and the eNPS margin of error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.96
# Two-sided 95% critical values of Student's t for 1..30 degrees of freedom.
T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def sample_variance(values: Sequence[float]) -> float:
    """Variance with n - 1 in the denominator (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    centre = mean(values)
    return sum((value - centre) ** 2 for value in values) / (len(values) - 1)


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Internal consistency of a scale: rows are respondents, columns the scale's items.

    alpha = k / (k - 1) * (1 - sum of item variances / variance of the total score).
    None when it is undefined (fewer than two items or respondents, or no spread at all).
    """
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    item_variances = sum(sample_variance([row[i] for row in rows]) for i in range(k))
    total_variance = sample_variance([sum(row) for row in rows])
    if total_variance == 0:
        return None
    return k / (k - 1) * (1 - item_variances / total_variance)


def t_critical(degrees: float) -> float:
    """The 95% two-sided t value, rounding degrees of freedom down (the cautious side)."""
    whole = int(degrees)
    if whole < 1:
        return math.inf
    return T95[whole - 1] if whole <= len(T95) else Z95


@dataclass(frozen=True)
class Difference:
    """How far a mean moved, with a 95% confidence interval (Welch, unequal variances)."""

    change: float
    low: float
    high: float

    @property
    def is_beyond_noise(self) -> bool:
        """The interval leaves out zero: the change is unlikely to be chance alone."""
        return self.low > 0 or self.high < 0


def welch_difference(now: Sequence[float], before: Sequence[float]) -> Difference | None:
    """mean(now) - mean(before) with its Welch 95% interval; None without two values each."""
    if len(now) < 2 or len(before) < 2:
        return None
    va, vb = sample_variance(now) / len(now), sample_variance(before) / len(before)
    change = mean(now) - mean(before)
    error = math.sqrt(va + vb)
    if error == 0:
        return Difference(change, change, change)
    degrees = (va + vb) ** 2 / (va**2 / (len(now) - 1) + vb**2 / (len(before) - 1))
    margin = t_critical(degrees) * error
    return Difference(change, change - margin, change + margin)


@dataclass(frozen=True)
class Enps:
    """Employee Net Promoter Score: promoters (9-10) minus detractors (0-6), in points."""

    score: float
    margin: float
    respondents: int
    promoters: int
    detractors: int


def enps(scores: Sequence[int]) -> Enps | None:
    """eNPS with its 95% margin: 1.96 * sqrt((p+ + p- - (p+ - p-)^2) / n) * 100."""
    n = len(scores)
    if n == 0:
        return None
    promoters = sum(1 for score in scores if score >= 9)
    detractors = sum(1 for score in scores if score <= 6)
    plus, minus = promoters / n, detractors / n
    margin = Z95 * math.sqrt(max(plus + minus - (plus - minus) ** 2, 0.0) / n) * 100
    return Enps((plus - minus) * 100, margin, n, promoters, detractors)


def favourable_share(values: Sequence[float]) -> float:
    """The share of answers of 4 or 5, in per cent."""
    return 100 * sum(1 for value in values if value >= 4) / len(values)
