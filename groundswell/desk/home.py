"""What the desk puts on home pages: the promises someone should keep, or see kept.

Registered as `core.registry.HomePanel`s by `DeskConfig.ready()`; every read starts from
`Promise.objects.visible_to()`, so a panel never shows a promise its reader could not open.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from groundswell.core.registry import HomePanel, TeamNeed, TeamNeeds
from groundswell.desk.choices import PromiseStatus
from groundswell.desk.models import Promise
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action

SHOWN = 8  # promises listed in a panel; the rest are counted
AT_RISK_HOURS = 24  # an open promise falling due within this many hours is at risk
BROKEN_DAYS = 7  # broken promises stay on a lead's home this long


@dataclass(frozen=True)
class PromiseItem:
    promise: Promise
    state: str  # "overdue", "at_risk", "open" or "broken"


@dataclass(frozen=True)
class PromisePanel:
    """The first promises of a list, in the order to act on them, and how many there are."""

    items: list[PromiseItem]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _state(promise: Promise, now: datetime.datetime) -> str:
    if promise.status == PromiseStatus.BROKEN:
        return "broken"
    if promise.due_at < now:
        return "overdue"
    if promise.due_at < now + datetime.timedelta(hours=AT_RISK_HOURS):
        return "at_risk"
    return "open"


def _panel(promises: list[Promise], total: int, now: datetime.datetime) -> PromisePanel:
    return PromisePanel([PromiseItem(p, _state(p, now)) for p in promises], total)


def my_promises(person: Person) -> PromisePanel:
    """An agent's open promises (made by them, or on interactions they handled), soonest due
    first: overdue ones lead."""
    now = timezone.now()
    promises = (
        Promise.objects.visible_to(person)
        .filter(status=PromiseStatus.OPEN)
        .filter(Q(made_by=person) | Q(interaction__handled_by=person))
    )
    shown = promises.select_related("interaction").order_by("due_at", "pk")[:SHOWN]
    return _panel(list(shown), promises.count(), now)


def promises_at_risk(person: Person) -> PromisePanel:
    """Promises in the teams `person` may change interactions in that are overdue, fall due
    within a day, or were broken in the last week: overdue first, then at risk, then broken."""
    now = timezone.now()
    promises = Promise.objects.visible_to(person, Action.CHANGE_INTERACTIONS).filter(
        Q(status=PromiseStatus.OPEN, due_at__lt=now + datetime.timedelta(hours=AT_RISK_HOURS))
        | Q(
            status=PromiseStatus.BROKEN,
            settled_at__gte=now - datetime.timedelta(days=BROKEN_DAYS),
        )
    )
    shown = promises.select_related("interaction__team", "made_by").order_by(
        "-status", "due_at", "pk"
    )[:SHOWN]  # "open" sorts after "broken": descending puts open ones first
    return _panel(list(shown), promises.count(), now)


def team_needs(person: Person) -> list[TeamNeed]:
    """Teams in `person`'s reach with promises past their due time and still open."""
    overdue = (
        Promise.objects.visible_to(person)
        .filter(status=PromiseStatus.OPEN, due_at__lt=timezone.now())
        .order_by()
        .values("interaction__team")
        .annotate(n=Count("pk"))
    )
    counts = {row["interaction__team"]: row["n"] for row in overdue}
    teams = Team.objects.filter(pk__in=list(counts)).select_related("department")
    url = reverse("desk:interaction-list")
    return [
        TeamNeed(
            team,
            ngettext("%(n)d overdue promise", "%(n)d overdue promises", counts[team.pk])
            % {"n": counts[team.pk]},
            url,
            counts[team.pk] / 2,
        )
        for team in teams
    ]


PANELS = (
    HomePanel("my_promises", frozenset({Role.AGENT}), my_promises),
    HomePanel("promises_at_risk", frozenset({Role.TEAM_LEAD, Role.MANAGER}), promises_at_risk),
)
NEEDS = TeamNeeds("desk", frozenset({Role.MANAGER, Role.EXECUTIVE}), team_needs)
