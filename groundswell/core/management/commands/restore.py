"""Restore a backup made by `groundswell backup`: the database and the media files.

Stop the web server, the task worker and the scheduler first. The archive is read and every
checksum checked before anything is touched; a database that holds data is replaced only with
--force. SQLite: the restored file replaces the old one in one atomic rename. PostgreSQL:
pg_restore replaces every table in a single transaction. A backup older than this code is
migrated afterwards; one from newer code is refused. See docs/backup.md.
"""

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.connection import ConnectionDoesNotExist

from groundswell.core.backups.archive import BackupError
from groundswell.core.backups.restore import prepare_restore


class Command(BaseCommand):
    help = __doc__
    # The system checks open the database, which would create an empty SQLite file where none
    # is (a restore onto a new machine) before the command could say so.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The backup archive (groundswell-...tar.gz).")
        parser.add_argument("--no-input", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already holds data."
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not run migrate after restoring a backup older than this code.",
        )
        parser.add_argument("--database", default="default", help="Database alias to restore.")

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        started = time.monotonic()
        try:
            staged = prepare_restore(
                Path(options["file"]),
                database=connections[alias].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                force=options["force"],
            )
        except (BackupError, ConnectionDoesNotExist, OSError) as error:
            raise CommandError(str(error)) from None
        with staged:
            manifest = staged.manifest
            self.stdout.write(
                f"Backup made {manifest.created_at:%Y-%m-%d %H:%M} UTC by Groundswell "
                f"{manifest.versions.get('groundswell', '?')}: {manifest.rows:,} rows in "
                f"{len(manifest.tables)} tables and {len(manifest.media)} media files, "
                "checked.\n"
                f"It replaces {staged.target}"
                + (f" ({staged.holds})" if staged.holds else "")
                + f" and the media files under {staged.media_root}."
            )
            if not options["no_input"]:
                waited = time.monotonic()
                if not self._confirmed():
                    raise CommandError("Nothing was restored.")
                started += time.monotonic() - waited  # the time spent answering is not counted
            connections[alias].close()
            try:
                staged.apply()
            except (BackupError, OSError) as error:
                raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {staged.archive} in {time.monotonic() - started:.1f} s.")
        self._migrate(staged.pending_migrations, alias, skip=options["no_migrate"])
        self.stdout.write(
            "Run the site with the SECRET_KEY it had when the backup was made (a backup never "
            "holds it): the answers of pulse waves that were open then can only be published "
            "with it. Everyone signs in again."
        )

    def _confirmed(self) -> bool:
        try:
            answer = input("Type 'yes' to restore: ")
        except EOFError:
            return False
        return answer.strip().lower() == "yes"

    def _migrate(self, pending: list[str], alias: str, *, skip: bool) -> None:
        if not pending:
            return
        if skip:
            self.stdout.write(
                f"The backup predates {len(pending)} migrations of this code: run "
                "`groundswell migrate` before starting the site."
            )
            return
        self.stdout.write(f"The backup predates {len(pending)} migrations of this code; migrating.")
        call_command("migrate", database=alias, interactive=False, verbosity=0)
