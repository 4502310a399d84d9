"""Sign-in logs, lock-out counters and finished tasks are forgotten after the retention period.

Issue 10, item 8: django-axes kept every sign-in's address and user agent forever.
"""

import datetime
import io
import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from groundswell.core import tasks
from groundswell.core.lib.retention import purge_expired_records
from groundswell.people.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in_twice_badly_then_well(client, person):
    for _ in range(2):
        client.post(
            reverse("login"),
            {"username": person.email, "password": "wrong"},
            HTTP_USER_AGENT="Attacker/1.0",
            REMOTE_ADDR="203.0.113.9",
        )
    client.post(
        reverse("login"),
        {"username": person.email, "password": PASSWORD},
        HTTP_USER_AGENT="Desk/2.0",
        REMOTE_ADDR="198.51.100.7",
    )


def age_everything(days: int) -> None:
    moment = timezone.now() - datetime.timedelta(days=days)
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        model.objects.update(attempt_time=moment)


def test_sign_in_records_with_addresses_are_deleted_after_thirty_days(client, agent, settings):
    settings.AXES_RESET_ON_SUCCESS = False  # keep the failure counter to see it purged too
    sign_in_twice_badly_then_well(client, agent)
    assert AccessLog.objects.filter(ip_address="198.51.100.7").exists()
    assert AccessAttempt.objects.filter(
        ip_address="203.0.113.9", user_agent="Attacker/1.0"
    ).exists()

    age_everything(days=29)
    purge_expired_records()
    assert AccessLog.objects.count() == 1  # still inside the retention period
    assert AccessAttempt.objects.count() == 1

    age_everything(days=31)
    call_command("purge_expired_records", stdout=io.StringIO())

    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert not AccessAttempt.objects.exists()


def test_the_retention_period_is_a_setting(client, agent, settings):
    settings.AXES_RESET_ON_SUCCESS = False
    settings.GROUNDSWELL_LOG_RETENTION_DAYS = 7
    sign_in_twice_badly_then_well(client, agent)
    age_everything(days=8)

    deleted = tasks.purge_expired_records.call()

    assert deleted["sign-in log"] == 1
    assert deleted["lock-out counters"] == 1
    assert not AccessLog.objects.exists()


def test_expired_sessions_and_old_finished_tasks_go_too(client_for, agent, settings):
    from django.contrib.sessions.models import Session

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    client_for(agent)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    old = tasks.purge_expired_records.enqueue()
    waiting = tasks.purge_expired_records.enqueue()
    DBTaskResult.objects.filter(pk=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - datetime.timedelta(days=40)
    )

    deleted = purge_expired_records()

    assert deleted["expired sessions"] == 1
    assert deleted["finished tasks"] == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [uuid.UUID(waiting.id)]


def test_old_scheduler_runs_go_but_each_jobs_latest_stays():
    from groundswell.core.models import ScheduledRun

    long_ago = timezone.now() - datetime.timedelta(days=40)
    for job, days in (("weekly", 14), ("weekly", 7), ("daily", 1), ("daily", 0)):
        ScheduledRun.objects.create(job=job, period_start=long_ago - datetime.timedelta(days=days))
    ScheduledRun.objects.update(enqueued_at=long_ago)
    recent = ScheduledRun.objects.create(job="hourly", period_start=timezone.now())

    deleted = purge_expired_records()

    assert deleted["scheduler runs"] == 2
    kept = ScheduledRun.objects.order_by("job").values_list("job", "period_start")
    assert list(kept) == [
        ("daily", long_ago),
        ("hourly", recent.period_start),
        ("weekly", long_ago - datetime.timedelta(days=7)),
    ]
