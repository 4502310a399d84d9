"""The service desk's part of the side-by-side benchmark's data (bench/harness).

Twelve teams with consecutive ids and N interactions over two years, the same shape the
ceiling seeds; customer voice adds its invitations and answers (voice/benchdata.py) and the
top's commands (site/benchdata.py: `bench_seed`, `bench_fixture`, `bench_reset`) put the
two together. Never used by the product.
"""

from __future__ import annotations

import datetime
import random
import secrets
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from groundswell.desk.choices import Channel, InteractionStatus
from groundswell.desk.models import Customer, Interaction
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team

BENCH_DEPARTMENT = "Bench Customer Service"
BENCH_ADMIN_EMAIL = "bench-admin@bench.test"
CHANNELS = [Channel.EMAIL, Channel.PHONE, Channel.CHAT, Channel.WEB, Channel.IN_PERSON]
SUBJECTS = [
    "Cannot log in to my account",
    "Refund not received",
    "Order arrived damaged",
    "Question about my invoice",
    "Password reset link expired",
    "Change delivery address",
    "App crashes on start",
    "Charged twice this month",
]
BATCH = 5_000
# Every seeded interaction comes from this source with the external id `bench-<n>`, as if
# imported from a helpdesk, so a load can update them by (source, external id).
BENCH_SOURCE = "bench"


def seed_interactions(
    *,
    interactions: int,
    invitations: int,
    teams: int,
    rng: random.Random,
    now: datetime.datetime,
    span: int,
) -> tuple[list[Customer], float]:
    """The bench administrator, `teams` teams, customers enough for `invitations`, and
    `interactions` interactions opened over the last `span` seconds, each with an external id;
    refuses to run twice on the same database. Returns the customers and the seconds the bulk
    inserts took."""
    if Interaction.objects.exists():
        raise RuntimeError("The database already holds interactions: benchmark from a fresh one.")
    admin = _bench_admin()
    team_rows = Team.objects.bulk_create(
        [
            Team(department=admin.department, name=f"Team {n + 1}", slug=f"bench-team-{n + 1}")
            for n in range(teams)
        ]
    )
    team_ids = [team.pk for team in team_rows]
    customers = Customer.objects.bulk_create(
        [
            Customer(name=f"Customer {n}", email=f"customer{n}@bench.test")
            for n in range(min(invitations, 50_000) or 1)
        ]
    )
    started = time.perf_counter()
    for first in range(0, interactions, BATCH):
        rows = []
        for number in range(first, min(first + BATCH, interactions)):
            roll = rng.random()
            status = (
                InteractionStatus.CLOSED
                if roll < 0.80
                else InteractionStatus.RESOLVED
                if roll < 0.88
                else InteractionStatus.OPEN
                if roll < 0.98
                else InteractionStatus.PENDING
            )
            opened = now - datetime.timedelta(seconds=rng.randrange(span))
            rows.append(
                Interaction(
                    team_id=team_ids[rng.randrange(len(team_ids))],
                    channel=CHANNELS[rng.randrange(len(CHANNELS))],
                    status=status,
                    subject=SUBJECTS[rng.randrange(len(SUBJECTS))],
                    opened_at=opened,
                    resolved_at=opened + datetime.timedelta(hours=2) if roll < 0.88 else None,
                    handle_time_seconds=rng.randrange(60, 3600),
                    source=BENCH_SOURCE,
                    external_id=f"bench-{number}",
                )
            )
        with transaction.atomic():
            Interaction.objects.bulk_create(rows)
    return customers, time.perf_counter() - started


def _bench_admin() -> Person:
    department, _ = Department.objects.get_or_create(
        name=BENCH_DEPARTMENT, defaults={"slug": "bench-customer-service"}
    )
    person = Person.objects.filter(email=BENCH_ADMIN_EMAIL).first()
    if person is None:
        user = get_user_model().objects.create_user(
            BENCH_ADMIN_EMAIL, BENCH_ADMIN_EMAIL, secrets.token_urlsafe(16)
        )
        person = Person.objects.create(
            full_name="Bench Admin",
            email=BENCH_ADMIN_EMAIL,
            role=Role.ADMIN,
            department=department,
            user=user,
        )
    return person


def bench_admin() -> Person:
    """The benchmark's administrator, seeded by `seed_interactions`."""
    return Person.objects.select_related("user").get(email=BENCH_ADMIN_EMAIL)


def first_team_id(admin: Person) -> int | None:
    return (
        Team.objects.filter(department=admin.department)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def newest_interaction_id() -> int | None:
    return Interaction.objects.order_by("-pk").values_list("pk", flat=True).first()


def external_ids(limit: int, rng: random.Random) -> list[str]:
    """Up to `limit` external ids of seeded interactions, in a random order."""
    ids = list(
        Interaction.objects.filter(source=BENCH_SOURCE)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    rng.shuffle(ids)
    return ids[:limit]


def delete_interactions_after(baseline: int) -> int:
    """Delete the interactions a write load added after `baseline`; how many went."""
    deleted, _ = Interaction.objects.filter(pk__gt=baseline).delete()
    return deleted


def analyze() -> None:
    """What autovacuum would do on PostgreSQL: the visibility map and statistics."""
    # VACUUM cannot run inside a transaction (as in the tests); ANALYZE alone still can.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def vacuum(table: str) -> None:
    """VACUUM ANALYZE one table on PostgreSQL, outside a transaction (no-op otherwise)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")
