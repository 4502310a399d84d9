#!/usr/bin/env python3
"""The customer-voice dashboard read cold, in process: CPU time, statements and a profile.

    python bench/dashboard_cold.py [--database-url URL] [--data-dir DIR] [--requests N]
                                   [--interactions N] [--profile] [--html-dir DIR]

Seeds the side-by-side data set (`bench_seed`, 100,000 interactions by default) into a
throw-away database (SQLite under --data-dir unless a URL is given; an existing seeded SQLite
file there is reused), then requests `/voice/dashboard/` through Django's test client with the
metrics cache off (as `METRICS_CACHE=false`: every request reads the rollups and today's live
rows and renders afresh) as the bench administrator, and as a manager and an agent when the data
has them. Prints per viewer the median wall and CPU time of --requests requests, the statements
a request sends and the time spent waiting on them; with --profile, cProfile's top functions
over the administrator's requests. --html-dir writes each viewer's page there (minus the CSRF
token), to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--html-dir", type=Path, default=None)
    args = parser.parse_args()
    work = args.data_dir or Path(tempfile.mkdtemp(prefix="gs-dashboard-"))
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from bench.harness.django_env import start_django

    start_django(work, args.database_url, migrate=False, METRICS_CACHE="false", REDIS_URL="")
    run(work, args)
    return 0


def run(work: Path, args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from groundswell.desk import benchdata as desk_bench
    from groundswell.people.choices import Role
    from groundswell.people.models import Person
    from groundswell.site import benchdata

    call_command("migrate", verbosity=0)
    if not Person.objects.exists():
        started = time.perf_counter()
        benchdata.seed(
            interactions=args.interactions,
            invitations=args.interactions // 5,
            tokens_file=work / "tokens.txt",
            responses=args.interactions // 4,
        )
        print(f"seeded {args.interactions} interactions in {time.perf_counter() - started:.0f} s")
    viewers = {"admin": desk_bench.bench_admin()}
    for role in (Role.MANAGER, Role.AGENT):
        person = Person.objects.filter(role=role, is_active=True, user__isnull=False).first()
        if person is not None:
            viewers[str(role)] = person
    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.2f}")
    for name, person in viewers.items():
        client = Client()
        if person.user is None:
            raise SystemExit(f"{name} has no login")
        client.force_login(person.user)
        client.get("/voice/dashboard/")  # warm: compile templates, connect
        walls, cpus, db_ms = [], [], []
        statements = 0
        profiler = cProfile.Profile() if args.profile and name == "admin" else None
        body = b""
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as queries:
                wall, cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                response = client.get("/voice/dashboard/")
                if profiler:
                    profiler.disable()
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}")
            statements = len(queries)
            db_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            body = response.content
        print(
            f"bench dashboard_cold_{name}_{connection.vendor}: wall p50 "
            f"{statistics.median(walls):.1f} ms, cpu p50 {statistics.median(cpus):.1f} ms, "
            f"{statements} statements, db {statistics.median(db_ms):.1f} ms, "
            f"{len(body)} bytes"
        )
        if args.html_dir:
            args.html_dir.mkdir(parents=True, exist_ok=True)
            html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)
            html = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", html)
            (args.html_dir / f"{name}_{connection.vendor}.html").write_bytes(html)
        if args.profile and name == "admin":
            for query in queries.captured_queries:
                print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:150]}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
            print(out.getvalue())


if __name__ == "__main__":
    raise SystemExit(main())
