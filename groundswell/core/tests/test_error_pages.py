"""The served demo shows Groundswell's own error pages; Django's debug pages need DEBUG=true.

Issue 10, item 13: Django's debug 404 page lists every URL pattern of the site, so a demo
reachable by anyone on the network mapped the whole application for them.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def development_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG"}
    }
    return {
        **clean,
        "GROUNDSWELL_ENV": "development",
        "GROUNDSWELL_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    }


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (our own server)
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def serve_and_fetch(
    tmp_path: Path, copy_migrated: Callable[[Path], Path], path: str, **extra: str
) -> tuple[int, str]:
    """Start `manage.py runserver` as `make run` does (on a migrated database), fetch one page,
    stop the server."""
    env = development_env(tmp_path, **extra)
    manage = [sys.executable, "manage.py"]
    copy_migrated(tmp_path / "db.sqlite3")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own manage.py on the loopback address)
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the development server did not start")
                time.sleep(0.2)
        return fetch(f"http://127.0.0.1:{port}{path}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_demo_server_answers_an_unknown_address_with_the_plain_404_page(
    tmp_path, copy_migrated_sqlite
):
    status, body = serve_and_fetch(tmp_path, copy_migrated_sqlite, "/no-such-page/")

    assert status == 404
    assert "Page not found" in body
    assert "URLconf" not in body
    assert "api/v1/" not in body


def test_debug_pages_are_an_explicit_choice(tmp_path, copy_migrated_sqlite):
    status, body = serve_and_fetch(tmp_path, copy_migrated_sqlite, "/no-such-page/", DEBUG="true")

    assert status == 404
    assert "URLconf" in body
