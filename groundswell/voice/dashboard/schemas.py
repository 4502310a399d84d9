"""API shapes for customer-voice metrics.

Percentages are 0-100 and null where there is nothing to measure (no answers, nothing sent).
"""

import datetime

from ninja import Schema
from pydantic import Field, field_validator

from groundswell.core.schemas import Id
from groundswell.desk.choices import Channel
from groundswell.voice.dashboard.selectors import PERIOD_WEEKS


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


class CsatOut(Schema):
    n: int
    favourable: float
    mean: float


class NpsOut(Schema):
    n: int
    promoters: float
    detractors: float
    score: float
    margin: float


class CesOut(Schema):
    n: int
    mean: float


class FiguresOut(Schema):
    responses: int
    invitations_sent: int
    response_rate: float | None
    csat: CsatOut | None
    nps: NpsOut | None
    ces: CesOut | None
    interactions: int
    promises_kept: int
    promises_broken: int
    kept_promise_rate: float | None
    follow_ups_due: int
    follow_ups_on_time_rate: float | None
    median_hours_to_close: float | None
    scores: dict[str, list[int]]


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
