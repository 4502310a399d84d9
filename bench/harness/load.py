"""Sending the load: wrk with our Lua script, or Python's http.client one request at a time.

wrk (Debian's package) drives the concurrent profiles; `load.lua` gives every request a fresh
id where the profile needs one (a survey token, an external id) and prints one `GSB_RESULT`
line that `parse_wrk_output` reads. Python's client times the CSV imports (a few large
requests), the profiles too slow for a few seconds of wrk, and everything when wrk is missing.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("load.lua")
WRK_MISSING = (
    'wrk is not installed: run "sudo apt-get install wrk" (Debian/Ubuntu), then make bench again'
)
RESULT_PREFIX = "GSB_RESULT "


def wrk_missing() -> str | None:
    """The one line to print when wrk is not on PATH; None when it is there."""
    return None if shutil.which("wrk") else WRK_MISSING


@dataclass(frozen=True)
class Request:
    """What one profile sends. `{id}` in the path or body becomes a fresh line of `ids_file`."""

    method: str
    path: str
    expect: frozenset[int]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    ids_file: Path | None = None

    def with_id(self, value: str) -> tuple[str, bytes]:
        return self.path.replace("{id}", value), self.body.replace(b"{id}", value.encode())


@dataclass(frozen=True)
class Measurement:
    """What one load run gave: counts, latency percentiles and every status seen."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    statuses: dict[int, int]
    socket_errors: dict[str, int] = field(default_factory=dict)
    ids_used: int = 0
    tool: str = "wrk"
    p95_ms: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def problems(self, expect: frozenset[int]) -> list[str]:
        """Why this run is no figure: unexpected statuses, socket errors, or no answer at all."""
        found = [
            f"{count} answered {status}"
            for status, count in sorted(self.statuses.items())
            if status not in expect
        ]
        found += [f"{count} {kind} errors" for kind, count in self.socket_errors.items() if count]
        if self.requests == 0:
            found.append("no request was answered")
        return found


def parse_wrk_output(text: str) -> Measurement:
    """The measurement in wrk's output (the `GSB_RESULT` line load.lua prints at the end)."""
    for line in reversed(text.splitlines()):
        if line.startswith(RESULT_PREFIX):
            data = json.loads(line[len(RESULT_PREFIX) :])
            errors = data["socket_errors"]
            return Measurement(
                requests=int(data["requests"]),
                seconds=float(data["seconds"]),
                p50_ms=float(data["p50_ms"]),
                p90_ms=float(data["p90_ms"]),
                p99_ms=float(data["p99_ms"]),
                p95_ms=float(data.get("p95_ms", 0.0)),
                statuses={int(status): int(count) for status, count in data["statuses"].items()},
                # a timeout is also counted as a read error by wrk: report it once
                socket_errors={
                    "connect": int(errors["connect"]),
                    "read": max(0, int(errors["read"]) - int(errors["timeout"])),
                    "write": int(errors["write"]),
                    "timeout": int(errors["timeout"]),
                },
                ids_used=int(data["ids_used"]),
            )
    tail = "\n".join(text.strip().splitlines()[-5:])
    raise ValueError(f"wrk printed no {RESULT_PREFIX.strip()} line; its output ended:\n{tail}")


def run_wrk(
    port: int,
    request: Request,
    *,
    connections: int,
    seconds: float,
    limit: int,
    ids_from: int,
    workdir: Path,
) -> Measurement:
    """Load 127.0.0.1:`port` with `request` over `connections` connections for `seconds`,
    at most `limit` responses, taking ids from line `ids_from` of the request's ids file."""
    body_file = ""
    if request.body:
        body_path = workdir / "wrk-body.bin"
        body_path.write_bytes(request.body)
        body_file = str(body_path)
    env = {
        **os.environ,
        "GSB_METHOD": request.method,
        "GSB_PATH": request.path,
        "GSB_HEADERS": "\n".join(f"{name}: {value}" for name, value in request.headers.items()),
        "GSB_BODY_FILE": body_file,
        "GSB_IDS_FILE": str(request.ids_file or ""),
        "GSB_IDS_FROM": str(ids_from),
        "GSB_THREADS": "1",
        "GSB_CONNECTIONS": str(connections),
        "GSB_LIMIT": str(limit),
    }
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA_SCRIPT),
        f"http://127.0.0.1:{port}",
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    return parse_wrk_output(done.stdout)


def one_request(
    port: int, request: Request, id_value: str = "", timeout: float = 300
) -> tuple[int, bytes, float]:
    """Send `request` once on a new connection: (status, body, seconds)."""
    path, body = request.with_id(id_value)
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(request.method, path, body=body or None, headers=request.headers)
        answer = connection.getresponse()
        content = answer.read()
    finally:
        connection.close()
    return answer.status, content, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` (0 to 1) of `values` lie (nearest rank)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def run_sequential(
    port: int, request: Request, *, count: int, ids: list[str], bodies: list[bytes] | None = None
) -> Measurement:
    """`count` requests one after another with Python's client (a new connection each, as a
    client sending a file would); `bodies`, when given, replace the body request by request."""
    statuses: dict[int, int] = {}
    times: list[float] = []
    for number in range(count):
        this = request
        if bodies is not None:
            this = Request(
                request.method, request.path, request.expect, request.headers, bodies[number]
            )
        status, _content, seconds = one_request(port, this, ids[number] if ids else "")
        statuses[status] = statuses.get(status, 0) + 1
        times.append(seconds)
    return Measurement(
        requests=count,
        seconds=sum(times),
        p50_ms=statistics.median(times) * 1000,
        p90_ms=percentile(times, 0.9) * 1000,
        p99_ms=percentile(times, 0.99) * 1000,
        p95_ms=percentile(times, 0.95) * 1000,
        statuses=statuses,
        ids_used=len(ids[:count]),
        tool="python",
    )
