"""How the parts Groundswell depends on are doing: the databases, the caches and the task queue.

`health_report()` is what `/healthz/full` answers and `groundswell health` prints: each part
measured once (ok or not, how long it took), the queue's depth, the age of its oldest waiting
task and how many tasks failed, and an overall status that fails when a part fails or the
oldest waiting task has waited longer than HEALTH_MAX_QUEUE_AGE seconds. It names no person,
task argument, host, URL or secret: a failure says only the exception's class, because an
exception's message can hold a connection URL with its password.

`queue_details()` adds what only administrators see on the operations page: tasks by state
and the recent failures (task, error class, time), never a task's arguments, which can hold
personal data.

Both task backends are read where they keep their tasks: the database queue's table
(django-tasks-db) or Redis (RQ, through django-rq). The immediate backend (tests) keeps none.
"""

from __future__ import annotations

import datetime
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django.utils import timezone

RECENT_FAILURES = 10
FAILED_COUNT_KEY = "health:failed-tasks"
FAILED_COUNT_SECONDS = 60


@dataclass(frozen=True)
class Check:
    """One part: whether it answered as it should, how long it took, and if not, why."""

    ok: bool
    ms: float
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.error:
            found["error"] = self.error
        return found


@dataclass(frozen=True)
class Failure:
    """A task that failed: which task, the class of its error, and when."""

    task: str
    error: str
    at: datetime.datetime | None


@dataclass(frozen=True)
class Queue:
    """The task queue as the health check reads it; `details` only for `queue_details()`."""

    backend: str
    check: Check
    waiting: int = 0
    oldest_waiting_seconds: float | None = None
    failed: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    recent_failures: list[Failure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        age = self.oldest_waiting_seconds
        read = self.check.ok  # an unreachable queue has no counts: null, not 0
        return self.check.as_dict() | {
            "backend": self.backend,
            "waiting": self.waiting if read else None,
            "oldest_waiting_seconds": None if age is None else round(age, 1),
            "failed": self.failed if read else None,
            "max_age_seconds": settings.GROUNDSWELL_HEALTH_MAX_QUEUE_AGE or None,
        }


def _timed(probe: Callable[[], bool]) -> Check:
    started = time.perf_counter()
    try:
        ok = probe()
    except Exception as error:  # any failure of the part is the answer
        return Check(False, (time.perf_counter() - started) * 1000, type(error).__name__)
    elapsed = (time.perf_counter() - started) * 1000
    return Check(ok, elapsed, "" if ok else "unexpected answer")


def check_database(alias: str = DEFAULT_DB_ALIAS) -> Check:
    """SELECT 1 on the database `alias`."""

    def probe() -> bool:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))

    return _timed(probe)


def check_cache(alias: str) -> Check:
    """Write a random value to the cache `alias`, read it back, delete it."""

    def probe() -> bool:
        cache = caches[alias]
        key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
        cache.set(key, value, 30)
        try:
            return bool(cache.get(key) == value)
        finally:
            cache.delete(key)

    return _timed(probe)


def _backend_name() -> str:
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    path = f"{type(backend).__module__}.{type(backend).__name__}"
    if path.startswith("django_tasks_db."):
        return "database"
    if path.startswith("django_tasks_rq."):
        return "rq"
    return type(backend).__name__.removesuffix("Backend").lower()


def read_queue(*, details: bool = False) -> Queue:
    """The default task backend's queue; with `details`, tasks by state and recent failures."""
    name = _backend_name()
    reader = {"database": _database_queue, "rq": _rq_queue}.get(name)
    if reader is None:  # the immediate backend runs each task as it is enqueued
        return Queue(name, Check(True, 0.0))
    started = time.perf_counter()
    try:
        queue = reader(details)
    except Exception as error:  # an unreachable queue is the answer
        return Queue(
            name, Check(False, (time.perf_counter() - started) * 1000, type(error).__name__)
        )
    elapsed = (time.perf_counter() - started) * 1000
    return Queue(
        name,
        Check(True, elapsed),
        queue.waiting,
        queue.oldest_waiting_seconds,
        queue.failed,
        queue.by_state,
        queue.recent_failures,
    )


