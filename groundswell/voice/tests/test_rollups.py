"""Rollup refresh: the same figures as live aggregation, idempotent, and never leaving a gap."""

import datetime
import importlib
import re
import zoneinfo
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum
from django.test.utils import override_settings
from django.utils import timezone

from groundswell.core.lib.prepared import PreparedRows
from groundswell.desk.choices import PromiseStatus
from groundswell.people.models import Person, Team
from groundswell.voice.dashboard import rollups, selectors
from groundswell.voice.dashboard.selectors import VoiceFilters, VoiceMetrics
from groundswell.voice.dashboard.tasks import refresh_voice_rollups_task
from groundswell.voice.models import (
    DailyServiceRollup,
    DailyVoiceRollup,
    VoiceRollupState,
    WeeklyAgentRollup,
    WeeklyServiceRollup,
    WeeklyVoiceRollup,
)
from groundswell.voice.tests import factories as data

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


def _snapshot(viewer: Person, now: datetime.datetime | None = None) -> tuple[object, ...]:
    figures = VoiceMetrics(viewer, VoiceFilters(weeks=13), now=now)
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


Sums = dict[tuple[Any, ...], dict[str, int]]


def _weeks_from_days() -> tuple[Sums, Sums]:
    """The daily rollups summed by hand per week (Monday) and team, channel (and kind)."""
    voice: Sums = {}
    for day in DailyVoiceRollup.objects.all():
        key = (rollups.monday(day.day), day.team_id, day.channel, day.kind)
        sums = voice.setdefault(key, dict.fromkeys(rollups.VOICE_FIELDS, 0))
        for name in rollups.VOICE_FIELDS:
            sums[name] += getattr(day, name)
    service: Sums = {}
    for service_day in DailyServiceRollup.objects.all():
        week = rollups.monday(service_day.day)
        sums = service.setdefault(
            (week, service_day.team_id, service_day.channel),
            dict.fromkeys(rollups.SERVICE_FIELDS, 0),
        )
        for name in rollups.SERVICE_FIELDS:
            sums[name] += getattr(service_day, name)
    return voice, service


def _weeks() -> tuple[Sums, Sums]:
    voice: Sums = {
        (row.week, row.team_id, row.channel, row.kind): {
            name: getattr(row, name) for name in rollups.VOICE_FIELDS
        }
        for row in WeeklyVoiceRollup.objects.all()
    }
    service: Sums = {
        (row.week, row.team_id, row.channel): {
            name: getattr(row, name) for name in rollups.SERVICE_FIELDS
        }
        for row in WeeklyServiceRollup.objects.all()
    }
    return voice, service


def test_weekly_rollups_are_the_days_summed_per_week(
    agent: Person, team_alpha: Team, team_beta: Team
) -> None:
    """A Sunday and the Monday after it fall in two weeks; the current week holds the days
    rolled up so far."""
    monday = rollups.monday(timezone.localdate()) - 7 * DAY
    days = (monday - DAY, monday, monday + 6 * DAY, timezone.localdate() - DAY)
    for day, scores in zip(days, ([5, 1], [4], [2, 3], [5]), strict=True):
        at = rollups.day_start(day) + 23 * HOUR
        made = data.answers(team_alpha, "csat", scores, at=at, agent=agent, unanswered=1)
        data.answers(team_beta, "nps", [9], at=at, channel="phone")
        data.follow_up(made[0], created_at=at, due_at=at + HOUR, closed_at=at + 2 * HOUR)
        data.promise(data.interactions(team_alpha, 1, at=at)[0], "kept", settled_at=at)
    rollups.refresh_voice_rollups()
    assert _weeks() == _weeks_from_days()
    by_week = dict(
        WeeklyVoiceRollup.objects.filter(team=team_alpha)
        .values_list("week")
        .annotate(n=Sum("responses"))
        .order_by("week")
    )
    # Sunday (2 answers) before `monday`; Monday and Sunday (1 + 2) in its week; yesterday (1)
    # in the current week unless today is Monday (then yesterday is that Sunday).
    expected = (
        {monday - 7 * DAY: 2, monday: 4}
        if timezone.localdate().weekday() == 0
        else {
            monday - 7 * DAY: 2,
            monday: 3,
            rollups.monday(timezone.localdate()): 1,
        }
    )
    assert by_week == expected
    assert {
        week.weekday() for week in WeeklyVoiceRollup.objects.values_list("week", flat=True)
    } == {0}


