"""Data for the side-by-side benchmark (../shared/bench): the same shape the ceiling seeds.

Twelve teams with consecutive ids, N interactions over two years and M unanswered NPS
invitations whose plain tokens go to a file for the load generator. Used only by the
`bench_seed`, `bench_fixture` and `bench_reset` commands, never by the product.
"""

from __future__ import annotations

import datetime
import json
import random
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.utils import timezone

from groundswell.desk.choices import Channel, InteractionStatus
from groundswell.desk.models import Customer, Interaction
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.voice.choices import SurveyKind
from groundswell.voice.models import FollowUp, Invitation, Response, Survey, SurveyVersion
from groundswell.voice.rollups import refresh_voice_rollups
from groundswell.voice.tokens import new_token

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


@dataclass(frozen=True)
class BenchSeed:
    interactions: int
    teams: int
    invitations: int
    seconds: float
    baseline_interaction_id: int | None

    def as_json(self) -> str:
        return json.dumps(
            {
                "interactions": self.interactions,
                "teams": self.teams,
                "invitations": self.invitations,
                "bulk_create_seconds": round(self.seconds, 2),
                "bulk_create_rows_per_s": round(self.interactions / max(self.seconds, 1e-9)),
                "baseline_interaction_id": self.baseline_interaction_id,
            }
        )


def seed(
    *, interactions: int, invitations: int, tokens_file: Path, teams: int = 12, responses: int = 0
) -> BenchSeed:
    """Seed the benchmark data set; refuses to run twice on the same database.

    `responses` answered invitations (on the newest interactions, spread over the two years)
    come on top of the `invitations` unanswered ones, so the dashboard has history to show.
    """
    if Interaction.objects.exists():
        raise RuntimeError("The database already holds interactions: benchmark from a fresh one.")
    rng = random.Random(42)  # noqa: S311 - made-up benchmark data
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
    now = timezone.now()
    span = 730 * 86400
    started = time.perf_counter()
    for first in range(0, interactions, BATCH):
        rows = []
        for _ in range(min(BATCH, interactions - first)):
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
                    source="bench",
                )
            )
        with transaction.atomic():
            Interaction.objects.bulk_create(rows)
    seconds = time.perf_counter() - started
    _seed_invitations(invitations, customers, tokens_file, now)
    _seed_responses(responses, customers, rng)
    refresh_voice_rollups(since=(now - datetime.timedelta(seconds=span)).date())
    _analyze()
    baseline = Interaction.objects.order_by("-pk").values_list("pk", flat=True).first()
    return BenchSeed(interactions, teams, invitations, seconds, baseline)


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


def _nps_version() -> SurveyVersion:
    survey = Survey.objects.filter(kind=SurveyKind.NPS, is_active=True).first()
    if survey is None:
        survey = Survey.objects.create(kind=SurveyKind.NPS, name="NPS", poor_threshold=6)
    version = survey.versions.order_by("-number").first()
    if version is None:
        version = SurveyVersion.objects.create(
            survey=survey,
            number=1,
            question="How likely are you to recommend us to a friend?",
            low_label="Not at all likely",
            high_label="Extremely likely",
            comment_prompt="What is the main reason for your score?",
        )
    return version


def _seed_invitations(
    count: int, customers: list[Customer], tokens_file: Path, now: datetime.datetime
) -> None:
    """Unanswered invitations on the oldest interactions; plain tokens go to `tokens_file` only.

    They were sent over the last two weeks (as a real survey flow would), not all today:
    the dashboard reads today live, and 200,000 sends in one day is no organisation's day.
    """
    version = _nps_version()
    interaction_ids = list(Interaction.objects.order_by("pk").values_list("pk", flat=True)[:count])
    pairs = [new_token() for _ in interaction_ids]
    tokens = [token for token, _digest in pairs]
    expires = now + datetime.timedelta(days=365)
    for first in range(0, len(tokens), BATCH):
        with transaction.atomic():
            Invitation.objects.bulk_create(
                [
                    Invitation(
                        version=version,
                        interaction_id=interaction_id,
                        customer=customers[index % len(customers)],
                        token_hash=digest,
                        send_after=now - datetime.timedelta(days=1 + index % 14),
                        sent_at=now - datetime.timedelta(days=1 + index % 14),
                        expires_at=expires,
                    )
                    for index, (interaction_id, (_token, digest)) in enumerate(
                        zip(
                            interaction_ids[first : first + BATCH],
                            pairs[first : first + BATCH],
                            strict=True,
                        ),
                        start=first,
                    )
                ]
            )
    tokens_file.write_text("\n".join(tokens) + "\n")


