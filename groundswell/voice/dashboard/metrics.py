"""Customer-voice statistics as pure functions: counts in, figures out.

Scores arrive as a histogram, ``{score: number of answers}``, because that is what the rollup
tables and one GROUP BY give; `tally()` turns a plain list of scores into one. Every function
answers None when there is nothing to measure (n = 0) instead of dividing by zero.
Percentages are on a 0-100 scale and left unrounded; pages (`|figure`) and the API round them
with core.lib.stats.round_half_away. The statistics themselves live in core.lib.stats.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from groundswell.core.lib import stats
from groundswell.core.lib.stats import Interval

Histogram = Mapping[int, int]

CSAT_FAVOURABLE_MIN = 4  # CSAT 4 and 5 of 5 count as satisfied
NPS_PROMOTER_MIN = 9  # 9-10 promoters
NPS_DETRACTOR_MAX = 6  # 0-6 detractors; 7-8 passives
CES_AGREE_MIN = 5  # CES 2.0: 5-7 of 7 agree that the company made it easy

# Upper bounds (hours) of the follow-up time-to-close buckets the rollups keep; the last bucket
# ("later") is open-ended.
CLOSE_BUCKET_HOURS: tuple[int, ...] = (1, 4, 8, 24, 72, 168)


@dataclass(frozen=True)
class Csat:
    """n answers; `favourable` = % satisfied (4 or 5 of 5) with its Wilson interval; `mean`."""

    n: int
    favourable: float
    mean: float
    interval: Interval | None = None


@dataclass(frozen=True)
class Nps:
    """n answers; `score` = %promoters - %detractors (-100..100) +/- `margin` at 95%."""

    n: int
    promoters: float
    detractors: float
    score: float
    margin: float


@dataclass(frozen=True)
class Ces:
    """CES 2.0: n answers; `agree` = % agreeing it was easy (5-7 of 7) with its Wilson
    interval; `mean` agreement on the 1-7 scale (higher is easier)."""

    n: int
    mean: float
    agree: float = 0.0
    interval: Interval | None = None


def tally(scores: Iterable[int]) -> dict[int, int]:
    """`[5, 4, 5]` -> `{5: 2, 4: 1}`."""
    return dict(Counter(scores))


def csat(histogram: Histogram) -> Csat | None:
    """CSAT: favourable = 100 * (answers 4-5) / n with Wilson's interval; mean = sum / n."""
    satisfied = stats.histogram_share(histogram, CSAT_FAVOURABLE_MIN, 5)
    average = stats.histogram_mean(histogram)
    if satisfied is None or average is None:
        return None
    return Csat(satisfied.n, satisfied.value, average.value, satisfied.interval)


def nps(histogram: Histogram) -> Nps | None:
    """NPS = 100 * (p_p - p_d), with p_p, p_d the promoter (9-10) and detractor (0-6) shares.

    Margin of error at 95%: z * sqrt((p_p + p_d - (p_p - p_d)^2) / n) * 100, the standard error
    of a difference of two shares of one multinomial sample (core.lib.stats.net_score).
    """
    promoters = sum(c for s, c in histogram.items() if s >= NPS_PROMOTER_MIN)
    detractors = sum(c for s, c in histogram.items() if s <= NPS_DETRACTOR_MAX)
    result = stats.net_score(promoters, detractors, stats.histogram_n(histogram))
    if result is None:
        return None
    return Nps(
        n=result.n,
        promoters=result.promoter_share,
        detractors=result.detractor_share,
        score=result.value,
        margin=result.margin,
    )


def ces(histogram: Histogram) -> Ces | None:
    """CES 2.0: agree = 100 * (answers 5-7) / n with Wilson's interval; mean = sum / n."""
    agree = stats.histogram_share(histogram, CES_AGREE_MIN, 7)
    average = stats.histogram_mean(histogram)
    if agree is None or average is None:
        return None
    return Ces(agree.n, average.value, agree.value, agree.interval)


def rate(part: int, whole: int) -> float | None:
    """100 * part / whole, or None when whole is 0."""
    return None if whole == 0 else 100 * part / whole


def response_rate(responses: int, invitations_sent: int) -> float | None:
    """Response rate = 100 * responses / invitations sent."""
    return rate(responses, invitations_sent)


def kept_promise_rate(kept: int, broken: int) -> float | None:
    """Kept-promise rate = 100 * kept / (kept + broken); open promises are not yet counted."""
    return rate(kept, kept + broken)


def on_time_rate(closed_on_time: int, due: int) -> float | None:
    """Follow-ups closed on time = 100 * (due ones closed by their due time) / (those due)."""
    return rate(closed_on_time, due)


def median_time_to_close(durations: Sequence[datetime.timedelta]) -> datetime.timedelta | None:
    """The exact median of the times from a follow-up's creation to its closing."""
    if not durations:
        return None
    ordered = sorted(durations)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def close_bucket(duration: datetime.timedelta) -> int:
    """The index of the time-to-close bucket `duration` falls in (see CLOSE_BUCKET_HOURS)."""
    for index, hours in enumerate(CLOSE_BUCKET_HOURS):
        if duration <= datetime.timedelta(hours=hours):
            return index
    return len(CLOSE_BUCKET_HOURS)


def median_from_buckets(counts: Sequence[int]) -> datetime.timedelta | None:
    """The median time to close estimated from bucket counts, as rollups keep them.

    `counts[i]` answers closed within bucket i (0-1 h, 1-4 h, 4-8 h, 8-24 h, 24-72 h,
    72-168 h, later). The median lies in the first bucket whose running total reaches n/2,
    placed linearly inside it: lower + (n/2 - before) / count * (upper - lower). In the
    open-ended last bucket the answer is its lower bound (at least 7 days).
    """
    n = sum(counts)
    if n == 0:
        return None
    half = n / 2
    before = 0
    lower = 0.0
    for index, count in enumerate(counts):
        if index >= len(CLOSE_BUCKET_HOURS):
            return datetime.timedelta(hours=lower)
        upper = float(CLOSE_BUCKET_HOURS[index])
        if count and before + count >= half:
            return datetime.timedelta(hours=lower + (half - before) / count * (upper - lower))
        before += count
        lower = upper
    return datetime.timedelta(hours=lower)