@pytest.mark.usefixtures("history")
def test_a_later_refresh_recomputes_the_weeks_it_touches(team_alpha: Team) -> None:
    rollups.refresh_voice_rollups()
    data.answers(team_alpha, "ces", [3, 4], at=timezone.now() - 2 * DAY)
    rollups.refresh_voice_rollups()
    assert _weeks() == _weeks_from_days()
    assert WeeklyVoiceRollup.objects.filter(kind="ces", team=team_alpha).exists()


@pytest.mark.usefixtures("history")
def test_starting_over_leaves_no_week_of_days_that_are_gone(team_alpha: Team) -> None:
    """As after the demo wipes the daily rollups and their state: old weeks go too."""
    rollups.refresh_voice_rollups()
    DailyVoiceRollup.objects.all().delete()
    DailyServiceRollup.objects.all().delete()
    VoiceRollupState.objects.all().delete()
    old = rollups.monday(timezone.localdate() - 400 * DAY)
    WeeklyVoiceRollup.objects.create(
        week=old, team=team_alpha, channel="email", kind="csat", responses=1, score_5=1
    )
    rollups.refresh_voice_rollups()
    assert not WeeklyVoiceRollup.objects.filter(week=old).exists()
    assert _weeks() == _weeks_from_days()


@pytest.mark.usefixtures("history")
def test_the_migration_sums_the_days_already_rolled_up() -> None:
    rollups.refresh_voice_rollups()
    expected = _weeks()
    WeeklyVoiceRollup.objects.all().delete()
    WeeklyServiceRollup.objects.all().delete()
    migration = importlib.import_module("groundswell.voice.migrations.0005_weekly_team_rollups")
    migration.sum_existing_days_into_weeks(apps, None)
    assert _weeks() == expected
    assert expected[0]


def test_rollups_reaching_past_the_clock_are_not_counted_twice(
    admin: Person, agent: Person, team_alpha: Team
) -> None:
    """Figures asked for as of last Wednesday noon, with rollups through yesterday: the week
    holding "yesterday" (Tuesday) is read live, as its weekly row also holds later days."""
    monday = rollups.monday(timezone.localdate()) - 7 * DAY
    now = rollups.day_start(monday + 2 * DAY) + 12 * HOUR
    for at, score in ((now - DAY, 5), (now - 2 * HOUR, 4), (now + DAY, 1)):
        data.answers(team_alpha, "csat", [score], at=at, agent=agent)
    live = _snapshot(admin, now)
    rollups.refresh_voice_rollups()
    assert _snapshot(admin, now) == live
    summary = VoiceMetrics(admin, VoiceFilters(), now=now).summary
    assert summary.csat is not None
    assert summary.csat.n == 2


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_days_and_weeks_follow_the_local_clock(team_alpha: Team) -> None:
    """Rows fall in local days and weeks: midnight between Sunday and Monday in Auckland is
    Sunday 11:00 UTC (13 hours ahead in summer), so UTC dates would put both in one week."""
    local = zoneinfo.ZoneInfo("Pacific/Auckland")
    monday = rollups.monday(timezone.localdate()) - 14 * DAY
    midnight = datetime.datetime.combine(monday, datetime.time.min, tzinfo=local)
    for at, score in ((midnight - HOUR, 1), (midnight, 2), (midnight + HOUR, 3)):
        data.answers(team_alpha, "csat", [score], at=at)
    where = rollups.Slice(start=rollups.day_start(monday - 7 * DAY), end=timezone.now())
    by_week = rollups.voice_rows(where, per="week")
    assert {key[0]: row["responses"] for key, row in by_week.items()} == {
        monday - 7 * DAY: 1,
        monday: 2,
    }
    by_day = rollups.voice_rows(where)
    assert {
        key[0]: row["score_1"] + row["score_2"] + row["score_3"] for key, row in by_day.items()
    } == {
        monday - DAY: 1,
        monday: 2,
    }
    whole = rollups.voice_rows(where, per="slice")
    assert [row["responses"] for row in whole.values()] == [3]


