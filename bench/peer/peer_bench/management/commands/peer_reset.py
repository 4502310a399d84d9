"""Delete the tickets the write loads added after the seed, so every round reads the same."""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from helpdesk.models import Ticket


class Command(BaseCommand):
    help = "Delete tickets after --baseline; prints one JSON line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--baseline", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        deleted, _ = Ticket.objects.filter(pk__gt=options["baseline"]).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE helpdesk_ticket")
                cursor.execute("VACUUM ANALYZE helpdesk_followup")
        seconds = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps({"deleted_rows": deleted, "seconds": seconds}))
