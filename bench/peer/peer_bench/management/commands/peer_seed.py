"""Seed django-helpdesk through its own models: five public queues, twenty agents, and N
tickets over two years with the status mix of a desk that closes most of what it opens, each
with the follow-up that opened it. Prints one JSON line."""

from __future__ import annotations

import datetime
import json
import random
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

QUEUES = ["general", "billing", "technical", "returns", "accounts"]
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
TEXT = (
    "I ordered last week and have been trying to sort this out since. I was told someone "
    "would call me back, but nobody has. Could you look into it and tell me what happens next?"
)
# helpdesk's statuses: 1 open, 2 reopened, 3 resolved, 4 closed, 5 duplicate
STATUSES = [(4, 0.70), (3, 0.12), (1, 0.12), (2, 0.02), (5, 0.04)]
BATCH = 2_000
SPAN = 730 * 86400


def pick(rng: random.Random, shares: list[tuple[int, float]]) -> int:
    roll, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if roll < total:
            return value
    return shares[-1][0]


@contextmanager
def dates_as_given(model: Any) -> Iterator[None]:
    """Let bulk_create keep the seeded `created` and `modified` instead of now."""
    fields = [model._meta.get_field("created"), model._meta.get_field("modified")]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = "Seed django-helpdesk for the benchmark; prints one JSON line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tickets", type=int, required=True)
        parser.add_argument("--agents", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if Ticket.objects.exists():
            raise CommandError("helpdesk already holds tickets: seed a fresh database.")
        rng = random.Random(42)  # noqa: S311 - made-up benchmark data
        call_command("loaddata", "emailtemplate.json", verbosity=0)  # its installation step
        queues = [
            Queue.objects.create(
                title=slug.title(),
                slug=slug,
                email_address=f"{slug}@bench.test",
                allow_public_submission=True,
            )
            for slug in QUEUES
        ]
        users = get_user_model()
        agents = [
            users.objects.create_user(
                f"agent{number}", f"agent{number}@bench.test", None, is_staff=True
            )
            for number in range(options["agents"])
        ]
        now = timezone.now()
        started = time.perf_counter()
        total = options["tickets"]
        with dates_as_given(Ticket):
            for first in range(0, total, BATCH):
                tickets = []
                for _ in range(min(BATCH, total - first)):
                    created = now - datetime.timedelta(seconds=rng.randrange(SPAN))
                    status = pick(rng, STATUSES)
                    tickets.append(
                        Ticket(
                            title=SUBJECTS[rng.randrange(len(SUBJECTS))],
                            queue=queues[rng.randrange(len(queues))],
                            created=created,
                            modified=created + datetime.timedelta(hours=rng.randrange(1, 72)),
                            submitter_email=f"customer{rng.randrange(30_000)}@bench.test",
                            assigned_to=None if status == 1 else agents[rng.randrange(len(agents))],
                            status=status,
                            description=TEXT,
                            priority=rng.choice([1, 2, 3, 3, 3, 4, 5]),
                        )
                    )
                with transaction.atomic():
                    Ticket.objects.bulk_create(tickets)
                    FollowUp.objects.bulk_create(
                        FollowUp(
                            ticket=ticket,
                            date=ticket.created,
                            title="Ticket opened",
                            comment=TEXT,
                            public=True,
                        )
                        for ticket in tickets
                    )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        summary = {
            "tickets": total,
            "queues": len(queues),
            "agents": len(agents),
            "bulk_create_seconds": round(time.perf_counter() - started, 2),
        }
        self.stdout.write(json.dumps(summary))
