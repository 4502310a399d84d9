"""Health: /healthz for load balancers, /healthz/full and `groundswell health` for monitoring.

The queue is read from real tasks on both backends (the database queue, and RQ on a real
redis-server); broken parts are really broken (a closed port), not mocked.
"""

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from groundswell.core import health
from groundswell.core.tests.servers import free_port, redis_server
from groundswell.core.tests.tasks import always_fails, does_nothing

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUE = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
FULL = reverse("core:healthz-full")
PERSONAL = "ada.lovelace@example.test"


def test_liveness_answers_without_login(client: Client, db: None) -> None:
    response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_full_health_answers_without_login_and_names_every_part(client: Client, db: None) -> None:
    response = client.get(FULL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache_default", "cache_ratelimit"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())
    assert body["queue"] == {
        "ok": True,
        "ms": 0.0,
        "backend": "immediate",  # tests run each task as it is enqueued: nothing waits
        "waiting": 0,
        "oldest_waiting_seconds": None,
        "failed": 0,
        "max_age_seconds": 600,
    }


def test_full_health_refuses_other_methods(client: Client, db: None) -> None:
    assert client.post(FULL).status_code == 405


def _age(result_id: str, seconds: int) -> None:
    DBTaskResult.objects.filter(pk=result_id).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_queue_reports_depth_oldest_waiting_task_and_failures(
    client: Client,
) -> None:
    with override_settings(TASKS=DATABASE_QUEUE):
        always_fails.enqueue(PERSONAL)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        older = does_nothing.enqueue(PERSONAL)
        newer = does_nothing.enqueue(PERSONAL)
        later = does_nothing.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue(
            PERSONAL
        )
        _age(older.id, 900)
        _age(newer.id, 60)
        _age(later.id, 3000)  # enqueued long ago, but not due before the next hour

        response = client.get(FULL)
        with override_settings(GROUNDSWELL_HEALTH_MAX_QUEUE_AGE=3600):
            relaxed = client.get(FULL)
        report = health.health_report(details=True)

    queue = response.json()["queue"]
    assert response.status_code == 503  # 900 s > HEALTH_MAX_QUEUE_AGE (600 s)
    assert response.json()["status"] == "fail"
    assert queue["backend"] == "database"
    assert queue["waiting"] == 2
    assert 900 <= queue["oldest_waiting_seconds"] < 960
    assert queue["failed"] == 1
    assert queue["ok"] is False
    assert "older than max_age_seconds" in queue["error"]
    assert relaxed.status_code == 200
    assert relaxed.json()["queue"]["ok"] is True
    assert report.queue.by_state == {
        "waiting": 2,
        "scheduled": 1,
        "running": 0,
        "successful": 0,
        "failed": 1,
    }
    [failure] = report.queue.recent_failures
    assert failure.task == "groundswell.core.tests.tasks.always_fails"
    assert failure.error == "builtins.RuntimeError"
    assert failure.at is not None
    assert PERSONAL not in response.text


def test_a_task_scheduled_for_a_moment_past_has_waited_since_that_moment(db: None) -> None:
    with override_settings(TASKS=DATABASE_QUEUE):
        due = does_nothing.using(
            run_after=timezone.now() - datetime.timedelta(seconds=120)
        ).enqueue(PERSONAL)
        _age(due.id, 3000)  # enqueued long before it was due

        queue = health.read_queue()

    assert queue.waiting == 1
    assert 120 <= (queue.oldest_waiting_seconds or 0) < 180


def test_an_unreachable_cache_fails_the_full_check_without_naming_its_address(
    client: Client, db: None
) -> None:
    url = f"redis://:hunter2-secret@127.0.0.1:{free_port()}/0"  # nothing listens there
    broken = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
        "ratelimit": settings.CACHES["ratelimit"],
    }
    with override_settings(CACHES=broken):
        response = client.get(FULL)
        live = client.get(reverse("core:healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache_default"]["ok"] is False
    assert body["checks"]["cache_default"]["error"] == "ConnectionError"
    assert body["checks"]["cache_ratelimit"]["ok"] is True
    assert "hunter2" not in response.text
    assert str(url.rsplit(":", 1)[1]) not in response.text
    assert live.status_code == 200, "liveness asks the database only"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean | {"GROUNDSWELL_ENV": "development", "DEBUG": "false", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# One process (Django takes seconds to start): both paths through the test client, then the
# command, whose CommandError carries the exit status `groundswell health` would end with.
ASK_EVERYTHING = """
import io, json
from django.core.management import CommandError, call_command
from django.test import Client
for path in ("/healthz", "/healthz/full"):
    response = Client().get(path)
    print(json.dumps([response.status_code, response.content.decode()]))
out = io.StringIO()
try:
    call_command("health", stdout=out)
    print(json.dumps([0, out.getvalue(), ""]))
except CommandError as error:
    print(json.dumps([error.returncode, out.getvalue(), str(error)]))
"""


def test_an_unreachable_database_gives_503_on_both_paths_and_exit_1(tmp_path) -> None:
    database = f"postgres://groundswell:hunter2-secret@127.0.0.1:{free_port()}/groundswell"

    run = _manage(
        "shell",
        "--no-imports",
        "-c",
        ASK_EVERYTHING,
        DATABASE_URL=database,
        GROUNDSWELL_DATA_DIR=str(tmp_path),
    )

    assert run.returncode == 0, run.stderr
    live, full_page, command = (json.loads(line) for line in run.stdout.strip().splitlines())
    assert (live[0], full_page[0]) == (503, 503)
    assert json.loads(live[1])["database"]["ok"] is False
    full = json.loads(full_page[1])
    assert full["checks"]["database"] == {
        "ok": False,
        "ms": full["checks"]["database"]["ms"],
        "error": "OperationalError",
    }
    assert full["queue"]["ok"] is False  # the database queue lives in that database
    assert full["queue"]["waiting"] is None
    returncode, printed, error = command
    assert returncode == 1
    printed_report = json.loads(printed)
    assert printed_report["status"] == "fail"
    assert {name: check["ok"] for name, check in printed_report["checks"].items()} == {
        "database": False,
        "cache_default": True,
        "cache_ratelimit": False,  # without Redis the request limits live in the database
    }
    assert "unhealthy" in error
    assert "hunter2" not in run.stdout + run.stderr
    assert "groundswell:" not in run.stdout


def test_the_rq_queue_in_a_real_redis_reports_depth_age_and_failures(
    client: Client, db: None, tmp_path
) -> None:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    with (
        redis_server(tmp_path) as url,
        override_settings(TASKS=RQ_QUEUE, RQ_QUEUES={"default": {"URL": url}}),
    ):
        queue = django_rq.get_queue("default", job_class=Job)
        always_fails.enqueue(PERSONAL)
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(
            burst=True, with_scheduler=False
        )
        first = does_nothing.enqueue(PERSONAL)
        does_nothing.enqueue(PERSONAL)
        # Due five minutes ago: it waits until a worker's scheduler moves it to the queue.
        does_nothing.using(run_after=timezone.now() - datetime.timedelta(seconds=300)).enqueue(
            PERSONAL
        )
        does_nothing.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue(PERSONAL)
        job = Job.fetch(first.id, connection=queue.connection)
        job.enqueued_at = timezone.now() - datetime.timedelta(seconds=900)
        job.save()

        response = client.get(FULL)
        report = health.health_report(details=True)

    body = response.json()
    assert response.status_code == 503
    assert body["queue"]["backend"] == "rq"
    assert body["queue"]["waiting"] == 3
    assert 900 <= body["queue"]["oldest_waiting_seconds"] < 960
    assert body["queue"]["failed"] == 1
    assert report.queue.by_state["waiting"] == 3
    assert report.queue.by_state["scheduled"] == 1
    assert report.queue.by_state["failed"] == 1
    [failure] = report.queue.recent_failures
    assert failure.task == "groundswell.core.tests.tasks.always_fails"
    assert failure.error == "builtins.RuntimeError"
    assert failure.at is not None
    assert PERSONAL not in response.text


def test_an_overdue_scheduled_rq_job_counts_from_its_due_time(db: None, tmp_path) -> None:
    with (
        redis_server(tmp_path) as url,
        override_settings(TASKS=RQ_QUEUE, RQ_QUEUES={"default": {"URL": url}}),
    ):
        does_nothing.using(run_after=timezone.now() - datetime.timedelta(seconds=700)).enqueue(
            PERSONAL
        )
        report = health.health_report()

    assert report.queue.waiting == 1
    assert 700 <= (report.queue.oldest_waiting_seconds or 0) < 760
    assert report.queue_too_old
    assert not report.ok


def test_an_rq_queue_whose_redis_is_gone_fails_the_check(client: Client, db: None) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    with override_settings(TASKS=RQ_QUEUE, RQ_QUEUES={"default": {"URL": url}}):
        response = client.get(FULL)

    queue = response.json()["queue"]
    assert response.status_code == 503
    assert (queue["ok"], queue["error"], queue["waiting"]) == (False, "ConnectionError", None)


def test_the_public_failed_count_is_kept_a_minute_and_the_details_read_afresh(db: None) -> None:
    with override_settings(TASKS=DATABASE_QUEUE):
        first = does_nothing.enqueue(PERSONAL)
        DBTaskResult.objects.filter(pk=first.id).update(status="FAILED")
        assert health.read_queue().failed == 1
        second = does_nothing.enqueue(PERSONAL)
        DBTaskResult.objects.filter(pk=second.id).update(status="FAILED")

        cached = health.read_queue()
        fresh = health.read_queue(details=True)

    assert cached.failed == 1, "counting failures scans the table: not on every public check"
    assert fresh.failed == 2
