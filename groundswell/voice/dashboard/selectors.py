"""Customer-voice figures as a viewer may see them, shared by the dashboard, exports and API.

Figures come from the weekly rollup tables for the days they cover, plus live GROUP BY queries
for the days not rolled up yet (normally just today), so the cost stays flat as data grows. Every
figure is a pure function of counts (voice.metrics).
"""

from __future__ import annotations

import datetime
import hashlib
import operator
import secrets
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import CharField, DateField, F, IntegerField, QuerySet, Sum, Value
from django.http import Http404
from django.utils import timezone

from groundswell.core.lib.prepared import PreparedRows
from groundswell.core.lib.reporting import reporting_db
from groundswell.desk.choices import Channel
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can_everywhere, can_somewhere
from groundswell.voice.choices import Measure, SurveyKind
from groundswell.voice.dashboard import metrics, rollups
from groundswell.voice.models import (
    Response,
    WeeklyAgentRollup,
    WeeklyServiceRollup,
    WeeklyVoiceRollup,
)

PERIOD_WEEKS = (4, 13, 52)
DEFAULT_WEEKS = 13
ONE_DAY = datetime.timedelta(days=1)
# How figures are broken down: the whole selection (key None), and per team, channel and week.
GROUPINGS = ("all", "team", "channel", "week")
Grouped = dict[str, dict[Hashable, "Figures"]]
Rows = list[dict[str, Any]]
# Summed rollup rows are cached under the rollup state (a refresh changes it), the live rows
# not rolled up yet (today's) for a few seconds only: that is how stale "today" may be.
ROLLED_UP_CACHE_SECONDS = 24 * 3600
LIVE_CACHE_SECONDS = 15


@dataclass(frozen=True)
class VoiceFilters:
    """What the dashboard and the metrics API narrow figures by."""

    weeks: int = DEFAULT_WEEKS
    team_id: int | None = None
    channel: str = ""


@dataclass(frozen=True)
class LiveRows:
    """Summed rows of the days not rolled up yet; `version` tells one reading from another."""

    version: str
    voice: dict[rollups.VoiceKey, dict[str, int]]
    service: dict[rollups.ServiceKey, dict[str, int]]
    agent: dict[rollups.AgentKey, dict[str, int]]


_SCORES = slice(
    rollups.VOICE_FIELDS.index(rollups.SCORE_FIELDS[0]),
    rollups.VOICE_FIELDS.index(rollups.SCORE_FIELDS[-1]) + 1,
)
_INVITATIONS = rollups.VOICE_FIELDS.index("invitations_sent")
_DUE = rollups.VOICE_FIELDS.index("follow_ups_due")
_ON_TIME = rollups.VOICE_FIELDS.index("follow_ups_on_time")
_CLOSED = slice(
    rollups.VOICE_FIELDS.index(rollups.CLOSE_FIELDS[0]),
    rollups.VOICE_FIELDS.index(rollups.CLOSE_FIELDS[-1]) + 1,
)


def voice_counts(values: Mapping[str, Any]) -> list[int]:
    """A voice row's counts in VOICE_FIELDS order, 0 for a missing or NULL one."""
    get = values.get
    return [get(name) or 0 for name in rollups.VOICE_FIELDS]


