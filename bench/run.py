"""Groundswell's benchmarks: `python -m bench.run --size quick|full` (what `make bench` runs).

The people and internals figures are printed as one line each, `bench <name>: <value> <unit>`;
the side-by-side part ends with a table of figures and ratios (bench/harness).

quick  Loads the medium and then the large demo organisation into a throw-away SQLite database,
       each with `manage.py seed_demo` in its own process (timed from start to exit), then
       times the people directory against the large one (see bench/directory.py).
full   The same, then again on a throw-away PostgreSQL cluster started with Debian's
       `pg_virtualenv` (skipped with a note when it is not installed), with more requests.

Both sizes then time the places that use private Django internals against Django's
documented ways (bench/internals.py; full runs it on PostgreSQL too), time the quality app's
statistics (bench/quality_stats.py: calibration agreement and the metric audit, no database)
and its review submit and dashboard read (bench/quality_writes.py, SQLite), the learning app's
readiness gate on ingest and import and its overdue-refreshers page (bench/learning.py, SQLite),
and run the side-by-side benchmark (bench/harness) for the goals on survey submit, ingest, CSV
import, the staff list and the dashboard: Groundswell against the bare-Django ceiling
(bench/ceiling) and raw inserts, and in full mode on PostgreSQL too and against the peer,
django-helpdesk (bench/peer).

Nothing touches the development database: each run works in temporary folders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from bench.harness import driver
from bench.harness.postgres import PG_MISSING

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = {"quick": 40, "full": 200}


def report(name: str, value: float, unit: str) -> None:
    print(f"bench {name}: {value:.1f} {unit}", flush=True)


def note(text: str) -> None:
    print(f"note: {text}", flush=True)


def project_env(data_dir: Path, database_url: str) -> dict[str, str]:
    """The environment of a Groundswell process working on the benchmark's own database."""
    return {
        **os.environ,
        "GROUNDSWELL_ENV": "development",
        "GROUNDSWELL_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "DEBUG": "false",  # DEBUG keeps every query in memory and would slow the figures down
        # The organisation only: these figures are about people; the service data has its own.
        "DEMO_STEPS": "groundswell.people.demo.ORGANISATION",
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict[str, str], *args: str) -> float:
    """Run `manage.py *args` in a new process; return how long it took, in seconds."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def bench_database(label: str, database_url: str, data_dir: Path, requests: int) -> None:
    """Seed the demo organisation into one database and time the directory against it."""
    env = project_env(data_dir, database_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    for size in ("medium", "large"):
        seconds = manage(env, "seed_demo", "--size", size, "--seed", "1", "--replace")
        report(f"seed_demo_{size}_{label}", seconds, "s")
    suffix = "" if label == "sqlite" else f"_{label}"
    directory = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "directory.py"), f"--requests={requests}"],
        env={**env, "BENCH_SUFFIX": suffix},
        cwd=ROOT,
        check=False,
    )
    if directory.returncode != 0:
        sys.exit("bench/directory.py failed")


def bench_sqlite(requests: int) -> None:
    with tempfile.TemporaryDirectory(prefix="groundswell-bench-") as folder:
        data_dir = Path(folder)
        bench_database("sqlite", f"sqlite:///{data_dir / 'bench.sqlite3'}", data_dir, requests)


def bench_postgresql(requests: int) -> None:
    """Run this script again inside a throw-away PostgreSQL cluster (pg_virtualenv)."""
    pg_virtualenv = shutil.which("pg_virtualenv")
    if pg_virtualenv is None:
        note(PG_MISSING)
        return
    inner = [sys.executable, "-m", "bench.run", "--inside-postgresql"]
    # -t keeps the cluster in a temporary folder even as root, clear of any other cluster.
    result = subprocess.run(
        [pg_virtualenv, "-t", *inner, f"--requests={requests}"], cwd=ROOT, check=False
    )
    if result.returncode != 0:
        sys.exit("the PostgreSQL benchmark failed")


def inside_postgresql(requests: int) -> None:
    """Called by pg_virtualenv, which describes its cluster in the PG* variables."""
    user, password = os.environ["PGUSER"], os.environ.get("PGPASSWORD", "")
    host, port = os.environ.get("PGHOST", "localhost"), os.environ["PGPORT"]
    database = os.environ.get("PGDATABASE", user)
    url = f"postgres://{quote(user)}:{quote(password)}@{host}:{port}/{quote(database)}"
    with tempfile.TemporaryDirectory(prefix="groundswell-bench-") as folder:
        bench_database("postgresql", url, Path(folder), requests)
    bench_internals(url)


def bench_internals(database_url: str = "") -> None:
    """The private-internals figures (bench/internals.py): our hot paths against Django's
    documented ways, in one process, on a throw-away database (SQLite unless a URL is given)."""
    command = [sys.executable, str(ROOT / "bench" / "internals.py")]
    if database_url:
        command += ["--database-url", database_url]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        sys.exit("bench/internals.py failed")


QUALITY_REVIEWS = {"quick": "20000", "full": "100000"}


def bench_quality(size: str = "quick") -> None:
    """The quality app's statistics (bench/quality_stats.py): calibration agreement with its
    bootstrap and the metric audit, pure functions timed in one process, no database; then
    its writes and reads on SQLite (bench/quality_writes.py): review submit paired with a
    plain insert of the same rows, and the dashboard read at 20,000 (quick) or 100,000 (full)
    reviews."""
    command = [sys.executable, str(ROOT / "bench" / "quality_stats.py")]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        sys.exit("bench/quality_stats.py failed")
    command = [
        sys.executable,
        str(ROOT / "bench" / "quality_writes.py"),
        "--reviews",
        QUALITY_REVIEWS[size],
    ]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        sys.exit("bench/quality_writes.py failed")


RECOGNITION_KUDOS = {"quick": "20000", "full": "1000000"}


def bench_recognition(size: str = "quick") -> None:
    """The recognition app on SQLite (bench/recognition.py): giving kudos paired with a plain
    insert of the same rows, the feed's first page against a plain list at 20,000 (quick) or
    1,000,000 (full) kudos, and every team's huddle digest for 500 teams."""
    command = [
        sys.executable,
        str(ROOT / "bench" / "recognition.py"),
        "--kudos",
        RECOGNITION_KUDOS[size],
    ]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        sys.exit("bench/recognition.py failed")


