"""The processes the benchmark starts: commands that must succeed, virtual environments for
outside contestants, and gunicorn on a free loopback port, stopped by its own PIDs."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# The same for every contestant: change it here, never for one of them.
WORKERS = 2
GUNICORN: dict[str, int | str] = {"workers": WORKERS, "worker_class": "sync", "timeout": 120}


class StepFailed(RuntimeError):
    """A contestant's command failed; the message says which, with the end of its output."""


def tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run(
    command: Sequence[str | Path],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 3600,
) -> str:
    """Run `command` and return its standard output, or raise StepFailed with its last lines."""
    try:
        done = subprocess.run(
            [str(part) for part in command],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise StepFailed(f"{Path(str(command[0])).name} took over {timeout:.0f} s") from error
    except OSError as error:
        raise StepFailed(f"cannot start {command[0]}: {error}") from error
    if done.returncode != 0:
        shown = " ".join(str(part) for part in command[1:4])
        how = f"exited with {done.returncode}"
        if done.returncode < 0:
            how = f"was stopped by {signal.Signals(-done.returncode).name} from outside"
        raise StepFailed(
            f"{Path(str(command[0])).name} {shown} ... {how}:\n"
            + tail(done.stdout + "\n" + done.stderr)
        )
    return done.stdout


def last_json_line(text: str) -> str:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return line
    raise StepFailed(f"no JSON line in the output:\n{tail(text)}")


def make_venv(path: Path, requirements: Sequence[str]) -> Path:
    """A virtual environment at `path` with `requirements` from PyPI (uv when this Python has
    it, else pip); kept when `path/.ready` says it holds the same requirements. Returns its
    Python."""
    python = path / "bin" / "python"
    ready = path / ".ready"
    wanted = "\n".join(requirements)
    if ready.exists() and ready.read_text() == wanted and python.exists():
        return python
    uv = Path(sys.executable).with_name("uv")
    if uv.exists():
        run([str(uv), "venv", "-q", "--clear", "-p", sys.executable, str(path)])
        run([uv, "pip", "install", "-q", "-p", python, *requirements], timeout=1200)
    else:
        run([sys.executable, "-m", "venv", "--clear", path])
        pip: list[str | Path] = [python, "-m", "pip", "install", "-q"]
        run([*pip, "--disable-pip-version-check", *requirements], timeout=1200)
    ready.write_text(wanted)
    return python


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    """The PIDs whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


class Gunicorn:
    """gunicorn serving `app` on 127.0.0.1 with GUNICORN's settings; a context manager that
    waits until every worker is up and stops the master and its workers by PID."""

    def __init__(self, gunicorn: Path, app: str, *, cwd: Path, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = log
        self.command = [
            str(gunicorn),
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={GUNICORN['workers']}",
            f"--worker-class={GUNICORN['worker_class']}",
            f"--timeout={GUNICORN['timeout']}",
            "--graceful-timeout=10",
            "--log-level=warning",
            app,
        ]
        self.cwd, self.env = cwd, env
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=output, stderr=output
            )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _wait_ready(self, seconds: float = 90) -> None:
        if self.process is None:
            raise StepFailed("gunicorn was not started")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StepFailed(
                    f"gunicorn exited with {self.process.returncode}:\n"
                    + tail(self.log.read_text(errors="replace"))
                )
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("GET", "/robots.txt")
                connection.getresponse().read()
                connection.close()
                if len(children(self.process.pid)) >= WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise StepFailed(f"gunicorn did not answer within {seconds:.0f} s")

    def stop(self) -> None:
        if self.process is None:
            return
        workers = children(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for worker in workers:  # by PID, never by name
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
        self.process = None