@dataclass
class Figures:
    """Counts for one group (a team, a channel, a week, or everything) and the metrics on them.

    Scores are counted per measure: CSAT, CES 2.0, NPS, and the legacy effort answers apart
    (`ces_effort`), which no figure reads: CES is the CES 2.0 answers alone.
    """

    scores: dict[str, list[int]] = field(
        default_factory=lambda: {measure: [0] * 11 for measure in Measure}
    )
    invitations_sent: int = 0
    follow_ups_due: int = 0
    follow_ups_on_time: int = 0
    closed: list[int] = field(default_factory=lambda: [0] * len(rollups.CLOSE_FIELDS))
    interactions: int = 0
    promises_kept: int = 0
    promises_broken: int = 0

    def add_scores(self, kind: str, values: Mapping[str, Any]) -> None:
        counts = self.scores[kind]
        for score, name in enumerate(rollups.SCORE_FIELDS):
            counts[score] += values.get(name) or 0

    def add_voice(self, kind: str, values: Mapping[str, Any]) -> None:
        self.add_voice_counts(kind, voice_counts(values))

    def add_voice_counts(self, kind: str, counts: Sequence[int]) -> None:
        """Add a row's counts as `voice_counts` lists them: a dashboard adds each row to two or
        three groups, so the row is read once."""
        scores = self.scores[kind]
        scores[:] = map(operator.add, scores, counts[_SCORES])
        self.invitations_sent += counts[_INVITATIONS]
        self.follow_ups_due += counts[_DUE]
        self.follow_ups_on_time += counts[_ON_TIME]
        self.closed[:] = map(operator.add, self.closed, counts[_CLOSED])

    def add_service(self, values: Mapping[str, Any]) -> None:
        self.interactions += values.get("interactions") or 0
        self.promises_kept += values.get("promises_kept") or 0
        self.promises_broken += values.get("promises_broken") or 0

    def histogram(self, kind: str) -> dict[int, int]:
        return dict(enumerate(self.scores[kind]))

    @property
    def responses(self) -> int:
        return sum(sum(counts) for counts in self.scores.values())

    @property
    def csat(self) -> metrics.Csat | None:
        return metrics.csat(self.histogram(SurveyKind.CSAT))

    @property
    def nps(self) -> metrics.Nps | None:
        return metrics.nps(self.histogram(SurveyKind.NPS))

    @property
    def ces(self) -> metrics.Ces | None:
        """CES 2.0 answers only: legacy effort answers run the other way and are left out."""
        return metrics.ces(self.histogram(Measure.CES))

    @property
    def ces_legacy_answers(self) -> int:
        """Answers on the legacy effort scale, left out of CES (see docs/measurement.md)."""
        return sum(self.scores[Measure.CES_EFFORT])

    @property
    def response_rate(self) -> float | None:
        return metrics.response_rate(self.responses, self.invitations_sent)

    @property
    def kept_promise_rate(self) -> float | None:
        return metrics.kept_promise_rate(self.promises_kept, self.promises_broken)

    @property
    def follow_ups_on_time_rate(self) -> float | None:
        return metrics.on_time_rate(self.follow_ups_on_time, self.follow_ups_due)

    @property
    def median_time_to_close(self) -> datetime.timedelta | None:
        return metrics.median_from_buckets(self.closed)

    @property
    def median_hours_to_close(self) -> float | None:
        median = self.median_time_to_close
        return None if median is None else median.total_seconds() / 3600


@dataclass(frozen=True)
class TeamFigures:
    team: Team
    figures: Figures


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class WeekFigures:
    week: datetime.date  # the Monday
    figures: Figures


@dataclass(frozen=True)
class AgentFigures:
    """One agent's answers; a kind's figures are None below the minimum number of answers."""

    agent: Person
    figures: Figures
    minimum: int

    def _shown(self, kind: str) -> bool:
        return sum(self.figures.scores[kind]) >= self.minimum

    @property
    def responses(self) -> int:
        return self.figures.responses

    @property
    def is_suppressed(self) -> bool:
        return not any(self._shown(kind) for kind in SurveyKind)

    @property
    def csat(self) -> metrics.Csat | None:
        return self.figures.csat if self._shown(SurveyKind.CSAT) else None

    @property
    def nps(self) -> metrics.Nps | None:
        return self.figures.nps if self._shown(SurveyKind.NPS) else None

    @property
    def ces(self) -> metrics.Ces | None:
        return self.figures.ces if self._shown(SurveyKind.CES) else None

    # Answers of each kind: a score hidden below the minimum says how many it has so far.
    @property
    def csat_answers(self) -> int:
        return sum(self.figures.scores[SurveyKind.CSAT])

    @property
    def nps_answers(self) -> int:
        return sum(self.figures.scores[SurveyKind.NPS])

    @property
    def ces_answers(self) -> int:
        return sum(self.figures.scores[SurveyKind.CES])


def voice_teams(viewer: Person) -> QuerySet[Team]:
    """The teams whose customer voice `viewer` may see."""
    return Team.objects.visible_to(viewer, Action.VIEW_CUSTOMER_VOICE).select_related("department")


def _narrow(
    rows: QuerySet[Any],
    start: datetime.date,
    team_ids: list[int] | None,
    channel: str,
) -> QuerySet[Any]:
    rows = rows.filter(week__gte=start)
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    if channel:
        rows = rows.filter(channel=channel)
    return rows


