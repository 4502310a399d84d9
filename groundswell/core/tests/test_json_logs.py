"""LOG_FORMAT=json: one JSON object a line, with the request's id, and link tokens redacted.

Django's own handlers (settings.LOGGING) are checked in a process started with LOG_FORMAT=json;
gunicorn's access and error logs under a real gunicorn; the request id in process.
"""

import http.client
import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from groundswell.core.lib.request_id import HEADER
from groundswell.core.logs import JsonFormatter, RedactLinks, current_request

TOKEN = "S2d1sYwDq0T3hWcP3mG8n2cV9l4X7aQe"  # the shape of a real survey token


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What a JSON handler, set up as settings.LOGGING sets the console, writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactLinks())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_is_one_json_object_with_its_exception_and_no_token(json_lines):
    try:
        raise ValueError(f"bad link /s/{TOKEN}/")
    except ValueError:
        logging.getLogger("groundswell.test").exception("failed on /s/%s/", TOKEN)

    [record] = _records(json_lines)
    assert record["level"] == "ERROR"
    assert record["logger"] == "groundswell.test"
    assert record["message"] == "failed on /s/[link]/"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(record["time"]))
    assert "ValueError: bad link /s/[link]/" in str(record["exception"])
    assert TOKEN not in json_lines.getvalue()
    assert "request_id" not in record  # written outside any request


def test_extra_values_are_kept_and_objects_left_out(json_lines):
    logging.getLogger("groundswell.test").warning(
        "done", extra={"status_code": 404, "rows": 3, "request": object(), "note": f"/p/{TOKEN}"}
    )

    [record] = _records(json_lines)
    assert record["status"] == 404
    assert record["rows"] == 3
    assert record["note"] == "/p/[link]"
    assert "request" not in record


def test_a_request_id_from_the_proxy_is_kept_and_named_in_its_log_lines(
    json_lines, client: Client, db: None
):
    response = client.get(f"/s/{TOKEN}/nowhere/", headers={HEADER: "edge-7f3a9c21"})

    assert response.status_code == 404
    assert response[HEADER] == "edge-7f3a9c21"
    [record] = [r for r in _records(json_lines) if r["logger"] == "django.request"]
    assert record["request_id"] == "edge-7f3a9c21"
    assert (record["method"], record["path"], record["status"]) == (
        "GET",
        "/s/[link]/nowhere/",
        404,
    )
    assert TOKEN not in json_lines.getvalue()
    assert current_request.get() is None, "the request's id ends with its response"


@pytest.mark.parametrize("sent", ["", "short", "has space in it", "x" * 129, "new\nline-injected"])
def test_an_id_that_does_not_look_like_one_is_replaced(sent, client: Client, db: None):
    response = client.get("/healthz", headers={HEADER: sent} if sent else {})

    assert re.fullmatch(r"[0-9a-f]{32}", response[HEADER])


def _clean_environment(**extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "GROUNDSWELL_ENV", "DJANGO_SETTINGS_MODULE"}
    }
    return environment | extra


def test_settings_send_every_django_log_line_as_json(tmp_path):
    script = (
        "import logging; "
        f"logging.getLogger('groundswell.check').warning('opened /p/{TOKEN}/'); "
        f"logging.getLogger('django.server').info('\"GET /s/{TOKEN}/ HTTP/1.1\" 200 5', "
        "extra={'status_code': 200, 'server_time': 'now'})"
    )
    run = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=settings.BASE_DIR,
        env=_clean_environment(
            GROUNDSWELL_ENV="development", LOG_FORMAT="json", GROUNDSWELL_DATA_DIR=str(tmp_path)
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in run.stderr.splitlines() if line.startswith("{")]
    by_logger = {record["logger"]: record for record in records}
    assert by_logger["groundswell.check"]["message"] == "opened /p/[link]/"
    assert by_logger["django.server"]["message"] == '"GET /s/[link]/ HTTP/1.1" 200 5'
    assert by_logger["django.server"]["status"] == 200
    assert TOKEN not in run.stderr


def test_an_unknown_log_format_stops_the_server_naming_the_setting(tmp_path):
    run = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=_clean_environment(
            GROUNDSWELL_ENV="development", LOG_FORMAT="xml", GROUNDSWELL_DATA_DIR=str(tmp_path)
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode != 0
    assert "LOG_FORMAT must be text or json, not 'xml'" in run.stderr


def _get(port: int, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers | {"Connection": "close"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_gunicorn_writes_its_access_and_error_logs_as_json(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    django_log = (tmp_path / "django.log").open("w")  # the app's own lines, on standard error
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv
        [
            sys.executable,
            "-m",
            "gunicorn",
            "groundswell.wsgi:application",
            "-c",
            str(Path(settings.BASE_DIR, "gunicorn.conf.py")),
            "--workers",
            "1",
            "--bind",
            f"fd://{listener.fileno()}",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(error_log),
        ],
        env=_clean_environment(
            GROUNDSWELL_ENV="development",
            LOG_FORMAT="json",
            DEBUG="false",
            GROUNDSWELL_DATA_DIR=str(tmp_path),
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ),
        cwd=settings.BASE_DIR,
        pass_fds=[listener.fileno()],
        stderr=django_log,
    )
    try:
        port = listener.getsockname()[1]
        statuses = [
            _get(port, "/healthz", {HEADER: "lb-0123456789"}),
            _get(port, f"/s/{TOKEN}/?from=/p/{TOKEN}", {"Referer": f"https://m.test/s/{TOKEN}/"}),
        ]
        deadline = time.monotonic() + 30
        while len(access_log.read_text().splitlines()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        listener.close()
        django_log.close()

    health, survey = (json.loads(line) for line in access_log.read_text().splitlines())
    assert statuses[0] == 200
    assert health["logger"] == "gunicorn.access"
    assert (health["request_id"], health["method"], health["path"]) == (
        "lb-0123456789",
        "GET",
        "/healthz",
    )
    assert (health["status"], health["message"]) == (200, "GET /healthz HTTP/1.1")
    assert isinstance(health["duration_ms"], float)
    assert survey["path"] == "/s/[link]/"
    assert survey["message"] == "GET /s/[link]/?from=/p/[link] HTTP/1.1"
    assert survey["referer"] == "https://m.test/s/[link]/"
    assert re.fullmatch(r"[0-9a-f]{32}", survey["request_id"])
    errors = [json.loads(line) for line in error_log.read_text().splitlines()]
    assert any("Booting worker" in record["message"] for record in errors)
    assert all(record["logger"].startswith("gunicorn") for record in errors)
    # The survey page fails here (this database has no tables): Django's line about it is JSON
    # too and names the request id the access log gave the same request.
    app = [json.loads(line) for line in (tmp_path / "django.log").read_text().splitlines()]
    [failure] = [record for record in app if record["logger"] == "django.request"]
    assert (failure["request_id"], failure["path"]) == (survey["request_id"], "/s/[link]/")
    assert "exception" in failure
    logs = access_log.read_text() + error_log.read_text() + (tmp_path / "django.log").read_text()
    assert TOKEN not in logs
