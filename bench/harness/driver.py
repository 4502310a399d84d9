"""The side-by-side run: set each contestant up, then measure them in alternating rounds.

For each database: every contestant is migrated and seeded in a folder of the work dir (a
throw-away SQLite file, or a database in a throw-away PostgreSQL server), then each round
resets and measures every contestant in turn, in reversed order every other round (ceiling,
Groundswell, Groundswell, ceiling, ...) so the machine's drift falls on both sides. A
contestant that cannot be set up or served is reported with the reason and the others go on.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.harness import figures as fig
from bench.harness import rawdb, report
from bench.harness.contestants import (
    ROOT,
    SIZES,
    Ceiling,
    Contestant,
    Groundswell,
    Peer,
    PeerVenv,
    Profile,
    Size,
    csv_bodies,
    write_new_ids,
)
from bench.harness.load import Measurement, one_request, run_sequential, run_wrk, wrk_missing
from bench.harness.postgres import PG_MISSING, Cluster, server_programs
from bench.harness.processes import GUNICORN, Gunicorn, StepFailed, tail

# A request slower than a tenth of a measurement (at least SLOW_SECONDS) would give wrk only a
# handful of answers: it is timed SLOW_REQUESTS times, one at a time, instead.
SLOW_SECONDS = 0.2
SLOW_REQUESTS = 5
SEQUENTIAL_REQUESTS = 60  # per measurement, when wrk is missing


def work_dir() -> Path:
    """$GSBENCH_WORK, or <temp dir>/groundswell-bench: never inside the checkout."""
    default = Path(tempfile.gettempdir()) / "groundswell-bench"
    work = Path(os.environ.get("GSBENCH_WORK") or default).resolve()
    if work == ROOT or ROOT in work.parents:
        raise SystemExit(f"GSBENCH_WORK ({work}) must be outside the checkout ({ROOT})")
    work.mkdir(parents=True, exist_ok=True)
    return work


class Progress:
    """Numbered progress lines: "[4/18] groundswell sqlite survey_submit c=4 round 1/2 ..."."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0

    def step(self, text: str) -> None:
        self.done += 1
        print(f"[{self.done}/{max(self.total, self.done)}] {text} ...", end="", flush=True)

    @staticmethod
    def result(text: str) -> None:
        print(f" {text}", flush=True)

    @staticmethod
    def note(text: str) -> None:
        print(text, flush=True)


class Ids:
    """Where each profile is in its ids file, so no id is sent twice when it must not be."""

    def __init__(self) -> None:
        self.next: dict[tuple[str, str, str], int] = {}
        self.lines: dict[Path, list[str]] = {}

    def read(self, path: Path) -> list[str]:
        if path not in self.lines:
            self.lines[path] = [line for line in path.read_text().splitlines() if line]
        return self.lines[path]

    def new_round(self, db: str, contestant: str, profiles: list[Profile]) -> None:
        for profile in profiles:
            if profile.ids_per_round:
                self.next.pop((db, contestant, profile.name), None)


@dataclasses.dataclass
class Run:
    size: Size
    work: Path
    only: set[str] | None = None
    wrk_problem: str | None = None
    progress: Progress = dataclasses.field(default_factory=Progress)
    ids: Ids = dataclasses.field(default_factory=Ids)
    figures: list[fig.Figure] = dataclasses.field(default_factory=list)
    problems: list[dict[str, str]] = dataclasses.field(default_factory=list)
    contestants: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    servers: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)

    def problem(self, db: str, contestant: str, what: str, reason: str) -> None:
        self.problems.append({"db": db, "contestant": contestant, "what": what, "reason": reason})
        first, *rest = reason.strip().splitlines() or [""]
        self.progress.note(f"  ! {contestant} on {db}: {what} failed: {first}")
        for line in rest[-8:]:
            self.progress.note(f"      {line}")


