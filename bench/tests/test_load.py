"""Reading wrk's output, and the Lua script itself against a real local server."""

import http.server
import shutil
import threading
from pathlib import Path

import pytest

from bench.harness.load import (
    WRK_MISSING,
    Measurement,
    Request,
    parse_wrk_output,
    percentile,
    run_wrk,
    wrk_missing,
)

# What wrk prints with load.lua: its own summary, then our line.
WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:40123
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.21ms    1.10ms  20.05ms   90.00%
  2400 requests in 3.00s, 1.20MB read
Requests/sec:    800.00
Transfer/sec:    409.60KB
GSB_RESULT {"requests":2400,"seconds":3.000,"ids_used":2404,"p50_ms":3.100,"p90_ms":4.200,\
"p99_ms":9.800,"max_ms":20.050,"socket_errors":{"connect":0,"read":2,"write":0,"timeout":2},\
"statuses":{"303":2398,"500":2}}
"""


def test_the_result_line_is_read_from_wrks_output():
    measured = parse_wrk_output(WRK_OUTPUT)

    assert measured.requests == 2400
    assert measured.per_second == pytest.approx(800.0)
    assert (measured.p50_ms, measured.p90_ms, measured.p99_ms) == (3.1, 4.2, 9.8)
    assert measured.statuses == {303: 2398, 500: 2}
    assert measured.ids_used == 2404
    # wrk counts a timeout as a read error too: it is reported once
    assert measured.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 2}


def test_a_run_with_unexpected_answers_is_a_failure_not_a_figure():
    measured = parse_wrk_output(WRK_OUTPUT)

    assert measured.problems(frozenset({303})) == ["2 answered 500", "2 timeout errors"]
    assert measured.problems(frozenset({303, 500})) == ["2 timeout errors"]


def test_a_run_with_no_answer_is_a_failure():
    nothing = Measurement(requests=0, seconds=3, p50_ms=0, p90_ms=0, p99_ms=0, statuses={})

    assert nothing.problems(frozenset({200})) == ["no request was answered"]


def test_output_without_the_result_line_says_what_wrk_printed():
    with pytest.raises(ValueError, match=r"no GSB_RESULT line(.|\n)*unable to connect"):
        parse_wrk_output("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_percentiles_are_nearest_rank():
    values = [float(number) for number in range(1, 101)]

    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.99) == 99
    assert percentile([7.0], 0.9) == 7


def test_a_missing_wrk_gets_one_line_naming_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    assert wrk_missing() == WRK_MISSING
    assert WRK_MISSING == (
        'wrk is not installed: run "sudo apt-get install wrk" (Debian/Ubuntu), '
        "then make bench again"
    )


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers 201 to every POST and remembers each path and body."""

    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, bytes]]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_lua_script_gives_every_request_an_id_of_its_own(tmp_path: Path):
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"id-{number}\n" for number in range(500)))
    Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        request = Request(
            "POST", "/s/{id}", frozenset({201}), {"Content-Type": "text/plain"},
            b"token={id}", ids,
        )  # fmt: skip
        measured = run_wrk(
            server.server_address[1], request, connections=4, seconds=2, limit=100,
            ids_from=50, workdir=tmp_path,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()

    assert 100 <= measured.requests <= 104  # the limit, and those already on their way
    assert measured.statuses == {201: measured.requests}
    paths = [path for path, _body in Recorder.seen]
    assert len(set(paths)) == len(paths), "no id is sent twice"
    assert all(body == f"token={path[3:]}".encode() for path, body in Recorder.seen)
    used = {int(path.removeprefix("/s/id-")) for path in paths}
    assert min(used) >= 50, "lines before ids_from are left alone"
    assert measured.ids_used >= len(paths)