def _database_queue(details: bool) -> Queue:
    """The database queue: one aggregate over the waiting tasks (the package's index of ready
    tasks serves it) and the failed count (`_failed_count`); with `details`, every task by
    state and the recent failures, read afresh.

    A task waits once it may run: READY, and either never scheduled (`run_after` is the
    package's far-future marker) or scheduled for a moment now past; it has waited since it
    was enqueued or since that moment, whichever is later.
    """
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    never = get_date_max()
    ready = Q(status=TaskResultStatus.READY)
    due = ready & (Q(run_after=never) | Q(run_after__lte=now))
    since = Case(
        When(run_after=never, then=F("enqueued_at")),
        default=Greatest("run_after", "enqueued_at"),
    )
    tasks = DBTaskResult.objects.filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS).order_by()
    found = tasks.filter(due).aggregate(waiting=Count("pk"), oldest=Min(since))
    oldest = found["oldest"]
    age = None if oldest is None else (now - oldest).total_seconds()
    if not details:
        return Queue("database", Check(True, 0.0), found["waiting"], age, _failed_count(tasks))
    counts = {
        row["status"]: row["n"]
        for row in tasks.values("status").annotate(n=Count("pk")).order_by("status")
    }
    by_state = {
        "waiting": found["waiting"],
        "scheduled": counts.get(TaskResultStatus.READY, 0) - found["waiting"],
        "running": counts.get(TaskResultStatus.RUNNING, 0),
        "successful": counts.get(TaskResultStatus.SUCCESSFUL, 0),
        "failed": counts.get(TaskResultStatus.FAILED, 0),
    }
    failures = [
        Failure(row["task_path"], row["exception_class_path"], row["finished_at"])
        for row in tasks.filter(status=TaskResultStatus.FAILED)
        .order_by(F("finished_at").desc(nulls_last=True))
        .values("task_path", "exception_class_path", "finished_at")[:RECENT_FAILURES]
    ]
    return Queue(
        "database", Check(True, 0.0), found["waiting"], age, by_state["failed"], by_state, failures
    )


def _failed_count(tasks: Any) -> int:
    """How many tasks failed (and are still kept, LOG_RETENTION_DAYS), at most a minute old.

    The package indexes the tasks that wait, not the failed ones, so this count reads the
    whole table (some 75 ms for 200,000 finished tasks on SQLite): kept FAILED_COUNT_SECONDS
    in the `default` cache so that a public health check cannot make the database scan at the
    caller's pace. A cache that fails is reported by its own check; the count is read anyway.
    """
    try:
        known = caches["default"].get(FAILED_COUNT_KEY)
    except Exception:  # the cache's own check says what is wrong with it
        known = None
    if known is not None:
        return int(known)
    counted = int(tasks.filter(status=TaskResultStatus.FAILED).count())
    try:
        caches["default"].set(FAILED_COUNT_KEY, counted, FAILED_COUNT_SECONDS)
    except Exception:  # as above
        return counted
    return counted


