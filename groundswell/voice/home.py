"""What customer voice puts on home pages: scores with their n and trend, what customers said,
and the follow-ups waiting.

Registered by `VoiceConfig.ready()` as `core.registry.HomePanel`s and `TeamNeeds`. Figures come
from the dashboard's `VoiceMetrics` (rollups plus today's live rows, cached), answers one by one
from `survey_selectors.list_responses`, follow-ups from `follow_ups`: each scoped to the viewer
as the dashboard, the responses API and the follow-up pages are. An agent's figures are their
own only, and shown only from the dashboard's minimum number of answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groundswell.core.registry import HomePanel, TeamNeed, TeamNeeds
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can_somewhere
from groundswell.voice.choices import FollowUpStatus, SurveyKind
from groundswell.voice.dashboard import metrics
from groundswell.voice.dashboard.selectors import (
    AgentFigures,
    Figures,
    VoiceFilters,
    VoiceMetrics,
)
from groundswell.voice.follow_ups import selectors as follow_ups
from groundswell.voice.invitations.selectors import list_responses
from groundswell.voice.models import FollowUp, Response

TREND_WEEKS = 4  # "now" is the last four weeks (this one included), compared with the four before
TREND_MIN_ANSWERS = 10  # a change is shown, or counts as falling, only with this many each side
FALLING_POINTS = 5  # ... and a drop of at least this many points of satisfied customers
SHOWN = 5  # answers and follow-ups listed in a panel


@dataclass(frozen=True)
class Reading:
    """One figure over a period and its n; `value` is None when there is nothing to show."""

    value: float | None
    n: int
    mean: float | None = None


@dataclass(frozen=True)
class Trend:
    """A figure over the last TREND_WEEKS weeks beside the same figure in the weeks before."""

    now: Reading
    before: Reading

    minimum: int = TREND_MIN_ANSWERS

    @property
    def is_comparable(self) -> bool:
        """Enough answers on both sides (TREND_MIN_ANSWERS) for a change to mean something."""
        return (
            self.now.value is not None
            and self.before.value is not None
            and min(self.now.n, self.before.n) >= self.minimum
        )

    @property
    def change(self) -> float | None:
        if not self.is_comparable or self.now.value is None or self.before.value is None:
            return None
        return self.now.value - self.before.value

    @property
    def points(self) -> int:
        """The size of the change, rounded, without its sign (the direction says which way)."""
        return abs(round(self.change or 0))

    @property
    def direction(self) -> str:
        """ "up", "down" or "steady" (within a point); "" when there is nothing to compare."""
        change = self.change
        if change is None:
            return ""
        if abs(change) < 1:
            return "steady"
        return "up" if change > 0 else "down"


def _csat(histogram: metrics.Histogram, *, minimum: int = 1) -> Reading:
    figure = metrics.csat(histogram)
    if figure is None:
        return Reading(None, 0)
    if figure.n < minimum:
        return Reading(None, figure.n)
    return Reading(figure.favourable, figure.n, figure.mean)


def _nps(histogram: metrics.Histogram, *, minimum: int = 1) -> Reading:
    figure = metrics.nps(histogram)
    if figure is None:
        return Reading(None, 0)
    if figure.n < minimum:
        return Reading(None, figure.n)
    return Reading(figure.score, figure.n)


def _earlier(longer: Figures, recent: Figures, kind: str) -> dict[int, int]:
    """The answers of the longer period that are not in the recent one (the weeks before)."""
    return {
        score: total - now
        for score, (total, now) in enumerate(
            zip(longer.scores[kind], recent.scores[kind], strict=True)
        )
    }


def _trend(kind: str, recent: Figures, longer: Figures, *, minimum: int = 1) -> Trend:
    reading = _csat if kind == SurveyKind.CSAT else _nps
    return Trend(
        now=reading(recent.histogram(kind), minimum=minimum),
        before=reading(_earlier(longer, recent, kind), minimum=minimum),
    )


def _periods(viewer: Person) -> tuple[VoiceMetrics, VoiceMetrics]:
    """The figures `viewer` may see over the last TREND_WEEKS weeks and over twice that."""
    return (
        VoiceMetrics(viewer, VoiceFilters(weeks=TREND_WEEKS)),
        VoiceMetrics(viewer, VoiceFilters(weeks=2 * TREND_WEEKS)),
    )


class _Organisation(VoiceMetrics):
    """Every team's answers together: the one company-wide figure a team's own is set against.

    It names no team, agent or customer, so everyone who may see customer voice at all sees it,
    as everyone sees the organisation-wide results of the employee pulse."""

    def _team_ids(self) -> list[int] | None:
        return None


# --- Agents --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyVoice:
    """An agent's own scores, what their customers said lately and the follow-ups on them."""

    csat: Trend
    nps: Trend
    minimum: int
    comments: list[Response] = field(default_factory=list)
    follow_ups: list[Response] = field(default_factory=list)
    open_follow_ups: int = 0


