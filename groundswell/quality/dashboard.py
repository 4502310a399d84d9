"""The quality dashboard: score, coverage and dispute rate by week, team, agent and criterion,
and calibration agreement over time, read from the weekly rollups (`quality.rollups`).

Who sees what follows Action.VIEW_QUALITY: an agent their own work, a team lead their teams',
a manager their department's, an executive and an admin everything. Each figure carries its n;
a figure resting on fewer reviews (or interactions, for coverage) than the customer side's
minimum (GROUNDSWELL_MIN_AGENT_RESPONSES, the voice dashboard's rule for an agent's scores) is
hidden and says how many it has so far.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, restrict, teams_in_scope
from groundswell.quality.models import (
    Calibration,
    TeamWeeklyCriterionRollup,
    WeeklyCriterionRollup,
    WeeklyQualityRollup,
)
from groundswell.quality.rollups import monday

PERIODS = (4, 12, 26, 52)  # weeks
DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Figure:
    """A share or a mean with its n; `value` None when hidden (n under the minimum) or empty."""

    value: float | None
    n: int
    hidden: bool


def _figure(total: float, n: int, minimum: int, *, scale: float = 1.0) -> Figure:
    if n == 0:
        return Figure(None, 0, False)
    if n < minimum:
        return Figure(None, n, True)
    return Figure(round(total / n * scale, 1), n, False)


@dataclass
class _Sums:
    interactions: int = 0
    reviewed: int = 0
    reviews: int = 0
    score_sum: float = 0.0
    disputed: int = 0

    def add(self, row: tuple[int, int, int, float, int]) -> None:
        self.interactions += row[0]
        self.reviewed += row[1]
        self.reviews += row[2]
        self.score_sum += row[3]
        self.disputed += row[4]


@dataclass(frozen=True)
class Line:
    """One row of a table: a week, team or agent, with its figures."""

    label: str
    reviews: int
    score: Figure  # mean review score, per cent
    coverage: Figure  # interactions reviewed / handled, per cent
    dispute_rate: Figure  # reviews disputed / reviews, per cent
    query: str = ""  # the dashboard narrowed to this team or agent, as a query string


def _line(label: str, sums: _Sums, minimum: int, *, query: str = "") -> Line:
    return Line(
        label=label,
        query=query,
        reviews=sums.reviews,
        score=_figure(sums.score_sum, sums.reviews, minimum),
        coverage=_figure(sums.reviewed, sums.interactions, minimum, scale=100),
        dispute_rate=_figure(sums.disputed, sums.reviews, minimum, scale=100),
    )


@dataclass(frozen=True)
class CriterionLine:
    label: str
    met: Figure  # mean share of the criterion met (0..1 as per cent)


@dataclass(frozen=True)
class AgreementPoint:
    calibration: Calibration

    @property
    def alpha(self) -> float | None:
        return self.calibration.overall_alpha


@dataclass(frozen=True)
class QualityDashboard:
    weeks: int
    team: Team | None
    agent: Person | None
    since: datetime.date
    minimum: int
    total: Line
    by_week: list[Line]
    by_team: list[Line]
    by_agent: list[Line]
    by_criterion: list[CriterionLine]
    agreement: list[AgreementPoint] = field(default_factory=list)

    @property
    def total_lines(self) -> list[Line]:
        return [self.total]

    @property
    def is_empty(self) -> bool:
        return self.total.reviews == 0 and self.total.coverage.n == 0


def quality_dashboard(
    viewer: Person,
    *,
    weeks: int = DEFAULT_WEEKS,
    team: Team | None = None,
    agent: Person | None = None,
) -> QualityDashboard:
    """The dashboard over the last `weeks` weeks, narrowed to one team or agent if asked,
    always within the viewer's reach; a fixed number of queries whatever the data."""
    minimum = settings.GROUNDSWELL_MIN_AGENT_RESPONSES
    since = monday(timezone.localdate()) - datetime.timedelta(weeks=weeks - 1)
    weekly = restrict(
        WeeklyQualityRollup.objects.filter(week__gte=since),
        viewer,
        Action.VIEW_QUALITY,
        team="team",
        also=Q(agent=viewer),
    ).order_by()
    if team is not None:
        weekly = weekly.filter(team=team)
    if agent is not None:
        weekly = weekly.filter(agent=agent)
    # Summed by SQL: one row per week and one per team and agent, not one per agent and week.
    sums = {
        "interactions": Sum("interactions"),
        "reviewed": Sum("reviewed"),
        "reviews": Sum("reviews"),
        "score_sum": Sum("score_sum"),
        "disputed": Sum("disputed"),
    }
    columns = list(sums)
    total = _Sums()
    by_week: dict[datetime.date, _Sums] = defaultdict(_Sums)
    for week, *row in weekly.values("week").annotate(**sums).values_list("week", *columns):
        by_week[week].add(_row(row))
        total.add(_row(row))
    by_team: dict[tuple[str, int], _Sums] = defaultdict(_Sums)
    by_agent: dict[tuple[str, int | None], _Sums] = defaultdict(_Sums)
    # Grouped by the two ids only, the names taken with Max: grouping by the names as well
    # made SQLite sort by them, three times slower.
    for team_id, team_name, agent_id, agent_name, *row in (
        weekly.values("team_id", "agent_id")
        .annotate(team_name=Max("team__name"), agent_name=Max("agent__full_name"), **sums)
        .values_list("team_id", "team_name", "agent_id", "agent_name", *columns)
    ):
        by_team[(team_name, team_id)].add(_row(row))
        by_agent[(agent_name or "—", agent_id)].add(_row(row))
    all_weeks = [since + datetime.timedelta(weeks=i) for i in range(weeks)]
    return QualityDashboard(
        weeks=weeks,
        team=team,
        agent=agent,
        since=since,
        minimum=minimum,
        total=_line(_("Everything in your view"), total, minimum),
        by_week=[_line(week.isoformat(), by_week[week], minimum) for week in all_weeks],
        by_team=[
            _line(name, sums, minimum, query=f"team={pk}")
            for (name, pk), sums in sorted(by_team.items())
        ],
        by_agent=[
            _line(name, sums, minimum, query=f"agent={pk}" if pk else "")
            for (name, pk), sums in sorted(by_agent.items(), key=_by_name)
        ],
        by_criterion=[
            CriterionLine(label, _figure(total, scored, minimum, scale=100))
            for label, total, scored in criterion_sums(viewer, since, team=team, agent=agent)
        ],
        agreement=agreement_over_time(viewer, since),
    )


