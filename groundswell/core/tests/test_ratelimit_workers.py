"""A limit holds across web processes: the real app under gunicorn with two workers.

Each worker keeps its own memory, so a limit counted there would let through twice as many
requests. The app runs as deployed (development settings, a SQLite file, no Redis: the
database cache; then with a real redis-server), the test sends three times the limit of
wrong follow-up codes from one address, several at a time so both workers answer, and
counts what got through.

gunicorn listens on a socket this test opened (`--bind fd://`), so it queues requests from
the first moment and no port is raced for. The Redis case needs a redis-server (see
core/tests/servers.py): skipped without one, unless GROUNDSWELL_REQUIRE_REDIS=1 (as in CI).
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from groundswell.core.tests.servers import redis_server, require_redis_server

LIMIT = 4
REQUESTS = 3 * LIMIT
PATH = "/api/v1/ideas/follow-up"
BODY = json.dumps({"code": "ABCD-EFGH-JKMN-PQRS"}).encode()
HEADERS = {
    "Content-Type": "application/json",
    "Content-Length": str(len(BODY)),
    "Connection": "close",
}


def _environment(database: Path, **extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "GROUNDSWELL_ENV", "DJANGO_SETTINGS_MODULE"}
    }
    return environment | {
        "GROUNDSWELL_ENV": "development",
        "DEBUG": "false",
        "GROUNDSWELL_DATA_DIR": str(database.parent),
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "gunicorn-test-secret-key-not-for-production-0123456789",
        "FOLLOW_UP_FAILURES": str(LIMIT),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@contextmanager
def _serve(database: Path, access_log: Path, **extra: str) -> Iterator[int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "groundswell.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"fd://{listener.fileno()}",
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        "%(p)s %(s)s",
    ]
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv
        command,
        env=_environment(database, **extra),
        cwd=settings.BASE_DIR,
        pass_fds=[listener.fileno()],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        listener.close()


def _wrong_code(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", PATH, body=BODY, headers=HEADERS)
        return connection.getresponse().status
    finally:
        connection.close()


def _two_workers_at_once(port: int) -> list[int]:
    """One request held half-sent keeps one worker busy, so the other answers the next."""
    head = "".join(f"{name}: {value}\r\n" for name, value in HEADERS.items())
    request = f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode() + BODY
    with socket.create_connection(("127.0.0.1", port), timeout=60) as held:
        held.sendall(request[:-1])  # the worker that took it waits for the last byte
        other = _wrong_code(port)
        held.sendall(request[-1:])
        answer = b""
        while chunk := held.recv(65536):
            answer += chunk
    return [int(answer.split(b" ", 2)[1]), other]


def _hammer(port: int, access_log: Path) -> None:
    statuses = [status for _ in range(REQUESTS // 2) for status in _two_workers_at_once(port)]

    assert set(statuses) <= {404, 429}, statuses
    assert statuses.count(404) == LIMIT, statuses  # not 2 x LIMIT: one count for both workers
    workers = {line.split()[0] for line in access_log.read_text().splitlines() if line}
    assert len(workers) == 2, "both workers answered"


def test_a_limit_holds_across_two_workers_with_the_database_cache(migrated_sqlite, tmp_path):
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite, database)
    access_log = tmp_path / "access.log"

    with _serve(database, access_log) as port:
        _hammer(port, access_log)


def test_a_limit_holds_across_two_workers_with_redis(migrated_sqlite, tmp_path):
    require_redis_server()
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite, database)
    access_log = tmp_path / "access.log"

    with (
        redis_server(tmp_path) as redis_url,
        _serve(database, access_log, REDIS_URL=redis_url) as port,
    ):
        _hammer(port, access_log)