def _rolled_up(
    model: type[WeeklyVoiceRollup] | type[WeeklyServiceRollup],
    fields: tuple[str, ...],
    *by: str,
) -> PreparedRows:
    """The rolled-up weeks summed by `by` and team and channel, then by `by` and week.

    One query (two GROUP BYs): the rows by team and channel also give the whole selection
    and the channel breakdown once added up, which is cheap as they are a handful. Its
    arguments: the last rolled-up day, the first week, the team ids (None: all) and the channel
    (""); compiled once per connection and shape (core.lib.prepared.PreparedRows).
    """

    def build(
        rolled_through: datetime.date,
        start: datetime.date,
        team_ids: list[int] | None,
        channel: str,
    ) -> QuerySet[Any]:
        rows = _narrow(model.objects.filter(week__lte=rolled_through), start, team_ids, channel)
        sums = {name: Sum(name) for name in fields}
        no_week = Value(None, output_field=DateField())
        no_team = Value(None, output_field=IntegerField())
        no_channel = Value(None, output_field=CharField())
        by_team = rows.values(*by, g_team=F("team_id"), g_channel=F("channel"), g_week=no_week)
        by_week = rows.values(*by, g_team=no_team, g_channel=no_channel, g_week=F("week"))
        both: QuerySet[Any] = by_team.order_by().annotate(**sums)
        return both.union(by_week.order_by().annotate(**sums), all=True)

    return PreparedRows(build)


def _agents_rolled_up(
    rolled_through: datetime.date,
    start: datetime.date,
    team_ids: list[int] | None,
    channel: str,
    agent_id: int | None,
) -> QuerySet[Any]:
    """Rolled-up answers summed per agent and measure (one agent's alone with `agent_id`)."""
    rows = _narrow(
        WeeklyAgentRollup.objects.filter(week__lte=rolled_through), start, team_ids, channel
    )
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    sums = {name: Sum(name) for name in rollups.AGENT_FIELDS}
    query: QuerySet[Any] = rows.values("agent_id", "kind").order_by().annotate(**sums)
    return query


VOICE_ROLLED_UP = _rolled_up(WeeklyVoiceRollup, rollups.VOICE_FIELDS, "kind")
SERVICE_ROLLED_UP = _rolled_up(WeeklyServiceRollup, rollups.SERVICE_FIELDS)
AGENTS_ROLLED_UP = PreparedRows(_agents_rolled_up)


