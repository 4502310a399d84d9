"""Demo data for employee voice: two pulse campaigns and a culture assessment.

Each team has its own mood (some clearly happier than others) and response rates differ, so
some teams fall under the minimum group size and the reports show suppression at work.
Answers go through the same writer as real ones (services.hold_answers, then publish_wave),
people in a random order, so demo data is stored exactly as real data is.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from groundswell.core.lib import tokens
from groundswell.people.choices import Role
from groundswell.people.demo import DemoContext, DemoStep
from groundswell.people.models import Person, Team
from groundswell.pulse import item_bank, services
from groundswell.pulse.choices import CampaignKind, CampaignStatus, QuestionKind, Schedule
from groundswell.pulse.models import Answer, Campaign, Participation, Submission, Wave

COMMENTS = (
    "The new callback tool saves me a lot of time.",
    "We are short of people on Mondays and customers notice.",
    "I would like more coaching on difficult calls.",
    "Leaders rarely come and sit with us.",
    "The refund policy makes me say no when I want to say yes.",
    "Great team spirit lately.",
)


def create_pulse(ctx: DemoContext) -> None:
    """Two pulse campaigns (one monthly with three waves) and one culture assessment."""
    admin = ctx.demo_people.get(Role.ADMIN) or Person.objects.filter(role=Role.ADMIN).first()
    teams = ctx.teams or list(Team.objects.all())
    if admin is None or not teams:
        return
    mood = {team.pk: ctx.rng.uniform(-0.9, 0.7) for team in teams}
    rate = {team.pk: ctx.rng.choice([0.15, 0.5, 0.7, 0.85]) for team in teams}
    people = list(Person.objects.active().filter(team__isnull=False))
    plans = [
        ("Monthly pulse", CampaignKind.PULSE, Schedule.MONTHLY, ["management", "rewards"], 3),
        ("Return-to-office pulse", CampaignKind.PULSE, Schedule.ONCE, ["delivery", "policies"], 1),
        ("Service culture assessment", CampaignKind.CULTURE, Schedule.ONCE, None, 1),
    ]  # fmt: skip
    for name, kind, schedule, elements, waves in plans:
        campaign = services.create_campaign(
            actor=admin, name=name, kind=kind, schedule=schedule,
            departments=list({t.department for t in teams}), elements=elements,
        )  # fmt: skip
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
        for number in range(1, waves + 1):
            _wave(ctx, campaign, number, waves, people, mood, rate)
    ctx.counts["pulse submissions"] = Submission.objects.count()


def _wave(  # type: ignore[no-untyped-def]
    ctx: DemoContext, campaign: Campaign, number: int, waves: int, people, mood, rate
) -> None:
    """One wave; every wave has closed and is published except the monthly pulse's last."""
    still_open = waves > 1 and number == waves
    days_ago = 30 * (waves - number) + (3 if still_open else 24)
    opens = timezone.now() - datetime.timedelta(days=days_ago)
    wave = Wave.objects.create(
        campaign=campaign, number=number, opens_at=opens,
        closes_at=opens + datetime.timedelta(days=21 if still_open else 14),
    )  # fmt: skip
    questions = list(campaign.questions.all())
    answering = [p for p in people if ctx.rng.random() < rate[p.team_id]]
    answered = {person.pk for person in answering}
    Participation.objects.bulk_create(
        Participation(wave=wave, person=person, token_hash=tokens.unusable_hash(),
                      invited_at=opens, has_completed=person.pk in answered)
        for person in people
    )  # fmt: skip
    ctx.rng.shuffle(answering)
    team_mood = {pk: value + 0.15 * (number - 1) for pk, value in mood.items()}
    for person in answering:
        values = {q.pk: _value(ctx.rng, q, team_mood[person.team_id]) for q in questions}
        comment = ctx.rng.choice(COMMENTS) if ctx.rng.random() < 0.2 else ""
        services.hold_answers(wave=wave, person=person, values=values, comment=comment)
    if not still_open:
        services.publish_wave(wave.pk)


def _value(rng: random.Random, question, mood: float) -> int:  # type: ignore[no-untyped-def]
    if question.kind == QuestionKind.ENPS:
        return max(0, min(10, round(rng.gauss(7.4 + 2 * mood, 1.8))))
    bias = -mood if question.is_reversed else mood
    codes = list(item_bank.ELEMENT_LABELS)
    element_shift = (
        (codes.index(question.element) % 5 - 2) * 0.15 if question.element in codes else 0
    )
    return max(1, min(5, round(rng.gauss(3.5 + bias + element_shift, 0.9))))


def wipe_pulse() -> None:
    """Remove every campaign with its waves, invitations and answers."""
    Answer.objects.all().delete()
    Campaign.objects.all().delete()


PULSE = DemoStep(name="pulse", create=create_pulse, wipe=wipe_pulse)
