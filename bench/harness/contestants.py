"""The contestants: how each is set up, reset between rounds and served, and what it is sent.

groundswell  this checkout, in production settings over plain HTTP, from the project's .venv
ceiling      bench/ceiling: bare Django doing the same work with the plainest code, same .venv
peer         django-helpdesk from PyPI in a virtual environment of its own (full mode only)

Profiles carry the same names across contestants where they do the same job, so the report
can pair them (figures.comparisons).
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness.load import Request
from bench.harness.processes import Gunicorn, StepFailed, last_json_line, make_venv, run

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
FORM = "application/x-www-form-urlencoded"
CSV_HEADER = "external_id,subject,channel,status,team_id,opened_at,handle_time_seconds"


@dataclass(frozen=True)
class Size:
    """How much data and how long: `quick` (make bench) or `full`."""

    name: str
    interactions: int
    invitations: int
    responses: int
    rounds: int
    warmup: float  # seconds of load thrown away before each measurement
    seconds: float  # seconds of each measurement
    csv_requests: int  # CSV files of csv_rows rows imported per round
    databases: tuple[str, ...]
    peer_tickets: int = 0  # 0: no peer
    csv_rows: int = 10_000
    limit: int = 50_000  # responses per measurement at most


SIZES = {
    "quick": Size(
        "quick", 100_000, 20_000, 25_000, rounds=2, warmup=1, seconds=3, csv_requests=3,
        databases=("sqlite",),
    ),
    "full": Size(
        "full", 1_000_000, 200_000, 250_000, rounds=3, warmup=2, seconds=6, csv_requests=5,
        databases=("sqlite", "postgresql"), peer_tickets=100_000,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """One measured job. `load` profiles run under wrk at `connections` (or, when wrk is
    missing or a request takes over SLOW_SECONDS, one at a time with Python's client);
    `sequential` ones send `bodies` one at a time and count rows per second."""

    name: str
    request: Request
    connections: int = 1
    metric: str = "per_second"  # per_second | p50 | rows_per_second
    server: str = "main"  # which of the contestant's servers answers it
    ids_per_round: bool = True  # the reset between rounds frees the ids again
    bodies: Callable[[], list[bytes]] | None = None
    rows_per_request: int = 0
    writes: bool = False

    @property
    def unit(self) -> str:
        return {"per_second": "req/s", "p50": "ms", "rows_per_second": "rows/s"}[self.metric]


def csv_bodies(team_id: int, rows: int, count: int, tag: str) -> list[bytes]:
    """`count` CSV files of `rows` new interactions each, every external id unused."""
    start = datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC)
    bodies = []
    for number in range(count):
        lines = [CSV_HEADER]
        for row in range(rows):
            opened = (start + datetime.timedelta(minutes=row)).isoformat()
            lines.append(
                f"csv-{tag}-{number}-{row},Refund not received,email,closed,"
                f"{team_id + row % 12},{opened},{60 + row % 3000}"
            )
        bodies.append(("\n".join(lines) + "\n").encode())
    return bodies


def write_new_ids(path: Path, count: int) -> Path:
    """External ids no seeded interaction has, for the new-row ingest."""
    path.write_text("".join(f"new-{number}\n" for number in range(count)))
    return path


def clean_env(**extra: str) -> dict[str, str]:
    """A small environment of our own: nothing from the caller's shell (a DATABASE_URL, a
    REDIS_URL, a GROUNDSWELL_ENV) can point a contestant at another database or cache."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SSL_CERT_FILE")
    return {
        **{name: os.environ[name] for name in keep if name in os.environ},
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class Contestant:
    """One side of the comparison in one database. Subclasses fill in the blanks."""

    name = ""
    wsgi = ""

    def __init__(self, *, db: str, database_url: str, folder: Path, size: Size, new_ids: Path):
        self.db = db
        self.database_url = database_url
        self.folder = folder
        self.size = size
        self.new_ids = new_ids
        self.state: dict[str, Any] = {}
        self.log = folder / "server.log"
        folder.mkdir(parents=True, exist_ok=True)

    # to fill in
    python: Path = Path(sys.executable)
    cwd: Path = ROOT

    def env(self, server: str = "main") -> dict[str, str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Migrate, seed and read the fixture into self.state."""
        raise NotImplementedError

    def reset(self) -> None:
        """Undo what the last round's writes added."""
        raise NotImplementedError

    def profiles(self, round_number: int) -> list[Profile]:
        raise NotImplementedError

    # provided
    def manage(self, *args: str) -> str:
        return run([self.python, "manage.py", *args], env=self.env(), cwd=self.cwd)

    def serve(self, server: str) -> Gunicorn:
        gunicorn = self.python.with_name("gunicorn")
        if not gunicorn.exists():
            raise StepFailed(f"gunicorn is not installed in {self.python.parent.parent}")
        return Gunicorn(gunicorn, self.wsgi, cwd=self.cwd, env=self.env(server), log=self.log)

    def versions(self) -> dict[str, str]:
        code = (
            "import platform, django, gunicorn; "
            "print(platform.python_version(), django.get_version(), gunicorn.__version__)"
        )
        python, django, gunicorn = run([self.python, "-c", code]).split()
        return {"python": python, "django": django, "gunicorn": gunicorn}


def _form_headers(csrf: str) -> dict[str, str]:
    return {"Content-Type": FORM, "Cookie": f"csrftoken={csrf}", "Referer": "http://127.0.0.1/"}


def shared_profiles(contestant: Contestant, round_number: int) -> list[Profile]:
    """The profiles Groundswell and the ceiling share: the same requests to the same paths."""
    state = contestant.state
    fixture = state["fixture"]
    csrf, team = fixture["csrf"], fixture["team_id"]
    api = {"Authorization": f"Bearer {fixture['api_key']}", "Content-Type": "application/json"}
    new_row = {
        "team_id": team,
        "channel": "email",
        "status": "open",
        "subject": "Refund not received",
        "source": "bench-load",
        "external_id": "{id}",
    }
    # Changes two fields of a seeded interaction (seeded handle times are under an hour).
    update = {
        "source": "bench",
        "external_id": "{id}",
        "subject": "Refund not received (updated)",
        "handle_time_seconds": 4000 + round_number,
    }
    form = f"score=9&comment=Quick+and+friendly&csrfmiddlewaretoken={csrf}".encode()
    size = contestant.size
    tag = f"{contestant.name}-r{round_number}"
    return [
        Profile(
            "survey_submit",
            Request("POST", "/s/{id}", frozenset({303}), _form_headers(csrf), form,
                    Path(state["tokens_file"])),
            connections=4, writes=True,
        ),
        Profile(
            "ingest_new",
            Request("POST", "/api/v1/interactions", frozenset({201}), api,
                    json.dumps(new_row).encode(), contestant.new_ids),
            connections=4, writes=True,
        ),
        Profile(
            "ingest_update",
            Request("POST", "/api/v1/interactions", frozenset({201}), api,
                    json.dumps(update).encode(), Path(state["external_ids_file"])),
            connections=4, writes=True, ids_per_round=False,
        ),
        Profile(
            "csv_import",
            Request("POST", "/api/v1/interactions/import", frozenset({201}),
                    {**api, "Content-Type": "text/csv"}),
            metric="rows_per_second", writes=True, rows_per_request=size.csv_rows,
            bodies=lambda: csv_bodies(team, size.csv_rows, size.csv_requests, tag),
        ),
    ]  # fmt: skip


def _staff_get(path: str, session: str) -> Request:
    return Request("GET", path, frozenset({200}), {"Cookie": f"sessionid={session}"})


class Groundswell(Contestant):
    """This checkout, served from the project's own virtual environment (.venv, which
    `make bench` installs from requirements/*.txt) in production settings over plain HTTP."""

    name = "groundswell"
    wsgi = "groundswell.wsgi:application"
    cwd = ROOT

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.secret = secrets.token_urlsafe(40)

    def env(self, server: str = "main") -> dict[str, str]:
        return clean_env(
            GROUNDSWELL_ENV="production",
            GROUNDSWELL_DATA_DIR=str(self.folder),
            DATABASE_URL=self.database_url,
            SECRET_KEY=self.secret,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            # plain HTTP on loopback: no redirect to HTTPS, cookies not HTTPS-only
            SECURE_SSL_REDIRECT="false",
            SECURE_COOKIES="false",
            SECURE_HSTS_SECONDS="0",
            EMAIL_URL="dummymail://",
            TASKS_BACKEND="database",
            CONN_MAX_AGE="600",
            # all the load comes from one address: the per-address survey limit would refuse it
            SURVEY_POSTS_PER_MINUTE="0",
            LOG_LEVEL="WARNING",
            METRICS_CACHE="false" if server == "cold" else "true",
            PYTHONPATH=str(ROOT),
        )

    def prepare(self) -> None:
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        tokens = self.folder / "tokens.txt"
        seeded = self.manage(
            "bench_seed",
            f"--interactions={self.size.interactions}",
            f"--invitations={self.size.invitations}",
            f"--responses={self.size.responses}",
            f"--tokens-file={tokens}",
        )
        external_ids = self.folder / "external-ids.txt"
        fixture = self.manage("bench_fixture", f"--external-ids-file={external_ids}")
        self.state = {
            "seed": json.loads(last_json_line(seeded)),
            "fixture": json.loads(last_json_line(fixture)),
            "tokens_file": str(tokens),
            "external_ids_file": str(external_ids),
        }

    def reset(self) -> None:
        fixture = self.state["fixture"]
        self.manage(
            "bench_reset",
            f"--baseline={fixture['baseline_interaction_id']}",
            f"--baseline-response={fixture['baseline_response_id']}",
        )

    def profiles(self, round_number: int) -> list[Profile]:
        session = self.state["fixture"]["session"]
        return [
            Profile("list", _staff_get("/desk/", session), metric="p50"),
            Profile("dashboard_cold", _staff_get("/voice/dashboard/", session), metric="p50",
                    server="cold"),
            Profile("dashboard_warm", _staff_get("/voice/dashboard/", session), metric="p50"),
            *shared_profiles(self, round_number),
        ]  # fmt: skip


class Ceiling(Contestant):
    """bench/ceiling, served from the same virtual environment as Groundswell, so both run
    the same Python, Django, gunicorn and database drivers."""

    name = "ceiling"
    wsgi = "ceiling_site.wsgi:application"
    cwd = BENCH / "ceiling"

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.secret = secrets.token_urlsafe(40)

    def env(self, server: str = "main") -> dict[str, str]:
        return clean_env(
            CEILING_DATABASE_URL=self.database_url,
            CEILING_SECRET_KEY=self.secret,
            DJANGO_SETTINGS_MODULE="ceiling_site.settings",
            PYTHONPATH=str(self.cwd),
        )

    def prepare(self) -> None:
        self.manage("migrate", "--no-input", "-v", "0")
        tokens = self.folder / "tokens.txt"
        seeded = self.manage(
            "ceiling_seed",
            f"--interactions={self.size.interactions}",
            f"--invitations={self.size.invitations}",
            f"--responses={self.size.responses}",
            f"--tokens-file={tokens}",
        )
        external_ids = self.folder / "external-ids.txt"
        fixture = self.manage("ceiling_fixture", f"--external-ids-file={external_ids}")
        self.state = {
            "seed": json.loads(last_json_line(seeded)),
            "fixture": json.loads(last_json_line(fixture)),
            "tokens_file": str(tokens),
            "external_ids_file": str(external_ids),
        }

    def reset(self) -> None:
        fixture = self.state["fixture"]
        self.manage(
            "ceiling_reset",
            f"--baseline={fixture['baseline_interaction_id']}",
            f"--baseline-response={fixture['baseline_response_id']}",
        )

    def profiles(self, round_number: int) -> list[Profile]:
        session = self.state["fixture"]["session"]
        return [
            Profile("list_count", _staff_get("/desk/", session), metric="p50"),
            Profile("list_nocount", _staff_get("/desk/recent", session), metric="p50"),
            Profile("dashboard", _staff_get("/voice/dashboard/", session), metric="p50"),
            *shared_profiles(self, round_number),
        ]


PEER_REQUIREMENTS = [
    "django-helpdesk==2.6.1",
    "Django==6.1.3",
    "gunicorn==27.0.1",
    "psycopg[binary]==3.3.9",
]


@dataclass
class PeerVenv:
    """The peer's virtual environment, made once per requirements and kept in the work dir."""

    folder: Path
    python: Path | None = None
    problem: str = ""
    requirements: list[str] = field(default_factory=lambda: list(PEER_REQUIREMENTS))

    def ensure(self) -> Path:
        if self.python is None and not self.problem:
            try:
                self.python = make_venv(self.folder, self.requirements)
            except StepFailed as error:
                self.problem = f"could not install {', '.join(self.requirements)}: {error}"
        if self.python is None:
            raise StepFailed(self.problem)
        return self.python


class Peer(Contestant):
    """django-helpdesk from PyPI in bench/peer's small host project, in its own venv."""

    name = "peer"
    wsgi = "peer_host.wsgi:application"
    cwd = BENCH / "peer"
    venv: PeerVenv | None = None

    def env(self, server: str = "main") -> dict[str, str]:
        return clean_env(
            PEER_DATABASE_URL=self.database_url,
            PEER_SECRET_KEY="peer-bench-only-" + "y" * 40,
            PEER_DATA_DIR=str(self.folder),
            DJANGO_SETTINGS_MODULE="peer_host.settings",
            # its settings read the database URL as the ceiling's do
            PYTHONPATH=f"{self.cwd}{os.pathsep}{BENCH / 'ceiling'}",
        )

    def prepare(self) -> None:
        if self.venv is None:
            raise StepFailed("no virtual environment for the peer")
        self.python = self.venv.ensure()
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        seeded = self.manage("peer_seed", f"--tickets={self.size.peer_tickets}")
        fixture = self.manage("peer_fixture")
        self.state = {
            "seed": json.loads(last_json_line(seeded)),
            "fixture": json.loads(last_json_line(fixture)),
        }

    def reset(self) -> None:
        self.manage("peer_reset", f"--baseline={self.state['fixture']['baseline_ticket_id']}")

    def profiles(self, round_number: int) -> list[Profile]:
        fixture = self.state["fixture"]
        session, csrf, queue = fixture["session"], fixture["csrf"], fixture["queue_id"]
        api = {"Authorization": f"Token {fixture['api_token']}", "Content-Type": "application/json"}
        ticket = {
            "queue": queue,
            "title": "Refund not received",
            "description": "I sent the parcel back two weeks ago and have had no refund yet.",
            "submitter_email": "customer@bench.test",
            "priority": 3,
        }
        form = (
            f"csrfmiddlewaretoken={csrf}&queue={queue}&title=Refund+not+received"
            "&body=I+sent+the+parcel+back+two+weeks+ago+and+have+had+no+refund+yet."
            "&priority=3&submitter_email=customer%40bench.test&due_date="
        ).encode()
        return [
            Profile("list", _staff_get(fixture["list_path"], session), metric="p50"),
            Profile("dashboard", _staff_get("/helpdesk/dashboard/", session), metric="p50"),
            Profile(
                "public_submit",
                Request("POST", "/helpdesk/tickets/submit/", frozenset({302}),
                        _form_headers(csrf), form),
                connections=4, writes=True,
            ),
            Profile(
                "ingest_new",
                Request("POST", "/helpdesk/api/tickets/", frozenset({201}), api,
                        json.dumps(ticket).encode()),
                connections=4, writes=True,
            ),
        ]  # fmt: skip