class VoiceMetrics:
    """The figures `viewer` may see under `filters`, each computed on first use.

    The whole selection and its breakdowns by team, channel and week come together: one query
    per weekly rollup table sums every grouping, and the days not rolled up yet are read once,
    live, and added to each. Both kinds of rows are shared through the cache by requests that
    select the same rows (see `cached`), unless `now` is given or METRICS_CACHE is off. The
    rollup state, the rollups and the live days are all read from `reporting_db()` (the
    replica, if any), so they come from one copy of the data: a replica a moment behind gives
    figures a moment older, never a rollup state that its rollup rows have not caught up with.
    """

    def __init__(
        self,
        viewer: Person,
        filters: VoiceFilters,
        *,
        now: datetime.datetime | None = None,
    ) -> None:
        self.viewer = viewer
        self.filters = filters
        self.use_cache = now is None and settings.GROUNDSWELL_METRICS_CACHE
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.start = rollups.monday(self.today) - datetime.timedelta(weeks=filters.weeks - 1)
        if not can_somewhere(viewer, Action.VIEW_CUSTOMER_VOICE):
            raise Http404
        self.team_ids = self._team_ids()
        self.only_agent = viewer.pk if Role(viewer.role) == Role.AGENT else None
        self.db = reporting_db()
        state = rollups.rollup_state(using=self.db)
        self.state = (state.pk, state.complete_through, state.refreshed_at) if state else None
        through = state.complete_through if state else self.start - ONE_DAY
        # Rolled-up days run from `start` to `rolled_through`; later days are read live.
        self.rolled_through = min(max(through, self.start - ONE_DAY), self.today - ONE_DAY)
        if through > self.rolled_through:
            # Rolled up past yesterday (a refresh with a later clock): the weekly row of
            # yesterday's week may hold days read live here, so that whole week is read live.
            self.rolled_through = max(
                rollups.monday(self.rolled_through) - ONE_DAY, self.start - ONE_DAY
            )
        last_sunday = self.rolled_through - datetime.timedelta(
            days=(self.rolled_through.weekday() + 1) % 7
        )
        self.agent_rolled_through = max(last_sunday, self.start - ONE_DAY)

    def _team_ids(self) -> list[int] | None:
        if self.filters.team_id is not None:
            if not voice_teams(self.viewer).filter(pk=self.filters.team_id).exists():
                raise Http404("No such team.")
            return [self.filters.team_id]
        if can_everywhere(self.viewer, Action.VIEW_CUSTOMER_VOICE):
            return None
        return list(voice_teams(self.viewer).values_list("pk", flat=True))

    def _live_slice(self, first: datetime.date) -> rollups.Slice:
        return rollups.Slice(
            start=rollups.day_start(first),
            end=self.now,
            team_ids=self.team_ids,
            channel=self.filters.channel,
        )

    def cached[T](
        self, part: str, compute: Callable[[], T], *, live: bool, extra: Hashable = None
    ) -> T:
        """`compute()`, or what it gave a request selecting the same rows since the last refresh.

        The key holds the rollup state and everything that narrows the rows (never the viewer
        as such: two viewers with the same teams read the same rows), and `extra`. Live parts
        are kept only LIVE_CACHE_SECONDS.
        """
        if not self.use_cache:
            return compute()
        selection = (
            part,
            self.state,
            self.today,
            self.start,
            self.rolled_through,
            None if self.team_ids is None else sorted(self.team_ids),
            self.filters.channel,
            self.only_agent,
            extra,
        )
        key = "voice-metrics:" + hashlib.sha256(repr(selection).encode()).hexdigest()
        found: T | None = cache.get(key)
        if found is None:
            found = compute()
            cache.set(key, found, LIVE_CACHE_SECONDS if live else ROLLED_UP_CACHE_SECONDS)
        return found

    @cached_property
    def _live(self) -> LiveRows:
        """The days not rolled up yet, read together and shared for LIVE_CACHE_SECONDS."""
        return self.cached("live", self._read_live, live=True)

    @property
    def live_version(self) -> str:
        """Changes whenever the live rows are read again: a key for what is drawn from them."""
        return self._live.version

    def _rolled_up_rows(self) -> tuple[Rows, Rows]:
        if self.rolled_through < self.start:
            return [], []  # nothing of the period is rolled up yet
        arguments = (self.rolled_through, self.start, self.team_ids, self.filters.channel)
        return (
            VOICE_ROLLED_UP.rows(*arguments, using=self.db),
            SERVICE_ROLLED_UP.rows(*arguments, using=self.db),
        )

    def _read_live(self) -> LiveRows:
        live = self._live_slice(self.rolled_through + ONE_DAY)
        return LiveRows(
            version=secrets.token_hex(8),
            voice=rollups.voice_rows(live, per="week", now=self.now, using=self.db),
            service=rollups.service_rows(live, per="week", using=self.db),
            agent=rollups.agent_rows(
                self._live_slice(self.agent_rolled_through + ONE_DAY), using=self.db
            ),
        )

    @cached_property
    def _grouped(self) -> Grouped:
        """Figures per grouping and key: the rolled-up weeks summed by SQL, the live days added."""
        grouped: Grouped = {grouping: defaultdict(Figures) for grouping in GROUPINGS}

        def groups(
            week: datetime.date | None, team: int | None, channel: str | None
        ) -> list[Figures]:
            """Where a row by week, or by team and channel, counts."""
            if week is not None:
                return [grouped["week"][week]]
            return [grouped["all"][None], grouped["team"][team], grouped["channel"][channel]]

        rolled_voice, rolled_service = self.cached("team", self._rolled_up_rows, live=False)
        for row in rolled_voice:
            counts = voice_counts(row)
            for figures in groups(row["g_week"], row["g_team"], row["g_channel"]):
                figures.add_voice_counts(row["kind"], counts)
        for row in rolled_service:
            for figures in groups(row["g_week"], row["g_team"], row["g_channel"]):
                figures.add_service(row)
        for (week, team, channel, kind), values in self._live.voice.items():
            counts = voice_counts(values)
            for figures in groups(week, None, None) + groups(None, team, channel):
                figures.add_voice_counts(kind, counts)
        for (week, team, channel), values in self._live.service.items():
            for figures in groups(week, None, None) + groups(None, team, channel):
                figures.add_service(values)
        return grouped

    @cached_property
    def summary(self) -> Figures:
        """Every figure for the whole selection."""
        return self._grouped["all"].get(None) or Figures()

    @cached_property
    def by_team(self) -> list[TeamFigures]:
        grouped = self._grouped["team"]
        teams = voice_teams(self.viewer).filter(pk__in=list(grouped))
        return [TeamFigures(team, grouped[team.pk]) for team in teams.order_by("name", "pk")]

    @cached_property
    def by_channel(self) -> list[ChannelFigures]:
        grouped = self._grouped["channel"]
        return [
            ChannelFigures(str(channel), str(channel.label), grouped[channel.value])
            for channel in Channel
            if channel.value in grouped
        ]

    @cached_property
    def by_week(self) -> list[WeekFigures]:
        """Every week of the period in order, empty weeks included (a trend needs its gaps)."""
        grouped = self._grouped["week"]
        weeks = [self.start + datetime.timedelta(weeks=n) for n in range(self.filters.weeks)]
        return [WeekFigures(week, grouped.get(week) or Figures()) for week in weeks]

    def _agent_rolled_up_rows(self) -> Rows:
        if self.agent_rolled_through < self.start:
            return []
        return AGENTS_ROLLED_UP.rows(
            self.agent_rolled_through,
            self.start,
            self.team_ids,
            self.filters.channel,
            self.only_agent,
            using=self.db,
        )

    @cached_property
    def by_agent(self) -> list[AgentFigures]:
        """Agents' answers; an agent sees only their own."""
        figures: dict[int, Figures] = defaultdict(Figures)
        for row in self.cached("agent", self._agent_rolled_up_rows, live=False):
            figures[row["agent_id"]].add_scores(row["kind"], row)
        for (_week, _team, agent, _channel, kind), values in self._live.agent.items():
            if self.only_agent in (None, agent):
                figures[agent].add_scores(kind, values)
        minimum = settings.GROUNDSWELL_MIN_AGENT_RESPONSES
        agents = Person.objects.filter(pk__in=list(figures)).order_by("full_name", "pk")
        return [AgentFigures(agent, figures[agent.pk], minimum) for agent in agents]