def _seed_responses(count: int, customers: list[Customer], rng: random.Random) -> None:
    """Answered NPS invitations on the newest interactions, with scores and a few comments."""
    if count <= 0:
        return
    version = _nps_version()
    rows = list(
        Interaction.objects.exclude(pk__in=Invitation.objects.values("interaction_id"))
        .order_by("-pk")
        .values_list("pk", "team_id", "channel", "opened_at")[:count]
    )
    for first in range(0, len(rows), BATCH):
        chunk = rows[first : first + BATCH]
        with transaction.atomic():
            invitations = Invitation.objects.bulk_create(
                [
                    Invitation(
                        version=version,
                        interaction_id=pk,
                        customer=customers[index % len(customers)],
                        token_hash=new_token()[1],
                        send_after=opened,
                        sent_at=opened,
                        expires_at=opened + datetime.timedelta(days=14),
                    )
                    for index, (pk, _team, _channel, opened) in enumerate(chunk, start=first)
                ]
            )
            answers = []
            for invitation, (_pk, team_id, channel, opened) in zip(invitations, chunk, strict=True):
                score = min(10, max(0, round(rng.gauss(7.5, 2.2))))
                answers.append(
                    Response(
                        invitation=invitation,
                        kind=SurveyKind.NPS,
                        score=score,
                        comment="Quick and friendly" if rng.random() < 0.2 else "",
                        team_id=team_id,
                        channel=channel,
                        is_poor=score <= 6,
                        submitted_at=opened + datetime.timedelta(hours=3),
                    )
                )
            Response.objects.bulk_create(answers)


def _analyze() -> None:
    """What autovacuum would do on PostgreSQL: the visibility map and statistics."""
    # VACUUM cannot run inside a transaction (as in the tests); ANALYZE alone still can.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def fixture() -> dict[str, Any]:
    """What the load generator needs: an API key, a CSRF secret, a team, a staff session."""
    from groundswell.api.choices import ApiKeyScope
    from groundswell.api.services import create_api_key

    admin = Person.objects.select_related("user").get(email=BENCH_ADMIN_EMAIL)
    key = create_api_key(actor=admin, name="benchmark", scope=ApiKeyScope.READ_WRITE)
    user = admin.user
    if user is None:
        raise RuntimeError("The benchmark administrator has no login: run bench_seed again.")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return {
        "api_key": key.secret,
        "csrf": secrets.token_hex(16),
        "team_id": Team.objects.filter(department=admin.department)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "baseline_interaction_id": Interaction.objects.order_by("-pk")
        .values_list("pk", flat=True)
        .first(),
        "session": session.session_key,
        "list_page_path": "/desk/",
        "dashboard_path": "/voice/dashboard/",
    }


def reset(*, baseline: int) -> dict[str, Any]:
    """Delete what the write loads added, so every round reads the same data."""
    started = time.perf_counter()
    FollowUp.objects.all().delete()
    responses, _ = Response.objects.all().delete()
    interactions, _ = Interaction.objects.filter(pk__gt=baseline).delete()
    Invitation.objects.exclude(opened_at=None).update(opened_at=None)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE desk_interaction")
            cursor.execute("VACUUM ANALYZE voice_response")
    return {
        "deleted_rows": responses + interactions,
        "seconds": round(time.perf_counter() - started, 2),
    }
