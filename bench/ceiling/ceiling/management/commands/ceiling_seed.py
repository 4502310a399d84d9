"""Seed the ceiling with the data set Groundswell's `bench_seed` makes, in the same shape.

Twelve teams, N interactions over two years (each with a source and external id), M open
survey invitations on the oldest ones (their tokens go to a file, one a line, and only their
digests to the database) and R answered ones on the newest, for the dashboard's history.
Prints one JSON line.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import secrets
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from ceiling.models import Interaction, Invitation, Response, Team

CHANNELS = ["email", "phone", "chat", "web", "in_person"]
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
SPAN = 730 * 86400  # two years, in seconds


class Command(BaseCommand):
    help = "Seed the ceiling's tables; prints one JSON line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interactions", type=int, required=True)
        parser.add_argument("--invitations", type=int, required=True)
        parser.add_argument("--responses", type=int, required=True)
        parser.add_argument("--teams", type=int, default=12)
        parser.add_argument("--tokens-file", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if Interaction.objects.exists():
            raise CommandError("The ceiling already holds interactions: seed a fresh database.")
        rng = random.Random(42)  # noqa: S311 - made-up benchmark data
        now = timezone.now()
        teams = Team.objects.bulk_create(
            [Team(name=f"Team {n + 1}") for n in range(options["teams"])]
        )
        team_ids = [team.pk for team in teams]
        started = time.perf_counter()
        total = options["interactions"]
        for first in range(0, total, BATCH):
            rows = []
            for number in range(first, min(first + BATCH, total)):
                roll = rng.random()
                status = (
                    "closed" if roll < 0.80 else "resolved" if roll < 0.88
                    else "open" if roll < 0.98 else "pending"
                )  # fmt: skip
                opened = now - datetime.timedelta(seconds=rng.randrange(SPAN))
                rows.append(
                    Interaction(
                        team_id=team_ids[rng.randrange(len(team_ids))],
                        channel=CHANNELS[rng.randrange(len(CHANNELS))],
                        status=status,
                        subject=SUBJECTS[rng.randrange(len(SUBJECTS))],
                        opened_at=opened,
                        resolved_at=opened + datetime.timedelta(hours=2) if roll < 0.88 else None,
                        handle_time_seconds=rng.randrange(60, 3600),
                        source="bench",
                        external_id=f"bench-{number}",
                    )
                )
            with transaction.atomic():
                Interaction.objects.bulk_create(rows)
        seconds = time.perf_counter() - started
        tokens = self.invite(options["invitations"], now)
        options["tokens_file"].write_text("\n".join(tokens) + "\n")
        self.answer(options["responses"], rng)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        baseline = Interaction.objects.order_by("-pk").values_list("pk", flat=True).first()
        summary = {
            "interactions": total,
            "invitations": len(tokens),
            "responses": Response.objects.count(),
            "bulk_create_seconds": round(seconds, 2),
            "baseline_interaction_id": baseline,
        }
        self.stdout.write(json.dumps(summary))

    def invite(self, count: int, now: datetime.datetime) -> list[str]:
        """Open invitations on the oldest interactions; returns their tokens."""
        ids = list(Interaction.objects.order_by("pk").values_list("pk", flat=True)[:count])
        tokens = [secrets.token_urlsafe(32) for _ in ids]
        expires = now + datetime.timedelta(days=365)
        for first in range(0, len(ids), BATCH):
            with transaction.atomic():
                Invitation.objects.bulk_create(
                    Invitation(
                        interaction_id=pk,
                        token_hash=hashlib.sha256(token.encode()).hexdigest(),
                        expires_at=expires,
                    )
                    for pk, token in zip(
                        ids[first : first + BATCH], tokens[first : first + BATCH], strict=True
                    )
                )
        return tokens

    def answer(self, count: int, rng: random.Random) -> None:
        """Answered invitations on the newest interactions, scores spread like real NPS."""
        rows = list(
            Interaction.objects.exclude(pk__in=Invitation.objects.values("interaction_id"))
            .order_by("-pk")
            .values_list("pk", "opened_at")[:count]
        )
        for first in range(0, len(rows), BATCH):
            chunk = rows[first : first + BATCH]
            with transaction.atomic():
                invitations = Invitation.objects.bulk_create(
                    Invitation(
                        interaction_id=pk,
                        token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
                        expires_at=opened + datetime.timedelta(days=14),
                    )
                    for pk, opened in chunk
                )
                Response.objects.bulk_create(
                    Response(
                        invitation=invitation,
                        score=min(10, max(0, round(rng.gauss(7.5, 2.2)))),
                        comment="Quick and friendly" if rng.random() < 0.2 else "",
                        submitted_at=opened + datetime.timedelta(hours=3),
                    )
                    for invitation, (_pk, opened) in zip(invitations, chunk, strict=True)
                )
