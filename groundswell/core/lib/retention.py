"""Forget what security and operations needed only for a while: sign-in logs, sessions, tasks.

django-axes records every sign-in and every failed attempt with the client's address and user
agent, and keeps them forever unless told otherwise; finished task rows keep their arguments;
the scheduler keeps a row for each period it enqueued; files uploaded for an import wait
until they are imported.
`purge_expired_records` deletes whatever is older than GROUNDSWELL_LOG_RETENTION_DAYS (30 by
default), sessions past their expiry date, and uploads older than
GROUNDSWELL_UPLOAD_RETENTION_HOURS (24 by default). The scheduler enqueues it daily (the task
`groundswell.core.tasks.purge_expired_records`); `manage.py purge_expired_records` runs it now.
"""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Max
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from groundswell.core.imports import uploads
from groundswell.core.models import ScheduledRun

FINISHED = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.GROUNDSWELL_LOG_RETENTION_DAYS)


def purge_expired_records(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete sign-in logs, lock-out counters and finished tasks past retention; counts by kind."""
    now = now or timezone.now()
    cutoff = now - retention()
    return {
        "sign-in log": AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "failed sign-in log": AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "lock-out counters": AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "expired sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "finished tasks": DBTaskResult.objects.filter(
            status__in=FINISHED, finished_at__lt=cutoff
        ).delete()[0],
        # Each job's latest claim stays: it may be the current period's.
        "scheduler runs": ScheduledRun.objects.filter(enqueued_at__lt=cutoff)
        .exclude(
            pk__in=ScheduledRun.objects.values("job").annotate(latest=Max("pk")).values("latest")
        )
        .delete()[0],
        # Files waiting between an import's preview and its confirmation (a shorter retention).
        "uploads": uploads.purge(now=now),
    }
