"""Real servers for the tests that need one: a throw-away redis-server, and a closed port.

The Redis tests need /usr/bin/redis-server (Debian's redis-server). Without it they are
skipped, unless GROUNDSWELL_REQUIRE_REDIS=1 (as in CI), which makes them fail instead.
"""

import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REDIS_SERVER = "/usr/bin/redis-server"


def require_redis_server() -> None:
    """Skip the test (or fail it, with GROUNDSWELL_REQUIRE_REDIS=1) without a redis-server."""
    if Path(REDIS_SERVER).exists():
        return
    if os.environ.get("GROUNDSWELL_REQUIRE_REDIS") == "1":
        pytest.fail(f"GROUNDSWELL_REQUIRE_REDIS=1 but {REDIS_SERVER} is missing")
    pytest.skip(f"{REDIS_SERVER} is not installed (apt-get install redis-server)")


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A redis-server on 127.0.0.1 that keeps nothing on disk; yields its URL."""
    require_redis_server()
    port = free_port()
    redis = subprocess.Popen(  # noqa: S603 - a throw-away redis-server
        [
            REDIS_SERVER,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert redis.stdout is not None
        for line in redis.stdout:  # up once it says so; ends if it exits first
            if "Ready to accept connections" in line:
                break
        else:
            pytest.fail(f"redis-server did not start on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        redis.terminate()
        redis.wait(timeout=30)