def my_voice(person: Person) -> MyVoice | None:
    """`person`'s own figures (never a colleague's), shown from the dashboard's minimum."""
    if not can_somewhere(person, Action.VIEW_CUSTOMER_VOICE):
        return None
    minimum = settings.GROUNDSWELL_MIN_AGENT_RESPONSES
    recent, longer = (_own(period, person) for period in _periods(person))
    about_me = list_responses(person).filter(agent=person)
    answered = about_me.select_related("invitation__interaction", "invitation__customer")
    waiting = answered.filter(follow_up__status=FollowUpStatus.OPEN)
    return MyVoice(
        csat=_trend(SurveyKind.CSAT, recent, longer, minimum=minimum),
        nps=_trend(SurveyKind.NPS, recent, longer, minimum=minimum),
        minimum=minimum,
        comments=list(answered.exclude(comment="")[:SHOWN]),
        follow_ups=list(waiting.select_related("follow_up").order_by("follow_up__due_at")[:SHOWN]),
        open_follow_ups=waiting.count(),
    )


def _own(figures: VoiceMetrics, person: Person) -> Figures:
    rows: list[AgentFigures] = [row for row in figures.by_agent if row.agent.pk == person.pk]
    return rows[0].figures if rows else Figures()


# --- Team leads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamVoice:
    """A lead's teams against the company, and the follow-ups due by tonight."""

    csat: Trend
    nps: Trend
    company_csat: Reading
    company_nps: Reading
    follow_ups: list[FollowUp]
    overdue: int


def team_voice(person: Person) -> TeamVoice | None:
    if not can_somewhere(person, Action.VIEW_CUSTOMER_VOICE):
        return None
    recent, longer = _periods(person)
    company = _Organisation(person, VoiceFilters(weeks=TREND_WEEKS)).summary
    handles = can_somewhere(person, Action.HANDLE_FOLLOW_UPS)
    return TeamVoice(
        csat=_trend(SurveyKind.CSAT, recent.summary, longer.summary),
        nps=_trend(SurveyKind.NPS, recent.summary, longer.summary),
        company_csat=_csat(company.histogram(SurveyKind.CSAT)),
        company_nps=_nps(company.histogram(SurveyKind.NPS)),
        follow_ups=follow_ups.due_for_home(person, limit=SHOWN) if handles else [],
        overdue=follow_ups.list_follow_ups(person, state="overdue").count() if handles else 0,
    )


# --- Managers and executives ---------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceOverview:
    """Everything in reach (a department, or the company): scores and the follow-ups open."""

    csat: Trend
    nps: Trend
    open_follow_ups: int
    overdue: int


def voice_overview(person: Person) -> VoiceOverview | None:
    if not can_somewhere(person, Action.VIEW_CUSTOMER_VOICE):
        return None
    recent, longer = _periods(person)
    counts = follow_ups.list_follow_ups(person, state="open").aggregate(
        open=Count("pk"), overdue=Count("pk", filter=follow_ups.overdue())
    )
    return VoiceOverview(
        csat=_trend(SurveyKind.CSAT, recent.summary, longer.summary),
        nps=_trend(SurveyKind.NPS, recent.summary, longer.summary),
        open_follow_ups=counts["open"],
        overdue=counts["overdue"],
    )


def team_needs(person: Person) -> list[TeamNeed]:
    """Teams whose CSAT fell, and teams with overdue follow-ups, in `person`'s reach."""
    needs: list[TeamNeed] = []
    if can_somewhere(person, Action.VIEW_CUSTOMER_VOICE):
        recent, longer = _periods(person)
        eight_weeks = {row.team.pk: row.figures for row in longer.by_team}
        for row in recent.by_team:
            whole = eight_weeks.get(row.team.pk) or row.figures
            trend = _trend(SurveyKind.CSAT, row.figures, whole)
            change = trend.change
            if change is not None and change <= -FALLING_POINTS:
                query = urlencode({"team": row.team.pk, "weeks": TREND_WEEKS})
                reason = _("CSAT down %(points)d points to %(now)d%% (n = %(n)d)") % {
                    "points": round(-change),
                    "now": round(trend.now.value or 0),
                    "n": trend.now.n,
                }
                url = f"{reverse('voice_dashboard:dashboard')}?{query}"
                needs.append(TeamNeed(row.team, reason, url, -change / FALLING_POINTS))
    overdue = (
        follow_ups.list_follow_ups(person, state="overdue")
        .select_related(None)
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
    )
    counts = {row["team"]: row["n"] for row in overdue}
    if counts:
        url = f"{reverse('voice:follow-up-list')}?state=overdue"
        found = Team.objects.filter(pk__in=list(counts)).select_related("department")
        teams = {team.pk: team for team in found}
        for team_id, n in counts.items():
            reason = ngettext("%(n)d overdue follow-up", "%(n)d overdue follow-ups", n) % {"n": n}
            needs.append(TeamNeed(teams[team_id], reason, url, float(n)))
    return needs


PANELS = (
    HomePanel("my_voice", frozenset({Role.AGENT}), my_voice),
    HomePanel("team_voice", frozenset({Role.TEAM_LEAD}), team_voice),
    HomePanel("voice_overview", frozenset({Role.MANAGER, Role.EXECUTIVE}), voice_overview),
)
NEEDS = TeamNeeds("voice", frozenset({Role.MANAGER, Role.EXECUTIVE}), team_needs)
