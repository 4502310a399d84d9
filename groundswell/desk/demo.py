"""Demo data for the service desk and customer voice: a year of interactions and what followed.

One step (`SERVICE`) because the data is one story: customers contact teams, agents make and
keep promises, customers are surveyed after resolution, some answer, and poor answers are
followed up. Scores differ by team and drift over the year, so the dashboards have something
true to show. Everything is bulk-inserted; nothing loops over the database.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import random
from dataclasses import dataclass

from django.utils import timezone

from groundswell.desk.choices import Channel, InteractionStatus, PromiseKind, PromiseStatus
from groundswell.desk.models import Customer, Interaction, Promise
from groundswell.people.choices import Role
from groundswell.people.demo import DemoContext, DemoSize, DemoStep
from groundswell.people.models import Person, Team
from groundswell.voice.choices import SCALES, FollowUpOutcome, FollowUpStatus, SurveyKind
from groundswell.voice.models import FollowUp, Invitation, Response, Survey, SurveyVersion
from groundswell.voice.rollups import refresh_voice_rollups
from groundswell.voice.services import next_business_day

INTERACTIONS = {DemoSize.SMALL: 3_000, DemoSize.MEDIUM: 100_000, DemoSize.LARGE: 300_000}
DAYS = 365
BATCH = 2_000
INVITED_SHARE = 0.75
RESPONSE_RATE = 0.25
PROMISE_SHARE = 0.15
INTERNAL_SHARE = 0.05
KIND_WEIGHTS: dict[str, float] = {SurveyKind.CSAT: 0.6, SurveyKind.NPS: 0.25, SurveyKind.CES: 0.15}
DEFAULT_POOR = {SurveyKind.CSAT: 2, SurveyKind.CES: 5, SurveyKind.NPS: 6}
LANGUAGE_WEIGHTS = {"en": 0.6, "es": 0.17, "fr": 0.12, "de": 0.11}
TOPICS = (
    "billing", "refund", "delivery", "login", "outage", "installation", "contract",
    "complaint", "upgrade", "cancellation", "appointment", "warranty",
)  # fmt: skip
SUBJECTS = {
    "billing": "Charged twice this month",
    "refund": "Refund not received yet",
    "delivery": "Engineer did not arrive",
    "login": "Cannot sign in to my account",
    "outage": "Boiler stopped working",
    "installation": "Questions about my new installation",
    "contract": "Change the name on the contract",
    "complaint": "Unhappy with the last visit",
    "upgrade": "Upgrade to the premium plan",
    "cancellation": "Cancel my service plan",
    "appointment": "Move my appointment",
    "warranty": "Is this repair under warranty?",
}
INTERNAL_SUBJECTS = (
    "Laptop will not start",
    "Access to the billing system",
    "Payslip question",
    "New starter equipment",
)
# Comments in the customer's language, in our own words, by how the customer felt.
COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "good": ("Quick and friendly, thank you!", "Sorted on the first call.",
                 "The agent really listened.", "Clear answer and kept me updated."),
        "bad": ("Nobody called me back as promised.", "I had to explain everything three times.",
                "Still waiting for my refund.", "Long hold and no solution."),
    },
    "es": {
        "good": ("Rápido y muy amable, gracias.", "Lo resolvieron en la primera llamada."),
        "bad": ("Nadie me devolvió la llamada.", "Sigo esperando el reembolso."),
    },
    "fr": {
        "good": ("Rapide et aimable, merci !", "Problème réglé dès le premier appel."),
        "bad": ("Personne ne m'a rappelé.", "J'attends toujours mon remboursement."),
    },
    "de": {
        "good": ("Schnell und freundlich, danke!", "Gleich beim ersten Anruf gelöst."),
        "bad": ("Niemand hat zurückgerufen.", "Ich warte immer noch auf die Erstattung."),
    },
}  # fmt: skip
NOTES = {
    FollowUpOutcome.REACHED_RESOLVED: "Called back, apologised and fixed it the same day.",
    FollowUpOutcome.REACHED_NOT_RESOLVED: "Spoke to the customer; passed the fault to Billing.",
    FollowUpOutcome.NOT_REACHED: "Two calls and an email, no answer.",
}


@dataclass
class _TeamProfile:
    team: Team
    agents: list[Person]
    quality: float  # how well this team serves, 0..1
    drift: float  # change in quality over the year


def create_service(ctx: DemoContext) -> None:
    """Customers, interactions, promises, survey invitations, responses and follow-ups."""
    rng = ctx.rng
    now = timezone.now()
    start = now - datetime.timedelta(days=DAYS)
    service_teams = _service_teams(ctx)
    if not service_teams:
        return
    versions = _survey_versions()
    internal_people = [p for p in ctx.people if p.is_active and p.team_id is not None]
    total = INTERACTIONS[ctx.size]

    customers = _create_customers(ctx, max(50, total // 4))
    interactions: list[Interaction] = []
    for index in range(total):
        profile = rng.choice(service_teams)
        # Busier in recent months: the organisation grew.
        opened = start + datetime.timedelta(days=DAYS * math.sqrt(rng.random()))
        opened = opened.replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59))
        opened = min(opened, now - datetime.timedelta(minutes=5))
        internal = rng.random() < INTERNAL_SHARE and internal_people
        topic = rng.choice(TOPICS)
        age_days = (now - opened).days
        resolved = age_days > 2 or rng.random() < 0.6
        handle = int(rng.lognormvariate(6.2, 0.6))
        interactions.append(
            Interaction(
                customer=None if internal else rng.choice(customers),
                requester_person=rng.choice(internal_people) if internal else None,
                channel=_channel(rng, profile.team.name),
                team=profile.team,
                handled_by=rng.choice(profile.agents),
                status=InteractionStatus.RESOLVED
                if resolved
                else rng.choice([InteractionStatus.OPEN, InteractionStatus.PENDING]),
                subject=rng.choice(INTERNAL_SUBJECTS) if internal else SUBJECTS[topic],
                topics=[] if internal else [topic],
                opened_at=opened,
                resolved_at=opened + datetime.timedelta(seconds=handle * rng.randint(1, 30))
                if resolved
                else None,
                handle_time_seconds=handle,
                source="demo",
                external_id=f"demo-{index}",
            )
        )
    Interaction.objects.bulk_create(interactions, batch_size=BATCH)
    profiles = {p.team.pk: p for p in service_teams}

    promises = _create_promises(ctx, interactions, now)
    responses, follow_ups = _create_survey_data(ctx, interactions, profiles, versions, start, now)
    refresh_voice_rollups(since=start.date())
    ctx.counts.update(
        {
            "customers": len(customers),
            "interactions": len(interactions),
            "promises": promises,
            "survey responses": responses,
            "follow-ups": follow_ups,
        }
    )


def _service_teams(ctx: DemoContext) -> list[_TeamProfile]:
    """Teams that serve customers (and IT/HR for internal requests), with their agents."""
    agents_by_team: dict[int, list[Person]] = {}
    for person in ctx.people:
        if person.is_active and person.team_id is not None and person.role == Role.AGENT:
            agents_by_team.setdefault(person.team_id, []).append(person)
    profiles = []
    for team in ctx.teams:
        department = team.department.name
        if department not in {"Customer Service", "Billing", "IT"}:
            continue
        agents = agents_by_team.get(team.pk)
        if not agents:
            continue
        profiles.append(
            _TeamProfile(
                team=team,
                agents=agents,
                quality=ctx.rng.uniform(0.45, 0.9),
                drift=ctx.rng.uniform(-0.15, 0.2),
            )
        )
    return profiles


def _channel(rng: random.Random, team_name: str) -> str:
    name = team_name.lower()
    for word, channel in (
        ("phone", Channel.PHONE),
        ("chat", Channel.CHAT),
        ("email", Channel.EMAIL),
    ):
        if word in name and rng.random() < 0.8:
            return channel
    return rng.choices(
        [Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.WEB, Channel.IN_PERSON],
        weights=[0.4, 0.25, 0.2, 0.1, 0.05],
    )[0]


def _create_customers(ctx: DemoContext, count: int) -> list[Customer]:
    rng, faker = ctx.rng, ctx.faker
    languages = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    segments = ["household", "household", "household", "landlord", "small business"]
    customers = [
        Customer(
            name=faker.name(),
            email=f"customer{number}@customers.{ctx.seed}.kestrel-demo.test",
            language=rng.choices(languages, weights=weights)[0],
            segment=rng.choice(segments),
            is_opted_out=rng.random() < 0.03,
        )
        for number in range(count)
    ]
    Customer.objects.bulk_create(customers, batch_size=BATCH)
    return customers


def _create_promises(
    ctx: DemoContext, interactions: list[Interaction], now: datetime.datetime
) -> int:
    rng = ctx.rng
    promises = []
    for interaction in interactions:
        if rng.random() >= PROMISE_SHARE:
            continue
        due = interaction.opened_at + datetime.timedelta(hours=rng.choice([4, 24, 48, 72]))
        if due > now:
            status, settled = PromiseStatus.OPEN, None
        else:
            roll = rng.random()
            if roll < 0.82:
                status = PromiseStatus.KEPT
                settled = due - datetime.timedelta(hours=rng.uniform(0.5, 20))
                settled = max(settled, interaction.opened_at)
            elif roll < 0.95:
                status, settled = PromiseStatus.BROKEN, due + datetime.timedelta(hours=2)
            else:
                status, settled = PromiseStatus.OPEN, None  # overdue, still open
        kind = rng.choice(list(PromiseKind))
        promises.append(
            Promise(
                interaction=interaction,
                kind=kind,
                description=f"{PromiseKind(kind).label} for the customer",
                made_by=interaction.handled_by,
                due_at=due,
                status=status,
                settled_at=settled,
            )
        )
    Promise.objects.bulk_create(promises, batch_size=BATCH)
    return len(promises)


def _survey_versions() -> dict[str, SurveyVersion]:
    """The active survey of each kind and its latest version, made if the database has none."""
    versions: dict[str, SurveyVersion] = {}
    for kind in SurveyKind:
        survey = Survey.objects.filter(kind=kind, is_active=True).first()
        if survey is None:
            survey = Survey.objects.create(
                kind=kind, name=f"{kind.upper()} after service", poor_threshold=DEFAULT_POOR[kind]
            )
        version = survey.versions.order_by("-number").first()
        if version is None:
            low, high = SCALES[kind]
            version = SurveyVersion.objects.create(
                survey=survey,
                number=1,
                question=f"How would you rate the service you received? ({low} to {high})",
                low_label="Very poor",
                high_label="Excellent",
                comment_prompt="Tell us more (optional)",
            )
        versions[kind] = version
    return versions


def _score(rng: random.Random, kind: str, quality: float) -> int:
    """A score on `kind`'s scale: better teams score higher (CES: lower is better)."""
    low, high = SCALES[kind]
    value = min(1.0, max(0.0, rng.gauss(quality, 0.22)))
    if kind == SurveyKind.CES:
        value = 1 - value
    return low + round(value * (high - low))


