"""Groundswell's benchmarks: `python bench/run.py --size quick|full` (what `make bench` runs).

Every figure is printed as one line, `bench <name>: <value> <unit>`, so runs are easy to compare.

quick  Loads the medium and then the large demo organisation into a throw-away SQLite database,
       each with `manage.py seed_demo` in its own process (timed from start to exit), then
       times the people directory against the large one (see bench/directory.py).
full   The same, then again on a throw-away PostgreSQL cluster started with Debian's
       `pg_virtualenv` (skipped with a note when it is not installed), with more requests.

Nothing touches the development database in var/: each run works in a temporary folder.
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
        note("pg_virtualenv (Debian's postgresql-common) is not installed; PostgreSQL skipped")
        return
    inner = [sys.executable, str(Path(__file__).resolve()), "--inside-postgresql"]
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


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Groundswell's benchmarks.")
    parser.add_argument("--size", choices=sorted(REQUESTS), default="quick")
    parser.add_argument("--requests", type=int, help="directory requests to time (per page)")
    parser.add_argument("--inside-postgresql", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    requests = options.requests or REQUESTS[options.size]
    if options.inside_postgresql:
        inside_postgresql(requests)
        return
    note(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, size {options.size}")
    bench_sqlite(requests)
    if options.size == "full":
        bench_postgresql(requests)


if __name__ == "__main__":
    main()