def measure_load(
    run: Run, contestant: Contestant, server: Gunicorn, profile: Profile
) -> tuple[float, Measurement]:
    """Check one request, warm up, then measure `profile` under wrk (or Python's client)."""
    request, key = profile.request, (contestant.db, contestant.name, profile.name)
    ids = run.ids.read(request.ids_file) if request.ids_file else []
    cursor = run.ids.next.get(key, 0)
    if ids and cursor >= len(ids) - 100:
        cursor = 0  # a long run went through the file: start again (noted in the detail)
    took = []
    for _check in range(2):  # the first request of a fresh server also fills its caches
        status, body, seconds = one_request(server.port, request, ids[cursor] if ids else "")
        cursor += 1 if ids else 0
        took.append(seconds)
        if status not in request.expect:
            text = body[:300].decode(errors="replace").strip()
            expected = sorted(request.expect)
            raise StepFailed(f"a check request answered {status}, not {expected}: {text}")
    slow = min(took) > max(SLOW_SECONDS, run.size.seconds / 10)
    if slow or run.wrk_problem:
        count = SLOW_REQUESTS if slow else SEQUENTIAL_REQUESTS
        measurement = run_sequential(
            server.port, request, count=count, ids=ids[cursor : cursor + count]
        )
        cursor += measurement.ids_used
    else:
        for seconds_of_load in (run.size.warmup, run.size.seconds):
            measurement = run_wrk(
                server.port,
                request,
                connections=profile.connections,
                seconds=seconds_of_load,
                limit=run.size.limit,
                ids_from=cursor,
                workdir=contestant.folder,
            )
            cursor += measurement.ids_used + profile.connections
    run.ids.next[key] = cursor
    problems = measurement.problems(request.expect)
    if problems:
        raise StepFailed(f"{', '.join(problems)} of {measurement.requests} requests")
    value = measurement.per_second if profile.metric == "per_second" else measurement.p50_ms
    return value, measurement


def measure_files(server: Gunicorn, profile: Profile) -> tuple[float, dict[str, Any]]:
    """Send each CSV file once, one after another: rows per second of the median request."""
    if profile.bodies is None:
        raise StepFailed("no files to send")
    seconds = []
    for body in profile.bodies():
        request = dataclasses.replace(profile.request, body=body)
        status, answer, took = one_request(server.port, request)
        if status not in request.expect:
            text = answer[:300].decode(errors="replace").strip()
            raise StepFailed(f"a file answered {status}, not {sorted(request.expect)}: {text}")
        seconds.append(took)
    rate = profile.rows_per_request / statistics.median(seconds)
    return rate, {"files": len(seconds), "seconds": [round(value, 3) for value in seconds]}


def describe(profile: Profile, measurement: Measurement | None) -> str:
    if profile.metric == "rows_per_second" or measurement is None:
        return ""
    return (
        f"{measurement.per_second:,.0f} req/s, p50 {measurement.p50_ms:.1f} ms, "
        f"p99 {measurement.p99_ms:.1f} ms, n={measurement.requests}"
        + (" (python client)" if measurement.tool == "python" else "")
    )


def round_of(run: Run, contestant: Contestant, round_number: int, total_rounds: int) -> None:
    """Reset `contestant`, then measure each of its profiles, server by server."""
    db = contestant.db
    profiles = [
        profile
        for profile in contestant.profiles(round_number)
        if run.only is None or profile.name in run.only
    ]
    run.ids.new_round(db, contestant.name, profiles)

    def record(profile: Profile, value: float | None, detail: dict[str, Any], failure: str) -> None:
        run.figures.append(
            fig.Figure(db, contestant.name, profile.name, round_number, value, profile.unit,
                       detail, failure)
        )  # fmt: skip

    try:
        contestant.reset()
    except StepFailed as error:
        for profile in profiles:
            run.progress.step(f"{contestant.name} {db} {profile.name} round {round_number}")
            run.progress.result("not measured: the reset failed")
            record(profile, None, {}, f"reset failed: {error}")
        run.problem(db, contestant.name, f"reset before round {round_number}", str(error))
        return
    # Reads first, so every round reads the data as seeded: the servers that only read, then
    # each server's reads before its writes.
    servers = sorted(
        dict.fromkeys(profile.server for profile in profiles),
        key=lambda name: any(p.writes for p in profiles if p.server == name),
    )
    ordered = sorted(profiles, key=lambda profile: (servers.index(profile.server), profile.writes))
    for server_name in servers:
        mine = [profile for profile in ordered if profile.server == server_name]
        try:
            with contestant.serve(server_name) as server:
                for profile in mine:
                    connections = 1 if run.wrk_problem else profile.connections
                    level = f" c={connections}" if profile.metric == "per_second" else ""
                    run.progress.step(
                        f"{contestant.name} {db} {profile.name}{level} "
                        f"round {round_number}/{total_rounds}"
                    )
                    try:
                        if profile.metric == "rows_per_second":
                            value, detail = measure_files(server, profile)
                            run.progress.result(f"{value:,.0f} rows/s")
                        else:
                            value, measurement = measure_load(run, contestant, server, profile)
                            detail = dataclasses.asdict(measurement)
                            run.progress.result(describe(profile, measurement))
                        record(profile, value, detail, "")
                    except (StepFailed, OSError, ValueError, RuntimeError) as error:
                        run.progress.result("FAILED")
                        record(profile, None, {}, str(error))
                        run.problem(db, contestant.name, profile.name, str(error))
        except StepFailed as error:
            reason = f"{error}\n{tail(contestant.log.read_text(errors='replace'), 8)}"
            for profile in mine:
                if not any(
                    figure.round == round_number
                    and (figure.db, figure.contestant, figure.profile)
                    == (db, contestant.name, profile.name)
                    for figure in run.figures
                ):
                    record(profile, None, {}, f"server failed: {error}")
            run.problem(db, contestant.name, f"serving ({server_name})", reason)


