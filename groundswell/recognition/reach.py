"""Reach and fairness: who is recognised and who is not, in the viewer's scope.

Every figure comes from aggregate queries (a count per team, per value), never from a loop
over kudos. A team's share of people recognised is shown only from the minimum group the
customer dashboard uses for a figure (`GROUNDSWELL_MIN_AGENT_RESPONSES`); below it the page
gives the team's n and says why the share is held back. Names of people with no recognition
in 60 days go only to those who lead them: a team lead for their teams, a manager for their
department; executives and admins see the shares, not the names.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can_everywhere, restrict, teams_in_scope
from groundswell.recognition.choices import ReviewStatus
from groundswell.recognition.models import Compliment, HeroNomination, Kudos, Value

RECENT_DAYS = 30
QUIET_DAYS = 60
ACTION = Action.VIEW_RECOGNITION_REACH


@dataclass(frozen=True)
class TeamReach:
    """One team's last 30 days: its active people (n), those recognised and those who gave."""

    team_id: int
    team_name: str
    department_name: str
    people: int
    recognised: int
    givers: int
    minimum: int

    @property
    def shown(self) -> bool:
        return self.people >= self.minimum

    @property
    def share(self) -> float | None:
        """Share of the team's people recognised, None below the minimum group."""
        if not self.shown or not self.people:
            return None
        return self.recognised / self.people


@dataclass(frozen=True)
class ValueCount:
    name: str
    kudos: int


@dataclass(frozen=True)
class Reach:
    since: datetime.datetime
    teams: list[TeamReach]
    givers: int
    receivers: int
    kudos: int
    by_value: list[ValueCount]
    quiet: list[Person] | None  # None: the viewer leads no one, so no names are listed
    minimum: int


def scoped_kudos(viewer: Person, kudos: QuerySet[Kudos] | None = None) -> QuerySet[Kudos]:
    """Kudos (all, or those given) placed in the viewer's reach (by team, or by department
    when no team)."""
    base = Kudos.objects.all() if kudos is None else kudos
    return restrict(base, viewer, ACTION, team="team", department="department")


def _recognised_since(since: datetime.datetime) -> Q:
    """People who received a shown kudos, an approved compliment or an approved hero story."""
    kudos = Kudos.objects.filter(recipient=OuterRef("pk"), is_hidden=False, created_at__gte=since)
    compliments = Compliment.objects.filter(
        agent=OuterRef("pk"), status=ReviewStatus.APPROVED, received_at__gte=since
    )
    heroes = HeroNomination.objects.filter(
        nominee=OuterRef("pk"), status=ReviewStatus.APPROVED, created_at__gte=since
    )
    return Q(Exists(kudos)) | Q(Exists(compliments)) | Q(Exists(heroes))


def team_reach(viewer: Person, *, now: datetime.datetime | None = None) -> list[TeamReach]:
    """Per team in scope: n active people, how many were recognised and how many gave, in one
    grouped query."""
    since = (now or timezone.now()) - datetime.timedelta(days=RECENT_DAYS)
    minimum = settings.GROUNDSWELL_MIN_AGENT_RESPONSES
    gave = Kudos.objects.filter(giver=OuterRef("pk"), created_at__gte=since)
    rows = (
        Person.objects.filter(is_active=True, team__in=teams_in_scope(viewer, ACTION))
        .annotate(is_recognised=_recognised_since(since), is_giver=Exists(gave))
        .values("team_id", "team__name", "team__department__name")
        .annotate(
            people=Count("pk"),
            recognised=Count("pk", filter=Q(is_recognised=True)),
            givers=Count("pk", filter=Q(is_giver=True)),
        )
        .order_by("team__department__name", "team__name")
    )
    return [
        TeamReach(
            team_id=row["team_id"],
            team_name=row["team__name"],
            department_name=row["team__department__name"],
            people=row["people"],
            recognised=row["recognised"],
            givers=row["givers"],
            minimum=minimum,
        )
        for row in rows
    ]


def by_value(kudos: QuerySet[Kudos]) -> list[ValueCount]:
    """How many of these kudos name each value (retired ones included), most first."""
    rows = (
        Value.objects.annotate(n=Count("kudos", filter=Q(kudos__in=kudos.values("pk"))))
        .filter(n__gt=0)
        .order_by("-n", "name")
        .values_list("name", "n")
    )
    return [ValueCount(name, n) for name, n in rows]


def led_people(viewer: Person) -> QuerySet[Person] | None:
    """The people `viewer` leads for this page: a team lead's teams, a manager's department;
    None for those who read the whole organisation (they get shares, not names)."""
    if can_everywhere(viewer, ACTION):
        return None
    active = Person.objects.filter(is_active=True).exclude(pk=viewer.pk)
    return restrict(active, viewer, ACTION, team="team", department="department")


def quiet_people(viewer: Person, *, now: datetime.datetime | None = None) -> list[Person] | None:
    """People the viewer leads with no recognition at all in the last 60 days."""
    people = led_people(viewer)
    if people is None:
        return None
    since = (now or timezone.now()) - datetime.timedelta(days=QUIET_DAYS)
    return list(
        people.exclude(_recognised_since(since))
        .select_related("team")
        .order_by("team__name", "full_name")[:500]
    )


def reach_for(viewer: Person, *, now: datetime.datetime | None = None) -> Reach:
    now = now or timezone.now()
    since = now - datetime.timedelta(days=RECENT_DAYS)
    recent = scoped_kudos(viewer).filter(is_hidden=False, created_at__gte=since)
    totals = recent.aggregate(
        kudos=Count("pk"),
        givers=Count("giver", distinct=True),
        receivers=Count("recipient", distinct=True),
    )
    return Reach(
        since=since,
        teams=team_reach(viewer, now=now),
        givers=totals["givers"],
        receivers=totals["receivers"],
        kudos=totals["kudos"],
        by_value=by_value(recent),
        quiet=quiet_people(viewer, now=now),
        minimum=settings.GROUNDSWELL_MIN_AGENT_RESPONSES,
    )


def teams_for(viewer: Person) -> QuerySet[Team]:
    return teams_in_scope(viewer, ACTION)