def voice_metrics(viewer: Person, filters: VoiceFilters | None = None) -> VoiceMetrics:
    """The customer-voice figures `viewer` may see; 404 for a team outside their scope."""
    return VoiceMetrics(viewer, filters or VoiceFilters())


def interactions_by_team(viewer: Person) -> dict[int, int]:
    """All-time interaction counts per team in `viewer`'s scope: the rollups plus the live days."""
    if not can_somewhere(viewer, Action.VIEW_CUSTOMER_VOICE):
        raise Http404
    team_ids = (
        None
        if can_everywhere(viewer, Action.VIEW_CUSTOMER_VOICE)
        else list(voice_teams(viewer).values_list("pk", flat=True))
    )
    db = reporting_db()
    state = rollups.rollup_state(using=db)
    counts: dict[int, int] = defaultdict(int)
    live_from = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    if state is not None:
        rolled = WeeklyServiceRollup.objects.using(db).filter(week__lte=state.complete_through)
        if team_ids is not None:
            rolled = rolled.filter(team_id__in=team_ids)
        for row in rolled.values("team_id").order_by().annotate(n=Sum("interactions")):
            counts[row["team_id"]] += row["n"]
        live_from = rollups.day_start(state.complete_through + ONE_DAY)
    live = rollups.service_rows(
        rollups.Slice(start=live_from, end=timezone.now(), team_ids=team_ids),
        per="slice",
        using=db,
    )
    for (_day, team, _channel), values in live.items():
        counts[team] += values["interactions"]
    return dict(sorted(counts.items()))


def csat_scores_of(
    agent_ids: list[int], since: datetime.datetime, until: datetime.datetime
) -> list[tuple[int, datetime.datetime, int]]:
    """(agent, when, score) of each CSAT answer about `agent_ids` in [since, until): for other
    apps' own aggregates (learning's before and after a course), which show no single answer."""
    rows = (
        Response.objects.filter(
            kind=SurveyKind.CSAT,
            agent_id__in=agent_ids,
            submitted_at__gte=since,
            submitted_at__lt=until,
        )
        .order_by()
        .values_list("agent_id", "submitted_at", "score")
    )
    return [(agent_id, when, score) for agent_id, when, score in rows if agent_id is not None]