LIVE_QUERIES = (
    rollups._answers,
    rollups._invitations,
    rollups._follow_ups_closed,
    rollups._opened,
    rollups._settled,
    rollups._agent_answers,
)


def _orm_and_prepared(query: Any, arguments: tuple[Any, ...]) -> tuple[list[Any], list[Any]]:
    def key(row: dict[str, Any]) -> str:
        return repr(sorted(row.items()))

    return (
        sorted(query.build(*arguments), key=key),
        sorted(query.rows(*arguments), key=key),
    )


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize("per", ["day", "week", "slice"])
def test_live_queries_compiled_once_give_the_orm_rows(
    per: rollups.Per, team_alpha: Team, team_beta: Team
) -> None:
    """Each live GROUP BY, compiled once per shape (PreparedRows), gives the rows its queryset
    gives, for every shape the dashboard and the refresh send: any number of teams (none
    matches no row), a channel or none, one period or many, and again with other values of the
    same shape (the second call swaps the values into SQL compiled for the first)."""
    now = timezone.now()
    wheres = [
        rollups.Slice(start=now - 40 * DAY, end=now),
        rollups.Slice(start=now - 12 * DAY, end=now, team_ids=[team_alpha.pk]),
        rollups.Slice(start=now - 3 * DAY, end=now, team_ids=[team_beta.pk], channel="phone"),
        rollups.Slice(start=now - 40 * DAY, end=now - DAY, team_ids=[team_alpha.pk, team_beta.pk]),
        rollups.Slice(start=now - 40 * DAY, end=now, team_ids=[]),
        rollups.Slice(start=rollups.day_start(timezone.localdate(now)), end=now),
    ]
    seen_rows = 0
    for where in wheres:
        arguments = rollups._arguments(where, per)
        for query in LIVE_QUERIES:
            orm, prepared = _orm_and_prepared(query, arguments)
            assert prepared == orm, (query.build.__name__, where)
            seen_rows += len(orm)
        for due_by in (now, now - 10 * DAY):
            orm, prepared = _orm_and_prepared(rollups._follow_ups_due, (*arguments, due_by))
            assert prepared == orm, ("follow-ups due", where, due_by)
            seen_rows += len(orm)
    assert seen_rows > 50  # the history has rows in every query