LEARNING_PEOPLE = {"quick": "100000", "full": "100000"}
LEARNING_ROUNDS = {"quick": "7", "full": "15"}


def bench_learning(size: str = "quick") -> None:
    """The learning app on SQLite (bench/learning.py): the readiness gate's share of single
    ingest and of CSV import (the same work paired with and without the gate, in one run), and
    the overdue-refreshers page for a manager and a lead at 100,000 people, cold."""
    command = [
        sys.executable,
        str(ROOT / "bench" / "learning.py"),
        "--people",
        LEARNING_PEOPLE[size],
        "--rounds",
        LEARNING_ROUNDS[size],
    ]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        sys.exit("bench/learning.py failed")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Groundswell's benchmarks.")
    parser.add_argument("--size", choices=sorted(REQUESTS), default="quick")
    parser.add_argument("--requests", type=int, help="directory requests to time (per page)")
    parser.add_argument(
        "--only",
        type=lambda value: set(value.split(",")),
        default={"people", "internals", "quality", "recognition", "learning", "side-by-side"},
        help="people, internals, quality, recognition, learning and/or side-by-side (default all)",
    )
    parser.add_argument(
        "--profiles",
        type=lambda value: set(value.split(",")),
        help="side-by-side profiles to measure, e.g. survey_submit,csv_import (default all)",
    )
    parser.add_argument(
        "--databases",
        type=lambda value: tuple(value.split(",")),
        help="side by side on sqlite and/or postgresql (default: sqlite quick, both full)",
    )
    parser.add_argument("--inside-postgresql", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    requests = options.requests or REQUESTS[options.size]
    unknown = set(options.databases or ()) - {"sqlite", "postgresql"}
    if unknown:
        sys.exit(f"--databases: unknown {', '.join(sorted(unknown))}; use sqlite and/or postgresql")
    if options.inside_postgresql:
        inside_postgresql(requests)
        return
    note(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, size {options.size}")
    if "people" in options.only:
        bench_sqlite(requests)
        if options.size == "full":
            bench_postgresql(requests)  # the internals on PostgreSQL too
    if "internals" in options.only:
        bench_internals()
    if "quality" in options.only:
        bench_quality(options.size)
    if "recognition" in options.only:
        bench_recognition(options.size)
    if "learning" in options.only:
        bench_learning(options.size)
    side_by_side = "side-by-side" in options.only
    if side_by_side and not driver.main(
        options.size, options.profiles, databases=options.databases
    ):
        sys.exit("The side-by-side benchmark measured nothing; see the lines above.")


if __name__ == "__main__":
    main()
