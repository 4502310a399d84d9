"""API shapes for customer-voice metrics.

Percentages are 0-100 and null where there is nothing to measure (no answers, nothing sent).
Every figure is rounded as the dashboard shows it (core.lib.stats.round_half_away: whole points
for shares and NPS, two decimals for means), so page and API agree; `*_unrounded` fields keep
every digit for analysis.
"""

import datetime

from ninja import Schema
from pydantic import Field, field_validator

from groundswell.core.lib import stats
from groundswell.core.schemas import Id
from groundswell.desk.choices import Channel
from groundswell.voice.choices import Scale
from groundswell.voice.dashboard import metrics
from groundswell.voice.dashboard.selectors import PERIOD_WEEKS, Figures


class MetricsFilter(Schema):
    weeks: int = Field(13, description="The period: this week and the ones before, 4, 13 or 52.")
    team: Id | None = None
    channel: Channel | None = None

    @field_validator("weeks")
    @classmethod
    def known_period(cls, value: int) -> int:
        if value not in PERIOD_WEEKS:
            raise ValueError("Choose 4, 13 or 52 weeks.")
        return value


def _whole(value: float | None) -> int | None:
    return None if value is None else stats.whole_points(value)


def _two(value: float | None) -> float | None:
    return None if value is None else stats.rounded(value, 2)


class IntervalOut(Schema):
    """A 95% interval in whole points, as the page shows it."""

    low: int
    high: int
    level: float

    @staticmethod
    def resolve_low(interval: stats.Interval) -> int:
        return stats.whole_points(interval.low)

    @staticmethod
    def resolve_high(interval: stats.Interval) -> int:
        return stats.whole_points(interval.high)


class CsatOut(Schema):
    """Rounded as on the page (whole points, mean to two decimals); `*_unrounded` keep every
    digit."""

    n: int
    favourable: int = Field(description="Per cent answering 4 or 5 of 5, whole points.")
    interval: IntervalOut | None
    mean: float = Field(description="Mean score (1-5), two decimals.")
    favourable_unrounded: float
    mean_unrounded: float

    @staticmethod
    def resolve_favourable(csat: metrics.Csat) -> int:
        return stats.whole_points(csat.favourable)

    @staticmethod
    def resolve_mean(csat: metrics.Csat) -> float:
        return stats.rounded(csat.mean, 2)

    @staticmethod
    def resolve_favourable_unrounded(csat: metrics.Csat) -> float:
        return csat.favourable

    @staticmethod
    def resolve_mean_unrounded(csat: metrics.Csat) -> float:
        return csat.mean


class NpsOut(Schema):
    """Whole points, as on the page; `*_unrounded` keep every digit."""

    n: int
    promoters: int
    detractors: int
    score: int
    margin: int
    promoters_unrounded: float
    detractors_unrounded: float
    score_unrounded: float
    margin_unrounded: float

    @staticmethod
    def resolve_promoters(nps: metrics.Nps) -> int:
        return stats.whole_points(nps.promoters)

    @staticmethod
    def resolve_detractors(nps: metrics.Nps) -> int:
        return stats.whole_points(nps.detractors)

    @staticmethod
    def resolve_score(nps: metrics.Nps) -> int:
        return stats.whole_points(nps.score)

    @staticmethod
    def resolve_margin(nps: metrics.Nps) -> int:
        return stats.whole_points(nps.margin)

    @staticmethod
    def resolve_promoters_unrounded(nps: metrics.Nps) -> float:
        return nps.promoters

    @staticmethod
    def resolve_detractors_unrounded(nps: metrics.Nps) -> float:
        return nps.detractors

    @staticmethod
    def resolve_score_unrounded(nps: metrics.Nps) -> float:
        return nps.score

    @staticmethod
    def resolve_margin_unrounded(nps: metrics.Nps) -> float:
        return nps.margin


