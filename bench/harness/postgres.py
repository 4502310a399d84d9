"""A throw-away PostgreSQL server for the full benchmark: initdb into a temporary folder,
started with pg_ctl on a free loopback port, stopped and deleted at the end.

Debian's `postgresql` package puts the server programs in /usr/lib/postgresql/<version>/bin
without adding them to PATH; they are looked for there, then on PATH. PostgreSQL refuses to
run as root, so as root the cluster belongs to the `postgres` user the package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.harness.processes import StepFailed, free_port, run

PG_MISSING = (
    'PostgreSQL is not installed: run "sudo apt-get install postgresql" (Debian/Ubuntu) for the '
    "PostgreSQL figures; SQLite's are still reported"
)
USER = "gsbench"


def server_programs() -> Path | None:
    """The folder holding initdb and pg_ctl (the newest version's), or None."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Cluster:
    """A PostgreSQL server of our own under `parent`; a context manager."""

    def __init__(self, parent: Path, server_settings: dict[str, str] | None = None):
        """`server_settings`: extra `-c name=value` settings for the server (none by default)."""
        programs = server_programs()
        if programs is None:
            raise StepFailed(PG_MISSING)
        self.programs = programs
        self.folder = Path(tempfile.mkdtemp(prefix="postgres-", dir=parent))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        self.server_settings = dict(server_settings or {})
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise StepFailed(
                    "PostgreSQL will not run as root and there is no postgres user: "
                    'run "sudo apt-get install postgresql"'
                ) from None
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _pg(self, program: str, *args: str) -> str:
        return run([*self.as_user, str(self.programs / program), *args], timeout=300)

    def __enter__(self) -> Cluster:
        self._pg(
            "initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync"
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        options += "".join(f" -c {name}={value}" for name, value in self.server_settings.items())
        log = str(self.folder / "server.log")
        try:
            self._pg("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")
        except StepFailed:
            self.remove()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its URL."""
        programs = self.programs
        createdb = programs / "createdb"
        command = [str(createdb), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StepFailed(f"createdb {name} failed: {done.stderr.strip()}")
        return self.url(name)

    def settings(self) -> dict[str, str]:
        """The server settings that matter for speed, for the results file."""
        names = ("server_version", "shared_buffers", "synchronous_commit", "fsync",
                 *self.server_settings)  # fmt: skip
        found = {}
        names = tuple(dict.fromkeys(names))
        for name in names:
            command = [str(self.programs / "psql"), "-h", "127.0.0.1", "-p", str(self.port)]
            command += ["-U", USER, "-d", "postgres", "-qAtX", "-c", f"SHOW {name}"]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            found[name] = done.stdout.strip()
        return found