@pytest.mark.usefixtures("history")
def test_live_queries_are_compiled_once_per_shape(
    team_alpha: Team, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    """Three slices of one shape compile once: the second and third only swap values."""
    now = timezone.now()
    answers = PreparedRows(rollups._answers.build)
    compiled: list[object] = []
    original = answers._compile

    def counting(*args: Any) -> Any:
        compiled.append(args)
        return original(*args)

    monkeypatch.setattr(answers, "_compile", counting)
    counts = []
    for days_ago in (1, 3, 12):
        where = rollups.Slice(start=now - days_ago * DAY, end=now, team_ids=[team_alpha.pk])
        counts.append(sum(row["n"] for row in answers.rows(*rollups._arguments(where, "slice"))))
    everyone = rollups.Slice(start=now - DAY, end=now)
    with django_assert_num_queries(1):
        answers.rows(*rollups._arguments(everyone, "slice"))
    assert len(compiled) == 2  # one shape with one team, one with all teams
    assert counts[0] < counts[1] < counts[2]


@pytest.mark.usefixtures("history")
def test_rolled_up_queries_compiled_once_give_the_orm_rows(
    team_alpha: Team, team_beta: Team, agent: Person
) -> None:
    """The dashboard's reads of the weekly rollups (a UNION of two GROUP BYs per table, and
    the agents' sums), compiled once per shape, give the rows their querysets give."""
    rollups.refresh_voice_rollups()
    today = timezone.localdate()
    start = rollups.monday(today) - datetime.timedelta(weeks=12)
    seen_rows = 0
    for team_ids, channel in (
        (None, ""),
        ([team_alpha.pk], ""),
        ([team_alpha.pk, team_beta.pk], "phone"),
        ([], ""),
    ):
        for through in (today - DAY, today - 8 * DAY):
            arguments = (through, start, team_ids, channel)
            for query in (selectors.VOICE_ROLLED_UP, selectors.SERVICE_ROLLED_UP):
                orm, prepared = _orm_and_prepared(query, arguments)
                assert prepared == orm, (team_ids, channel, through)
                seen_rows += len(orm)
            for agent_id in (None, agent.pk):
                orm, prepared = _orm_and_prepared(
                    selectors.AGENTS_ROLLED_UP, (*arguments, agent_id)
                )
                assert prepared == orm, (team_ids, channel, through, agent_id)
                seen_rows += len(orm)
    assert seen_rows > 30


CSRF_TOKEN = re.compile(rb'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize("refreshed", [False, True], ids=["live", "rolled-up"])
def test_every_role_sees_the_figures_and_page_the_orm_gives(
    refreshed: bool,
    admin: Person,
    manager: Person,
    team_lead: Person,
    agent: Person,
    other_agent: Person,
    team_alpha: Team,
    monkeypatch: pytest.MonkeyPatch,
    client_for: Any,
) -> None:
    """Per role (all teams, a department, a led team, an agent's own answers), with one agent
    under the minimum number of answers: the figures and the dashboard's HTML with the queries
    compiled once are those with every query built and compiled by the ORM."""
    if refreshed:
        rollups.refresh_voice_rollups()
    viewers = (admin, manager, team_lead, agent)
    now = timezone.now()

    def pages() -> list[bytes]:
        found = []
        for viewer in viewers:
            with override_settings(GROUNDSWELL_METRICS_CACHE=False):
                for query in ("", f"?team={team_alpha.pk}", "?channel=phone"):
                    response = client_for(viewer).get(f"/voice/dashboard/{query}")
                    assert response.status_code == 200
                    found.append(CSRF_TOKEN.sub(b"", response.content))
        return found

    def snapshots() -> list[tuple[object, ...]]:
        return [_snapshot(viewer, now) for viewer in viewers]

    with override_settings(GROUNDSWELL_MIN_AGENT_RESPONSES=11):
        prepared = snapshots(), pages()

        def orm_rows(self: PreparedRows, *arguments: Any, using: str = "default") -> list[Any]:
            return list(self.build(*arguments).using(using))

        monkeypatch.setattr(PreparedRows, "rows", orm_rows)
        orm = snapshots(), pages()
    assert prepared == orm

    def agents(viewer: Person) -> list[int]:
        return [row.agent.pk for row in VoiceMetrics(viewer, VoiceFilters(), now=now).by_agent]

    assert agents(admin) == [agent.pk, other_agent.pk]
    assert agents(agent) == [agent.pk]  # an agent: their own answers only
    with override_settings(GROUNDSWELL_MIN_AGENT_RESPONSES=11):
        hidden = [
            row.is_suppressed
            for row in VoiceMetrics(admin, VoiceFilters(weeks=13), now=now).by_agent
        ]
    assert hidden == [True, False]  # Ada has 10 CSAT answers in the period, Ben 12 NPS ones