class CesOut(Schema):
    """CES 2.0 answers only (agreement, 1 strongly disagree to 7 strongly agree); answers on
    the legacy effort scale are counted apart (`ces_legacy_answers`), never averaged in."""

    scale: Scale = Field(
        Scale.CES2_AGREEMENT, description="The scale every answer counted here is on."
    )
    n: int
    mean: float = Field(description="Mean agreement (1-7, higher is easier), two decimals.")
    agree: int = Field(description="Per cent agreeing (5 to 7), whole points.")
    interval: IntervalOut | None = Field(description="Wilson interval of `agree`.")
    mean_unrounded: float
    agree_unrounded: float

    @staticmethod
    def resolve_scale(ces: metrics.Ces) -> str:
        return Scale.CES2_AGREEMENT

    @staticmethod
    def resolve_mean(ces: metrics.Ces) -> float:
        return stats.rounded(ces.mean, 2)

    @staticmethod
    def resolve_agree(ces: metrics.Ces) -> int:
        return stats.whole_points(ces.agree)

    @staticmethod
    def resolve_mean_unrounded(ces: metrics.Ces) -> float:
        return ces.mean

    @staticmethod
    def resolve_agree_unrounded(ces: metrics.Ces) -> float:
        return ces.agree


class FiguresOut(Schema):
    """Percentages in whole points and hours to one decimal, rounded as on the page (half away
    from zero); `*_unrounded` keep every digit. `scores` counts answers per measure and score:
    `ces` is CES 2.0, `ces_effort` the legacy effort answers (1 easy - 7 hard)."""

    responses: int
    invitations_sent: int
    response_rate: int | None
    csat: CsatOut | None
    nps: NpsOut | None
    ces: CesOut | None
    ces_legacy_answers: int = Field(
        description="Answers on the legacy effort scale, left out of `ces`."
    )
    interactions: int
    promises_kept: int
    promises_broken: int
    kept_promise_rate: int | None
    follow_ups_due: int
    follow_ups_on_time_rate: int | None
    median_hours_to_close: float | None
    response_rate_unrounded: float | None
    kept_promise_rate_unrounded: float | None
    follow_ups_on_time_rate_unrounded: float | None
    median_hours_to_close_unrounded: float | None
    scores: dict[str, list[int]]

    @staticmethod
    def resolve_response_rate(figures: Figures) -> int | None:
        return _whole(figures.response_rate)

    @staticmethod
    def resolve_kept_promise_rate(figures: Figures) -> int | None:
        return _whole(figures.kept_promise_rate)

    @staticmethod
    def resolve_follow_ups_on_time_rate(figures: Figures) -> int | None:
        return _whole(figures.follow_ups_on_time_rate)

    @staticmethod
    def resolve_median_hours_to_close(figures: Figures) -> float | None:
        hours = figures.median_hours_to_close
        return None if hours is None else stats.rounded(hours, 1)

    @staticmethod
    def resolve_response_rate_unrounded(figures: Figures) -> float | None:
        return figures.response_rate

    @staticmethod
    def resolve_kept_promise_rate_unrounded(figures: Figures) -> float | None:
        return figures.kept_promise_rate

    @staticmethod
    def resolve_follow_ups_on_time_rate_unrounded(figures: Figures) -> float | None:
        return figures.follow_ups_on_time_rate

    @staticmethod
    def resolve_median_hours_to_close_unrounded(figures: Figures) -> float | None:
        return figures.median_hours_to_close


class SummaryOut(Schema):
    start: datetime.date
    weeks: int
    figures: FiguresOut


class TeamFiguresOut(Schema):
    team: int
    name: str
    figures: FiguresOut


class ChannelFiguresOut(Schema):
    channel: Channel
    figures: FiguresOut


class WeekFiguresOut(Schema):
    week: datetime.date
    figures: FiguresOut


class AgentFiguresOut(Schema):
    """An agent's answers; a kind's figures are null below the minimum number of answers."""

    agent: int
    name: str
    responses: int
    suppressed: bool
    minimum: int
    csat: CsatOut | None
    nps: NpsOut | None
    ces: CesOut | None


class AnalyticsSummaryOut(Schema):
    """Interactions per team id (all time), for the teams you may see."""

    by_team: dict[str, int]
