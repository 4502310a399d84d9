"""PostgreSQL: pg_dump in a snapshot shared with the checksums, pg_restore in one transaction.

The backup opens a read-only REPEATABLE READ transaction, exports its snapshot and has
`pg_dump --snapshot` read the same one, so the dump, the row counts and the checksums of the
manifest describe one moment while the site goes on writing. The restore runs
`pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction`: it drops
and recreates every table of the dump and loads it in one transaction, so a failure anywhere
rolls back to the database as it was.

Connection settings reach the tools through libpq's environment (the password in
PGPASSWORD), never on a command line another user could read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.conninfo import make_conninfo

from groundswell.core.backups.archive import BackupError

CLIENT_PACKAGE = "apt-get install postgresql-client"
# Connection options of DATABASES["OPTIONS"] that libpq (and so pg_dump) understands too.
LIBPQ_OPTIONS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "connect_timeout",
    "target_session_attrs",
    "service",
    "passfile",
)
LOCK_TIMEOUT = "60s"  # a restore waits this long for a table the site still holds, then stops
TAIL = 8  # lines of a tool's own error shown


def tool(name: str) -> str:
    """The path of a PostgreSQL client program; BackupError saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools ({CLIENT_PACKAGE})."
        )
    return path


def major_version(program: str) -> int:
    """The major version of a client program, from `--version` (e.g. 15 for 15.18)."""
    output = _run([program, "--version"], env=os.environ.copy(), what=program).strip()
    found = re.search(r"\)\s+(\d+)(?:\.\d+)?", output) or re.search(r"(\d+)\.\d+", output)
    if found is None:
        raise BackupError(f"Cannot tell the version of {program} from {output!r}.")
    return int(found.group(1))


def version_problem(program: str, client: int, needed: int, *, what: str) -> str | None:
    """Why a client program of major version `client` cannot handle version `needed`, or None."""
    if client >= needed:
        return None
    return (
        f"{Path(program).name} is version {client} but {what} is version {needed}: it cannot "
        f"read it. Install the client tools of version {needed} or newer "
        f"(apt-get install postgresql-client-{needed}; on an older Debian or Ubuntu from the "
        "PostgreSQL apt repository, apt.postgresql.org) and make sure they come first on PATH."
    )


def libpq_environment(database: Mapping[str, Any]) -> dict[str, str]:
    """The environment that points libpq programs at `database` (a DATABASES entry)."""
    environment = os.environ.copy()
    values = {
        "PGDATABASE": database.get("NAME"),
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
    }
    options = database.get("OPTIONS") or {}
    for option in LIBPQ_OPTIONS:
        values[f"PG{option.replace('_', '').upper()}"] = options.get(option)
    environment.update(
        {key: str(value) for key, value in values.items() if value not in (None, "")}
    )
    return environment


class Snapshot:
    """A read-only transaction on `connection` whose snapshot pg_dump shares.

    Inside `with Snapshot(connection) as snapshot:`, `snapshot.dump(into, exclude=...)` writes the
    dump, and every query on `connection` reads the very rows the dump holds.
    """

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        if connection.in_atomic_block:
            raise BackupError("A PostgreSQL backup needs a transaction of its own.")
        self.connection = connection
        self.pg_dump = tool("pg_dump")
        self.client = major_version(self.pg_dump)
        connection.ensure_connection()
        self.server = connection.pg_version // 10000  # type: ignore[attr-defined]
        problem = version_problem(
            self.pg_dump, self.client, self.server, what="the PostgreSQL server"
        )
        if problem:
            raise BackupError(problem)
        self.atomic = transaction.atomic(using=connection.alias)
        self.snapshot_id = ""

    def __enter__(self) -> Snapshot:
        self.atomic.__enter__()
        with self.connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (self.snapshot_id,) = cursor.fetchone()
        return self

    def __exit__(self, *exc: object) -> None:
        transaction.set_rollback(True, using=self.connection.alias)  # it wrote nothing anyway
        self.atomic.__exit__(None, None, None)

    def versions(self) -> dict[str, str]:
        with self.connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (server,) = cursor.fetchone()
        return {"postgresql": str(server).split()[0], "pg_dump": str(self.client)}

    def dump(self, into: Path, *, exclude: Collection[str]) -> None:
        arguments = [
            self.pg_dump,
            "--format=custom",
            "--compress=0",  # the archive is compressed as a whole
            f"--snapshot={self.snapshot_id}",
            f"--file={into}",
            *(f'--exclude-table-data="{table}"' for table in sorted(exclude)),
        ]
        _run(arguments, env=libpq_environment(self.connection.settings_dict), what="pg_dump")


def check_archive(staged: Path, written_by: int) -> None:
    """The dump must be readable by the local pg_restore: version and table of contents."""
    pg_restore = tool("pg_restore")
    problem = version_problem(
        pg_restore, major_version(pg_restore), written_by, what="the pg_dump that wrote the backup"
    )
    if problem:
        raise BackupError(problem)
    _run([pg_restore, "--list", str(staged)], env=os.environ.copy(), what="pg_restore")


def restore(staged: Path, database: Mapping[str, Any]) -> None:
    """Load the dump into `database` in one transaction, replacing the tables it holds."""
    environment = libpq_environment(database)
    environment["PGOPTIONS"] = (
        f"{environment.get('PGOPTIONS', '')} -c lock_timeout={LOCK_TIMEOUT}".strip()
    )
    _run(
        [
            tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={make_conninfo(dbname=str(database.get('NAME', '')))}",
            str(staged),
        ],
        env=environment,
        what="pg_restore",
        rolled_back=True,
    )


def analyze(connection: BaseDatabaseWrapper) -> None:
    """Planner statistics, which a dump does not carry."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _run(
    arguments: Sequence[str], *, env: dict[str, str], what: str, rolled_back: bool = False
) -> str:
    try:
        finished = subprocess.run(  # noqa: S603 - our own arguments, no shell
            arguments, env=env, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(f"{what} could not be started: {error}.") from None
    if finished.returncode == 0:
        return finished.stdout
    lines = [line for line in finished.stderr.strip().splitlines() if line.strip()]
    detail = " / ".join(lines[-TAIL:]) or f"exit status {finished.returncode}"
    hint = ""
    if "version mismatch" in detail or "unsupported version" in detail:
        hint = (
            " The client tools are older than the server or the backup: install the "
            "postgresql-client of the newer version."
        )
    elif "lock timeout" in detail:
        hint = " The site still holds the tables: stop it, then restore."
    outcome = (
        " The restore ran in one transaction, which was rolled back: the database is as it was."
        if rolled_back
        else ""
    )
    raise BackupError(f"{what} failed: {detail}.{hint}{outcome}")
