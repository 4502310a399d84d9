"""The statistics of employee voice, as pulse results use them.

The maths lives in core.lib.stats (scipy and statsmodels, each formula tested against a
published worked example; docs/measurement.md): exact t quantiles for Welch intervals,
Cronbach's alpha with Feldt's interval, and the eNPS margin from the multinomial variance.
This module only shapes those figures the way pulse results carry them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from groundswell.core.lib import stats as core_stats
from groundswell.core.lib.stats import Reliability

FAVOURABLE_MIN = 4  # agreement 4 or 5 of 5 counts as favourable
PROMOTER_MIN = 9  # eNPS promoters answer 9-10
DETRACTOR_MAX = 6  # eNPS detractors answer 0-6


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def cronbach_alpha(rows: Sequence[Sequence[float | None]]) -> Reliability | None:
    """Internal consistency of a scale: rows are respondents, columns the scale's items.

    Listwise: a respondent with a blank item is left out (n counts those kept). The figure
    carries Feldt's 95% interval; None when alpha is undefined (fewer than two items or
    respondents, or no spread at all).
    """
    return core_stats.cronbach_alpha(rows, missing="listwise")


@dataclass(frozen=True)
class Difference:
    """How far a mean moved, with a 95% confidence interval (Welch, unequal variances)."""

    change: float
    low: float
    high: float
    n_now: int = 0
    n_before: int = 0
    degrees_of_freedom: float = 0.0

    @property
    def is_beyond_noise(self) -> bool:
        """The interval leaves out zero: the change is unlikely to be chance alone."""
        return self.low > 0 or self.high < 0


def welch_difference(now: Sequence[float], before: Sequence[float]) -> Difference | None:
    """mean(now) - mean(before) with its Welch 95% interval; None without two values each."""
    return welch_from_samples(core_stats.Sample.of(now), core_stats.Sample.of(before))


def welch_from_samples(now: core_stats.Sample, before: core_stats.Sample) -> Difference | None:
    """The same from each side's n, mean and variance (what a wave's tally keeps)."""
    result = core_stats.welch_from_samples(now, before)
    if result is None:
        return None
    return Difference(
        change=result.value,
        low=result.interval.low,
        high=result.interval.high,
        n_now=result.n_now,
        n_before=result.n_before,
        degrees_of_freedom=result.degrees_of_freedom,
    )


@dataclass(frozen=True)
class Enps:
    """Employee Net Promoter Score: promoters (9-10) minus detractors (0-6), in points."""

    score: float
    margin: float
    respondents: int
    promoters: int
    detractors: int


def enps(scores: Sequence[int]) -> Enps | None:
    """eNPS with its 95% margin from the multinomial variance (core.lib.stats.net_score)."""
    return enps_of(Counter(scores))


def enps_of(histogram: Mapping[int, int]) -> Enps | None:
    """The same from a histogram of 0-10 scores (score -> how many gave it)."""
    promoters = sum(count for score, count in histogram.items() if score >= PROMOTER_MIN)
    detractors = sum(count for score, count in histogram.items() if score <= DETRACTOR_MAX)
    result = core_stats.net_score(promoters, detractors, sum(histogram.values()))
    if result is None:
        return None
    return Enps(result.value, result.margin, result.n, promoters, detractors)


def favourable_share(values: Sequence[float]) -> float:
    """The share of answers of 4 or 5, in per cent."""
    return 100 * sum(1 for value in values if value >= FAVOURABLE_MIN) / len(values)


def agreement_of(histogram: Mapping[int, int]) -> tuple[float, float, int] | None:
    """Mean, favourable share (per cent) and n of 1-5 answers given as a histogram."""
    n = sum(histogram.values())
    if n == 0:
        return None
    total = sum(score * count for score, count in histogram.items())
    favourable = sum(count for score, count in histogram.items() if score >= FAVOURABLE_MIN)
    return total / n, 100 * favourable / n, n