def _is_poor(kind: str, score: int) -> bool:
    threshold = DEFAULT_POOR[SurveyKind(kind)]
    return score >= threshold if kind == SurveyKind.CES else score <= threshold


def _is_high(kind: str, score: int) -> bool:
    if kind == SurveyKind.CES:
        return score <= 2
    return score >= SCALES[kind][1] - (1 if kind == SurveyKind.NPS else 0)


def _create_survey_data(
    ctx: DemoContext,
    interactions: list[Interaction],
    profiles: dict[int, _TeamProfile],
    versions: dict[str, SurveyVersion],
    start: datetime.datetime,
    now: datetime.datetime,
) -> tuple[int, int]:
    rng = ctx.rng
    kinds: list[str] = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    invitations: list[Invitation] = []
    answers: list[tuple[Invitation, Interaction, str]] = []
    for interaction in interactions:
        customer = interaction.customer
        if (
            customer is None
            or interaction.resolved_at is None
            or customer.is_opted_out
            or rng.random() >= INVITED_SHARE
        ):
            continue
        kind = rng.choices(kinds, weights=kind_weights)[0]
        sent = interaction.resolved_at + datetime.timedelta(minutes=rng.randint(5, 90))
        invitation = Invitation(
            version=versions[kind],
            interaction=interaction,
            customer=customer,
            token_hash=hashlib.sha256(f"demo:{ctx.seed}:{interaction.pk}".encode()).hexdigest(),
            language=customer.language,
            send_after=sent,
            sent_at=sent if sent < now else None,
            expires_at=sent + datetime.timedelta(days=14),
        )
        invitations.append(invitation)
        if invitation.sent_at is not None and rng.random() < RESPONSE_RATE:
            answers.append((invitation, interaction, kind))
    Invitation.objects.bulk_create(invitations, batch_size=BATCH)

    responses: list[Response] = []
    for invitation, interaction, kind in answers:
        profile = profiles[interaction.team_id]
        progress = (interaction.opened_at - start).total_seconds() / (DAYS * 86400)
        score = _score(rng, kind, profile.quality + profile.drift * progress)
        poor = _is_poor(kind, score)
        comment = ""
        if rng.random() < 0.35:
            bank = COMMENTS.get(invitation.language, COMMENTS["en"])
            comment = rng.choice(bank["bad" if poor else "good"])
        sent_at = invitation.sent_at or now
        responses.append(
            Response(
                invitation=invitation,
                kind=kind,
                score=score,
                comment=comment,
                language=invitation.language,
                team_id=interaction.team_id,
                agent_id=interaction.handled_by_id,
                channel=interaction.channel,
                is_poor=poor,
                is_compliment=bool(comment) and _is_high(kind, score),
                submitted_at=min(now, sent_at + datetime.timedelta(hours=rng.uniform(0.1, 30))),
            )
        )
    Response.objects.bulk_create(responses, batch_size=BATCH)

    leads = {profile.team.pk: profile.team.lead_id for profile in profiles.values()}
    outcomes = list(FollowUpOutcome)
    follow_ups = []
    for response in responses:
        if not response.is_poor:
            continue
        due = next_business_day(response.submitted_at)
        age = now - response.submitted_at
        if age < datetime.timedelta(days=2) or rng.random() < 0.04:
            status, outcome, closed, note = FollowUpStatus.OPEN, "", None, ""
        else:
            outcome = rng.choices(outcomes, weights=[0.6, 0.25, 0.15])[0]
            closed = response.submitted_at + datetime.timedelta(hours=rng.lognormvariate(2.5, 0.8))
            closed = min(closed, now)
            status, note = FollowUpStatus.CLOSED, NOTES[outcome]
        follow_ups.append(
            FollowUp(
                response=response,
                team_id=response.team_id,
                owner_id=leads.get(response.team_id),
                due_at=due,
                status=status,
                outcome=outcome,
                note=note,
                closed_at=closed,
                closed_by_id=leads.get(response.team_id) if closed else None,
            )
        )
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    return len(responses), len(follow_ups)


def wipe_service() -> None:
    """Remove every interaction, customer and what hangs off them (surveys stay)."""
    from groundswell.voice import models as voice

    rollups = (
        voice.DailyVoiceRollup,
        voice.DailyServiceRollup,
        voice.WeeklyVoiceRollup,
        voice.WeeklyServiceRollup,
        voice.WeeklyAgentRollup,
    )
    for model in (*rollups, FollowUp, Response, Invitation, Promise, Interaction, Customer):
        model.objects.all().delete()
    voice.VoiceRollupState.objects.all().delete()


SERVICE = DemoStep(name="service", create=create_service, wipe=wipe_service)