def _rq_queue(details: bool) -> Queue:
    """The RQ queues of the default backend, in Redis: their lengths and the jobs scheduled for
    a moment now past, the enqueue (or due) time of the oldest of them, and the failed-job
    registries (with `details`, every registry)."""
    import django_rq
    from rq.job import Job

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    now = timezone.now()
    waiting = failed = 0
    oldest: datetime.datetime | None = None
    by_state: dict[str, int] = {}
    failures: list[Failure] = []
    for name in sorted(backend.queues):
        queue = django_rq.get_queue(name)
        queued = queue.count
        failed += queue.failed_job_registry.count
        first = queue.get_job_ids(0, 1)
        job = Job.fetch(first[0], connection=queue.connection) if first else None
        if job is not None and job.enqueued_at is not None:
            enqueued = _aware(job.enqueued_at)
            oldest = enqueued if oldest is None else min(oldest, enqueued)
        # Jobs scheduled for a moment now past wait too, until a worker started with
        # `--with-scheduler` moves them to the queue: without one they would wait forever.
        scheduled = queue.scheduled_job_registry
        overdue = queue.connection.zrangebyscore(
            scheduled.key, 0, now.timestamp(), start=0, num=1, withscores=True
        )
        overdue_count = queue.connection.zcount(scheduled.key, 0, now.timestamp())
        waiting += queued + overdue_count
        if overdue:
            due_at = datetime.datetime.fromtimestamp(float(overdue[0][1]), tz=datetime.UTC)
            oldest = due_at if oldest is None else min(oldest, due_at)
        if not details:
            continue
        registries = {
            "waiting": queued + overdue_count,
            "scheduled": scheduled.count - overdue_count,
            "deferred": queue.deferred_job_registry.count,
            "running": queue.started_job_registry.count,
            "successful": queue.finished_job_registry.count,
            "failed": queue.failed_job_registry.count,
        }
        for state, count in registries.items():
            by_state[state] = by_state.get(state, 0) + count
        ids = queue.failed_job_registry.get_job_ids(-RECENT_FAILURES, -1)
        for job in Job.fetch_many(ids, connection=queue.connection):
            if job is not None:
                failures.append(_rq_failure(job))
    failures.sort(key=lambda failure: failure.at or now, reverse=True)
    return Queue(
        "rq",
        Check(True, 0.0),
        waiting=waiting,
        oldest_waiting_seconds=None if oldest is None else (now - oldest).total_seconds(),
        failed=failed,
        by_state=by_state,
        recent_failures=failures[:RECENT_FAILURES],
    )


def _aware(moment: datetime.datetime) -> datetime.datetime:
    """RQ keeps UTC times, naive in some versions."""
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _rq_failure(job: Any) -> Failure:
    # django-tasks-rq keeps each failure's exception class in the job's meta.
    classes = job.meta.get("_django_tasks_rq_exceptions") or ["Exception"]
    return Failure(
        job.func_name or "",
        classes[-1],
        None if job.ended_at is None else _aware(job.ended_at),
    )


@dataclass(frozen=True)
class Report:
    """Every part's check and the queue; `ok` when all pass and the queue is not too old."""

    checks: dict[str, Check]
    queue: Queue

    @property
    def queue_too_old(self) -> bool:
        limit = settings.GROUNDSWELL_HEALTH_MAX_QUEUE_AGE
        age = self.queue.oldest_waiting_seconds
        return bool(limit) and age is not None and age > limit

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks.values()) and (
            self.queue.check.ok and not self.queue_too_old
        )

    def as_dict(self) -> dict[str, Any]:
        queue = self.queue.as_dict()
        if self.queue_too_old:
            queue["ok"] = False
            queue["error"] = "oldest waiting task is older than max_age_seconds"
        return {
            "status": "ok" if self.ok else "fail",
            "checks": {name: check.as_dict() for name, check in self.checks.items()},
            "queue": queue,
        }


def health_report(*, details: bool = False) -> Report:
    """Check every database, every cache and the queue, once each."""
    checks = {
        "database" if alias == DEFAULT_DB_ALIAS else f"database_{alias}": check_database(alias)
        for alias in _databases()
    }
    checks |= {f"cache_{alias}": check_cache(alias) for alias in settings.CACHES}
    return Report(checks, read_queue(details=details))


def _databases() -> list[str]:
    """The primary and, where DATABASE_REPLICA_URL is set, the replica (not a test mirror)."""
    aliases = [DEFAULT_DB_ALIAS]
    if settings.GROUNDSWELL_REPORTING_DATABASE != DEFAULT_DB_ALIAS:
        aliases.append(settings.GROUNDSWELL_REPORTING_DATABASE)
    return aliases
