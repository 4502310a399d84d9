"""SQLite: a copy through the online backup API, and a restore that swaps the file in whole.

The copy (`Connection.backup`, all pages in one step) is one consistent read of the database,
so the site may go on serving and writing meanwhile (WAL lets the writer continue). The copy
then has the excluded tables emptied and is rebuilt with VACUUM, which keeps every row's
rowid order but leaves no freed page behind: rows deleted from the live database (a wave's
pending answers after publication, rows rewritten in a new order) are not carried along.

A restore writes the new file beside the target, syncs it to disk and renames it over the
target (`os.replace`, atomic on one file system): the target is either the old database or
the new one, never a mix. The site must be stopped first; the target is switched out of WAL,
which only succeeds when no other connection has it open.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from groundswell.core.backups.archive import BackupError

BUSY_SECONDS = 2.0


def copy(connection: BaseDatabaseWrapper, into: Path, *, exclude: Collection[str]) -> None:
    """Copy the database behind `connection` to a new file `into`, less the excluded rows."""
    connection.ensure_connection()
    source = connection.connection
    target = sqlite3.connect(into, isolation_level=None)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # a single file, whatever the source used
        present = {name for (name,) in target.execute("SELECT name FROM sqlite_master")}
        target.execute("BEGIN")
        for table in sorted(set(exclude) & present):
            target.execute(f'DELETE FROM "{table}"')  # noqa: S608 - names from the models
        target.execute("COMMIT")
        target.execute("VACUUM")
        check(target, into)
    finally:
        target.close()


def check(database: sqlite3.Connection, path: Path) -> None:
    """BackupError unless SQLite finds the file sound."""
    try:
        (result,) = database.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        result = str(error)
    if result != "ok":
        raise BackupError(f"{path} is not a sound SQLite database: {result}.")


def file_settings(path: Path) -> dict[str, Any]:
    """A DATABASES entry that reads a staged file as it is (no WAL switch, no tuning)."""
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {}}


def check_source(database: Mapping[str, Any]) -> None:
    """BackupError when the database file to back up does not exist (SQLite would create it)."""
    name = str(database.get("NAME", ""))
    if name and "mode=memory" not in name and name != ":memory:" and not Path(name).exists():
        raise BackupError(
            f"The SQLite database {name} does not exist: there is nothing to back up. Is "
            "DATABASE_URL (or GROUNDSWELL_DATA_DIR) right?"
        )


def target_path(database: Mapping[str, Any]) -> Path:
    """The file a restore replaces; BackupError for an in-memory database."""
    name = str(database.get("NAME", ""))
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError(
            "The target is an in-memory SQLite database; a restore needs a database file "
            "(DATABASE_URL=sqlite:///path/to/groundswell.sqlite3)."
        )
    return Path(name)


def verify_staged(path: Path) -> None:
    """The staged copy must open and pass SQLite's integrity check."""
    try:
        database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:  # pragma: no cover - a staged file we wrote ourselves
        raise BackupError(f"{path} cannot be opened: {error}.") from None
    try:
        check(database, path)
    finally:
        database.close()


def install(staged: Path, target: Path) -> None:
    """Put the staged file in place of `target`, atomically. The site must be stopped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        _leave_wal(target)
        os.chmod(staged, stat.S_IMODE(target.stat().st_mode))  # who may read it stays the same
    for suffix in ("-wal", "-shm", "-journal"):
        # Left by a crash, they would be read as the new file's own; after _leave_wal there are
        # none, unless the old file was gone already.
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with staged.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself reaches the disk
    finally:
        os.close(directory)


def _leave_wal(target: Path) -> None:
    """Fold the target's write-ahead log into it and drop the log, proving nobody has it open."""
    try:
        database = sqlite3.connect(target, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            database.execute("PRAGMA journal_mode=DELETE")
        finally:
            database.close()
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise BackupError(
                f"{target} is in use: stop the web server, the task worker and the scheduler "
                "(every process with the database open), then restore. Nothing was changed."
            ) from None
        raise BackupError(f"{target} cannot be opened: {error}. Nothing was changed.") from None
    except sqlite3.DatabaseError:
        pass  # not a database at all (the caller was told and forced it): simply replaced
