"""Back up the database and the media files into one archive, while the site runs.

Writes `groundswell-<UTC time>-<engine>.tar.gz` into the folder given, or BACKUP_DIR
(var/backups/ by default): SQLite is copied with its online backup API, PostgreSQL with
pg_dump, both from one consistent snapshot. Sessions, sign-in logs, lock-outs, request-limit
counters and expired uploads are left out; SECRET_KEY is never in a backup. See docs/backup.md.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.connection import ConnectionDoesNotExist

from groundswell.core.backups.archive import BackupError
from groundswell.core.backups.backup import create_backup


class Command(BaseCommand):
    help = __doc__
    # The system checks open the database, which would create an empty SQLite file where none
    # is (a restore onto a new machine) before the command could say so.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "directory", nargs="?", help="Folder to write the backup into (default: BACKUP_DIR)."
        )
        parser.add_argument("--database", default="default", help="Database alias to back up.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"] or settings.GROUNDSWELL_BACKUP_DIR)
        try:
            result = create_backup(directory=directory, using=options["database"])
        except (BackupError, ConnectionDoesNotExist, OSError) as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        engine = "SQLite" if manifest.engine == "sqlite" else "PostgreSQL"
        self.stdout.write(
            f"Backed up the {engine} database ({manifest.rows:,} rows in {len(manifest.tables)} "
            f"tables) and {len(manifest.media)} media files in {result.seconds:.1f} s:\n"
            f"  {result.path} ({result.size / 1_000_000:.1f} MB)"
        )
        left_out = [f"{count} {kind}" for kind, count in manifest.left_out.items() if count]
        self.stdout.write(
            "Left out: the rows of "
            + ", ".join(sorted(manifest.excluded))
            + (f"; {', '.join(left_out)}" if left_out else "")
            + ".\nNot in the backup: SECRET_KEY. Keep it safe apart from the backups; without "
            "it the answers of pulse waves open now cannot be published after a restore."
        )
