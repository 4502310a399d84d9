"""Published waves built straight into the tables, for tests of what results pages say.

Rows are written as `services.publish_wave` leaves them (one day, coarsened groups), without
going through answer links, so a test states exactly which groups were stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils import timezone

from groundswell.people.models import Department, Person, Team
from groundswell.pulse import services
from groundswell.pulse.choices import CampaignKind
from groundswell.pulse.models import Answer, Campaign, Question, Submission, Wave
from groundswell.pulse.tests.factories import fake_wave

ValueFor = Callable[[Question], int]


def campaign_for(
    actor: Person,
    *,
    teams: Sequence[Team] = (),
    departments: Sequence[Department] = (),
    elements: Sequence[str] = ("management", "training"),
    name: str = "Autumn pulse",
) -> Campaign:
    """A campaign (its owning department is the actor's, unless they manage everywhere)."""
    return services.create_campaign(
        actor=actor,
        name=name,
        kind=CampaignKind.PULSE,
        teams=teams,
        departments=departments,
        elements=list(elements),
    )


def closed_wave(campaign: Campaign, number: int = 1) -> Wave:
    """A wave that closed a minute ago, so that its results are published."""
    return fake_wave(campaign, number)


def stored(
    wave: Wave,
    count: int,
    *,
    department: Department | None,
    team: Team | None = None,
    value: ValueFor | None = None,
) -> None:
    """`count` submissions stored with this department and team (None: folded away)."""
    questions = list(Question.objects.filter(campaign=wave.campaign_id).order_by("position"))
    value = value or (lambda question: 8 if question.kind == "enps" else 4)
    for _ in range(count):
        submission = Submission.objects.create(
            wave=wave,
            team=team,
            department=department,
            tenure_band="unknown",
            submitted_on=timezone.localdate(),
        )
        Answer.objects.bulk_create(
            Answer(submission=submission, question=q, value=value(q)) for q in questions
        )


def by_element(scores: dict[str, int], enps: int = 8) -> ValueFor:
    """Every item of an element answered with the element's value."""

    def value(question: Question) -> int:
        return enps if question.kind == "enps" else scores[question.element]

    return value