def raw_round(run: Run, ceiling: Contestant, round_number: int, total_rounds: int) -> None:
    """The raw insert of the same CSV files, into the ceiling's database after its turn."""
    if run.only is not None and "csv_import" not in run.only:
        return
    db = ceiling.db
    how = "sqlite3 executemany" if db == "sqlite" else "COPY"
    run.progress.step(f"raw {how} {db} csv_import round {round_number}/{total_rounds}")
    team = ceiling.state["fixture"]["team_id"]
    bodies = csv_bodies(team, run.size.csv_rows, run.size.csv_requests, f"raw-r{round_number}")
    try:
        if db == "sqlite":
            rates = rawdb.sqlite_executemany(
                ceiling.database_url.removeprefix("sqlite:///"), bodies
            )
        else:
            rates = rawdb.postgres_copy(ceiling.database_url, bodies)
    except Exception as error:
        run.progress.result("FAILED")
        run.figures.append(
            fig.Figure(db, fig.RAW, "csv_import", round_number, None, "rows/s", {}, str(error))
        )
        run.problem(db, fig.RAW, "csv_import", str(error))
        return
    value = statistics.median(rates)
    run.progress.result(f"{value:,.0f} rows/s")
    detail = {"files": len(rates), "rows_per_second": [round(rate) for rate in rates]}
    run.figures.append(fig.Figure(db, fig.RAW, "csv_import", round_number, value, "rows/s", detail))


@contextmanager
def database(run: Run, db: str) -> Iterator[Cluster | None]:
    if db == "sqlite":
        yield None
        return
    with Cluster(run.work) as cluster:
        run.servers["postgresql"] = cluster.settings()
        yield cluster


def contestants_for(
    run: Run, db: str, cluster: Cluster | None, peer_venv: PeerVenv | None
) -> list[Contestant]:
    folder = run.work / db
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    new_ids = write_new_ids(folder / "new-ids.txt", 100_000)
    kinds: list[type[Contestant]] = [Ceiling, Groundswell]
    if peer_venv is not None:
        kinds.append(Peer)
    found = []
    for kind in kinds:
        home = folder / kind.name
        home.mkdir()
        if cluster is None:
            url = f"sqlite:///{home / 'db.sqlite3'}"
        else:
            url = cluster.create_database(f"gsbench_{kind.name}")
        contestant = kind(db=db, database_url=url, folder=home, size=run.size, new_ids=new_ids)
        if isinstance(contestant, Peer):
            contestant.venv = peer_venv
        found.append(contestant)
    return found


def prepare(run: Run, contestant: Contestant) -> bool:
    what = f"{contestant.size.interactions:,} interactions"
    if isinstance(contestant, Peer):
        what = f"its own venv and {contestant.size.peer_tickets:,} tickets"
    run.progress.note(f"== {contestant.db}: setting up {contestant.name} ({what}) ...")
    started = time.perf_counter()
    try:
        contestant.prepare()
        versions = contestant.versions()
    except StepFailed as error:
        run.problem(contestant.db, contestant.name, "setup", str(error))
        return False
    seconds = time.perf_counter() - started
    run.progress.note(f"   {contestant.name} ready in {seconds:.0f} s")
    entry = run.contestants.setdefault(contestant.name, {"versions": versions, "setup": {}})
    entry["setup"][contestant.db] = {"seconds": round(seconds, 1), "seed": contestant.state["seed"]}
    return True


