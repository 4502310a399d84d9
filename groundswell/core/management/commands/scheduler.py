"""Enqueue the periodic jobs when they are due: pulse reminders, rollups, purges and the rest.

Run one `groundswell scheduler` beside the task workers (`make run` does); it stays in the
foreground and wakes when the next period begins. Or run `groundswell scheduler --once` from
cron every few minutes. Several schedulers, or restarts, never enqueue a job twice in a period.
"""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from groundswell.core import scheduler

LONGEST_SLEEP = 60.0  # seconds: wake at least this often, so a changed clock is noticed


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue what is due and exit.")
        parser.add_argument(
            "--list", action="store_true", help="Show each job, its interval, last and next run."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        if options["list"]:
            self.list_jobs()
        elif options["once"]:
            self.run_once()
        else:
            try:
                while True:
                    self.run_once()
                    close_old_connections()
                    wait = (scheduler.next_due(now=timezone.now()) - timezone.now()).total_seconds()
                    time.sleep(min(max(wait, 0.5), LONGEST_SLEEP))
            except KeyboardInterrupt:
                return

    def run_once(self) -> None:
        for name in scheduler.run_due_jobs():
            if self.verbosity > 0:
                self.stdout.write(f"Enqueued {name}.")

    def list_jobs(self) -> None:
        now = timezone.now()
        rows = [("job", "interval", "task", "last run", "next run")]
        for state in scheduler.list_jobs(now=now):
            rows.append(
                (
                    state.job.name,
                    scheduler.describe_interval(state.job.every),
                    state.job.task.module_path,
                    f"{state.last_run:%Y-%m-%d %H:%M:%S %Z}" if state.last_run else "never",
                    "now" if state.next_run <= now else f"{state.next_run:%Y-%m-%d %H:%M:%S %Z}",
                )
            )
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
