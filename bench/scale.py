"""Growth curves: `python -m bench.scale` (`make bench-scale`); not part of `make bench`.

On a throw-away PostgreSQL cluster of its own (bench/harness/postgres.py: initdb into a
temporary folder under GSBENCH_WORK, deleted at the end; never the development database) it
grows the data in steps and, at each step, times pages the way the side-by-side benchmark
times the cold dashboard: Groundswell under gunicorn in production settings (2 sync workers,
bench/harness/contestants.Groundswell), one request at a time (wrk at c=1, one connection),
after a warm-up.

dashboard  `/voice/dashboard/` for the bench administrator, cold: the server runs with
           METRICS_CACHE=false, so every request reads the rollups and today's live rows and
           renders afresh (the side by side's `dashboard_cold`), at 100,000, 1,000,000 and
           10,000,000 interactions, with unanswered and answered invitations in bench_seed's
           proportions (1 in 5 and 1 in 4). Rows are written set-based on the server
           (bench/scaledata.py), then the rollups are refreshed as production does
           (`manage.py refresh_voice_rollups --since`, the 53 weeks the dashboard can show), then
           VACUUM ANALYZE.
quality    `/quality/dashboard/` (the last 12 weeks) for the manager of a department of 10 teams
           of 20 agents, cold (the page keeps no cache: every request reads the weekly rollups
           and renders afresh), at 100,000 and 1,000,000 submitted reviews (8 criterion scores
           each, over six months; one interaction each). Rows are written set-based on the
           server (bench/scaledata.py, `grow_reviews`), then the rollups are recomputed by the
           product's own refresh (`quality.rollups.refresh_quality_rollups`, every week with
           reviews), then VACUUM ANALYZE. Issue 14's goal: p50 <= 50 ms at 100,000, flat to
           1,000,000.
people     at 1,000, 10,000 and 100,000 people (teams of 20 in 10 departments): the people
           directory's first page and a search (`?q=smith`) for the administrator, and the
           results of an organisation-wide pulse (one closed wave, 60% answered) for the
           administrator and for a manager of one department.

Each curve is a table (size, p50, p95, samples, rows behind it, and p50 at the top step over
p50 at the bottom step), also written to bench/results/scale.json and drawn in
docs/bench-scale.svg. `--top` and `--people-top` cap the steps (the 10M step takes most of the
time); `--only dashboard`, `--only quality` or `--only people` runs one part (`--quality-top`
caps the quality steps).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.harness.contestants import SIZES, Groundswell
from bench.harness.driver import work_dir
from bench.harness.load import (
    Measurement,
    Request,
    one_request,
    run_sequential,
    run_wrk,
    wrk_missing,
)
from bench.harness.postgres import Cluster
from bench.harness.processes import StepFailed, last_json_line, tail

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "scale.json"
CHART = ROOT / "docs" / "bench-scale.svg"
DASHBOARD_STEPS = (100_000, 1_000_000, 10_000_000)
PEOPLE_STEPS = (1_000, 10_000, 100_000)
QUALITY_STEPS = (100_000, 1_000_000)
# For loading millions of rows fast on a throw-away server whose data can be lost: no flush to
# disk, fewer checkpoints. Reads (what is timed) do not depend on them; the results file lists
# every setting. 1 GB of shared buffers holds the 10M step's hot indexes. Autovacuum is off
# so it never runs during a timing: each step ends with VACUUM ANALYZE instead.
LOAD_SETTINGS = {
    "shared_buffers": "1GB",  # a production server's would be larger still
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
    "maintenance_work_mem": "256MB",
    "autovacuum": "off",
}
SLOW_SECONDS = 1.0
SLOW_SAMPLES = 5
FLAT = 1.5  # a curve is flat when p50 at the top step is at most this times the bottom's
DASHBOARD_GOAL_MS = 50.0


@dataclass
class Point:
    size: int
    p50_ms: float
    p95_ms: float
    samples: int
    tool: str
    rows: dict[str, int] = field(default_factory=dict)
    load: float | None = None  # the machine's 1-minute load average just after the timing


@dataclass
class Curve:
    name: str
    label: str
    unit: str  # what `size` counts
    points: list[Point] = field(default_factory=list)
    failure: str = ""

    @property
    def ratio(self) -> float | None:
        if len(self.points) < 2 or self.points[0].p50_ms <= 0:
            return None
        return self.points[-1].p50_ms / self.points[0].p50_ms

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "unit": self.unit,
            "points": [asdict(point) for point in self.points],
            "ratio_top_bottom_p50": None if self.ratio is None else round(self.ratio, 2),
            "flat": None if self.ratio is None else self.ratio <= FLAT,
            "failure": self.failure,
        }


def curve_from(data: dict[str, Any]) -> Curve:
    fields = set(Point.__dataclass_fields__)
    points = [Point(**{k: v for k, v in point.items() if k in fields}) for point in data["points"]]
    return Curve(data["name"], data["label"], data["unit"], points, data.get("failure", ""))


class Clock:
    """Progress lines with the time since the start."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def say(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{int(elapsed // 60):3d}:{int(elapsed % 60):02d}] {text}", flush=True)


