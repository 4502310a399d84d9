"""What the employee pulse puts on home pages: a wave waiting for you, and who is taking part.

Only the person side is read here (`Participation`: who was invited, whether they answered),
and only as counts, never a name: the answers (`Submission`, `Answer`, `Comment`) are not
touched. A team's participation is shown only when at least the campaign's minimum group was
invited from it (docs/anonymity.md); smaller teams are named with no figure. The teams are
those whose breakdown the viewer may see (`employee_voice.breakdown`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.registry import HomePanel, TeamNeed, TeamNeeds
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can_somewhere, teams_in_scope
from groundswell.pulse.choices import CampaignStatus
from groundswell.pulse.models import Campaign, Participation, Wave

RECENT_DAYS = 30  # a wave closed this long ago still shows its participation
WAVES_SHOWN = 2
LOW_PARTICIPATION = 60  # % of those invited: below this, a team needs attention


@dataclass(frozen=True)
class WaitingWave:
    """A wave the person was invited to, has not answered, and can still answer."""

    wave: Wave
    invited_at: datetime.datetime | None


def waves_waiting(person: Person) -> list[WaitingWave]:
    """Open waves `person` was invited to and has not answered (their link is in their email)."""
    if not can_somewhere(person, Action.VIEW_EMPLOYEE_VOICE):
        return []
    now = timezone.now()
    waiting = (
        Participation.objects.filter(person=person, has_completed=False)
        .filter(
            wave__campaign__in=Campaign.objects.visible_to(person),
            wave__campaign__status=CampaignStatus.OPEN,
            wave__opens_at__lte=now,
            wave__closes_at__gt=now,
        )
        .select_related("wave__campaign")
        .order_by("wave__closes_at", "pk")
    )
    return [WaitingWave(p.wave, p.invited_at) for p in waiting[:WAVES_SHOWN]]


@dataclass(frozen=True)
class Turnout:
    """How many of those invited have answered; `rate` None when too few were invited to say."""

    invited: int
    answered: int
    minimum: int

    @property
    def is_shown(self) -> bool:
        return self.invited >= self.minimum

    @property
    def rate(self) -> float | None:
        return 100 * self.answered / self.invited if self.is_shown else None


@dataclass(frozen=True)
class TeamTurnout:
    team: Team
    turnout: Turnout


@dataclass(frozen=True)
class WaveTurnout:
    """One recent wave: everyone invited together, and each team in the viewer's reach."""

    wave: Wave
    is_open: bool
    overall: Turnout
    teams: list[TeamTurnout] = field(default_factory=list)


def participation(person: Person) -> list[WaveTurnout]:
    """Recent waves (open, or closed in the last RECENT_DAYS) with their participation."""
    if not can_somewhere(person, Action.VIEW_EMPLOYEE_VOICE):
        return []
    now = timezone.now()
    waves = list(
        Wave.objects.filter(
            campaign__in=Campaign.objects.visible_to(person).exclude(status=CampaignStatus.DRAFT),
            opens_at__lte=now,
            closes_at__gte=now - datetime.timedelta(days=RECENT_DAYS),
        )
        .select_related("campaign")
        .order_by("-opens_at", "-pk")[:WAVES_SHOWN]
    )
    if not waves:
        return []
    answered = Count("pk", filter=Q(has_completed=True))
    invitations = Participation.objects.filter(wave__in=waves).order_by()
    overall = {
        row["wave"]: (row["invited"], row["answered"])
        for row in invitations.values("wave").annotate(invited=Count("pk"), answered=answered)
    }
    teams = teams_in_scope(person, Action.VIEW_EMPLOYEE_VOICE_BREAKDOWN)
    by_team: dict[tuple[int, int], tuple[int, int]] = {
        (row["wave"], row["person__team"]): (row["invited"], row["answered"])
        for row in invitations.filter(person__team__in=teams)
        .values("wave", "person__team")
        .annotate(invited=Count("pk"), answered=answered)
    }
    team_rows = {team.pk: team for team in teams.select_related("department").order_by("name")}
    result = []
    for wave in waves:
        minimum = wave.campaign.min_group_size
        invited, done = overall.get(wave.pk, (0, 0))
        rows = [
            TeamTurnout(team, Turnout(*by_team[wave.pk, team.pk], minimum))
            for team in team_rows.values()
            if (wave.pk, team.pk) in by_team
        ]
        is_open = wave.closes_at > now and wave.campaign.status == CampaignStatus.OPEN
        result.append(WaveTurnout(wave, is_open, Turnout(invited, done, minimum), rows))
    return result


def team_needs(person: Person) -> list[TeamNeed]:
    """Teams where fewer than LOW_PARTICIPATION % answered the latest wave that asked them."""
    needs: list[TeamNeed] = []
    seen: set[int] = set()
    for wave in participation(person):  # newest first: a team's latest wave decides
        for row in wave.teams:
            rate = row.turnout.rate
            if row.team.pk in seen or rate is None:
                continue
            seen.add(row.team.pk)
            if rate < LOW_PARTICIPATION:
                reason = _("%(rate)d%% took part in %(campaign)s (%(answered)d of %(invited)d)") % {
                    "rate": round(rate),
                    "campaign": wave.wave.campaign.name,
                    "answered": row.turnout.answered,
                    "invited": row.turnout.invited,
                }
                url = wave.wave.campaign.get_absolute_url()
                weight = (LOW_PARTICIPATION - rate) / 20
                needs.append(TeamNeed(row.team, reason, url, weight))
    return needs


LEADERS = frozenset({Role.TEAM_LEAD, Role.MANAGER, Role.EXECUTIVE})
PANELS = (
    HomePanel("pulse_waiting", frozenset({Role.AGENT, *LEADERS}), waves_waiting),
    HomePanel("pulse_participation", LEADERS, participation),
)
NEEDS = TeamNeeds("pulse", frozenset({Role.MANAGER, Role.EXECUTIVE}), team_needs)
