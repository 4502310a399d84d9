"""Restoring a backup in two steps: stage and check everything, then put it in place.

`prepare_restore` reads the archive into staging files next to the target (its manifest first:
engine, format and migrations), checks every checksum, and judges the target (does it hold
data?), all without touching it. `StagedRestore.apply()` then puts the database in place (a
file renamed over the old one on SQLite, one transaction on PostgreSQL) and the media folder
after it. Whatever fails before `apply()` leaves the target exactly as it was.
"""

from __future__ import annotations

import dataclasses
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from django.db import Error as DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

from groundswell.core.backups import archive, media, postgres, sqlite
from groundswell.core.backups.archive import BackupError, Manifest
from groundswell.core.backups.tables import (
    connect,
    describe_data,
    digest_tables,
    engine_of,
    excluded_tables,
    migration_gap,
    table_names,
)

ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclasses.dataclass
class StagedRestore:
    """A backup read and checked, waiting beside its target to be put in place (or discarded)."""

    archive: Path
    engine: str
    database: dict[str, Any]
    media_root: Path
    staged_database: Path
    staged_media: Path
    manifest: Manifest
    work: Path | None = None
    pending_migrations: list[str] = dataclasses.field(default_factory=list)
    holds: str | None = None
    applied: bool = False
    keep_media: bool = False

    @property
    def target(self) -> str:
        """The database a restore replaces, in words."""
        name = self.database.get("NAME")
        if self.engine == "sqlite":
            return f"the SQLite database {name}"
        host = self.database.get("HOST") or "the local socket"
        return f"the PostgreSQL database {name} on {host}"

    def apply(self) -> None:
        """Put the staged database and media files in place. The site must be stopped.

        SQLite: the staged file replaces the target by one rename. PostgreSQL: pg_restore
        replaces every table in one transaction, then the tables are checked against the
        manifest. MEDIA_ROOT follows once the database is in.
        """
        if self.engine == "sqlite":
            sqlite.install(self.staged_database, sqlite.target_path(self.database))
        else:
            postgres.restore(self.staged_database, self.database)
        try:
            media.install(self.staged_media, self.media_root)
        except OSError as error:
            self.keep_media = True
            raise BackupError(
                f"The database was restored, but the media files could not be put in place "
                f"({error}). They are in {self.staged_media}: move them to {self.media_root}."
            ) from None
        self.applied = True
        if self.engine == "postgresql":
            with connect(self.database) as connection:
                postgres.analyze(connection)
                _verify(connection, self.manifest, after=True)

    def discard(self) -> None:
        """Delete whatever staged files are left."""
        self.staged_database.unlink(missing_ok=True)
        if not self.keep_media:
            shutil.rmtree(self.staged_media, ignore_errors=True)
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> StagedRestore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.discard()


def prepare_restore(
    path: Path, *, database: Mapping[str, Any], media_root: Path, force: bool = False
) -> StagedRestore:
    """Read and check the backup at `path` for the target `database` (a DATABASES entry) and
    `media_root`, without changing either; BackupError says why it cannot be restored.

    A target that holds data is refused unless `force`.
    """
    engine = engine_of(database)
    work = None
    if engine == "sqlite":
        target = sqlite.target_path(database)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged_database = target.parent / f".{target.name}.restoring-{secrets.token_hex(4)}"
    else:
        postgres.tool("pg_restore")  # before reading what it could not load
        work = Path(tempfile.mkdtemp(prefix="groundswell-restore-"))
        staged_database = work / archive.DATABASE_FILES["postgresql"]
    staged_media = media.staging_folder(media_root)
    try:
        unpacked = archive.read(
            path,
            judge=lambda manifest: _judge(manifest, engine),
            database_into=staged_database,
            media_into=staged_media,
        )
    except BaseException:
        staged_database.unlink(missing_ok=True)
        for folder in (staged_media, work):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        raise
    staged = StagedRestore(
        archive=path,
        engine=engine,
        database=dict(database),
        media_root=media_root,
        staged_database=staged_database,
        staged_media=staged_media,
        manifest=unpacked.manifest,
        work=work,
        pending_migrations=migration_gap(unpacked.manifest.migrations)[1],
    )
    try:
        if engine == "sqlite":
            _check_sqlite(staged)
        else:
            _check_postgres(staged)
        if staged.holds and not force:
            raise BackupError(
                f"Refused: {staged.target} already has data ({staged.holds}). To replace it, "
                "restore with --force (make restore FORCE=1); take a backup of it first if you "
                "may need it again. Nothing was changed."
            )
    except BaseException:
        staged.discard()
        raise
    return staged


def _judge(manifest: Manifest, engine: str) -> None:
    """Refuse a backup this code and this database cannot take, before reading on."""
    if manifest.engine != engine:
        raise BackupError(
            f"This is a {ENGINE_NAMES[manifest.engine]} backup and the target database is "
            f"{ENGINE_NAMES[engine]}: a backup restores into the engine it was made from. Point "
            f"DATABASE_URL at a {ENGINE_NAMES[manifest.engine]} database to restore it."
        )
    unknown, _pending = migration_gap(manifest.migrations)
    if unknown:
        listed = ", ".join(unknown[:5]) + (
            f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        )
        raise BackupError(
            f"This backup comes from a newer Groundswell "
            f"({manifest.versions.get('groundswell', 'unknown version')}): its database has "
            f"migrations this code does not know ({listed}). Upgrade Groundswell to that version "
            "or later, then restore. Nothing was changed."
        )


def _check_sqlite(staged: StagedRestore) -> None:
    sqlite.verify_staged(staged.staged_database)
    with connect(sqlite.file_settings(staged.staged_database)) as connection:
        _verify(connection, staged.manifest, after=False)
    target = sqlite.target_path(staged.database)
    if target.exists():
        try:
            with connect(sqlite.file_settings(target)) as connection:
                staged.holds = describe_data(connection)
        except (DatabaseError, sqlite3.DatabaseError):
            staged.holds = "it is not a SQLite database"


def _check_postgres(staged: StagedRestore) -> None:
    manifest = staged.manifest
    postgres.check_archive(staged.staged_database, int(manifest.versions.get("pg_dump", "0")))
    try:
        with connect(staged.database) as connection:
            staged.holds = describe_data(connection)
            extra = set(table_names(connection)) - set(manifest.tables) - set(manifest.excluded)
            extra -= set(excluded_tables())  # a cache table here and Redis there, say
    except DatabaseError as error:
        raise BackupError(
            f"Cannot reach {staged.target}: {error}".strip()
            + " Create the database first (createdb), or check DATABASE_URL."
        ) from None
    if extra:
        raise BackupError(
            f"{staged.target} has tables the backup does not ({', '.join(sorted(extra)[:5])}): "
            "it was migrated past the backup, or holds something else. Restore into an empty "
            "database (dropdb and createdb, or a new one), then run migrate. Nothing was changed."
        )


def _verify(connection: BaseDatabaseWrapper, manifest: Manifest, *, after: bool) -> None:
    found = digest_tables(connection, skip=manifest.excluded)
    if found == manifest.tables:
        return
    differing = sorted(
        name
        for name in set(found) | set(manifest.tables)
        if found.get(name) != manifest.tables.get(name)
    )
    listed = ", ".join(differing[:5])
    if after:
        raise BackupError(
            f"The restored database differs from the backup's manifest in {listed}: check the "
            "restore and restore again before using it."
        )
    raise BackupError(
        f"The backup's database differs from its manifest in {listed}: the backup is damaged. "
        "Nothing was changed. Use another backup."
    )
