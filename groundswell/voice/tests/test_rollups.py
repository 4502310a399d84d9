"""Rollup refresh: the same figures as live aggregation, idempotent, and never leaving a gap."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from groundswell.desk.choices import PromiseStatus
from groundswell.people.models import Person, Team
from groundswell.voice import rollups
from groundswell.voice.models import (
    DailyServiceRollup,
    DailyVoiceRollup,
    VoiceRollupState,
    WeeklyAgentRollup,
)
from groundswell.voice.rollup_tasks import refresh_voice_rollups_task
from groundswell.voice.selectors import VoiceFilters, VoiceMetrics
from groundswell.voice.tests import dashboard_data as data

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def history(agent: Person, other_agent: Person, team_alpha: Team, team_beta: Team) -> None:
    """Answers, promises and follow-ups spread over five weeks, today included."""
    now = timezone.now()
    for days_ago, scores in ((0, [5, 1]), (2, [4, 4, 2]), (9, [5, 3]), (30, [1, 5, 5])):
        at = now - days_ago * DAY - datetime.timedelta(seconds=1)
        made = data.answers(team_alpha, "csat", scores, at=at, agent=agent, unanswered=2)
        data.answers(team_beta, "nps", [10, 6, 8], at=at, agent=other_agent, channel="phone")
        data.answers(team_beta, "ces", [2, 6], at=at, channel="chat")
        data.follow_up(made[-1], created_at=at, due_at=at + 20 * HOUR, closed_at=at + 3 * HOUR)
        data.follow_up(made[0], created_at=at, due_at=at + 20 * HOUR, closed_at=at + 30 * HOUR)
        interaction = data.interactions(team_alpha, 1, at=at - HOUR)[0]
        data.promise(interaction, PromiseStatus.KEPT, settled_at=at)
        data.promise(interaction, PromiseStatus.BROKEN, settled_at=at)


def _snapshot(viewer: Person) -> tuple[object, ...]:
    figures = VoiceMetrics(viewer, VoiceFilters(weeks=13))
    return (
        figures.summary,
        [(row.team.pk, row.figures) for row in figures.by_team],
        [(row.channel, row.figures) for row in figures.by_channel],
        [(row.week, row.figures) for row in figures.by_week],
        [(row.agent.pk, row.figures) for row in figures.by_agent],
    )


@pytest.mark.usefixtures("history")
def test_rolled_up_figures_equal_live_aggregation(admin: Person, manager: Person) -> None:
    live = _snapshot(admin), _snapshot(manager)
    result = rollups.refresh_voice_rollups()
    assert result.voice_rows > 0
    assert result.service_rows > 0
    assert result.agent_rows > 0
    assert (_snapshot(admin), _snapshot(manager)) == live
    summary = VoiceMetrics(admin, VoiceFilters()).summary
    # csat 5,1 + 4,4,2 + 5,3 + 1,5,5 = 10 answers, six of them 4 or 5
    assert summary.csat is not None
    assert (summary.csat.n, summary.csat.favourable) == (10, 60.0)
    assert summary.promises_kept == summary.promises_broken == 4
    # two follow-ups a day on four days, but today's are not due yet (20 hours after now)
    assert summary.follow_ups_due == 6
    assert summary.follow_ups_on_time == 3


@pytest.mark.usefixtures("history")
def test_refresh_is_idempotent(admin: Person) -> None:
    rollups.refresh_voice_rollups()
    counts = (
        DailyVoiceRollup.objects.count(),
        DailyServiceRollup.objects.count(),
        WeeklyAgentRollup.objects.count(),
    )
    before = _snapshot(admin)
    rollups.refresh_voice_rollups(since=timezone.localdate() - 60 * DAY)
    rollups.refresh_voice_rollups()
    assert (
        DailyVoiceRollup.objects.count(),
        DailyServiceRollup.objects.count(),
        WeeklyAgentRollup.objects.count(),
    ) == counts
    assert _snapshot(admin) == before
    assert VoiceRollupState.objects.get().complete_through == timezone.localdate() - DAY


@pytest.mark.usefixtures("history")
def test_today_is_never_rolled_up() -> None:
    rollups.refresh_voice_rollups()
    assert not DailyVoiceRollup.objects.filter(day__gte=timezone.localdate()).exists()


def test_a_later_since_never_leaves_a_gap(agent: Person, team_alpha: Team) -> None:
    today = timezone.localdate()
    rollups.refresh_voice_rollups(today=today - 10 * DAY)
    data.answers(team_alpha, "csat", [5], at=rollups.day_start(today - 5 * DAY) + HOUR)
    result = rollups.refresh_voice_rollups(since=today - 2 * DAY, today=today)
    assert result.first_day is not None
    assert result.first_day <= today - 10 * DAY
    assert DailyVoiceRollup.objects.filter(day=today - 5 * DAY).get().score_5 == 1


def test_follow_up_close_times_fall_in_buckets(team_alpha: Team) -> None:
    at = rollups.day_start(timezone.localdate() - 10 * DAY) + HOUR
    made = data.answers(team_alpha, "csat", [1, 1, 2], at=at)
    for response, hours in zip(made, (1, 5, 200), strict=True):
        data.follow_up(response, created_at=at, due_at=at + 8 * HOUR, closed_at=at + hours * HOUR)
    rollups.refresh_voice_rollups()
    row = DailyVoiceRollup.objects.get(closed_1h=1)
    assert (row.closed_8h, row.closed_later) == (1, 0)
    late = DailyVoiceRollup.objects.get(closed_later=1)
    assert late.day == timezone.localdate(at + 200 * HOUR)


def test_command_and_task_refresh(team_alpha: Team) -> None:
    data.answers(team_alpha, "csat", [4], at=timezone.now() - 3 * DAY)
    call_command("refresh_voice_rollups", "--since", str(timezone.localdate() - 5 * DAY))
    assert DailyVoiceRollup.objects.count() == 1
    DailyVoiceRollup.objects.all().delete()
    refresh_voice_rollups_task.enqueue(since=None)
    assert DailyVoiceRollup.objects.count() == 1
