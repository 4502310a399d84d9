"""Factories for quality: scorecards made through the service, interactions to review."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from groundswell.desk.choices import InteractionStatus
from groundswell.desk.tests.factories import InteractionFactory
from groundswell.quality import services
from groundswell.quality.choices import CriterionScale
from groundswell.quality.models import QueueRule, Scorecard
from groundswell.quality.services import CriterionInput

CRITERIA = (
    CriterionInput("Opening", "Takes ownership", "Says what they will do and does it"),
    CriterionInput(
        "Resolution",
        "Accurate answer",
        "The answer is right the first time",
        scale=CriterionScale.ONE_TO_FIVE,
        weight=Decimal(2),
    ),
    CriterionInput("Resolution", "Keeps the promise made", weight=Decimal(1), allows_na=True),
    CriterionInput("Closing", "Checks the customer is satisfied", is_critical=True),
    CriterionInput("Closing", "Goes the extra mile", is_bonus=True, weight=Decimal("0.5")),
)


def make_scorecard(actor, department, *, name="Service behaviours", criteria=CRITERIA, **extra):
    return services.create_scorecard(
        actor=actor, name=name, department=department, criteria=list(criteria), **extra
    )


def criteria_of(scorecard: Scorecard) -> dict:
    """The current version's criteria by behaviour."""
    version = scorecard.versions.order_by("-number").first()
    return {c.behaviour: c for c in version.criteria.all()}


def resolved_interaction(team, agent, *, days_ago=1, **extra):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return InteractionFactory.create(
        team=team,
        handled_by=agent,
        status=InteractionStatus.RESOLVED,
        opened_at=at - datetime.timedelta(minutes=20),
        resolved_at=at,
        handle_time_seconds=1200,
        **extra,
    )


class QueueRuleFactory(factory.django.DjangoModelFactory[QueueRule]):
    class Meta:
        model = QueueRule

    sample_per_agent = 2
    every_poor_answer = True
    new_hire_weeks = 6
    new_hire_extra = 2
    due_days = 5
