"""Demo data for employee voice: two pulse campaigns and a culture assessment.

Each team has its own mood (some clearly happier than others) and response rates differ, so
some teams fall under the minimum group size and the reports show suppression at work.
Participations are marked answered in bulk; submissions carry no link back to them.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.utils import timezone

from groundswell.people.choices import Role
from groundswell.people.demo import DemoContext, DemoStep
from groundswell.people.models import Person, Team
from groundswell.pulse import item_bank, services, tokens
from groundswell.pulse.choices import CampaignKind, CampaignStatus, QuestionKind, Schedule
from groundswell.pulse.models import Answer, Campaign, Comment, Participation, Submission, Wave

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
    opens = timezone.now() - datetime.timedelta(days=30 * (waves - number) + 3)
    wave = Wave.objects.create(
        campaign=campaign, number=number, opens_at=opens,
        closes_at=opens + datetime.timedelta(days=14 if number < waves else 21),
    )  # fmt: skip
    questions = list(campaign.questions.all())
    participations, submissions, answers, comments = [], [], [], []
    for person in people:
        done = ctx.rng.random() < rate[person.team_id]
        participations.append(
            Participation(wave=wave, person=person, token_hash=tokens.unusable_hash(),
                          invited_at=opens, has_completed=done)
        )  # fmt: skip
        if not done:
            continue
        submission = Submission(
            id=uuid.uuid4(), wave=wave, team_id=person.team_id, department_id=person.department_id,
            tenure_band=services.tenure_band(person.hire_date, ctx.today),
            submitted_on=(opens + datetime.timedelta(days=ctx.rng.randint(0, 10))).date(),
        )  # fmt: skip
        submissions.append(submission)
        drift = 0.15 * (number - 1)
        team_mood = mood[person.team_id] + drift
        answers += [
            Answer(submission=submission, question=q, value=_value(ctx.rng, q, team_mood))
            for q in questions
        ]
        if ctx.rng.random() < 0.2:
            comments.append(Comment(submission=submission, text=ctx.rng.choice(COMMENTS)))
    ctx.rng.shuffle(submissions)
    Participation.objects.bulk_create(participations)
    Submission.objects.bulk_create(submissions)
    Answer.objects.bulk_create(answers, batch_size=2000)
    Comment.objects.bulk_create(comments)


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
