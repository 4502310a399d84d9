"""Enqueue each registered periodic job once per period (`groundswell scheduler`).

Apps register a `core.registry.PeriodicJob` in their `AppConfig.ready()`; the scheduler puts
its task on the configured queue (database or RQ), so the task workers do the work. A period
is claimed by inserting a `ScheduledRun(job, period_start)` row in the same transaction as the
enqueue: the unique constraint makes a second scheduler (or a restarted one) fail to claim it,
so a job never runs twice in one period however many schedulers run. On PostgreSQL the second
insert waits for the first transaction and then fails; SQLite lets one writer in at a time.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from groundswell.core import registry
from groundswell.core.models import ScheduledRun
from groundswell.core.registry import PeriodicJob

logger = logging.getLogger(__name__)

# Periods are counted from a Monday midnight UTC: a daily job is due from each midnight UTC,
# an hourly one from each full hour, a weekly one from each Monday.
EPOCH = datetime.datetime(1970, 1, 5, tzinfo=datetime.UTC)


def period_start(job: PeriodicJob, now: datetime.datetime) -> datetime.datetime:
    """The start of the period of `job.every` that `now` falls in, counted from the epoch."""
    return EPOCH + ((now - EPOCH) // job.every) * job.every


def run_due_jobs(
    *, now: datetime.datetime | None = None, jobs: Iterable[PeriodicJob] | None = None
) -> list[str]:
    """Enqueue every job whose current period nobody has claimed yet; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in registry.periodic_jobs if jobs is None else jobs:
        start = period_start(job, now)
        if ScheduledRun.objects.filter(job=job.name, period_start=start).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, period_start=start)
                result = job.task.enqueue()
                run.task_id = str(result.id)[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler claimed this period first
        logger.info("Enqueued %s for the period from %s (task %s).", job.name, start, run.task_id)
        enqueued.append(job.name)
    return enqueued


def next_due(
    *, now: datetime.datetime, jobs: Iterable[PeriodicJob] | None = None
) -> datetime.datetime:
    """When the earliest of the next periods begins."""
    jobs = list(registry.periodic_jobs if jobs is None else jobs)
    if not jobs:
        return now + datetime.timedelta(minutes=1)
    return min(period_start(job, now) + job.every for job in jobs)


@dataclass(frozen=True)
class JobState:
    """A periodic job as `scheduler --list` shows it."""

    job: PeriodicJob
    last_run: datetime.datetime | None  # when its last period was enqueued
    next_run: datetime.datetime  # `now` when the current period is still unclaimed


def list_jobs(*, now: datetime.datetime | None = None) -> list[JobState]:
    """Every registered job with its last enqueue and when it is next due."""
    now = now or timezone.now()
    jobs = list(registry.periodic_jobs)
    last = dict(
        ScheduledRun.objects.filter(job__in=[job.name for job in jobs])
        .values_list("job")
        .annotate(last=Max("enqueued_at"))
    )
    claimed = set(
        ScheduledRun.objects.filter(
            job__in=[job.name for job in jobs],
            period_start__in={period_start(job, now) for job in jobs},
        ).values_list("job", "period_start")
    )
    states = []
    for job in jobs:
        start = period_start(job, now)
        next_run = start + job.every if (job.name, start) in claimed else now
        states.append(JobState(job, last.get(job.name), next_run))
    return states


def describe_interval(every: datetime.timedelta) -> str:
    """`every 15 minutes`, `hourly`, `daily`, `weekly`, or `every 6 hours`."""
    named = {
        datetime.timedelta(hours=1): "hourly",
        datetime.timedelta(days=1): "daily",
        datetime.timedelta(weeks=1): "weekly",
    }
    if every in named:
        return named[every]
    for unit, seconds in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, rest = divmod(int(every.total_seconds()), seconds)
        if count and not rest:
            return f"every {count} {unit}{'s' if count != 1 else ''}"
    return f"every {every}"
