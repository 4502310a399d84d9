#!/usr/bin/env python3
"""The quality dashboard page in one process, on a throw-away SQLite database, with where its
time goes.

    python bench/quality_dashboard.py [--requests N] [--reviews N] [--profile]

The organisation is bench/scaledata.py's (`setup_quality`: one department of 10 teams of 20
agents and their leads, a manager, a scorecard of 8 criteria). The page reads only the weekly
rollups, so instead of loading reviews and refreshing (bench/scale.py does that, on
PostgreSQL) the rollups are written directly, as the refresh would leave them for `--reviews`
reviews spread over 26 weeks: one weekly row per agent and week, and one per agent, week and
criterion. What the page reads depends on agents x weeks (x criteria), not on the review count,
which only changes the figures in the rows.

Prints `bench <name>: <value> <unit>` lines:

quality_dashboard_page_cold_p50   GET /quality/dashboard/ (12 weeks) for the manager through
                                  Django's test client (middleware, view, template), each on a
                                  new database connection; the median of `--requests`.
quality_dashboard_page_cpu_p50    the CPU time of the same requests (this process: Python and
                                  SQLite's own work), which the machine's load disturbs less.
quality_dashboard_selector_p50    `quality.dashboard.quality_dashboard(manager)` alone, each on
                                  a new connection.
quality_dashboard_sql_p50         the time spent inside the page's SQL statements.
quality_dashboard_statements      statements per page.

With `--profile`, one more request under cProfile, the 25 costliest functions by cumulative
time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import pstats
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WEEKS = 26


def report(name: str, value: float, unit: str) -> None:
    print(f"bench {name}: {value:.2f} {unit}", flush=True)


def seed_rollups(reviews: int) -> int:
    """The weekly rollups the refresh would leave for `reviews` reviews over WEEKS weeks."""
    from django.utils import timezone

    from groundswell.people.models import Person
    from groundswell.quality import selectors
    from groundswell.quality.models import (
        Scorecard,
        TeamWeeklyCriterionRollup,
        WeeklyCriterionRollup,
        WeeklyQualityRollup,
    )
    from groundswell.quality.rollups import monday, team_criteria

    card = Scorecard.objects.get(department__slug="scale-quality")
    version = selectors.current_version(card)
    assert version is not None  # noqa: S101 - made by setup_quality
    criteria = selectors.version_criteria(version)
    agents = list(
        Person.objects.filter(department__slug="scale-quality", role="agent")
        .order_by("pk")
        .values_list("pk", "team_id")
    )
    this_week = monday(timezone.localdate())
    per_cell = max(1, reviews // (len(agents) * WEEKS))
    weekly, by_criterion = [], []
    for w in range(WEEKS):
        week = this_week - datetime.timedelta(weeks=w)
        for n, (agent, team) in enumerate(agents):
            count = per_cell + (n + w) % 3 - 1  # some cells a little under, some over
            weekly.append(
                WeeklyQualityRollup(
                    week=week,
                    team_id=team,
                    agent_id=agent,
                    interactions=count,
                    reviewed=count,
                    reviews=count,
                    score_sum=count * (60.0 + (n * 7 + w) % 35),
                    failed=count // 23,
                    disputed=(n + w) % 4 == 0,
                )
            )
            by_criterion += [
                WeeklyCriterionRollup(
                    week=week,
                    team_id=team,
                    agent_id=agent,
                    criterion_key=c.key,
                    label=c.behaviour,
                    scored=count,
                    fraction_sum=count * (0.5 + ((n + i + w) % 5) / 10),
                )
                for i, c in enumerate(criteria)
            ]
    WeeklyQualityRollup.objects.bulk_create(weekly, batch_size=2_000)
    WeeklyCriterionRollup.objects.bulk_create(by_criterion, batch_size=2_000)
    teams = TeamWeeklyCriterionRollup.objects.bulk_create(
        team_criteria(by_criterion), batch_size=2_000
    )
    return len(weekly) + len(by_criterion) + len(teams)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", default="", help="a folder to keep (and reuse) the database in")
    parser.add_argument("--query", default="", help="query string for the page, e.g. all=1")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="gs-quality-dash-"))
    work.mkdir(parents=True, exist_ok=True)
    reuse = (work / "bench.sqlite3").exists()
    sys.path.insert(0, str(ROOT))
    from bench.harness.django_env import start_django

    start_django(work)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import scaledata
    from groundswell.people.models import Person
    from groundswell.quality.dashboard import quality_dashboard

    settings.ALLOWED_HOSTS = ["*"]
    if not reuse:
        with redirect_stdout(io.StringIO()):
            scaledata.setup_quality()
        rows = seed_rollups(args.reviews)
        print(f"note: {rows:,} rollup rows for {args.reviews:,} reviews, {WEEKS} weeks", flush=True)
    manager = Person.objects.select_related("user").get(email=scaledata.QUALITY_MANAGER_EMAIL)
    client = Client()
    assert manager.user is not None  # noqa: S101 - made by setup_quality
    client.force_login(manager.user)
    path = "/quality/dashboard/" + (f"?{args.query}" if args.query else "")

    def page() -> tuple[float, float, int, int, float]:
        connection.close()
        with CaptureQueriesContext(connection) as queries:
            began, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            took = (time.perf_counter() - began) * 1000
            cpu = (time.process_time() - cpu) * 1000
        assert response.status_code == 200, response.status_code  # noqa: S101
        sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        return took, sql, len(queries), len(response.content), cpu

    page()  # warm: templates compiled, URL resolver built
    runs = [page() for _ in range(args.requests)]
    selector: list[float] = []
    for _ in range(args.requests):
        connection.close()
        viewer: Any = Person.objects.get(pk=manager.pk)
        began = time.perf_counter()
        quality_dashboard(viewer)
        selector.append((time.perf_counter() - began) * 1000)
    report("quality_dashboard_page_cold_p50", statistics.median(r[0] for r in runs), "ms")
    report("quality_dashboard_page_cpu_p50", statistics.median(r[4] for r in runs), "ms")
    report("quality_dashboard_selector_p50", statistics.median(selector), "ms")
    report("quality_dashboard_sql_p50", statistics.median(r[1] for r in runs), "ms")
    report("quality_dashboard_statements", runs[0][2], "statements")
    report("quality_dashboard_html", runs[0][3] / 1024, "KiB")
    if args.profile:
        connection.close()
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as queries:
            profiler.enable()
            client.get(path)
            profiler.disable()
        for q in queries.captured_queries:
            print(f"sql {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats("groundswell|template", 30)
        stats.sort_stats("tottime").print_stats(25)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
