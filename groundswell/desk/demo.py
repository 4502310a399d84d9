"""Demo data for the service desk: a year of customers, interactions and promises.

Customers contact teams and agents make and keep promises; customer voice's step
(`voice.demo.SURVEYS`) then surveys the customers after resolution, from what this step hands
over in `ctx.handover["service"]`: the interactions, each team's quality and drift over the
year, and the year's bounds. Everything is bulk-inserted; nothing loops over the database.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

from groundswell.desk.choices import Channel, InteractionStatus, PromiseKind, PromiseStatus
from groundswell.desk.models import Customer, Interaction, Promise
from groundswell.people.choices import Role
from groundswell.people.demo import DemoContext, DemoSize, DemoStep
from groundswell.people.models import Person, Team

INTERACTIONS = {DemoSize.SMALL: 3_000, DemoSize.MEDIUM: 100_000, DemoSize.LARGE: 300_000}
DAYS = 365
BATCH = 2_000
PROMISE_SHARE = 0.15
INTERNAL_SHARE = 0.05
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


@dataclass
class TeamProfile:
    team: Team
    agents: list[Person]
    quality: float  # how well this team serves, 0..1
    drift: float  # change in quality over the year


@dataclass(frozen=True)
class ServiceHandover:
    """What the desk's step leaves for the survey step that continues its story."""

    interactions: list[Interaction]
    profiles: dict[int, TeamProfile]  # by team id
    start: datetime.datetime
    now: datetime.datetime


def create_service(ctx: DemoContext) -> None:
    """Customers, interactions and promises; the surveys follow in voice's step."""
    rng = ctx.rng
    now = ctx.now
    start = now - datetime.timedelta(days=DAYS)
    service_teams = _service_teams(ctx)
    if not service_teams:
        return
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
    ctx.handover["service"] = ServiceHandover(interactions, profiles, start, now)
    ctx.counts.update(
        {"customers": len(customers), "interactions": len(interactions), "promises": promises}
    )


def _service_teams(ctx: DemoContext) -> list[TeamProfile]:
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
            TeamProfile(
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
        # Made while the interaction was being handled, well before it fell due.
        made = interaction.opened_at + min(
            datetime.timedelta(minutes=rng.uniform(5, 90)),
            (min(due, now) - interaction.opened_at) / 2,
        )
        if due > now:
            status, settled = PromiseStatus.OPEN, None
        else:
            roll = rng.random()
            if roll < 0.82:
                status = PromiseStatus.KEPT
                settled = due - datetime.timedelta(hours=rng.uniform(0.5, 20))
                settled = max(settled, made + datetime.timedelta(minutes=10))
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
                created_at=made,
            )
        )
    Promise.objects.bulk_create(promises, batch_size=BATCH)
    return len(promises)


def wipe_service() -> None:
    """Remove every interaction, customer and promise (voice's step wipes its rows first)."""
    for model in (Promise, Interaction, Customer):
        model.objects.all().delete()


SERVICE = DemoStep(name="service", create=create_service, wipe=wipe_service)