def stream(command: list[str], env: dict[str, str], clock: Clock) -> dict[str, Any]:
    """Run `command` in the checkout, echo its lines as progress, return its last JSON line."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    for line in process.stdout or []:
        lines.append(line.rstrip("\n"))
        if line.startswith("  "):
            clock.say(line.strip())
    code = process.wait()
    if code != 0:
        raise StepFailed(
            f"{' '.join(command[1:4])} ... exited with {code}:\n" + tail("\n".join(lines))
        )
    return dict(json.loads(last_json_line("\n".join(lines))))


class Site:
    """Groundswell on one throw-away database: its commands and its servers."""

    def __init__(self, cluster: Cluster, database: str, folder: Path):
        self.app = Groundswell(
            db="postgresql",
            database_url=cluster.create_database(database),
            folder=folder,
            size=SIZES["quick"],
            new_ids=folder / "unused-ids.txt",
        )

    def manage(self, *args: str) -> str:
        return self.app.manage(*args)

    def install(self) -> None:
        """Migrate and collect the static files production settings serve."""
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")

    def data(self, call: str, clock: Clock) -> dict[str, Any]:
        """`bench.scaledata.<call>` inside a Groundswell process."""
        code = f"import bench.scaledata as data; data.{call}"
        return stream(
            [str(self.app.python), "manage.py", "shell", "-c", code], self.app.env(), clock
        )


def measure(port: int, request: Request, *, samples: int, seconds: float) -> Measurement:
    """Warm up (1 s, at least 3 requests), then up to `samples` requests in `seconds`, one at
    a time: with wrk on one connection, or Python's client when wrk is missing. A page slower
    than SLOW_SECONDS (the pulse results at 100,000 people) is timed SLOW_SAMPLES times with
    Python's client instead, as the side by side does, since wrk would see one or two."""
    status, _body, took = one_request(port, request)
    if status != 200:
        raise StepFailed(f"{request.path} answered {status}")
    if took > SLOW_SECONDS:
        return run_sequential(port, request, count=SLOW_SAMPLES, ids=[])
    if wrk_missing():
        run_sequential(port, request, count=3, ids=[])
        return run_sequential(port, request, count=samples, ids=[])
    workdir = Path(tempfile.gettempdir())
    run_wrk(port, request, connections=1, seconds=1, limit=max(3, samples // 10), ids_from=0,
            workdir=workdir)  # fmt: skip
    return run_wrk(
        port, request, connections=1, seconds=seconds, limit=samples, ids_from=0, workdir=workdir
    )


def point(size: int, found: Measurement, rows: dict[str, int]) -> Point:
    problems = found.problems(frozenset({200}))
    if problems:
        raise StepFailed("; ".join(problems))
    return Point(
        size,
        round(found.p50_ms, 1),
        round(found.p95_ms, 1),
        found.requests,
        found.tool,
        rows,
        round(os.getloadavg()[0], 1),
    )


def get(path: str, session: str) -> Request:
    return Request("GET", path, frozenset({200}), {"Cookie": f"sessionid={session}"})


def dashboard_curve(
    cluster: Cluster, folder: Path, steps: list[int], options: argparse.Namespace, clock: Clock
) -> list[Curve]:
    curve = Curve("dashboard_cold", "voice dashboard, cold (cache off)", "interactions")
    site = Site(cluster, "scale_voice", folder)
    clock.say("dashboard: migrate and set up (bench_seed with no rows, bench_fixture)")
    site.install()
    tokens = folder / "tokens.txt"
    site.manage("bench_seed", "--interactions=0", "--invitations=0", "--responses=0",
                f"--tokens-file={tokens}")  # fmt: skip
    fixture = json.loads(last_json_line(site.manage("bench_fixture", "--external-ids=0")))
    since = site.data("rollup_since()", clock)["since"]
    try:
        for size in steps:
            clock.say(f"dashboard: grow to {size:,} interactions")
            grown = site.data(f"grow_interactions({size})", clock)
            clock.say(
                f"dashboard: {grown['added']:,} interactions added in {grown['seconds']} s;"
                f" refresh the rollups from {since} (manage.py refresh_voice_rollups)"
            )
            started = time.monotonic()
            site.manage("refresh_voice_rollups", f"--since={since}")
            clock.say(f"dashboard: rollups refreshed in {time.monotonic() - started:.0f} s; "
                      "VACUUM ANALYZE")  # fmt: skip
            site.data("analyze()", clock)
            rows = site.data("counts()", clock)
            with site.app.serve("cold") as server:
                found = measure(server.port, get(fixture["dashboard_path"], fixture["session"]),
                                samples=options.samples, seconds=options.seconds)  # fmt: skip
            curve.points.append(point(size, found, rows))
            clock.say(f"dashboard cold at {size:,} interactions: p50 {found.p50_ms:.1f} ms, "
                      f"p95 {found.p95_ms:.1f} ms, n={found.requests}")  # fmt: skip
    except StepFailed as error:
        curve.failure = str(error)
        clock.say(f"dashboard: stopped: {error}")
    return [curve]


def quality_curve(
    cluster: Cluster, folder: Path, steps: list[int], options: argparse.Namespace, clock: Clock
) -> list[Curve]:
    curve = Curve("quality_dashboard_cold", "quality dashboard, cold (manager)", "reviews")
    site = Site(cluster, "scale_quality", folder)
    clock.say("quality: migrate and set up (10 teams of 20 agents, a manager, a scorecard)")
    site.install()
    setup = site.data("setup_quality()", clock)
    try:
        for size in steps:
            clock.say(f"quality: grow to {size:,} reviews")
            grown = site.data(f"grow_reviews({size})", clock)
            clock.say(f"quality: {grown['added']:,} reviews added in {grown['seconds']} s; "
                      "refresh the rollups")  # fmt: skip
            refreshed = site.data("refresh_quality()", clock)
            clock.say(f"quality: {refreshed['rows']:,} rollup rows in {refreshed['seconds']} s;"
                      " VACUUM ANALYZE")  # fmt: skip
            site.data("analyze()", clock)
            rows = site.data("quality_counts()", clock)
            rows["refresh_seconds"] = refreshed["seconds"]
            rows["load_seconds"] = grown["seconds"]
            with site.app.serve("main") as server:
                found = measure(server.port, get(setup["dashboard_path"], setup["session"]),
                                samples=options.samples, seconds=options.seconds)  # fmt: skip
            curve.points.append(point(size, found, rows))
            clock.say(f"quality dashboard cold at {size:,} reviews: p50 {found.p50_ms:.1f} ms, "
                      f"p95 {found.p95_ms:.1f} ms, n={found.requests}")  # fmt: skip
    except StepFailed as error:
        curve.failure = str(error)
        clock.say(f"quality: stopped: {error}")
    return [curve]


def people_curves(
    cluster: Cluster, folder: Path, steps: list[int], options: argparse.Namespace, clock: Clock
) -> list[Curve]:
    curves = {
        "directory": Curve("directory", "people directory, first page (admin)", "people"),
        "directory_search": Curve("directory_search", "people directory, ?q=smith (admin)",
                                  "people"),
        "pulse_admin": Curve("pulse_admin", "pulse results, whole organisation (admin)",
                             "people"),
        "pulse_manager": Curve("pulse_manager", "pulse results, one department (manager)",
                               "people"),
    }  # fmt: skip
    site = Site(cluster, "scale_people", folder)
    clock.say("people: migrate and set up (10 departments, an administrator and a manager)")
    site.install()
    sessions = site.data("setup_people()", clock)["sessions"]
    try:
        for size in steps:
            clock.say(f"people: grow to {size:,} people")
            grown = site.data(f"grow_people({size})", clock)
            pulse = site.data("pulse_campaign()", clock)
            site.data("analyze()", clock)
            clock.say(f"people: {grown['added']:,} people added; pulse: {pulse['submissions']:,}"
                      f" submissions, {pulse['answers']:,} answers, counted once at publishing"
                      f" in {pulse['tally_seconds']} s")  # fmt: skip
            results = f"/pulse/{pulse['campaign']}/"
            pages = {
                "directory": get("/people/", sessions["admin"]),
                "directory_search": get("/people/?q=smith", sessions["admin"]),
                "pulse_admin": get(results, sessions["admin"]),
                "pulse_manager": get(results, sessions["manager"]),
            }
            rows = {"people": size, "submissions": pulse["submissions"],
                    "answers": pulse["answers"]}  # fmt: skip
            with site.app.serve("main") as server:
                for name, request in pages.items():
                    curve = curves[name]
                    if curve.failure:
                        continue
                    try:
                        found = measure(server.port, request, samples=options.samples,
                                        seconds=options.seconds)  # fmt: skip
                        curve.points.append(point(size, found, rows))
                    except (StepFailed, RuntimeError, ValueError) as error:
                        curve.failure = f"at {size:,} people: {error}"
                        clock.say(f"{curve.label}: {curve.failure}")
                        continue
                    clock.say(f"{curve.label} at {size:,} people: p50 {found.p50_ms:.1f} ms, "
                              f"p95 {found.p95_ms:.1f} ms, n={found.requests}")  # fmt: skip
    except StepFailed as error:
        for curve in curves.values():
            curve.failure = curve.failure or str(error)
        clock.say(f"people: stopped: {error}")
    return list(curves.values())


def table(curves: list[Curve]) -> str:
    lines = []
    for curve in curves:
        lines.append(f"\n{curve.label} (size: {curve.unit})")
        lines.append(f"  {'size':>12} {'p50 ms':>9} {'p95 ms':>9} {'n':>5} {'load':>5}  rows")
        for p in curve.points:
            rows = ", ".join(f"{name} {count:,}" for name, count in p.rows.items())
            lines.append(
                f"  {p.size:>12,} {p.p50_ms:>9.1f} {p.p95_ms:>9.1f} {p.samples:>5} "
                f"{'-' if p.load is None else p.load:>5}  {rows}"
            )
        if curve.ratio is not None:
            verdict = "flat" if curve.ratio <= FLAT else f"NOT flat (over {FLAT})"
            lines.append(f"  p50 {curve.points[-1].size:,} / p50 {curve.points[0].size:,}: "
                         f"{curve.ratio:.2f} ({verdict})")  # fmt: skip
        if curve.name in ("dashboard_cold", "quality_dashboard_cold") and curve.points:
            worst = max(p.p50_ms for p in curve.points)
            verdict = "pass" if worst <= DASHBOARD_GOAL_MS else "FAIL"
            lines.append(f"  goal p50 <= {DASHBOARD_GOAL_MS:.0f} ms at every step: {verdict}")
        if curve.failure:
            lines.append(f"  not measured further: {curve.failure.splitlines()[0]}")
    return "\n".join(lines)


def merged(path: Path, new: list[dict[str, Any]], run: dict[str, Any]) -> list[dict[str, Any]]:
    """`new` curves merged into an earlier results file's: a point measured now replaces the
    point of the same size, the others (and curves not measured now, as with --only) stay.
    Every point names the run it came from."""
    this_run = {name: run[name] for name in ("command", "date")}
    try:
        earlier = {c["name"]: c for c in json.loads(path.read_text()).get("curves", [])}
    except (OSError, ValueError):
        earlier = {}
    for curve in new:
        for point in curve["points"]:
            point["run"] = this_run
        before = earlier.get(curve["name"])
        if before is not None:
            sizes = {point["size"] for point in curve["points"]}
            kept = [point for point in before["points"] if point["size"] not in sizes]
            curve["points"] = sorted(kept + curve["points"], key=lambda point: point["size"])
            first, last = curve["points"][0]["p50_ms"], curve["points"][-1]["p50_ms"]
            ratio = last / first if len(curve["points"]) > 1 and first > 0 else None
            curve["ratio_top_bottom_p50"] = None if ratio is None else round(ratio, 2)
            curve["flat"] = None if ratio is None else ratio <= FLAT
        earlier[curve["name"]] = curve
    return list(earlier.values())


def chart(curves: list[Curve], path: Path) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "No chart: matplotlib is not installed (it comes with requirements/dev.txt)."
    parts = [
        ("interactions", "Customer voice dashboard, cold"),
        ("reviews", "Quality dashboard, cold"),
        ("people", "People and pulse"),
    ]
    figure, axes = plt.subplots(1, 3, figsize=(16, 4.2))
    for axis, (unit, title) in zip(axes, parts, strict=True):
        for curve in (c for c in curves if c.unit == unit and c.points):
            sizes = [p.size for p in curve.points]
            line = axis.plot(sizes, [p.p50_ms for p in curve.points], marker="o",
                             label=f"{curve.label} p50")[0]  # fmt: skip
            axis.plot(sizes, [p.p95_ms for p in curve.points], linestyle="--",
                      color=line.get_color(), alpha=0.6)  # fmt: skip
        if unit in ("interactions", "reviews"):
            axis.axhline(DASHBOARD_GOAL_MS, color="grey", linestyle=":", label="goal p50 50 ms")
        axis.set_xscale("log")
        axis.set_xlabel(unit)
        axis.set_ylabel("ms (p50 solid, p95 dashed)")
        figures = [p.p95_ms for c in curves if c.unit == unit for p in c.points if p.p50_ms > 0]
        if figures and max(figures) > 30 * min(figures):
            axis.set_yscale("log")  # seconds beside tens of milliseconds
        else:
            axis.set_ylim(bottom=0)
        axis.set_title(title)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(fontsize=7)
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, format=path.suffix.lstrip("."), metadata={"Date": None})
    plt.close(figure)
    return f"Chart: {path}"


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """A time limit's SIGTERM stops the run like Ctrl-C: servers and cluster go, figures stay."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main() -> None:
    parser = argparse.ArgumentParser(description="Growth curves on a throw-away PostgreSQL.")
    parser.add_argument(
        "--top",
        type=int,
        default=DASHBOARD_STEPS[-1],
        help="largest interactions step (default 10,000,000)",
    )
    parser.add_argument(
        "--people-top",
        type=int,
        default=PEOPLE_STEPS[-1],
        help="largest people step (default 100,000)",
    )
    parser.add_argument(
        "--quality-top",
        type=int,
        default=QUALITY_STEPS[-1],
        help="largest reviews step (default 1,000,000)",
    )
    parser.add_argument("--only", choices=("dashboard", "quality", "people"), help="one part only")
    parser.add_argument("--samples", type=int, default=200, help="requests timed per point")
    parser.add_argument("--seconds", type=float, default=20, help="time limit per point")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--chart", type=Path, default=CHART)
    options = parser.parse_args()  # fmt: skip
    clock = Clock()
    if problem := wrk_missing():
        clock.say(f"{problem}; timing with Python's client instead")
    dashboard_steps = [size for size in DASHBOARD_STEPS if size <= options.top]
    people_steps = [size for size in PEOPLE_STEPS if size <= options.people_top]
    quality_steps = [size for size in QUALITY_STEPS if size <= options.quality_top]
    work = work_dir() / "scale"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    folder = work / "groundswell"
    folder.mkdir()
    curves: list[Curve] = []
    settings: dict[str, str] = {}
    clock.say(f"{os.cpu_count()} CPUs; work folder {work}; starting a throw-away PostgreSQL")
    try:
        with stop_on_sigterm(), Cluster(work, LOAD_SETTINGS) as cluster:
            settings = cluster.settings()
            clock.say(f"PostgreSQL {settings.get('server_version')} on port {cluster.port}")
            if options.only in (None, "people") and people_steps:
                curves += people_curves(cluster, folder, people_steps, options, clock)
            if options.only in (None, "quality") and quality_steps:
                curves += quality_curve(cluster, folder, quality_steps, options, clock)
            if options.only in (None, "dashboard") and dashboard_steps:
                curves += dashboard_curve(cluster, folder, dashboard_steps, options, clock)
    except KeyboardInterrupt:
        clock.say("stopped: reporting what was measured")
    except StepFailed as error:
        clock.say(f"stopped: {error}")
    print(table(curves), flush=True)
    payload: dict[str, Any] = {
        "command": "python -m bench.scale " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.monotonic() - clock.started),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "postgresql": settings,
        },
        "method": "gunicorn (2 sync workers, production settings) and wrk at c=1 after a "
        "warm-up; the dashboard with METRICS_CACHE=false",
        "curves": [curve.as_dict() for curve in curves],
    }
    options.results.parent.mkdir(parents=True, exist_ok=True)
    payload["curves"] = merged(options.results, payload["curves"], payload)
    options.results.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"Results: {options.results}")
    every = [curve_from(data) for data in payload["curves"]]
    if every:
        print(chart(every, options.chart))


if __name__ == "__main__":
    main()
