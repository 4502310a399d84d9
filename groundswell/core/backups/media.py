"""Media files: which go into a backup, and putting restored ones in place of MEDIA_ROOT.

MEDIA_ROOT holds the files uploaded for an import, kept between preview and confirmation
(`core.Upload`, under `uploads/`). A backup takes every regular file there but the files of
uploads past UPLOAD_RETENTION_HOURS, which the daily purge would delete anyway, and files under
`uploads/` that no upload row names; symbolic links are not followed.

A restore extracts the files into a new folder beside MEDIA_ROOT, then renames the old folder
aside, the new one into place, and deletes the old one: each rename is atomic, and if the
second failed the old folder would still be there under its aside name.
"""

from __future__ import annotations

import datetime
import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from groundswell.core.backups.archive import MEDIA_PREFIX, StoredFile, sha256_of
from groundswell.core.models import Upload

UPLOADS = str(Upload._meta.get_field("file").upload_to)


def live_uploads(connection: BaseDatabaseWrapper, *, now: datetime.datetime) -> set[str]:
    """The file names (relative to MEDIA_ROOT) of the uploads still within retention."""
    cutoff = now - datetime.timedelta(hours=settings.GROUNDSWELL_UPLOAD_RETENTION_HOURS)
    quote = connection.ops.quote_name
    table = Upload._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return set()
        cursor.execute(
            f"SELECT {quote('file')} FROM {quote(table)} WHERE {quote('created_at')} >= %s",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(cutoff)],
        )
        return {name for (name,) in cursor.fetchall()}


def collect(media_root: Path, *, live: set[str]) -> tuple[list[StoredFile], dict[str, int]]:
    """The media files a backup takes, with sizes and checksums, and counts of those left out."""
    files: list[StoredFile] = []
    left_out = {"expired or orphaned uploads": 0, "symbolic links": 0}
    for path in _walk(media_root):
        name = path.relative_to(media_root).as_posix()
        if path.is_symlink():
            left_out["symbolic links"] += 1
        elif name.startswith(UPLOADS) and name not in live:
            left_out["expired or orphaned uploads"] += 1
        else:
            try:
                size, digest = sha256_of(path)
            except FileNotFoundError:  # imported and discarded meanwhile
                continue
            files.append(StoredFile(path=MEDIA_PREFIX + name, size=size, sha256=digest))
    return files, left_out


def _walk(root: Path) -> Iterable[Path]:
    if not root.is_dir():
        return []
    found: list[Path] = []
    for folder, folders, names in os.walk(root):  # os.walk never follows folder links
        base = Path(folder)
        found.extend(base / name for name in names)
        found.extend(base / name for name in folders if (base / name).is_symlink())
    return sorted(found)


def staging_folder(media_root: Path) -> Path:
    """A new, empty folder beside MEDIA_ROOT (same file system, so it can be renamed into place)."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    folder = media_root.parent / f".{media_root.name}.restoring-{secrets.token_hex(4)}"
    folder.mkdir()
    return folder


def install(staged: Path, media_root: Path) -> None:
    """Put the staged folder in place of MEDIA_ROOT; the old files are deleted."""
    aside = None
    if media_root.exists():
        aside = media_root.parent / f".{media_root.name}.replaced-{secrets.token_hex(4)}"
        media_root.rename(aside)
    staged.rename(media_root)
    if aside is not None:
        shutil.rmtree(aside)
