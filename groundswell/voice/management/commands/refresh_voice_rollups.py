"""Refresh the customer-voice dashboard rollups now.

`groundswell scheduler` enqueues `groundswell.voice.dashboard.tasks.refresh_voice_rollups_task`
hourly (registered in VoiceConfig.ready()); this command runs the same work in the
foreground, and `--since` recomputes history.
"""

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from groundswell.voice.dashboard.rollups import refresh_voice_rollups


class Command(BaseCommand):
    help = (
        "Recompute the daily and weekly rollups behind the customer-voice dashboard: the recent "
        "days and any gap since the last run, or every day from --since."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--since", help="First day to recompute, YYYY-MM-DD.")

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options["since"]:
            try:
                since = datetime.date.fromisoformat(options["since"])
            except ValueError as error:
                raise CommandError("--since must be a date written YYYY-MM-DD.") from error
        result = refresh_voice_rollups(since=since)
        self.stdout.write(
            f"Rollups complete through {result.last_day} (from {result.first_day or '-'}): "
            f"{result.voice_rows} voice, {result.service_rows} service, "
            f"{result.agent_rows} agent rows."
        )
