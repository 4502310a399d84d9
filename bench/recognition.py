#!/usr/bin/env python3
"""Times the recognition app against the database: giving kudos, the feed, the huddle digest.

    python bench/recognition.py [--gives N] [--kudos N|20k|1m] [--teams N] [--keep]
                                [--parts give,feed,digests] [--profile]
                                [--database-url URL | --postgres]

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
import contextlib
import datetime
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5_000
LOAD_BATCH = 50_000
READS = 15


def report(name: str, value: float, unit: str) -> None:
    print(f"bench {name}: {value:.2f} {unit}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--gives", type=int, default=300)
    parser.add_argument(
        "--kudos", type=count_of, default=1_000_000, help="feed size: 20000, 20k, 1m, ..."
    )
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument(
        "--parts",
        default="give,feed,digests",
        help="which of give, feed and digests to time (comma-separated; default all three)",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="on a throw-away PostgreSQL server of its own (bench/harness/postgres.py)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the feed's figures, profile one feed page request end to end",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the SQLite database afterwards (its path is printed)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gs-recognition-"))
    with contextlib.ExitStack() as stack:
        if args.postgres:
            sys.path.insert(0, str(ROOT))
            from bench.harness.postgres import Cluster

            work.chmod(0o755)  # the server runs as `postgres` when we are root
            cluster = stack.enter_context(Cluster(work))
            args.database_url = cluster.create_database("recognition")
            print(f"  (PostgreSQL at {args.database_url})", flush=True)
        status = run(args, work)
    if args.keep and not args.postgres:
        print(f"  (kept {work})", flush=True)
    else:  # the server (stopped above) and the SQLite file
        shutil.rmtree(work, ignore_errors=True)
    return status


def run(args: argparse.Namespace, work: Path) -> int:
    parts = set(args.parts.split(","))
    sys.path.insert(0, str(ROOT))
    from bench.harness.django_env import start_django

    start_django(work, args.database_url, HUDDLE_SHIFT_START="00:00")
    org = setup_org(args.teams)
    if "give" in parts:
        bench_give(org, args.gives)
    if "feed" in parts:
        bench_feed(org, args.kudos)
        if args.profile:
            profile_feed(org)
    if "digests" in parts:
        bench_digests(org)
    return 0


def count_of(text: str) -> int:
    """A count as typed: 20000, 20k or 1m."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    number = text[:-1] if scale > 1 else text
    if not number.isdigit():
        raise argparse.ArgumentTypeError(f"not a count: {text!r} (use 20000, 20k or 1m)")
    return int(number) * scale


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

    from groundswell.recognition import selectors
    from groundswell.recognition.models import Kudos

    agents = org["agents"]
    missing = size - Kudos.objects.count()
    started = time.perf_counter()
    load_kudos(org, missing)
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


