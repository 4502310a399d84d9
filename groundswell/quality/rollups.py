"""Rollups: the quality dashboard's figures summed per week, team and agent, by SQL.

Each week is the Monday of the week the interaction was opened (the work's week), so that a
review and the interaction it covers always fall in the same week and coverage (interactions
reviewed / handled) compares like with like. A week is recomputed whole, by a handful of GROUP
BY queries over the live tables, and its rows replaced in one transaction: a refresh never
leaves a week half-written and running it twice gives the same rows. Beside the rows per team
and agent, the criterion rows are also kept summed per team (`TeamWeeklyCriterionRollup`),
which the dashboard's by-criterion table reads for whole teams.

`refresh_quality_rollups` is registered as a periodic job (hourly, `quality_refresh_rollups`)
and recomputes the last GROUNDSWELL_ROLLUP_LOOKBACK_DAYS days, the first time also every week
back to the first review. A submitted or changed review enqueues `refresh_week` for its own
team and week (a few grouped queries over one team's week), so the dashboard follows within a
task's delay. Weeks before the lookback in which interactions were handled but nothing was
reviewed yet get their coverage rows only from a refresh with an explicit `since`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from groundswell.desk.models import Interaction
from groundswell.quality.choices import DONE_STATUSES
from groundswell.quality.models import (
    CriterionScore,
    Dispute,
    Review,
    TeamWeeklyCriterionRollup,
    WeeklyCriterionRollup,
    WeeklyQualityRollup,
)

Key = tuple[int, int | None]  # team id, agent id


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _bounds(week: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(week, datetime.time.min, tzinfo=zone)
    return start, start + datetime.timedelta(days=7)


def counted_reviews() -> QuerySet[Review]:
    """The reviews the dashboard counts: done, by someone else, not a calibration exercise."""
    return Review.objects.filter(
        status__in=DONE_STATUSES, is_self_review=False, calibration__isnull=True
    )


@dataclass
class _Cell:
    interactions: int = 0
    reviewed: int = 0
    reviews: int = 0
    score_sum: float = 0.0
    failed: int = 0
    disputed: int = 0


def _week_rows(
    week: datetime.date, team_id: int | None
) -> tuple[list[WeeklyQualityRollup], list[WeeklyCriterionRollup]]:
    start, end = _bounds(week)
    interactions = Interaction.objects.filter(opened_at__gte=start, opened_at__lt=end)
    reviews = counted_reviews().filter(
        interaction__opened_at__gte=start, interaction__opened_at__lt=end
    )
    if team_id is not None:
        interactions = interactions.filter(team_id=team_id)
        reviews = reviews.filter(team_id=team_id)
    cells: dict[Key, _Cell] = defaultdict(_Cell)
    for team, agent, count in (
        interactions.values("team_id", "handled_by_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "handled_by_id", "n")
    ):
        cells[(team, agent)].interactions = count
    for team, agent, count, reviewed, score_sum, failed in (
        reviews.values("team_id", "agent_id")
        .annotate(
            n=Count("pk"),
            reviewed=Count("interaction_id", distinct=True),
            score_sum=Sum("score"),
            failed=Count("pk", filter=Q(is_failed=True)),
        )
        .values_list("team_id", "agent_id", "n", "reviewed", "score_sum", "failed")
    ):
        cell = cells[(team, agent)]
        cell.reviews, cell.reviewed = count, reviewed
        cell.score_sum, cell.failed = float(score_sum or 0), failed
    for team, agent, count in (
        reviews.filter(pk__in=Dispute.objects.values("review_id"))
        .values("team_id", "agent_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "agent_id", "n")
    ):
        cells[(team, agent)].disputed = count
    rows = [
        WeeklyQualityRollup(week=week, team_id=team, agent_id=agent, **vars(cell))
        for (team, agent), cell in cells.items()
    ]
    criteria = [
        WeeklyCriterionRollup(
            week=week,
            team_id=team,
            agent_id=agent,
            criterion_key=key,
            label=label,
            scored=scored,
            fraction_sum=float(total or 0),
        )
        for team, agent, key, label, scored, total in (
            CriterionScore.objects.filter(review__in=reviews.values("pk"), fraction__isnull=False)
            .values("review__team_id", "review__agent_id", "criterion__key")
            .annotate(label=Max("criterion__behaviour"), n=Count("pk"), total=Sum("fraction"))
            .values_list(
                "review__team_id", "review__agent_id", "criterion__key", "label", "n", "total"
            )
        )
    ]
    return rows, criteria


def team_criteria(rows: list[WeeklyCriterionRollup]) -> list[TeamWeeklyCriterionRollup]:
    """Agents' criterion rows summed per team, week and criterion (the label: the greatest,
    as the dashboard's `Max` picks it across versions)."""
    teams: dict[tuple[datetime.date, int, str], TeamWeeklyCriterionRollup] = {}
    for row in rows:
        key = (row.week, row.team_id, row.criterion_key)
        team = teams.get(key)
        if team is None:
            teams[key] = TeamWeeklyCriterionRollup(
                week=row.week,
                team_id=row.team_id,
                criterion_key=row.criterion_key,
                label=row.label,
                scored=row.scored,
                fraction_sum=row.fraction_sum,
            )
        else:
            team.label = max(team.label, row.label)
            team.scored += row.scored
            team.fraction_sum += row.fraction_sum
    return list(teams.values())


@transaction.atomic
def refresh_week(week: datetime.date, team_id: int | None = None) -> int:
    """Recompute one week (of one team, or of all); returns the rows written."""
    week = monday(week)
    rows, criteria = _week_rows(week, team_id)
    old = WeeklyQualityRollup.objects.filter(week=week)
    old_criteria = WeeklyCriterionRollup.objects.filter(week=week)
    old_teams = TeamWeeklyCriterionRollup.objects.filter(week=week)
    if team_id is not None:
        old, old_criteria = old.filter(team_id=team_id), old_criteria.filter(team_id=team_id)
        old_teams = old_teams.filter(team_id=team_id)
    old.delete()
    old_criteria.delete()
    old_teams.delete()
    WeeklyQualityRollup.objects.bulk_create(rows)
    WeeklyCriterionRollup.objects.bulk_create(criteria)
    teams = TeamWeeklyCriterionRollup.objects.bulk_create(team_criteria(criteria))
    return len(rows) + len(criteria) + len(teams)


def refresh_quality_rollups(since: datetime.date | None = None) -> int:
    """Recompute every week from `since` (default: the lookback window, or since the first
    review when nothing is rolled up yet) to this week; returns the rows written."""
    today = timezone.localdate()
    if since is None:
        since = today - datetime.timedelta(days=settings.GROUNDSWELL_ROLLUP_LOOKBACK_DAYS)
        if not WeeklyQualityRollup.objects.exists():
            first = counted_reviews().aggregate(first=Min("interaction__opened_at"))["first"]
            if first is not None:
                since = min(since, timezone.localtime(first).date())
    week, written = monday(since), 0
    while week <= today:
        written += refresh_week(week)
        week += datetime.timedelta(days=7)
    return written


def week_of(review: Review) -> datetime.date:
    return monday(timezone.localtime(review.interaction.opened_at).date())
