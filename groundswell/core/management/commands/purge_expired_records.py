"""Delete sign-in logs, lock-out counters, expired sessions and finished tasks past retention.

`groundswell scheduler` enqueues the same work daily; this runs it now. LOG_RETENTION_DAYS sets
how long records with client addresses and user agents are kept (30 days by default).
"""

from typing import Any

from django.core.management.base import BaseCommand

from groundswell.core.lib.retention import purge_expired_records


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired_records()
        summary = ", ".join(f"{count} {kind}" for kind, count in deleted.items())
        self.stdout.write(f"Deleted {summary}.")
