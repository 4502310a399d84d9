#!/usr/bin/env python3
"""Times the learning app's two performance goals (issue 16) against the database.

    python bench/learning.py [--people N] [--ingests N] [--rows N] [--rounds N] [--database-url URL]

In one process, on a throw-away database (SQLite unless a URL is given). Prints
`bench <name>: <value> <unit>` lines:

learning_gate_ingest_<arm>_ms       one new interaction through `desk.services.upsert_interaction`
                                    (what the ingest endpoint calls), handler given by email: the
                                    median per ingest over the rounds, with the gate and without.
learning_gate_ingest_ratio[_held]   gate / no gate, the median of the per-round ratios. `_held`:
                                    every handler is on hold, so each row is also flagged
                                    (`handler_not_ready` written, the flag's partial index
                                    grows). Goal: <= 1.05 (the gate adds at most 5%).
learning_gate_import_<arm>_ms       one CSV file of --rows new interactions through
                                    `desk.imports.import_file` (what the import endpoint and the
                                    import job call), a handler on every row; the median per file.
learning_gate_import_ratio[_held]   as for ingest; `_held`: a quarter of the handlers on hold.
learning_overdue_<n>_<role>_p50_ms  the overdue-refreshers page (GET /learning/refreshers/overdue/,
                                    middleware, view and template) for a manager (the whole
                                    department: all n people) and for a team lead (one team), at
                                    n people with certificates; the median of 9 requests, each
                                    cold: a new database connection and an empty cache.
                                    Goal: <= 50 ms at 100,000 people.

How the gate is taken out: the work the gate adds to ingest and import is the readiness check
itself (`people.readiness.is_ready` on the handler row the desk loads anyway), the two columns
the import reads for it, and the flag written for a handler on hold. The arm without the gate
runs the same code with that work removed (`gate_off`: the check answers "ready" at once and
the import's agent lookup reads only email and id), so the difference is the gate and nothing
else. An organisation with no one on hold against one with some would keep the check in both
arms and measure only the flag; the `_held` arms measure the flag on top.

Arms alternate within each round (the order flips every round) so that the database growing
over the run weighs on both alike; ratios are per round, then the median.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5_000
AGENTS = 40
HELD = 10  # of the AGENTS, on hold in the `_held` arms
TEAM_SIZE = 100
COURSES = 8
READS = 9


def report(name: str, value: float, unit: str) -> None:
    print(f"bench {name}: {value:.3f} {unit}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ingests", type=int, default=200, help="ingests per arm and round")
    parser.add_argument("--rows", type=int, default=1_000, help="rows per CSV file")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--only",
        type=lambda value: set(value.split(",")),
        default={"gate", "overdue"},
        help="gate and/or overdue (default both)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gs-learning-"))
    sys.path.insert(0, str(ROOT))
    from bench.harness.django_env import start_django

    start_django(work, args.database_url)
    if "gate" in args.only:
        org = setup_gate_org()
        bench_gate_ingest(org, args.ingests, args.rounds)
        bench_gate_import(org, args.rows, args.rounds)
    if "overdue" in args.only:
        bench_overdue(args.people)
    return 0


# --- The readiness gate -----------------------------------------------------------------------


@contextlib.contextmanager
def gate_off() -> Iterator[None]:
    """The desk without the readiness gate's work: everyone is ready, asked of no column."""
    from django.db.models.functions import Lower

    from groundswell.desk import services
    from groundswell.desk.imports import checks
    from groundswell.people.models import Person

    def always_ready(*_args: object, **_kwargs: object) -> bool:
        return True

    def load_agents(self: Any, emails: Any) -> None:  # checks._Checker.load_agents, no gate
        found = Person.objects.alias(key=Lower("email"))
        for chunk in itertools.batched(sorted(set(emails) - {""}), checks.LOOKUP_CHUNK):
            for email, pk in found.filter(key__in=chunk).values_list("email", "pk"):
                self.agents[email.lower()] = pk

    with (
        mock.patch.object(services, "person_is_ready", always_ready),
        mock.patch.object(checks, "is_ready", always_ready),
        mock.patch.object(checks._Checker, "load_agents", load_agents),
    ):
        yield


def setup_gate_org() -> dict[str, Any]:
    from groundswell.people.choices import Role
    from groundswell.people.models import Department, Person, Team

    department = Department.objects.create(name="Service", slug="service")
    team = Team.objects.create(department=department, name="Desk", slug="desk")
    manager = Person.objects.create(
        full_name="Mona Manager", email="manager@bench.test", role=Role.MANAGER,
        department=department,
    )  # fmt: skip
    agents = Person.objects.bulk_create(
        Person(
            full_name=f"Agent {n}",
            email=f"agent{n}@bench.test",
            role=Role.AGENT,
            department=department,
            team=team,
        )
        for n in range(AGENTS)
    )
    return {"team": team, "manager": manager, "agents": agents}


