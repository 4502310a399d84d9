"""Groundswell's benchmarks: `python bench/run.py --size quick|full` (what `make bench` runs).

Every figure is printed as one line, `bench <name>: <value> <unit> [ratio=<r>]`, so runs are easy
to compare; a ratio is paired with the bare-Django ceiling measured in the same run.

quick  Loads the medium and then the large demo organisation into a throw-away SQLite database,
       each with `manage.py seed_demo` in its own process (timed from start to exit), then
       times the people directory against the large one (see bench/directory.py).
full   The same, then again on a throw-away PostgreSQL cluster started with Debian's
       `pg_virtualenv` (skipped with a note when it is not installed), with more requests.

Both sizes then time the places that use private Django internals against Django's
documented ways (bench/internals.py; full runs it on PostgreSQL too), and run the shared
side-by-side harness (see bench_side_by_side below) for the
customer-voice goals: survey submit, ingest, CSV import, the interaction list and the dashboard.

Nothing touches the development database: each run works in temporary folders.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
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
    bench_internals(url)


def bench_internals(database_url: str = "") -> None:
    """The private-internals figures (bench/internals.py): our hot paths against Django's
    documented ways, in one process, on a throw-away database (SQLite unless a URL is given)."""
    command = [sys.executable, str(ROOT / "bench" / "internals.py")]
    if database_url:
        command += ["--database-url", database_url]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        sys.exit("bench/internals.py failed")


# Side by side with the shared harness ------------------------------------------------------------

SIDE_BY_SIDE = {
    # size: (data scale, databases, contestants, rounds, seconds per measurement)
    "quick": (0.1, "sqlite", "ceiling,groundswell", 1, 3),
    "full": (1.0, "sqlite,pg", "helpdesk,ceiling,groundswell", 3, 5),
}
# profile -> (bench name, what the goal reads: throughput share or p50 multiple of the ceiling)
GOALS = {
    "public_submit": ("survey_submit", "throughput"),
    "ingest_one": ("ingest_one", "throughput"),
    "list_page": ("interaction_list_p50", "latency"),
    "dashboard": ("dashboard_p50", "latency"),
    "analytics_summary": ("analytics_summary_p50", "latency"),
}


def bench_side_by_side(size: str) -> None:
    """Run bench/side_by_side.py and print a line for each of its figures.

    quick  a tenth of the harness's data (100,000 interactions), SQLite, one round, against the
           ceiling only: a few minutes, for seeing a change's direction.
    full   the harness's own sizes, SQLite and PostgreSQL, three rounds, with the peer.
    Venvs are kept in $GSBENCH_WORK (default <temp dir>/groundswell-bench/<size>); the data is
    seeded again each run so it matches the current migrations.
    """
    scale, dbs, contestants, rounds, duration = SIDE_BY_SIDE[size]
    # Outside the checkout: the harness copies the checkout into its work folder.
    default = Path(tempfile.gettempdir()) / "groundswell-bench" / size
    work = Path(os.environ.get("GSBENCH_WORK", default))
    for data in work.glob("*-*"):
        if data.is_dir() and data.name.split("-")[-1] in ("sqlite", "pg"):
            shutil.rmtree(data)
    results = work / "results"
    before = set(results.glob("summary-*.json")) if results.exists() else set()
    env = {**os.environ, "GSBENCH_WORK": str(work), "GSBENCH_SCALE": str(scale)}
    env.setdefault("GSBENCH_PYTHON", sys.executable)
    command = [
        sys.executable,
        str(ROOT / "bench" / "side_by_side.py"),
        *("--contestants", contestants, "--db", dbs, "--rounds", str(rounds)),
        *("--duration", str(duration), "--warmup", "1", "--no-raw"),
    ]
    if shutil.which("wrk") is None:
        note("wrk is not installed (apt-get install wrk); side-by-side figures skipped")
        return
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    (work / "last-run.log").write_text(result.stdout + result.stderr)
    new = sorted(set(results.glob("summary-*.json")) - before) if results.exists() else []
    if result.returncode != 0 or not new:
        sys.exit(f"bench/side_by_side.py failed; see {work / 'last-run.log'}")
    if not report_side_by_side(json.loads(new[-1].read_text())):
        sys.exit(f"Groundswell was not measured; see {work / 'last-run.log'}")
    note(f"side-by-side details: {new[-1]}")


def report_side_by_side(summary: dict[str, Any]) -> int:
    """One line per figure (ratios are paired with the ceiling in the same run); returns how
    many figures Groundswell got."""
    ratios = {
        (r["db"], r["contestant"], r["profile"], r["level"]): r
        for r in summary["ratios"]
        if r.get("vs_ceiling") == r["profile"] or r["profile"] == "dashboard"
    }
    ours = 0
    for row in summary["table"]:
        if row["contestant"] == "ceiling":
            continue
        ours += row["contestant"] == "groundswell"
        who = "" if row["contestant"] == "groundswell" else f"{row['contestant']}_"
        db = "sqlite" if row["db"] == "sqlite" else "postgresql"
        key = (row["db"], row["contestant"], row["profile"], row["level"])
        paired = ratios.get(key)
        if row["profile"] == "bulk_csv":
            ceiling = next(
                (
                    t
                    for t in summary["table"]
                    if t["contestant"] == "ceiling"
                    and t["db"] == row["db"]
                    and t["profile"] == "bulk_csv"
                ),
                None,
            )
            ratio = row["rows_per_s"] / ceiling["rows_per_s"] if ceiling else None
            line = f"bench {who}csv_import_{db}: {row['rows_per_s']:.0f} rows/s"
            print(line + (f" ratio={ratio:.2f}" if ratio else ""), flush=True)
            continue
        name, goal = GOALS.get(row["profile"], (row["profile"], "throughput"))
        level = row["level"]
        if goal == "latency":
            if level != "c1":
                continue
            line = f"bench {who}{name}_{db}: {row['p50_ms']:.1f} ms"
            if paired and row["profile"] != "dashboard":
                line += f" ratio={paired['p50_x_slower']:.2f}"
        else:
            line = f"bench {who}{name}_{level}_{db}: {row['rps']:.0f} req/s"
            if paired:
                line += f" ratio={paired['throughput_pct_of_ceiling'] / 100:.2f}"
        print(line, flush=True)
    return ours


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Groundswell's benchmarks.")
    parser.add_argument("--size", choices=sorted(REQUESTS), default="quick")
    parser.add_argument("--requests", type=int, help="directory requests to time (per page)")
    parser.add_argument(
        "--only",
        type=lambda value: set(value.split(",")),
        default={"people", "internals", "side-by-side"},
        help="people, internals and/or side-by-side (default all three)",
    )
    parser.add_argument("--inside-postgresql", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    requests = options.requests or REQUESTS[options.size]
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
    if "side-by-side" in options.only:
        bench_side_by_side(options.size)


if __name__ == "__main__":
    main()
