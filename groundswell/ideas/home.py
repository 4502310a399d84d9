"""What the open door puts on home pages: your submissions' progress, the ones waiting for your
acknowledgement, and the policies due for review.

Registered by `IdeasConfig.ready()`; reads go through `ideas.selectors` (`list_ideas`,
`review_queue`), so an anonymous submission stays anonymous here as everywhere.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from groundswell.core.registry import HomePanel
from groundswell.ideas.choices import IdeaStatus
from groundswell.ideas.models import Idea, Policy
from groundswell.ideas.selectors import list_ideas, list_policies, review_queue
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.permissions import Action, departments_in_scope

SHOWN = 5


@dataclass(frozen=True)
class MyIdeas:
    """The person's latest named submissions and where each stands."""

    ideas: list[Idea]
    total: int


def my_ideas(person: Person) -> MyIdeas:
    mine = list_ideas(person, mine="submitted")
    return MyIdeas(list(mine[:SHOWN]), mine.count())


@dataclass(frozen=True)
class Acknowledgements:
    """New submissions the person acts on, oldest deadline first, and how many are late."""

    ideas: list[Idea]
    total: int
    overdue: int
    today: datetime.date


def to_acknowledge(person: Person) -> Acknowledgements:
    """New submissions `person` owns, or may act on in their department (managers), by deadline."""
    today = timezone.localdate()
    waiting = list_ideas(person, status=IdeaStatus.NEW)
    departments = departments_in_scope(person, Action.ACT_ON_IDEAS)
    if departments is not None:
        waiting = waiting.filter(Q(owner=person) | Q(department_id__in=departments))
    late = waiting.filter(acknowledge_by__lt=today)
    shown = waiting.order_by("acknowledge_by", "submitted_at")[:SHOWN]
    return Acknowledgements(list(shown), waiting.count(), late.count(), today)


@dataclass(frozen=True)
class PolicyReviews:
    policies: list[Policy]
    total: int
    past_review: int


def policy_reviews(person: Person) -> PolicyReviews:
    """Policies the person owns that are past or near their review date, or draw friction."""
    queue = review_queue(person)
    late = queue.filter(review_by__lt=timezone.localdate())
    return PolicyReviews(list(queue[:SHOWN]), queue.count(), late.count())


@dataclass(frozen=True)
class OpenDoorOverview:
    """The whole open door at a glance, for those who read it all and act on none of it."""

    overdue: int
    new: int
    past_review: int


def open_door_overview(person: Person) -> OpenDoorOverview:
    today = timezone.localdate()
    ideas = list_ideas(person, status=IdeaStatus.NEW)
    return OpenDoorOverview(
        overdue=ideas.filter(acknowledge_by__lt=today).count(),
        new=ideas.count(),
        past_review=list_policies(person).filter(review_by__lt=today).count(),
    )


PANELS = (
    HomePanel("my_ideas", frozenset({Role.AGENT}), my_ideas),
    HomePanel("ideas_to_acknowledge", frozenset({Role.TEAM_LEAD, Role.MANAGER}), to_acknowledge),
    HomePanel("policy_reviews", frozenset({Role.MANAGER}), policy_reviews),
    HomePanel("open_door_overview", frozenset({Role.EXECUTIVE}), open_door_overview),
)
