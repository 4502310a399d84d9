"""The statistics behind every figure the product shows, in one place, on scipy and statsmodels.

Small typed functions, each answering a frozen dataclass that carries the value, its interval,
the n it rests on and the name of the method, so a page or the API can always say how a figure
was made and on how many answers. docs/measurement.md gives each metric's question, scale,
formula, interval and published source; core/tests/test_stats.py checks each formula against
a published worked example.

Shares and net scores are in per cent and points (0..100, -100..100) and left unrounded here;
`round_half_away` is the one rounding rule that pages (the `|figure` filter) and the API use.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import numpy as np
from scipy import stats as scipy_stats

LEVEL = 0.95  # every interval in the product is a two-sided 95% interval unless asked otherwise
Histogram = Mapping[int, int]  # score -> number of answers with that score
Missing = Literal["listwise", "pairwise"]


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval at `level`."""

    low: float
    high: float
    level: float = LEVEL


@dataclass(frozen=True)
class Estimate:
    """A figure, its interval (None when it cannot be estimated: n too small), its n and method."""

    value: float
    interval: Interval | None
    n: int
    method: str


@dataclass(frozen=True)
class NetScore:
    """%promoters - %detractors in points, with its margin of error at `interval.level`."""

    value: float
    interval: Interval
    n: int
    method: str
    promoters: int
    detractors: int
    margin: float

    @property
    def promoter_share(self) -> float:
        return 100 * self.promoters / self.n

    @property
    def detractor_share(self) -> float:
        return 100 * self.detractors / self.n


@dataclass(frozen=True)
class Difference:
    """mean(now) - mean(before) with Welch's interval; n is both samples together."""

    value: float
    interval: Interval
    n: int
    method: str
    n_now: int
    n_before: int
    degrees_of_freedom: float

    @property
    def is_beyond_noise(self) -> bool:
        """The interval leaves out zero: the change is unlikely to be chance alone."""
        return self.interval.low > 0 or self.interval.high < 0


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha with Feldt's interval; n respondents counted, k items."""

    value: float
    interval: Interval | None
    n: int
    method: str
    items: int


# --- Quantiles --------------------------------------------------------------------------------


# scipy's quantile functions cost about a millisecond a call (argument checks, broadcasting),
# and a dashboard asks for the same few dozens of them on every view: they are remembered.
@functools.lru_cache(maxsize=64)
def z_critical(level: float = LEVEL) -> float:
    """The two-sided standard normal quantile: 1.959963... for 95%."""
    return float(scipy_stats.norm.ppf(0.5 + level / 2))


@functools.lru_cache(maxsize=4096)
def t_critical(degrees_of_freedom: float, level: float = LEVEL) -> float:
    """The two-sided Student t quantile for any (also fractional) degrees of freedom."""
    if degrees_of_freedom <= 0:
        return math.inf
    return float(scipy_stats.t.ppf(0.5 + level / 2, degrees_of_freedom))


# --- Shares and means -------------------------------------------------------------------------


def share(successes: int, n: int, *, level: float = LEVEL) -> Estimate | None:
    """100 * successes / n with Wilson's score interval (Wilson 1927; Newcombe 1998, method 3)."""
    if n <= 0:
        return None
    low, high = wilson_interval(successes, n, level=level)
    return Estimate(
        value=100 * successes / n,
        interval=Interval(100 * low, 100 * high, level),
        n=n,
        method="Wilson score interval",
    )


def wilson_interval(successes: int, n: int, *, level: float = LEVEL) -> tuple[float, float]:
    """Wilson's score interval for a proportion, as a fraction: the closed form statsmodels'
    `proportion_confint(method="wilson")` computes (core/tests/test_stats.py compares the two
    on every count up to 60). Written out because statsmodels spends about a millisecond a
    call checking and broadcasting its arguments, and a cold dashboard asks for some eighty:
    a tenth of the request (bench/README.md, dashboard cold)."""
    z = z_critical(level)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 or n successes the bound is exactly 0 or 1; rounding would leave it a hair off.
    low = 0.0 if successes == 0 else centre - half
    high = 1.0 if successes == n else centre + half
    return low, high


