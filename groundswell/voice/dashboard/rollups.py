"""Rollups: the dashboard's figures summed per day and team (per week and agent), by SQL.

Every figure is computed by GROUP BY queries over the live tables; the same functions fill the
rollup tables (`refresh_voice_rollups`) and give the dashboard the few days not rolled up yet,
so a rolled-up figure and a live one can never disagree in method. The weekly team rollups are
the sums of the daily ones, rebuilt for the weeks each refresh touches; the dashboard reads them.

Rows are put in their day or week by comparing the timestamp column with the first instant of
each day or week (`_period`), not by a date function per row: on SQLite Django's date functions
are Python callbacks, and a plain comparison keeps the column's index usable.

The scheduler (`groundswell scheduler`) enqueues the refresh hourly
(`groundswell.voice.dashboard.tasks.refresh_voice_rollups_task`, run by the task worker);
`manage.py refresh_voice_rollups` runs it at once. Each run recomputes the last
GROUNDSWELL_ROLLUP_LOOKBACK_DAYS days (answers edited, follow-ups closed late) and any gap since
the previous run.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from groundswell.core.lib.prepared import PreparedRows
from groundswell.desk.choices import PromiseStatus
from groundswell.desk.models import Interaction, Promise
from groundswell.voice.choices import Measure, Scale
from groundswell.voice.dashboard.metrics import CLOSE_BUCKET_HOURS
from groundswell.voice.models import (
    DailyServiceRollup,
    DailyVoiceRollup,
    FollowUp,
    Invitation,
    Response,
    VoiceRollupState,
    WeeklyAgentRollup,
    WeeklyServiceRollup,
    WeeklyVoiceRollup,
)

SCORES = range(11)
SCORE_FIELDS = tuple(f"score_{score}" for score in SCORES)
CLOSE_FIELDS = (*(f"closed_{hours}h" for hours in CLOSE_BUCKET_HOURS), "closed_later")
VOICE_FIELDS = (
    "responses",
    *SCORE_FIELDS,
    "invitations_sent",
    "follow_ups_due",
    "follow_ups_on_time",
    *CLOSE_FIELDS,
)
SERVICE_FIELDS = ("interactions", "promises_kept", "promises_broken")
AGENT_FIELDS = ("responses", *SCORE_FIELDS)
CHUNK_DAYS = 31
BATCH = 2000

VoiceKey = tuple[datetime.date, int, str, str]  # day (or week), team id, channel, kind
ServiceKey = tuple[datetime.date, int, str]  # day (or week), team id, channel
AgentKey = tuple[datetime.date, int, int, str, str]  # week (Monday), team, agent, channel, kind
# What the first element of a key is: the day, the week's Monday, or the slice's first day.
Per = Literal["day", "week", "slice"]
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Slice:
    """Which rows a live aggregate covers: a time range, optionally some teams and a channel."""

    start: datetime.datetime
    end: datetime.datetime
    team_ids: list[int] | None = None
    channel: str = ""


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the site's time zone (the days rollups use)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _periods(where: Slice, per: Per) -> tuple[list[datetime.date], list[datetime.datetime]]:
    """The local days (or weeks' Mondays) `where` covers, and the first instant of each but the
    first: the arguments of `_period`."""
    first = timezone.localdate(where.start)
    last = timezone.localdate(where.end - datetime.timedelta(microseconds=1))
    step = datetime.timedelta(weeks=1) if per == "week" else ONE_DAY
    if per == "week":
        first, last = monday(first), monday(last)
    elif per == "slice":
        last = first
    later = [first + n * step for n in range(1, (last - first) // step + 1)]
    return [first, *later], [day_start(day) for day in later]


def _period(time: str, days: list[datetime.date], starts: list[datetime.datetime]) -> Value | Case:
    """The local day (or week's Monday) each row's `time` falls in, by plain comparisons.

    The rows are already limited to the slice `_periods` gave `days` and `starts` for; a row
    belongs to the last period whose first instant it is not before. One period needs no
    comparison at all.
    """
    if len(days) == 1:
        return Value(days[0], output_field=DateField())
    return Case(
        *(
            When(**{f"{time}__gte": start}, then=Value(day))
            for day, start in reversed(list(zip(days[1:], starts, strict=True)))
        ),
        default=Value(days[0]),
        output_field=DateField(),
    )


def _measure(kind: str, scale: str) -> Case:
    """The measure a row counts under (voice.choices.Measure): its kind, except that answers on
    the legacy effort scale are kept apart as `ces_effort`, never summed with CES 2.0 ones."""
    return Case(
        When(**{scale: Scale.CES_EFFORT_LEGACY}, then=Value(Measure.CES_EFFORT.value)),
        default=F(kind),
        output_field=CharField(),
    )


def _close_bucket() -> Case:
    """The index in CLOSE_FIELDS of a follow-up's time from creation to closing."""
    return Case(
        *(
            When(closed_at__lte=F("created_at") + datetime.timedelta(hours=hours), then=index)
            for index, hours in enumerate(CLOSE_BUCKET_HOURS)
        ),
        default=Value(len(CLOSE_BUCKET_HOURS)),
    )


def _add_counted(counts: dict[str, int], row: dict[str, Any]) -> None:
    """Add a row of `n` answers with score `g_score`, or of `n` follow-ups closed in time band
    `g_closed`, to `counts`; any other row carries its counts by name."""
    n = row.pop("n", None)
    if "g_score" in row:
        score = row["g_score"]
        counts["responses"] += n
        if score in SCORES:
            counts[SCORE_FIELDS[score]] += n
    elif "g_closed" in row:
        counts[CLOSE_FIELDS[row["g_closed"]]] += n
    else:
        counts.update(row)


def _narrow(
    rows: QuerySet[Any],
    start: datetime.datetime,
    end: datetime.datetime,
    team_ids: list[int] | None,
    channel_value: str,
    *,
    time: str,
    team: str,
    channel: str,
) -> QuerySet[Any]:
    rows = rows.filter(**{f"{time}__gte": start, f"{time}__lt": end})
    if team_ids is not None:
        rows = rows.filter(**{f"{team}__in": team_ids})
    if channel_value:
        rows = rows.filter(**{channel: channel_value})
    return rows


# Each live GROUP BY below is built by a function of the slice's values (start, end, team ids,
# channel, the periods' days and first instants, and for follow-ups the time they are due by),
# and compiled once per connection and shape (core.lib.prepared.PreparedRows): compiling them
# cost more than running them. `_arguments` gives those values for a slice.
Arguments = tuple[Any, ...]


def _arguments(where: Slice, per: Per) -> Arguments:
    days, starts = _periods(where, per)
    return (where.start, where.end, where.team_ids, where.channel, days, starts)


def _voice_group(
    rows: QuerySet[Any],
    arguments: Arguments,
    time: str,
    team: str,
    channel: str,
    kind: str,
    scale: str,
    **more: Any,
) -> QuerySet[Any]:
    start, end, team_ids, channel_value, days, starts = arguments
    return (
        _narrow(rows, start, end, team_ids, channel_value, time=time, team=team, channel=channel)
        .values(
            g_day=_period(time, days, starts),
            g_team=F(team),
            g_channel=F(channel),
            g_kind=_measure(kind, scale),
            **more,
        )
        .order_by()
    )


@PreparedRows
def _answers(*arguments: Any) -> QuerySet[Any]:
    """Answers by score, counted on the day submitted."""
    query: QuerySet[Any] = _voice_group(
        Response.objects.all(),
        arguments,
        "submitted_at",
        "team_id",
        "channel",
        "kind",
        "scale",
        g_score=F("score"),
    ).annotate(n=Count("pk"))
    return query


@PreparedRows
def _invitations(*arguments: Any) -> QuerySet[Any]:
    """Invitations counted on the day sent."""
    query: QuerySet[Any] = _voice_group(
        Invitation.objects.filter(sent_at__isnull=False),
        arguments,
        "sent_at",
        "interaction__team_id",
        "interaction__channel",
        "version__survey__kind",
        "version__scale",
    ).annotate(invitations_sent=Count("pk"))
    return query


@PreparedRows
def _follow_ups_due(*arguments: Any) -> QuerySet[Any]:
    """Follow-ups due by `now` (the last argument), on their due day, and those closed on time."""
    *slice_arguments, now = arguments
    query: QuerySet[Any] = _voice_group(
        FollowUp.objects.filter(due_at__lte=now),
        tuple(slice_arguments),
        "due_at",
        "team_id",
        "response__channel",
        "response__kind",
        "response__scale",
    ).annotate(
        follow_ups_due=Count("pk"),
        follow_ups_on_time=Count("pk", filter=Q(closed_at__lte=F("due_at"))),
    )
    return query


@PreparedRows
def _follow_ups_closed(*arguments: Any) -> QuerySet[Any]:
    """Follow-ups by time to close, on the day closed."""
    query: QuerySet[Any] = _voice_group(
        FollowUp.objects.filter(closed_at__isnull=False),
        arguments,
        "closed_at",
        "team_id",
        "response__channel",
        "response__kind",
        "response__scale",
        g_closed=_close_bucket(),
    ).annotate(n=Count("pk"))
    return query


def voice_rows(
    where: Slice,
    *,
    per: Per = "day",
    now: datetime.datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[VoiceKey, dict[str, int]]:
    """Survey figures per day (or `per`), team, channel and measure (a kind, with legacy
    effort answers apart), from the live tables.

    Answers count on the day submitted, invitations on the day sent, follow-ups as "due" on
    their due day once that time has passed, and by time to close on the day closed (four
    queries). Answers and closed follow-ups are counted per score and per time band, one COUNT
    each, then spread over the score and bucket fields. `using`: the dashboard reads from
    core.lib.reporting.reporting_db(); the refresh from the primary it writes to.
    """
    now = now or timezone.now()
    arguments = _arguments(where, per)
    rows: dict[VoiceKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(VOICE_FIELDS, 0))
    results = (
        _answers.rows(*arguments, using=using),
        _invitations.rows(*arguments, using=using),
        _follow_ups_due.rows(*arguments, now, using=using),
        _follow_ups_closed.rows(*arguments, using=using),
    )
    for result in results:
        for row in result:
            key = (row.pop("g_day"), row.pop("g_team"), row.pop("g_channel"), row.pop("g_kind"))
            _add_counted(rows[key], row)
    return dict(rows)


@PreparedRows
def _opened(*arguments: Any) -> QuerySet[Any]:
    """Interactions counted on the day opened."""
    start, end, team_ids, channel, days, starts = arguments
    query: QuerySet[Any] = (
        _narrow(
            Interaction.objects.all(),
            start,
            end,
            team_ids,
            channel,
            time="opened_at",
            team="team_id",
            channel="channel",
        )
        .values(
            g_day=_period("opened_at", days, starts), g_team=F("team_id"), g_channel=F("channel")
        )
        .order_by()
        .annotate(interactions=Count("pk"))
    )
    return query


@PreparedRows
def _settled(*arguments: Any) -> QuerySet[Any]:
    """Promises kept and broken, on the day settled."""
    start, end, team_ids, channel, days, starts = arguments
    query: QuerySet[Any] = (
        _narrow(
            Promise.objects.filter(status__in=[PromiseStatus.KEPT, PromiseStatus.BROKEN]),
            start,
            end,
            team_ids,
            channel,
            time="settled_at",
            team="interaction__team_id",
            channel="interaction__channel",
        )
        .values(
            g_day=_period("settled_at", days, starts),
            g_team=F("interaction__team_id"),
            g_channel=F("interaction__channel"),
        )
        .order_by()
        .annotate(
            promises_kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
            promises_broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
        )
    )
    return query


def service_rows(
    where: Slice, *, per: Per = "day", using: str = DEFAULT_DB_ALIAS
) -> dict[ServiceKey, dict[str, int]]:
    """Interactions opened and promises settled per day (or `per`), team and channel.

    Two queries.
    """
    arguments = _arguments(where, per)
    rows: dict[ServiceKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SERVICE_FIELDS, 0))
    for result in (_opened.rows(*arguments, using=using), _settled.rows(*arguments, using=using)):
        for row in result:
            rows[(row.pop("g_day"), row.pop("g_team"), row.pop("g_channel"))].update(row)
    return dict(rows)


@PreparedRows
def _agent_answers(*arguments: Any) -> QuerySet[Any]:
    """Answers about an agent by week, team, agent, channel, measure and score."""
    start, end, team_ids, channel, days, starts = arguments
    query: QuerySet[Any] = (
        _narrow(
            Response.objects.filter(agent__isnull=False),
            start,
            end,
            team_ids,
            channel,
            time="submitted_at",
            team="team_id",
            channel="channel",
        )
        .values(
            g_week=_period("submitted_at", days, starts),
            g_team=F("team_id"),
            g_agent=F("agent_id"),
            g_channel=F("channel"),
            g_kind=_measure("kind", "scale"),
            g_score=F("score"),
        )
        .order_by()
        .annotate(n=Count("pk"))
    )
    return query


def agent_rows(where: Slice, *, using: str = DEFAULT_DB_ALIAS) -> dict[AgentKey, dict[str, int]]:
    """Answers per week, team, agent, channel and kind (one query); unassigned ones are left out."""
    rows: dict[AgentKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(AGENT_FIELDS, 0))
    for row in _agent_answers.rows(*_arguments(where, "week"), using=using):
        key = (
            row.pop("g_week"),
            row.pop("g_team"),
            row.pop("g_agent"),
            row.pop("g_channel"),
            row.pop("g_kind"),
        )
        _add_counted(rows[key], row)
    return dict(rows)


@dataclass(frozen=True)
class RefreshResult:
    first_day: datetime.date | None
    last_day: datetime.date
    voice_rows: int = 0
    service_rows: int = 0
    agent_rows: int = 0


def rollup_state(*, using: str = DEFAULT_DB_ALIAS) -> VoiceRollupState | None:
    return VoiceRollupState.objects.using(using).order_by("pk").first()


def _first_day_to_refresh(
    since: datetime.date | None, state: VoiceRollupState | None, last: datetime.date
) -> datetime.date | None:
    """`since`, moved earlier if needed so the rollups never have a gap."""
    if state is not None:
        lookback = datetime.timedelta(days=settings.GROUNDSWELL_ROLLUP_LOOKBACK_DAYS)
        gap = state.complete_through + datetime.timedelta(days=1)
        return min(since or last - lookback + datetime.timedelta(days=1), gap)
    earliest = Interaction.objects.aggregate(first=Min("opened_at"))["first"]
    if earliest is None:
        return since
    first = timezone.localdate(earliest)
    return first if since is None else min(since, first)


def _days(
    first: datetime.date, last: datetime.date, step: int
) -> Iterable[tuple[datetime.date, datetime.date]]:
    while first <= last:
        chunk_last = min(first + datetime.timedelta(days=step - 1), last)
        yield first, chunk_last
        first = chunk_last + datetime.timedelta(days=1)


@transaction.atomic
def refresh_voice_rollups(
    *, since: datetime.date | None = None, today: datetime.date | None = None
) -> RefreshResult:
    """Recompute the rollups of every complete day from `since` (or from where they stopped).

    Idempotent: the days (and whole weeks, for agents) it covers are deleted and inserted again
    in one transaction. Today is never rolled up; the dashboard reads it live.
    """
    today = today or timezone.localdate()
    last = today - datetime.timedelta(days=1)
    state = rollup_state()
    first = _first_day_to_refresh(since, state, last)
    counts = {"voice_rows": 0, "service_rows": 0, "agent_rows": 0}
    if state is None:
        # Starting over: no week may keep sums of daily rows that are gone.
        WeeklyVoiceRollup.objects.all().delete()
        WeeklyServiceRollup.objects.all().delete()
    if first is not None and first <= last:
        for chunk_first, chunk_last in _days(first, last, CHUNK_DAYS):
            counts["voice_rows"] += _refresh_days(chunk_first, chunk_last)
            counts["service_rows"] += _refresh_service_days(chunk_first, chunk_last)
        _refresh_team_weeks(monday(first), last)
        last_week = monday(today) - datetime.timedelta(days=7)
        for chunk_first, chunk_last in _days(
            monday(first), last_week + datetime.timedelta(days=6), 28
        ):
            counts["agent_rows"] += _refresh_weeks(chunk_first, chunk_last)
    now = timezone.now()
    if state is None:
        VoiceRollupState.objects.create(complete_through=last, refreshed_at=now)
    else:
        state.complete_through = last
        state.refreshed_at = now
        state.save(update_fields=["complete_through", "refreshed_at"])
    return RefreshResult(first_day=first, last_day=last, **counts)


def _span(first: datetime.date, last: datetime.date) -> Slice:
    return Slice(start=day_start(first), end=day_start(last + datetime.timedelta(days=1)))


def _refresh_days(first: datetime.date, last: datetime.date) -> int:
    DailyVoiceRollup.objects.filter(day__gte=first, day__lte=last).delete()
    rows = voice_rows(_span(first, last))
    DailyVoiceRollup.objects.bulk_create(
        [
            DailyVoiceRollup(day=day, team_id=team, channel=channel, kind=kind, **values)
            for (day, team, channel, kind), values in rows.items()
        ],
        batch_size=BATCH,
    )
    return len(rows)


def _refresh_service_days(first: datetime.date, last: datetime.date) -> int:
    DailyServiceRollup.objects.filter(day__gte=first, day__lte=last).delete()
    rows = service_rows(_span(first, last))
    DailyServiceRollup.objects.bulk_create(
        [
            DailyServiceRollup(day=day, team_id=team, channel=channel, **values)
            for (day, team, channel), values in rows.items()
        ],
        batch_size=BATCH,
    )
    return len(rows)


def _refresh_team_weeks(first: datetime.date, last: datetime.date) -> None:
    """The weekly team rollups from Monday `first` on, summed from the daily rows up to `last`.

    The week holding `last` gets the days rolled up so far; the next refresh completes it.
    """
    WeeklyVoiceRollup.objects.filter(week__gte=first).delete()
    WeeklyServiceRollup.objects.filter(week__gte=first).delete()
    voice_sums = {name: Sum(name) for name in VOICE_FIELDS}
    service_sums = {name: Sum(name) for name in SERVICE_FIELDS}
    voice: list[WeeklyVoiceRollup] = []
    service: list[WeeklyServiceRollup] = []
    for week in _mondays(first, last):
        days = {"day__gte": week, "day__lte": min(week + datetime.timedelta(days=6), last)}
        voice_days = DailyVoiceRollup.objects.filter(**days).values("team_id", "channel", "kind")
        voice += (
            WeeklyVoiceRollup(week=week, **row)
            for row in voice_days.order_by().annotate(**voice_sums)
        )
        service_days = DailyServiceRollup.objects.filter(**days).values("team_id", "channel")
        service += (
            WeeklyServiceRollup(week=week, **row)
            for row in service_days.order_by().annotate(**service_sums)
        )
    WeeklyVoiceRollup.objects.bulk_create(voice, batch_size=BATCH)
    WeeklyServiceRollup.objects.bulk_create(service, batch_size=BATCH)


def _mondays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The Mondays of the weeks from the one holding `first` to the one holding `last`."""
    start = monday(first)
    return [start + datetime.timedelta(weeks=n) for n in range((last - start).days // 7 + 1)]


def _refresh_weeks(first: datetime.date, last: datetime.date) -> int:
    """Whole weeks from Monday `first` to Sunday `last`."""
    WeeklyAgentRollup.objects.filter(week__gte=first, week__lte=last).delete()
    rows = agent_rows(_span(first, last))
    WeeklyAgentRollup.objects.bulk_create(
        [
            WeeklyAgentRollup(
                week=week, team_id=team, agent_id=agent, channel=channel, kind=kind, **values
            )
            for (week, team, agent, channel, kind), values in rows.items()
        ],
        batch_size=BATCH,
    )
    return len(rows)