def load_kudos(org: dict[str, Any], count: int) -> None:
    """`count` kudos over the last six months, written in big raw batches (COPY on
    PostgreSQL, `executemany` on SQLite) with the ids given, then their value links, reactions
    and comments by INSERT ... SELECT over those ids; each kudos' reaction and comment
    counters are written with it from the same ids. The demo's mix: private (1 in 13), hidden
    (1 in 97) and team (1 in 17) kudos, some to people who left (1 in 53 agents deactivated)
    or who opted out of public display (1 in 41 agents), a second value on 1 in 3, reactions
    on 2 in 5 and comments on 1 in 9."""
    import uuid

    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from groundswell.people.models import Person
    from groundswell.recognition.models import (
        Kudos,
        KudosComment,
        KudosReaction,
        Preference,
        Value,
    )

    if count <= 0:
        return
    agents = org["agents"]
    # Past the 80 the give benchmark uses: some leave, some opt out of public display.
    Person.objects.filter(pk__in=[a.pk for a in agents[80::53]]).update(is_active=False)
    Preference.objects.bulk_create(
        [Preference(person=a, hide_from_feed=True) for a in agents[81::41]],
        ignore_conflicts=True,
    )
    second = Value.objects.create(name="Trust", slug="trust", description="We keep promises.")
    first = org["value"]
    department_id = agents[0].department_id
    now = timezone.now()
    step = datetime.timedelta(days=182) / count
    postgres = connection.vendor == "postgresql"
    table = Kudos._meta.db_table
    columns = (
        "id, giver_id, recipient_id, team_id, department_id, message, is_private, source, "
        "idempotency_key, created_at, is_hidden, hidden_reason, notice_sent_at, "
        "applause_count, heart_count, star_count, smile_count, comment_count"
    )
    base = Kudos.objects.aggregate(top=Max("pk"))["top"] or 0
    agent_count = len(agents)
    messages = (
        "Thanks for the handover.",
        "You stayed late to get the refund through for the customer: thank you.",
        "Great call with the angry customer this morning, calm and kind all through.",
    )

    def rows(first_n: int, last_n: int) -> Any:
        for n in range(first_n, last_n):
            giver = agents[n % agent_count]
            recipient = agents[(n * 7 + 1) % agent_count]
            if giver.pk == recipient.pk:
                recipient = agents[(n * 7 + 2) % agent_count]
            to_team = n % 17 == 0
            moment = now - step * n
            key = uuid.UUID(int=base * 10_000_000 + n)
            pk = base + 1 + n
            yield (
                pk,
                giver.pk,
                None if to_team else recipient.pk,
                recipient.team_id,
                department_id,
                messages[n % 3],
                n % 13 == 0,
                "web",
                key if postgres else key.hex,
                moment if postgres else connection.ops.adapt_datetimefield_value(moment),
                n % 97 == 0,
                "",
                moment if postgres else connection.ops.adapt_datetimefield_value(moment),
                # The counters of the reactions and comments written below from the same ids.
                int(pk % 4 == 0) + int(pk % 5 == 0 and pk % 2 == 0),
                int(pk % 5 == 0 and pk % 2 == 1),
                0,
                0,
                int(pk % 9 == 0),
            )

    links = Kudos.values.through._meta.db_table
    reactions, comments = KudosReaction._meta.db_table, KudosComment._meta.db_table
    # Table names from the models, numbers as parameters.
    insert_kudos = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 18)})"  # noqa: S608
    link_value = f"INSERT INTO {links} (kudos_id, value_id) SELECT id, %s FROM {table} WHERE id > %s AND id %% %s = 0"  # noqa: S608, E501
    react = f"INSERT INTO {reactions} (kudos_id, person_id, kind, created_at) SELECT id, %s, CASE WHEN id %% 2 = 0 THEN 'applause' ELSE 'heart' END, %s FROM {table} WHERE id > %s AND id %% %s = 0"  # noqa: S608, E501
    comment = f"INSERT INTO {comments} (kudos_id, author_id, body, created_at) SELECT id, %s, 'Well deserved!', %s FROM {table} WHERE id > %s AND id %% 9 = 0"  # noqa: S608, E501
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows(0, count):
                    copy.write_row(row)
        else:
            for offset in range(0, count, LOAD_BATCH):
                batch = list(rows(offset, min(count, offset + LOAD_BATCH)))
                cursor.executemany(insert_kudos, batch)
        cursor.execute(link_value, [first.pk, base, 1])
        cursor.execute(link_value, [second.pk, base, 3])
        # Reactions from two agents, comments by a third: kinds vary with the kudos' id.
        stamp = now if postgres else connection.ops.adapt_datetimefield_value(now)
        for number, reactor in enumerate([agents[-1].pk, agents[-2].pk]):
            cursor.execute(react, [reactor, stamp, base, 4 + number])
        cursor.execute(comment, [agents[-3].pk, stamp, base])
        if postgres:  # the ids were given: the identity carries on after them
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [base + count]
            )
    if postgres:  # what autovacuum does after a load this size; SQLite keeps no statistics
        with connection.cursor() as cursor:  # unless asked (Groundswell does not ask)
            cursor.execute(f"ANALYZE {table}, {links}")


def profile_feed(org: dict[str, Any]) -> None:
    """One company feed page requested as an agent through the whole stack (middleware,
    session, view, template), under cProfile and `CaptureQueriesContext`: the queries with
    their times, the plan of the feed's query, the request's p50 split into the selector and
    the rest, and the functions that took the most time."""
    import cProfile
    import io
    import pstats

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from groundswell.recognition import selectors

    viewer = org["agents"][0]
    user = get_user_model().objects.create_user(username="bench-viewer", password=None)
    viewer.user = user
    viewer.save(update_fields=["user"])
    client = Client()
    client.force_login(user, backend="groundswell.people.backends.PersonBackend")
    url = reverse("recognition:feed")
    for _warm in range(3):
        status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"the feed answered {status}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    print(
        f"  profile: GET {url} -> {response.status_code}, {len(response.content)} bytes, "
        f"{len(captured)} queries",
        flush=True,
    )
    for query in captured:
        print(f"    {query['time']} s  {query['sql'][:160]}", flush=True)
    size = settings.GROUNDSWELL_PAGE_SIZE // 2
    rows = selectors._feed_rows(viewer, "company")
    shown = selectors.with_card_details(rows, viewer).order_by("-created_at", "-pk")[: size + 1]
    print("  plan of the feed's query:", flush=True)
    for line in shown.explain().splitlines():
        print(f"    {line}", flush=True)
    requests, selects = [], []
    for _round in range(READS):
        began = time.perf_counter()
        client.get(url)
        requests.append(time.perf_counter() - began)
        began = time.perf_counter()
        selectors.feed_page(viewer, size=size)
        selects.append(time.perf_counter() - began)
    whole, select = statistics.median(requests), statistics.median(selects)
    print(
        f"  request p50 {1000 * whole:.1f} ms, of which feed_page about {1000 * select:.1f} ms; "
        f"the rest (middleware, session, template for {size} cards) "
        f"{1000 * (whole - select):.1f} ms",
        flush=True,
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for _round in range(5):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    print(out.getvalue(), flush=True)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print(out.getvalue(), flush=True)


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
