"""Writing a backup: snapshot the database, list the media files, write the archive."""

from __future__ import annotations

import dataclasses
import datetime
import importlib.metadata
import os
import platform
import secrets
import sqlite3
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings
from django.db import connections
from django.utils import timezone

from groundswell.core.backups import archive, media, postgres, sqlite
from groundswell.core.backups.archive import DATABASE_FILES, BackupError, Manifest, StoredFile
from groundswell.core.backups.tables import (
    applied_migrations,
    connect,
    digest_tables,
    engine_of,
    excluded_tables,
)


@dataclasses.dataclass(frozen=True)
class BackupResult:
    """A backup written: where, what it holds, its size and how long it took."""

    path: Path
    manifest: Manifest
    size: int
    seconds: float


def file_name(created_at: datetime.datetime, engine: str) -> str:
    return f"groundswell-{created_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}-{engine}.tar.gz"


def create_backup(
    *, directory: Path, using: str = "default", now: datetime.datetime | None = None
) -> BackupResult:
    """Back up the database `using` and the media files into a new archive in `directory`.

    The file is written under a temporary name, synced to disk and only then given its final
    name, readable by its owner alone; a backup that fails leaves nothing behind.
    """
    started = time.monotonic()
    connection = connections[using]
    engine = engine_of(connection.settings_dict)
    if engine == "sqlite":
        sqlite.check_source(connection.settings_dict)
    exclude = excluded_tables()
    created_at = now or timezone.now()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".groundswell-backup-") as work:
        database_file = Path(work) / DATABASE_FILES[engine]
        if engine == "sqlite":
            sqlite.copy(connection, database_file, exclude=exclude)
            with connect(sqlite.file_settings(database_file)) as copy:
                tables = digest_tables(copy, skip=exclude)
                migrations = applied_migrations(copy)
                live = media.live_uploads(copy, now=created_at)
            versions = {"sqlite": sqlite3.sqlite_version}
        else:
            with postgres.Snapshot(connection) as snapshot:
                snapshot.dump(database_file, exclude=exclude)
                tables = digest_tables(connection, skip=exclude)
                migrations = applied_migrations(connection)
                live = media.live_uploads(connection, now=created_at)
                versions = snapshot.versions()
        if not migrations:
            raise BackupError(
                f"The database {connection.settings_dict['NAME']} was never migrated: there is "
                "nothing to back up. Is DATABASE_URL right?"
            )
        size, digest = archive.sha256_of(database_file)
        media_root = Path(settings.MEDIA_ROOT)
        files, left_out = media.collect(media_root, live=live)
        manifest = Manifest(
            created_at=created_at,
            engine=engine,
            versions={
                "groundswell": importlib.metadata.version("groundswell"),
                "django": django.get_version(),
                "python": platform.python_version(),
                **versions,
            },
            database=StoredFile(path=DATABASE_FILES[engine], size=size, sha256=digest),
            migrations=migrations,
            tables=tables,
            excluded={table: exclude[table] for table in sorted(exclude)},
            media=files,
            left_out=left_out,
        )
        path = _write(directory, manifest, database_file, media_root)
    return BackupResult(
        path=path,
        manifest=manifest,
        size=path.stat().st_size,
        seconds=time.monotonic() - started,
    )


def _write(directory: Path, manifest: Manifest, database_file: Path, media_root: Path) -> Path:
    partial = directory / f".groundswell-backup-{secrets.token_hex(4)}.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            archive.write(
                handle,
                manifest,
                database=database_file,
                media=lambda item: media_root.joinpath(*archive.media_path(item.path).parts),
            )
            handle.flush()
            os.fsync(handle.fileno())
        name = file_name(manifest.created_at, manifest.engine)
        path = directory / name
        number = 1
        while True:  # a link never replaces a file: two backups in one second keep both
            try:
                os.link(partial, path)
                break
            except FileExistsError:
                number += 1
                path = directory / name.replace(".tar.gz", f"-{number}.tar.gz")
    finally:
        partial.unlink(missing_ok=True)
    folder = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return path
