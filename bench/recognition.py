#!/usr/bin/env python3
"""Times the recognition app against the database: giving kudos, the feed, the huddle digest.

    python bench/recognition.py [--gives N] [--kudos N] [--teams N] [--database-url URL]

In one process, on a throw-away database (SQLite unless a URL is given). Prints
`bench <name>: <value> <unit>` lines:

recognition_kudos_create_per_s    kudos given through the service (`give_kudos`: permission,
                                  checks, rate limit, idempotency key, values, the email task
                                  enqueued on commit), one transaction each, as the page does.
                                  40 givers take turns, so each stays under the hourly limit
                                  (`KUDOS_PER_HOUR`, 30) up to about 1,100 gives.
recognition_kudos_plain_per_s     the ceiling: the same rows (the kudos and its value links)
                                  written with a plain `create` and `values.set`, one
                                  transaction each. Gives and plain inserts alternate in pairs.
recognition_kudos_create_ratio    create / plain throughput. Goal (issue 15): >= 0.70.
recognition_feed_<n>_p50_ms       the company feed's first page for an agent at n kudos
                                  (`selectors.feed_page`: keyset page, cards with values,
                                  reactions and comment counts), the median of 15 reads.
recognition_feed_plain_<n>_p50_ms the ceiling: the newest page of kudos with their giver and
                                  recipient by one plain query, the median of 15 reads.
recognition_feed_ratio            feed / plain. Goal (issue 15, at 1,000,000 kudos): <= 2.
recognition_digests_<teams>_s     every team's digest of the day made (`make_due_digests`) and
                                  built (`huddle.build_many`: the figures and leadership lines
                                  of all teams read together, then each team's recognition,
                                  hero and promises). Goal: < 60 s for 500 teams.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5_000
READS = 15


def report(name: str, value: float, unit: str) -> None:
    print(f"bench {name}: {value:.2f} {unit}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--gives", type=int, default=300)
    parser.add_argument("--kudos", type=int, default=1_000_000)
    parser.add_argument("--teams", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gs-recognition-"))
    os.environ.update(
        {
            "GROUNDSWELL_ENV": "development",
            "GROUNDSWELL_DATA_DIR": str(work),
            "DATABASE_URL": args.database_url or f"sqlite:///{work / 'bench.sqlite3'}",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "HUDDLE_SHIFT_START": "00:00",
        }
    )
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    org = setup_org(args.teams)
    bench_give(org, args.gives)
    bench_feed(org, args.kudos)
    bench_digests(org)
    return 0


def setup_org(team_count: int) -> dict[str, Any]:
    from groundswell.people.choices import Role
    from groundswell.people.models import Department, Person, Team
    from groundswell.recognition.models import Value

    department = Department.objects.create(name="Customer Service", slug="cs")
    teams = Team.objects.bulk_create(
        Team(department=department, name=f"Team {n}", slug=f"team-{n}") for n in range(team_count)
    )
    leads = Person.objects.bulk_create(
        Person(
            full_name=f"Lead {n}",
            email=f"l{n}@bench.test",
            role=Role.TEAM_LEAD,
            department=department,
            team=team,
        )
        for n, team in enumerate(teams)
    )
    for team, lead in zip(teams, leads, strict=True):
        team.lead = lead
    Team.objects.bulk_update(teams, ["lead"], batch_size=BATCH)
    agents = Person.objects.bulk_create(
        Person(
            full_name=f"Agent {n}",
            email=f"a{n}@bench.test",
            role=Role.AGENT,
            department=department,
            team=teams[n % len(teams)],
        )
        for n in range(max(80, 2 * len(teams)))
    )
    value = Value.objects.create(name="Respect", slug="respect", description="We listen.")
    return {"teams": teams, "leads": leads, "agents": agents, "value": value}


def bench_give(org: dict[str, Any], count: int) -> None:
    from django.db import transaction

    from groundswell.recognition import services
    from groundswell.recognition.models import Kudos

    agents, value = org["agents"], org["value"]

    def give(number: int) -> None:
        giver, recipient = agents[number % 40], agents[40 + number % 40]
        services.give_kudos(
            actor=giver, recipient=recipient, message="Thanks for the handover.", values=[value]
        )

    def plain(number: int) -> None:
        giver, recipient = agents[number % 40], agents[40 + number % 40]
        with transaction.atomic():
            kudos = Kudos.objects.create(
                giver=giver,
                recipient=recipient,
                team_id=recipient.team_id,
                department_id=recipient.department_id,
                message="Thanks for the handover.",
            )
            kudos.values.set([value])

    for number in range(10):  # warm: imports, compiled queries, caches
        (give if number % 2 else plain)(number)
    timed = {"give": 0.0, "plain": 0.0}
    for index in range(count):
        order = (("give", give), ("plain", plain))
        if index % 2:
            order = (("plain", plain), ("give", give))
        for kind, work in order:
            started = time.perf_counter()
            work(index)
            timed[kind] += time.perf_counter() - started
    give_rate, plain_rate = count / timed["give"], count / timed["plain"]
    report("recognition_kudos_create_per_s", give_rate, "per s")
    report("recognition_kudos_plain_per_s", plain_rate, "per s")
    report("recognition_kudos_create_ratio", give_rate / plain_rate, "x")


def bench_feed(org: dict[str, Any], size: int) -> None:
    from django.conf import settings
    from django.utils import timezone

    from groundswell.recognition import selectors
    from groundswell.recognition.models import Kudos

    agents, value = org["agents"], org["value"]
    missing = size - Kudos.objects.count()
    now = timezone.now()
    step = datetime.timedelta(days=182) / max(missing, 1)
    through = Kudos.values.through
    started = time.perf_counter()
    for offset in range(0, missing, BATCH):
        chunk = min(BATCH, missing - offset)
        made = Kudos.objects.bulk_create(
            Kudos(
                giver=agents[n % len(agents)],
                recipient=agents[(n * 7 + 1) % len(agents)],
                team_id=agents[(n * 7 + 1) % len(agents)].team_id,
                department_id=agents[0].department_id,
                message="Thanks for the handover.",
                is_private=n % 13 == 0,
                created_at=now - step * (offset + n),
                notice_sent_at=now,
            )
            for n in range(chunk)
            if agents[n % len(agents)].pk != agents[(n * 7 + 1) % len(agents)].pk
        )
        through.objects.bulk_create(through(kudos_id=k.pk, value_id=value.pk) for k in made)
    print(f"  ({size} kudos loaded in {time.perf_counter() - started:.1f} s)", flush=True)
    viewer = agents[0]
    per_page = settings.GROUNDSWELL_PAGE_SIZE // 2

    def feed() -> None:
        selectors.feed_page(viewer, size=per_page)

    def plain() -> None:
        list(
            Kudos.objects.filter(is_hidden=False, is_private=False)
            .select_related("giver", "recipient")
            .order_by("-created_at", "-pk")[:per_page]
        )

    timings: dict[str, list[float]] = {"feed": [], "plain": []}
    for _round in range(READS + 2):
        for kind, work in (("feed", feed), ("plain", plain)):
            began = time.perf_counter()
            work()
            timings[kind].append(time.perf_counter() - began)
    feed_p50 = 1000 * statistics.median(timings["feed"][2:])
    plain_p50 = 1000 * statistics.median(timings["plain"][2:])
    report(f"recognition_feed_{size}_p50_ms", feed_p50, "ms")
    report(f"recognition_feed_plain_{size}_p50_ms", plain_p50, "ms")
    report("recognition_feed_ratio", feed_p50 / plain_p50, "x")


def bench_digests(org: dict[str, Any]) -> None:
    from django.utils import timezone

    from groundswell.recognition import huddle

    today = timezone.localdate()
    started = time.perf_counter()
    made = huddle.make_due_digests()
    huddle.build_many(org["teams"], today)
    report(f"recognition_digests_{made}_s", time.perf_counter() - started, "s")


if __name__ == "__main__":
    sys.exit(main())
