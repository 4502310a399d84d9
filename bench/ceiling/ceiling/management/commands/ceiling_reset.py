"""Delete what the write loads added after the seed, so every round reads the same data."""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from ceiling.models import Interaction, Response


class Command(BaseCommand):
    help = "Delete interactions and answers added after the given ids; prints one JSON line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--baseline", type=int, required=True)
        parser.add_argument("--baseline-response", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        answers, _ = Response.objects.filter(pk__gt=options["baseline_response"]).delete()
        rows, _ = Interaction.objects.filter(pk__gt=options["baseline"]).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE ceiling_interaction")
                cursor.execute("VACUUM ANALYZE ceiling_response")
        seconds = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps({"deleted_rows": answers + rows, "seconds": seconds}))