@contextlib.contextmanager
def held(agents: list[Any], count: int) -> Iterator[None]:
    """`count` of the agents on hold (a new hire not yet signed off) while inside."""
    from groundswell.people.models import Person

    ids = [a.pk for a in agents[:count]]
    Person.objects.filter(pk__in=ids).update(on_readiness_hold=True)
    try:
        yield
    finally:
        Person.objects.filter(pk__in=ids).update(on_readiness_hold=False)


def paired(
    label: str, arms: dict[str, Callable[[int], float]], rounds: int
) -> dict[str, list[float]]:
    """Each round runs every arm once (order flipped every other round); one warm-up round."""
    times: dict[str, list[float]] = {name: [] for name in arms}
    names = list(arms)
    for number in range(rounds + 1):
        order = names if number % 2 == 0 else names[::-1]
        for name in order:
            took = arms[name](number)
            if number > 0:
                times[name].append(took)
        print(f"  ({label} round {number}/{rounds})", flush=True)
    return times


def ratio(times: dict[str, list[float]], gate: str, bare: str) -> float:
    return statistics.median(g / b for g, b in zip(times[gate], times[bare], strict=True))


def bench_gate_ingest(org: dict[str, Any], count: int, rounds: int) -> None:
    from django.utils import timezone

    from groundswell.desk.services import upsert_interaction

    manager, team, agents = org["manager"], org["team"], org["agents"]
    opened = timezone.now() - datetime.timedelta(hours=1)

    def ingest(arm: str, handlers: list[Any]) -> Callable[[int], float]:
        def run(number: int) -> float:
            began = time.perf_counter()
            for n in range(count):
                upsert_interaction(
                    actor=manager,
                    data={
                        "source": "bench",
                        "external_id": f"{arm}-{number}-{n}",
                        "team_id": team.pk,
                        "channel": "email",
                        "status": "open",
                        "subject": "Refund not received",
                        "opened_at": opened,
                        "handled_by_email": handlers[n % len(handlers)].email,
                    },
                )
            return 1000 * (time.perf_counter() - began) / count

        return run

    def without_gate(run: Callable[[int], float]) -> Callable[[int], float]:
        def wrapped(number: int) -> float:
            with gate_off():
                return run(number)

        return wrapped

    ready = agents[HELD:]
    times = paired(
        "ingest",
        {"gate": ingest("gate", ready), "bare": without_gate(ingest("bare", ready))},
        rounds,
    )
    on_hold = agents[:HELD]
    with held(agents, HELD):
        times |= paired(
            "ingest, handlers on hold",
            {
                "gate_held": ingest("gate-held", on_hold),
                "bare_held": without_gate(ingest("bare-held", on_hold)),
            },
            rounds,
        )
    for name, values in times.items():
        report(f"learning_gate_ingest_{name}_ms", statistics.median(values), "ms")
    report("learning_gate_ingest_ratio", ratio(times, "gate", "bare"), "x")
    report("learning_gate_ingest_ratio_held", ratio(times, "gate_held", "bare_held"), "x")


def bench_gate_import(org: dict[str, Any], rows: int, rounds: int) -> None:
    from django.utils import timezone

    from groundswell.desk.imports import import_file

    manager, team, agents = org["manager"], org["team"], org["agents"]
    start = timezone.now() - datetime.timedelta(days=2)
    header = "external_id,subject,channel,status,team_id,opened_at,handled_by_email"

    def body(tag: str) -> bytes:
        lines = [header]
        for row in range(rows):
            opened = (start + datetime.timedelta(seconds=row)).isoformat()
            handler = agents[row % len(agents)].email
            lines.append(
                f"{tag}-{row},Refund not received,email,closed,{team.pk},{opened},{handler}"
            )
        return ("\n".join(lines) + "\n").encode()

    def importing(arm: str) -> Callable[[int], float]:
        def run(number: int) -> float:
            content = body(f"{arm}-{number}")
            began = time.perf_counter()
            outcome = import_file(actor=manager, content=content, source="bench-import")
            took = 1000 * (time.perf_counter() - began)
            if not outcome.committed or outcome.created != rows:
                problems = [*outcome.plan.file_problems, *outcome.plan.problems][:3]
                sys.exit(f"the bench import wrote {outcome.created} of {rows} rows: {problems}")
            return took

        return run

    def without_gate(run: Callable[[int], float]) -> Callable[[int], float]:
        def wrapped(number: int) -> float:
            with gate_off():
                return run(number)

        return wrapped

    times = paired(
        "import", {"gate": importing("gate"), "bare": without_gate(importing("bare"))}, rounds
    )
    with held(agents, HELD):
        times |= paired(
            "import, a quarter of the handlers on hold",
            {
                "gate_held": importing("gate-held"),
                "bare_held": without_gate(importing("bare-held")),
            },
            rounds,
        )
    for name, values in times.items():
        report(f"learning_gate_import_{name}_ms", statistics.median(values), "ms")
    report("learning_gate_import_ratio", ratio(times, "gate", "bare"), "x")
    report("learning_gate_import_ratio_held", ratio(times, "gate_held", "bare_held"), "x")