def run_database(run: Run, db: str, peer_venv: PeerVenv | None) -> None:
    if db == "postgresql" and server_programs() is None:
        print(PG_MISSING, flush=True)
        run.problems.append(
            {"db": db, "contestant": "all", "what": "database", "reason": PG_MISSING}
        )
        return
    try:
        with database(run, db) as cluster:
            contestants = contestants_for(run, db, cluster, peer_venv)
            # Seeding is one process each: two at a time use both cores. Nothing is measured
            # meanwhile (the setup seconds in the results are informative only).
            with ThreadPoolExecutor(max_workers=2) as pool:
                prepared = list(pool.map(lambda contestant: prepare(run, contestant), contestants))
            ready = [contestant for contestant, ok in zip(contestants, prepared, strict=True) if ok]
            rounds = run.size.rounds
            per_round = sum(len(contestant.profiles(1)) for contestant in ready)
            per_round += any(isinstance(contestant, Ceiling) for contestant in ready)
            run.progress.total += per_round * rounds
            for round_number in range(1, rounds + 1):
                order = ready if round_number % 2 else list(reversed(ready))
                for contestant in order:
                    round_of(run, contestant, round_number, rounds)
                    if isinstance(contestant, Ceiling):
                        raw_round(run, contestant, round_number, rounds)
    except StepFailed as error:
        run.problem(db, "all", "database", str(error))


def stop_on_sigterm() -> list[bool]:
    """Make SIGTERM (a time limit's) interrupt like Ctrl-C, so every `with` block stops what it
    started (gunicorn, PostgreSQL) on the way out. Returns a list to note the interruption in."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    return []


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def main(
    size_name: str,
    only: set[str] | None = None,
    results: Path | None = None,
    databases: tuple[str, ...] | None = None,
) -> int:
    """Run the side-by-side benchmark; print the table; write the results file and chart.
    Returns how many contestants' figures came out (0 means nothing was measured).

    `databases`: run on these instead of the size's own (e.g. a quick run on PostgreSQL)."""
    size = SIZES[size_name]
    if databases:
        size = dataclasses.replace(size, databases=databases)
    run = Run(size=size, work=work_dir(), only=only, wrk_problem=wrk_missing())
    if run.wrk_problem:
        print(run.wrk_problem, flush=True)
    started, began = time.strftime("%Y-%m-%dT%H:%M:%S%z"), time.perf_counter()
    peer_venv = PeerVenv(run.work / "venvs" / "peer") if size.peer_tickets else None
    print(
        f"Side by side, {size.name}: {', '.join(size.databases)}, {size.rounds} rounds, "
        f"{size.interactions:,} interactions, work dir {run.work}",
        flush=True,
    )
    before = machine()
    interrupted = stop_on_sigterm()
    try:
        for db in size.databases:
            run_database(run, db, peer_venv)
    except KeyboardInterrupt:
        # Ctrl-C or a time limit's SIGTERM: the servers were stopped on the way out.
        interrupted.append(True)
        print("\nInterrupted: what was measured so far follows.", flush=True)
    rows = [row for db in size.databases for row in fig.summarise(run.figures, db)]
    document = {
        "mode": size.name,
        "started": started,
        "seconds": round(time.perf_counter() - began, 1),
        "machine": before | {"load_average_after": machine()["load_average"]},
        "server": {"gunicorn": GUNICORN, "bind": "127.0.0.1"},
        "load": {
            "tool": "python http.client" if run.wrk_problem else "wrk",
            "warmup_seconds": size.warmup,
            "seconds": size.seconds,
            "note": run.wrk_problem or "",
        },
        "size": dataclasses.asdict(size),
        "databases": run.servers,
        "contestants": run.contestants,
        "rows": [row.as_dict() for row in rows],
        "figures": [dataclasses.asdict(figure) for figure in run.figures],
        "problems": run.problems,
        "interrupted": bool(interrupted),
    }
    print(report.table(rows, run.problems), flush=True)
    if run.wrk_problem:
        print(
            "Without wrk every profile was sent one request at a time (c=1) with Python's "
            "client: the c=4 rows are c=1 figures, still paired round by round.",
            flush=True,
        )
    # A run on other databases than its size's own is kept beside the usual one, not over it.
    suffix = "" if size.databases == SIZES[size_name].databases else "-" + "-".join(size.databases)
    target = results or ROOT / "bench" / "results" / f"latest{suffix}.json"
    report.write_json(document, target, hide={str(run.work): "$GSBENCH_WORK", str(ROOT): "."})
    print(f"Results: {target}", flush=True)
    chart = report.chart(
        rows,
        ROOT / "docs" / f"bench-latest{suffix}.svg",
        title=f"make bench ({size.name}, {', '.join(size.databases)})",
    )
    print(chart, flush=True)
    return len({figure.contestant for figure in run.figures if figure.value is not None})
