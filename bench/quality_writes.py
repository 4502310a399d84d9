#!/usr/bin/env python3
"""Times the quality app against the database: review submit and the dashboard's read.

    python bench/quality_writes.py [--submits N] [--reviews N,N] [--database-url URL]

In one process, on a throw-away database (SQLite unless a URL is given). Prints
`bench <name>: <value> <unit>` lines:

quality_review_submit_per_s    reviews opened and submitted through the service the API uses
                               (`review_interaction(submit=True)`: the permission check, the
                               scorecard in use, every criterion's score, the weighted score, the
                               queue, the dashboard's refresh enqueued), one transaction each.
                               The reviewer is loaded for each submit as a request loads
                               them (`people.backends.active_person_of_user`: the person
                               and the teams they lead, one query), outside the timing: both
                               a submit and a plain insert would be requests that pay it.
quality_review_plain_per_s     the ceiling: the same rows (one review, its eight criterion scores)
                               written with a plain `create` and one `bulk_create`, one
                               transaction each. Submits and plain inserts alternate in pairs
                               on fresh interactions, so both see the same database.
quality_review_submit_ratio    submit / plain throughput. Goal (issue 14): >= 0.70.
quality_dashboard_<n>_cold_p50 the quality dashboard's read at n submitted reviews: the median of
                               7 runs, each on a new database connection (cold: no Django or
                               connection cache), of `quality.dashboard.quality_dashboard` for a
                               manager, after the rollups were refreshed as the hourly job does.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = 8
BATCH = 5_000


def report(name: str, value: float, unit: str) -> None:
    print(f"bench {name}: {value:.2f} {unit}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--submits", type=int, default=300)
    parser.add_argument(
        "--reviews", default="100000", help="comma-separated review counts for the dashboard"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gs-quality-"))
    sys.path.insert(0, str(ROOT))
    from bench.harness.django_env import start_django

    start_django(work, args.database_url)
    org = setup_org()
    bench_submit(org, args.submits)
    for size in (int(n) for n in args.reviews.split(",") if n):
        bench_dashboard(org, size)
    return 0


def setup_org() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from groundswell.people.choices import Role
    from groundswell.people.models import Department, Person, Team
    from groundswell.quality import services
    from groundswell.quality.choices import CriterionScale

    department = Department.objects.create(name="Customer Service", slug="cs")
    teams = [
        Team.objects.create(department=department, name=f"Team {n}", slug=f"team-{n}")
        for n in range(8)
    ]
    manager = Person.objects.create(
        full_name="Mona Manager", email="m@bench.test", role=Role.MANAGER, department=department
    )
    user = get_user_model().objects.create_user(username="l@bench.test", password=None)
    lead = Person.objects.create(
        full_name="Tara Lead",
        email="l@bench.test",
        role=Role.TEAM_LEAD,
        department=department,
        team=teams[0],
        user=user,
    )
    teams[0].lead = lead
    teams[0].save(update_fields=["lead"])
    agents = Person.objects.bulk_create(
        Person(
            full_name=f"Agent {n}",
            email=f"a{n}@bench.test",
            role=Role.AGENT,
            department=department,
            team=teams[n % len(teams)],
            manager=lead if n % len(teams) == 0 else None,
        )
        for n in range(80)
    )
    criteria = [
        services.CriterionInput(
            "Section",
            f"Behaviour {n}",
            scale=CriterionScale.ONE_TO_FIVE if n % 3 == 0 else CriterionScale.YES_NO,
            weight=Decimal(1 + n % 3),
            allows_na=n == 4,
            is_critical=n == 5,
        )
        for n in range(CRITERIA)
    ]
    card = services.create_scorecard(
        actor=manager, name="Bench card", department=department, criteria=criteria
    )
    return {"department": department, "teams": teams, "manager": manager, "lead": lead,
            "agents": agents, "card": card}  # fmt: skip


def interactions(team: Any, agents: list[Any], count: int, start: datetime.datetime) -> list[Any]:
    from groundswell.desk.choices import InteractionStatus
    from groundswell.desk.models import Interaction

    rows = [
        Interaction(
            channel="phone",
            team=team if team is not None else agents[n % len(agents)].team,
            handled_by=agents[n % len(agents)],
            status=InteractionStatus.RESOLVED,
            subject="Bench",
            opened_at=start + datetime.timedelta(minutes=n),
            resolved_at=start + datetime.timedelta(minutes=n + 10),
            handle_time_seconds=300 + n % 600,
        )
        for n in range(count)
    ]
    return Interaction.objects.bulk_create(rows, batch_size=BATCH)


def bench_submit(org: dict[str, Any], count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from groundswell.people.backends import active_person_of_user
    from groundswell.quality import selectors, services
    from groundswell.quality.choices import ReviewStatus
    from groundswell.quality.models import CriterionScore, Review
    from groundswell.quality.services import ScoreInput, fraction_of

    lead, team = org["lead"], org["teams"][0]
    team_agents = [a for a in org["agents"] if a.team_id == team.pk]
    version = selectors.current_version(org["card"])
    assert version is not None  # noqa: S101 - made just above
    criteria = selectors.version_criteria(version)
    values = {c.pk: (3 if c.top == 5 else 1) for c in criteria}
    contacts = interactions(
        team, team_agents, 2 * count + 20, timezone.now() - datetime.timedelta(days=3)
    )

    def submit(interaction: Any, actor: Any) -> None:
        answers = {pk: ScoreInput(value=value) for pk, value in values.items()}
        services.review_interaction(
            actor=actor, interaction=interaction, scores=answers, submit=True
        )

    def plain(interaction: Any) -> None:
        with transaction.atomic():
            now = timezone.now()
            review = Review.objects.create(
                version=version,
                interaction=interaction,
                team_id=interaction.team_id,
                agent_id=interaction.handled_by_id,
                reviewer=lead,
                status=ReviewStatus.SUBMITTED,
                score=Decimal("80.00"),
                weighted_score=Decimal("80.00"),
                submitted_at=now,
            )
            CriterionScore.objects.bulk_create(
                CriterionScore(
                    review=review,
                    criterion=c,
                    value=values[c.pk],
                    fraction=fraction_of(c, values[c.pk]),
                )
                for c in criteria
            )

    def reviewer() -> Any:
        """The lead as each request has them (PersonMiddleware's lookup)."""
        return active_person_of_user(lead.user_id)

    for interaction in contacts[:10]:  # warm: imports, compiled queries, caches
        if interaction.pk % 2:
            submit(interaction, reviewer())
        else:
            plain(interaction)
    timed = {"submit": 0.0, "plain": 0.0}
    pairs = contacts[20:]
    for index in range(count):
        first, second = pairs[2 * index], pairs[2 * index + 1]
        order = (("submit", first), ("plain", second))
        if index % 2:
            order = (("plain", first), ("submit", second))
        for kind, interaction in order:
            actor = reviewer() if kind == "submit" else None
            started = time.perf_counter()
            if actor is not None:
                submit(interaction, actor)
            else:
                plain(interaction)
            timed[kind] += time.perf_counter() - started
    submit_rate, plain_rate = count / timed["submit"], count / timed["plain"]
    report("quality_review_submit_per_s", submit_rate, "per s")
    report("quality_review_plain_per_s", plain_rate, "per s")
    report("quality_review_submit_ratio", submit_rate / plain_rate, "x")
    Review.objects.all().delete()


def bench_dashboard(org: dict[str, Any], size: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from groundswell.desk.models import Interaction
    from groundswell.quality import selectors
    from groundswell.quality.choices import ReviewStatus
    from groundswell.quality.models import CriterionScore, Review

    version = selectors.current_version(org["card"])
    assert version is not None  # noqa: S101 - made in setup_org
    criteria = selectors.version_criteria(version)
    have = Review.objects.count()
    missing = size - have
    started = time.perf_counter()
    now = timezone.now()
    start = now - datetime.timedelta(days=182)
    step = datetime.timedelta(days=182) / max(missing, 1)
    agents, lead = org["agents"], org["lead"]
    for offset in range(0, missing, BATCH):
        chunk = min(BATCH, missing - offset)
        made = interactions(None, agents, chunk, start + step * offset)
        reviews = Review.objects.bulk_create(
            Review(
                version=version,
                interaction=contact,
                team_id=contact.team_id,
                agent_id=contact.handled_by_id,
                reviewer=lead,
                status=ReviewStatus.SUBMITTED,
                score=Decimal(40 + (contact.pk * 37) % 61),
                weighted_score=Decimal(40 + (contact.pk * 37) % 61),
                created_at=contact.resolved_at,
                submitted_at=contact.resolved_at,
            )
            for contact in made
        )
        CriterionScore.objects.bulk_create(
            (
                CriterionScore(
                    review=review,
                    criterion=c,
                    value=(review.pk + i) % 2 if c.top == 1 else 1 + (review.pk + i) % 5,
                    fraction=float((review.pk + i) % 2)
                    if c.top == 1
                    else ((review.pk + i) % 5) / 4,
                )
                for review in reviews
                for i, c in enumerate(criteria)
            ),
            batch_size=BATCH,
        )
    print(
        f"note: {size:,} reviews ({Interaction.objects.count():,} interactions) ready in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    manager = org["manager"]
    # As the hourly job does: the dashboard reads the weekly rollups, never the review tables.
    from groundswell.quality.dashboard import quality_dashboard
    from groundswell.quality.rollups import refresh_quality_rollups

    began = time.perf_counter()
    refresh_quality_rollups(since=(now - datetime.timedelta(weeks=27)).date())
    print(f"note: rollups refreshed in {time.perf_counter() - began:.1f} s", flush=True)
    runs = []
    for _ in range(7):
        connection.close()
        began = time.perf_counter()
        quality_dashboard(manager)
        runs.append((time.perf_counter() - began) * 1000)
    report(f"quality_dashboard_{size}_cold_p50", statistics.median(runs), "ms")


if __name__ == "__main__":
    raise SystemExit(main())