# --- The overdue-refreshers list --------------------------------------------------------------


def load_people(people: int) -> dict[str, Any]:
    """One department of `people` agents in teams of TEAM_SIZE, each team with a lead and a
    login for the timed viewers; COURSES courses with a refresher cadence; every agent with
    two or three certificates, about a third of them expired and not renewed, a sixth renewed
    (an expired certificate with a newer one), the rest still valid."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from groundswell.learning.models import Completion, Course
    from groundswell.people.choices import Role
    from groundswell.people.models import Department, Person, Team

    started = time.perf_counter()
    today = timezone.localdate()
    department = Department.objects.create(name="Customer Service", slug="cs")
    team_count = max(1, people // TEAM_SIZE)
    teams = Team.objects.bulk_create(
        Team(department=department, name=f"Team {n}", slug=f"team-{n}") for n in range(team_count)
    )
    leads = Person.objects.bulk_create(
        (
            Person(
                full_name=f"Lead {n}",
                email=f"lead{n}@overdue.bench.test",
                role=Role.TEAM_LEAD,
                department=department,
                team=team,
            )
            for n, team in enumerate(teams)
        ),
        batch_size=BATCH,
    )
    for team, lead in zip(teams, leads, strict=True):
        team.lead = lead
    Team.objects.bulk_update(teams, ["lead"], batch_size=BATCH)
    manager = Person.objects.create(
        full_name="Mona Manager", email="manager@overdue.bench.test", role=Role.MANAGER,
        department=department,
    )  # fmt: skip
    for person in (manager, leads[0]):
        person.user = User.objects.create(username=person.email, email=person.email)
        person.save(update_fields=["user"])
    courses = Course.objects.bulk_create(
        Course(department=department, title=f"Course {n}", content="x", refresher_months=12)
        for n in range(COURSES)
    )
    made = 0
    while made < people:
        chunk = min(BATCH, people - made)
        agents = Person.objects.bulk_create(
            Person(
                full_name=f"Agent {made + n}",
                email=f"agent{made + n}@overdue.bench.test",
                role=Role.AGENT,
                department=department,
                team=teams[(made + n) % team_count],
            )
            for n in range(chunk)
        )
        rows = []
        for agent in agents:
            for k in range(2 + agent.pk % 2):
                course = courses[(agent.pk + 3 * k) % COURSES]
                kind = (agent.pk + k) % 6  # 0, 1: expired; 2: expired and renewed; else valid
                done = today - datetime.timedelta(days=400 + (agent.pk * 7 + k) % 300)
                if kind >= 3:
                    done = today - datetime.timedelta(days=(agent.pk + k) % 300)
                rows.append(
                    Completion(
                        course=course,
                        person=agent,
                        completed_on=done,
                        expires_on=done + datetime.timedelta(days=365),
                        recorded_by=manager,
                    )
                )
                if kind == 2:
                    renewed = today - datetime.timedelta(days=(agent.pk + k) % 30)
                    rows.append(
                        Completion(
                            course=course,
                            person=agent,
                            completed_on=renewed,
                            expires_on=renewed + datetime.timedelta(days=365),
                            recorded_by=manager,
                        )
                    )
        Completion.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        made += chunk
    print(
        f"note: {people:,} people in {team_count:,} teams, {Completion.objects.count():,} "
        f"certificates loaded in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return {"manager": manager, "lead": leads[0]}


def bench_overdue(people: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    org = load_people(people)
    url = reverse("learning:overdue")
    for role in ("manager", "lead"):
        client = Client()
        client.force_login(org[role].user, backend="groundswell.people.backends.PersonBackend")
        response = client.get(url)  # warm: imports, templates, compiled queries
        if response.status_code != 200 or b"Agent " not in response.content:
            sys.exit(f"the overdue page for the {role} answered {response.status_code}")
        runs = []
        for _ in range(READS):
            connection.close()
            cache.clear()
            began = time.perf_counter()
            client.get(url)
            runs.append((time.perf_counter() - began) * 1000)
        report(f"learning_overdue_{people}_{role}_p50_ms", statistics.median(runs), "ms")


if __name__ == "__main__":
    raise SystemExit(main())