def histogram_n(histogram: Histogram) -> int:
    return sum(histogram.values())


def histogram_share(
    histogram: Histogram, low: int, high: int, *, level: float = LEVEL
) -> Estimate | None:
    """The share (per cent) of answers scoring from `low` to `high`, with its Wilson interval."""
    hits = sum(count for score, count in histogram.items() if low <= score <= high)
    return share(hits, histogram_n(histogram), level=level)


def histogram_mean(histogram: Histogram, *, level: float = LEVEL) -> Estimate | None:
    """The mean score with its t interval (sample SD, n - 1 degrees of freedom)."""
    n = histogram_n(histogram)
    if n == 0:
        return None
    # Plain Python: a histogram has a handful of scores, where numpy's set-up costs more than
    # the sums (a cold dashboard computes about ninety of these).
    value = sum(score * count for score, count in histogram.items()) / n
    if n < 2:
        return Estimate(value, None, n, "mean")
    variance = sum(count * (score - value) ** 2 for score, count in histogram.items()) / (n - 1)
    margin = t_critical(n - 1, level) * math.sqrt(variance / n)
    return Estimate(value, Interval(value - margin, value + margin, level), n, "mean, t interval")


def mean(values: Sequence[float], *, level: float = LEVEL) -> Estimate | None:
    """The mean of `values` with its t interval; None for no values."""
    counts: dict[float, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return histogram_mean(counts, level=level)  # type: ignore[arg-type]


# --- Net scores (NPS, eNPS) -------------------------------------------------------------------


def net_score(promoters: int, detractors: int, n: int, *, level: float = LEVEL) -> NetScore | None:
    """NPS = 100 * (p_p - p_d) with its margin of error from the multinomial variance.

    Each answer is +1 (promoter), 0 (passive) or -1 (detractor); the score is their mean, whose
    variance is (p_p + p_d - (p_p - p_d)^2) / n. Margin = z * sqrt(that variance) * 100.
    """
    if n <= 0:
        return None
    p_p, p_d = promoters / n, detractors / n
    value = 100 * (p_p - p_d)
    variance = max(p_p + p_d - (p_p - p_d) ** 2, 0.0) / n
    margin = 100 * z_critical(level) * math.sqrt(variance)
    interval = Interval(max(value - margin, -100.0), min(value + margin, 100.0), level)
    return NetScore(
        value=value,
        interval=interval,
        n=n,
        method="normal approximation, multinomial variance",
        promoters=promoters,
        detractors=detractors,
        margin=margin,
    )


# --- Differences of means ---------------------------------------------------------------------


def welch_satterthwaite_df(var_a: float, n_a: int, var_b: float, n_b: int) -> float:
    """Welch-Satterthwaite degrees of freedom from two sample variances and sizes."""
    a, b = var_a / n_a, var_b / n_b
    return (a + b) ** 2 / (a**2 / (n_a - 1) + b**2 / (n_b - 1))


@dataclass(frozen=True)
class Sample:
    """What a mean's comparison needs of a sample: its size, mean and variance (n - 1)."""

    n: int
    mean: float
    variance: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Sample:
        data = np.asarray(values, dtype=float)
        variance = float(data.var(ddof=1)) if len(data) > 1 else 0.0
        return cls(len(data), float(data.mean()) if len(data) else 0.0, variance)


def welch_difference(
    now: Sequence[float], before: Sequence[float], *, level: float = LEVEL
) -> Difference | None:
    """mean(now) - mean(before) with Welch's t interval; None without two values on each side."""
    return welch_from_samples(Sample.of(now), Sample.of(before), level=level)


def welch_from_samples(now: Sample, before: Sample, *, level: float = LEVEL) -> Difference | None:
    """Welch's difference from two samples' summaries (what `scipy.stats.ttest_ind` gives with
    `equal_var=False`): a report that kept only n, mean and variance compares just as well."""
    if now.n < 2 or before.n < 2:
        return None
    change = now.mean - before.mean
    n = now.n + before.n
    if now.variance == 0 and before.variance == 0:
        # No spread on either side: the difference is exact, the interval a point.
        interval = Interval(change, change, level)
        return Difference(change, interval, n, "Welch t", now.n, before.n, float(n - 2))
    df = welch_satterthwaite_df(now.variance, now.n, before.variance, before.n)
    margin = t_critical(df, level) * math.sqrt(now.variance / now.n + before.variance / before.n)
    return Difference(
        value=change,
        interval=Interval(change - margin, change + margin, level),
        n=n,
        method="Welch t, Welch-Satterthwaite df",
        n_now=now.n,
        n_before=before.n,
        degrees_of_freedom=df,
    )


# --- Reliability ------------------------------------------------------------------------------


def feldt_interval(alpha: float, n: int, k: int, *, level: float = LEVEL) -> Interval | None:
    """Feldt, Woodruff & Salih (1987) formulas 6-7: 1 - (1 - alpha) * F, F on n-1, (n-1)(k-1) df."""
    if n < 2 or k < 2:
        return None
    df1, df2 = n - 1, (n - 1) * (k - 1)
    upper_f = float(scipy_stats.f.ppf(0.5 + level / 2, df1, df2))
    lower_f = float(scipy_stats.f.ppf(0.5 - level / 2, df1, df2))
    return Interval(1 - (1 - alpha) * upper_f, 1 - (1 - alpha) * lower_f, level)


def cronbach_alpha(
    rows: Sequence[Sequence[float | None]],
    *,
    missing: Missing = "listwise",
    level: float = LEVEL,
) -> Reliability | None:
    """Cronbach's alpha = k / (k - 1) * (1 - sum of item variances / variance of the total).

    Rows are respondents, columns items; a blank answer is None. `missing="listwise"` (the
    default) keeps only respondents who answered every item; `"pairwise"` builds the item
    covariance matrix from every pair of items answered together, alpha = k / (k - 1) *
    (1 - trace / sum of the matrix), and counts n as the smallest pairwise n. None when alpha
    is undefined: fewer than two items or two respondents, or no spread in the total.
    """
    if not rows:
        return None
    k = len(rows[0])
    if k < 2:
        return None
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in rows], dtype=float)
    if missing == "listwise":
        data = data[~np.isnan(data).any(axis=1)]
        n = len(data)
        if n < 2:
            return None
        covariance = np.cov(data, rowvar=False, ddof=1)
    else:
        answered = ~np.isnan(data)
        together = answered.T.astype(int) @ answered.astype(int)
        n = int(together.min())
        if n < 2:
            return None
        covariance = np.empty((k, k))
        for i in range(k):
            for j in range(i, k):
                both = answered[:, i] & answered[:, j]
                pair = np.cov(data[both, i], data[both, j], ddof=1)
                covariance[i, j] = covariance[j, i] = pair[0, 1]
    total = float(covariance.sum())
    if total <= 0:
        return None
    alpha = k / (k - 1) * (1 - float(np.trace(covariance)) / total)
    # Pairwise matrices need not be positive semi-definite: alpha may pass 1, and Feldt's
    # interval (which assumes alpha <= 1) is then left out rather than printed upside down.
    return Reliability(
        value=alpha,
        interval=feldt_interval(alpha, n, k, level=level) if alpha <= 1 else None,
        n=n,
        method=f"Cronbach's alpha ({missing} deletion), Feldt interval",
        items=k,
    )


# --- Rounding ---------------------------------------------------------------------------------


def round_half_away(value: float, places: int = 0) -> Decimal:
    """The one rounding rule for figures shown anywhere: half away from zero, on the decimal
    digits as printed (43.5 -> 44, -43.5 -> -44, 2.675 -> 2.68 at two places)."""
    exponent = Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(exponent, rounding=ROUND_HALF_UP)


def whole_points(value: float) -> int:
    """A share or net score as whole points (per cent), rounded half away from zero."""
    return int(round_half_away(value))


def rounded(value: float, places: int) -> float:
    """`value` rounded half away from zero to `places` decimals, as a float for the API."""
    return float(round_half_away(value, places))
