"""Recognition against customer satisfaction, month by month, for one team (the reach page).

Per month of the last six: the share of the team's active people recognised that month (a
shown kudos, an approved compliment or an approved hero story; one grouped query for every
month) with Wilson's interval, and the team's CSAT (% satisfied) with its interval, read
through voice's dashboard (`VoiceMetrics.by_week`, as the viewer may see it). The dashboard
counts in weeks; a week counts in the month its Thursday falls in (the ISO rule), so a month's
CSAT is that of four or five whole weeks. The team's people are those active in it now: the
product keeps no history of who was in which team. A share is shown from the minimum group
(`GROUNDSWELL_MIN_AGENT_RESPONSES` people), a CSAT from that many answers; n always.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import formats, timezone

from groundswell.core.lib import stats
from groundswell.people.models import Person, Team
from groundswell.recognition.choices import ReviewStatus
from groundswell.recognition.models import Compliment, HeroNomination, Kudos
from groundswell.voice.choices import SurveyKind
from groundswell.voice.dashboard import metrics, rollups
from groundswell.voice.dashboard.selectors import VoiceFilters, VoiceMetrics

MONTHS = 6
CHART_WIDTH = 100
CHART_HEIGHT = 50


@dataclass(frozen=True)
class MonthPoint:
    """One month of a team: recognition reach and CSAT, each None below its minimum."""

    month: datetime.date
    people: int
    recognised: int
    share: stats.Estimate | None
    csat: metrics.Csat | None
    csat_n: int


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Series:
    """One line of the chart: its dots and the segments joining months next to each other."""

    name: str
    dots: list[Dot]
    segments: list[tuple[float, float, float, float]]


@dataclass(frozen=True)
class Trend:
    team: Team
    months: list[MonthPoint]
    minimum: int
    series: list[Series]
    ticks: list[tuple[float, str]]


def _months(today: datetime.date) -> list[datetime.date]:
    first = today.replace(day=1)
    months = [first]
    for _index in range(MONTHS - 1):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return list(reversed(months))


def _bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.datetime.combine(month, datetime.time.min), zone),
        timezone.make_aware(datetime.datetime.combine(following, datetime.time.min), zone),
    )


def _recognised_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    kudos = Kudos.objects.filter(
        recipient=OuterRef("pk"), is_hidden=False, created_at__gte=start, created_at__lt=end
    )
    compliments = Compliment.objects.filter(
        agent=OuterRef("pk"),
        status=ReviewStatus.APPROVED,
        received_at__gte=start,
        received_at__lt=end,
    )
    heroes = HeroNomination.objects.filter(
        nominee=OuterRef("pk"),
        status=ReviewStatus.APPROVED,
        created_at__gte=start,
        created_at__lt=end,
    )
    return Q(Exists(kudos)) | Q(Exists(compliments)) | Q(Exists(heroes))


def _recognised(team: Team, months: list[datetime.date]) -> tuple[int, list[int]]:
    """The team's active people, and how many of them were recognised in each month."""
    counts = {
        f"m{index}": Count("pk", filter=_recognised_between(*_bounds(month)))
        for index, month in enumerate(months)
    }
    row = Person.objects.filter(team=team, is_active=True).aggregate(people=Count("pk"), **counts)
    return row["people"], [row[f"m{index}"] for index in range(len(months))]


def _csat_by_month(
    viewer: Person, team: Team, months: list[datetime.date], now: datetime.datetime | None
) -> dict[datetime.date, dict[int, int]]:
    today = timezone.localdate(now)
    first_monday = rollups.monday(months[0])
    weeks = (rollups.monday(today) - first_monday).days // 7 + 1
    try:
        reading = VoiceMetrics(viewer, VoiceFilters(weeks=weeks, team_id=team.pk), now=now)
        by_week = reading.by_week
    except Http404:  # the viewer may not read this team's customer voice
        return {}
    histograms: dict[datetime.date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for week in by_week:
        month = (week.week + datetime.timedelta(days=3)).replace(day=1)
        for score, count in week.figures.histogram(SurveyKind.CSAT).items():
            histograms[month][score] += count
    return histograms


def _y(value: float) -> float:
    return round(CHART_HEIGHT - value * CHART_HEIGHT / 100, 2)


def _series(name: str, points: list[tuple[float, stats.Estimate | None]]) -> Series:
    dots = [
        Dot(
            x=x,
            y=_y(estimate.value),
            low=_y(estimate.interval.low if estimate.interval else estimate.value),
            high=_y(estimate.interval.high if estimate.interval else estimate.value),
            label=f"{estimate.value:.0f}% (n={estimate.n})",
        )
        for x, estimate in points
        if estimate is not None
    ]
    segments = []
    for (x1, first), (x2, second) in itertools.pairwise(points):
        if first is not None and second is not None:
            segments.append((x1, _y(first.value), x2, _y(second.value)))
    return Series(name=name, dots=dots, segments=segments)


def trend_for(viewer: Person, team: Team, *, now: datetime.datetime | None = None) -> Trend:
    """Six months of `team`: share recognised and CSAT, each with n and interval."""
    months = _months(timezone.localdate(now))
    minimum = settings.GROUNDSWELL_MIN_AGENT_RESPONSES
    people, recognised = _recognised(team, months)
    csat = _csat_by_month(viewer, team, months, now)
    points = []
    for month, count in zip(months, recognised, strict=True):
        answers = csat.get(month, {})
        reading = metrics.csat(answers)
        points.append(
            MonthPoint(
                month=month,
                people=people,
                recognised=count,
                share=stats.share(count, people) if people >= minimum else None,
                csat=reading if reading is not None and reading.n >= minimum else None,
                csat_n=reading.n if reading is not None else 0,
            )
        )
    step = CHART_WIDTH / (len(months) + 1)
    xs = [round(step * (index + 1), 2) for index in range(len(months))]
    csat_estimates = [
        stats.Estimate(p.csat.favourable, p.csat.interval, p.csat.n, "Wilson score interval")
        if p.csat is not None
        else None
        for p in points
    ]
    return Trend(
        team=team,
        months=points,
        minimum=minimum,
        series=[
            _series("recognised", list(zip(xs, [p.share for p in points], strict=True))),
            _series("csat", list(zip(xs, csat_estimates, strict=True))),
        ],
        ticks=[(x, formats.date_format(month, "M")) for x, month in zip(xs, months, strict=True)],
    )