def _row(row: list[Any]) -> tuple[int, int, int, float, int]:
    handled, reviewed, reviews, score_sum, disputed = row
    return (
        int(handled or 0),
        int(reviewed or 0),
        int(reviews or 0),
        float(score_sum or 0),
        int(disputed or 0),
    )


def _by_name(item: tuple[tuple[str, int | None], _Sums]) -> tuple[str, int]:
    (name, pk), _sums = item
    return name, pk or 0


def criterion_sums(
    viewer: Person, since: datetime.date, *, team: Team | None = None, agent: Person | None = None
) -> list[tuple[str, float, int]]:
    """(label, sum of the 0..1 fractions, times scored) per criterion, by label, in one query.

    The rows in reach are those of the teams in the viewer's scope and the viewer's own work
    (`restrict`'s `also`). The teams' part is read from the team rollups (one row per team,
    week and criterion: a twentieth of the agents' rows, found by the (team, week) index), the
    viewer's own work outside those teams from the agents' rows; together they are exactly the
    agents' rows in reach, as team rows are sums of agent rows (`rollups.team_criteria`).
    Narrowed to one agent, that agent's rows are read."""
    sums = {"name": Max("label"), "total": Sum("fraction_sum"), "n": Sum("scored")}
    agents = WeeklyCriterionRollup.objects.filter(week__gte=since)
    if agent is not None:
        rows = restrict(agents, viewer, Action.VIEW_QUALITY, team="team", also=Q(agent=viewer))
        rows = rows.filter(agent=agent)
        if team is not None:
            rows = rows.filter(team=team)
        parts = _criterion_part(rows, sums)
    else:
        teams = restrict(
            TeamWeeklyCriterionRollup.objects.filter(week__gte=since),
            viewer,
            Action.VIEW_QUALITY,
            team="team",
        )
        own = restrict(
            agents.filter(agent=viewer).exclude(
                team__in=teams_in_scope(viewer, Action.VIEW_QUALITY)
            ),
            viewer,
            Action.VIEW_QUALITY,
            also=Q(agent=viewer),
        )
        if team is not None:
            teams, own = teams.filter(team=team), own.filter(team=team)
        parts = _criterion_part(teams, sums).union(_criterion_part(own, sums), all=True)
    merged: dict[str, tuple[str, float, int]] = {}
    for key, label, total, scored in parts.order_by():
        before = merged.get(key)
        if before is None:
            merged[key] = (label, float(total or 0), int(scored or 0))
        else:
            merged[key] = (
                max(before[0], label),
                before[1] + float(total or 0),
                before[2] + int(scored or 0),
            )
    return sorted(merged.values())


def _criterion_part(rows: QuerySet[Any], sums: dict[str, Any]) -> QuerySet[Any]:
    part: QuerySet[Any] = (
        rows.order_by()
        .values("criterion_key")
        .annotate(**sums)
        .values_list("criterion_key", "name", "total", "n")
    )
    return part


def agreement_over_time(viewer: Person, since: datetime.date) -> list[AgreementPoint]:
    """Revealed calibrations the viewer may read, oldest first, with their overall alpha."""
    calibrations = (
        Calibration.objects.visible_to(viewer)
        .filter(results_at__isnull=False, revealed_at__date__gte=since)
        .order_by("revealed_at", "pk")
    )
    return [AgreementPoint(calibration) for calibration in calibrations]
