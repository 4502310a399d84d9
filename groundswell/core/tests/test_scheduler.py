"""Issue 11, item 6: periodic jobs are enqueued by the scheduler, once per period."""

import datetime
import io
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial

import pytest
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connection
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from groundswell.core import registry, scheduler
from groundswell.core.models import ScheduledRun

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Wednesday 10:20 UTC: inside the hour from 10:00, the quarter from 10:15, the day from
# midnight, the week from Monday.
NOW = datetime.datetime(2026, 3, 4, 10, 20, tzinfo=datetime.UTC)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def queued() -> Counter[str]:
    return Counter(DBTaskResult.objects.values_list("task_path", flat=True))


SWEEPS = sorted(
    [
        "pulse_resend_stalled_invitations",
        "recognition_compliment_cards",  # every minute, so due at every later pass too
        "recognition_finish_stalled_work",
        "voice_finish_stalled_follow_ups",
        "voice_resend_stalled_invitations",
    ]
)


def job(name: str) -> registry.PeriodicJob:
    [found] = [entry for entry in registry.periodic_jobs if entry.name == name]
    return found


def test_every_periodic_piece_of_work_is_registered_with_its_interval():
    intervals = {entry.name: entry.every for entry in registry.periodic_jobs}
    assert intervals == {
        "purge_expired_records": datetime.timedelta(days=1),
        "refresh_voice_rollups": datetime.timedelta(hours=1),
        "send_idea_reminders": datetime.timedelta(days=1),
        "quality_fill_review_queue": datetime.timedelta(days=1),
        "recognition_draft_newsletter": datetime.timedelta(days=1),
        "pulse_publish_closed_waves": datetime.timedelta(minutes=15),
        "recognition_huddle_digests": datetime.timedelta(minutes=15),
        "recognition_compliment_cards": datetime.timedelta(minutes=1),
        "pulse_open_due_waves": datetime.timedelta(hours=1),
        "pulse_send_reminders": datetime.timedelta(weeks=1),
        # Every SEND_LEASE_SECONDS (five minutes by default).
        "pulse_resend_stalled_invitations": datetime.timedelta(minutes=5),
        "voice_resend_stalled_invitations": datetime.timedelta(minutes=5),
        "voice_finish_stalled_follow_ups": datetime.timedelta(minutes=5),
        "recognition_finish_stalled_work": datetime.timedelta(minutes=5),
        "quality_refresh_rollups": datetime.timedelta(hours=1),
        "learning_purge_expired_candidates": datetime.timedelta(days=1),
        "learning_send_refresher_reminders": datetime.timedelta(days=1),
    }


def test_every_job_names_an_existing_task_that_takes_no_arguments():
    for entry in registry.periodic_jobs:
        assert isinstance(entry.task, Task), entry.name
        assert import_string(entry.task.module_path) is entry.task, entry.name
        entry.task.using()  # valid for the configured backend


@pytest.mark.django_db
def test_a_due_job_is_enqueued_once_per_period(database_queue):
    hourly = [job("refresh_voice_rollups")]

    assert scheduler.run_due_jobs(now=NOW, jobs=hourly) == ["refresh_voice_rollups"]
    assert queued() == {"groundswell.voice.dashboard.tasks.refresh_voice_rollups_task": 1}
    run = ScheduledRun.objects.get()
    assert run.period_start == datetime.datetime(2026, 3, 4, 10, tzinfo=datetime.UTC)
    weekly = scheduler.period_start(job("pulse_send_reminders"), NOW)
    assert weekly == datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)  # a Monday
    assert run.task_id == str(DBTaskResult.objects.get().id)

    # The same hour again, or a restarted scheduler later in it: nothing new.
    assert scheduler.run_due_jobs(now=NOW + datetime.timedelta(minutes=39), jobs=hourly) == []
    assert sum(queued().values()) == 1

    # The next hour is a new period.
    assert scheduler.run_due_jobs(now=NOW + datetime.timedelta(minutes=40), jobs=hourly) == [
        "refresh_voice_rollups"
    ]
    assert sum(queued().values()) == 2


@pytest.mark.django_db
def test_one_pass_enqueues_every_registered_job_and_the_next_pass_only_the_due_ones(
    database_queue,
):
    first = scheduler.run_due_jobs(now=NOW)
    assert sorted(first) == sorted(entry.name for entry in registry.periodic_jobs)
    assert sum(queued().values()) == len(first)

    # 5 minutes later only the sweeps' periods (a lease: 5 minutes, or a minute) have changed;
    # 15 minutes later the quarter-hourly jobs' too.
    assert sorted(scheduler.run_due_jobs(now=NOW + datetime.timedelta(minutes=5))) == SWEEPS
    assert sorted(scheduler.run_due_jobs(now=NOW + datetime.timedelta(minutes=15))) == sorted(
        ["pulse_publish_closed_waves", "recognition_huddle_digests", *SWEEPS]
    )
    # Past midnight the daily jobs, the hourly ones and the quarter-hourly ones are due again.
    tomorrow = datetime.datetime(2026, 3, 5, 0, 1, tzinfo=datetime.UTC)
    assert sorted(scheduler.run_due_jobs(now=tomorrow)) == sorted(
        [
            "learning_purge_expired_candidates",
            "learning_send_refresher_reminders",
            "pulse_open_due_waves",
            "pulse_publish_closed_waves",
            "purge_expired_records",
            "recognition_draft_newsletter",
            "recognition_huddle_digests",
            "quality_fill_review_queue",
            "quality_refresh_rollups",
            "refresh_voice_rollups",
            "send_idea_reminders",
            *SWEEPS,
        ]
    )


@pytest.mark.django_db
def test_the_command_once_enqueues_through_the_configured_backend(database_queue):
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "Enqueued purge_expired_records." in out.getvalue()
    assert queued()["groundswell.core.tasks.purge_expired_records"] == 1

    call_command("scheduler", "--once", stdout=io.StringIO())
    assert queued()["groundswell.core.tasks.purge_expired_records"] == 1


@pytest.mark.django_db
def test_the_enqueued_tasks_run_on_the_immediate_backend_too():
    """With TASKS_BACKEND=immediate (tests) the enqueue runs the work at once; it must succeed."""
    assert len(scheduler.run_due_jobs(now=NOW)) == len(registry.periodic_jobs)
    assert ScheduledRun.objects.count() == len(registry.periodic_jobs)


@pytest.mark.django_db
def test_list_shows_jobs_intervals_last_and_next_run(database_queue):
    scheduler.run_due_jobs(now=timezone.now(), jobs=[job("send_idea_reminders")])
    out = io.StringIO()
    call_command("scheduler", "--list", stdout=out)
    lines = out.getvalue().splitlines()

    assert lines[0].split() == ["job", "interval", "task", "last", "run", "next", "run"]
    by_name = {line.split()[0]: line for line in lines[1:]}
    assert set(by_name) == {entry.name for entry in registry.periodic_jobs}
    assert "every 15 minutes" in by_name["pulse_publish_closed_waves"]
    assert "weekly" in by_name["pulse_send_reminders"]
    assert by_name["refresh_voice_rollups"].split()[1:] == [
        "hourly",
        "groundswell.voice.dashboard.tasks.refresh_voice_rollups_task",
        "never",
        "now",
    ]
    # Claimed for today: the last run is shown, the next is the next midnight UTC.
    reminders = by_name["send_idea_reminders"].split()
    midnight = scheduler.period_start(job("send_idea_reminders"), timezone.now())
    assert reminders[-3:] == [
        f"{midnight + datetime.timedelta(days=1):%Y-%m-%d}",
        "00:00:00",
        "UTC",
    ]
    assert "never" not in reminders


@pytest.mark.django_db
def test_list_states_next_run_at_the_start_of_the_next_period():
    scheduler.run_due_jobs(now=NOW, jobs=[job("refresh_voice_rollups")])
    [state] = [s for s in scheduler.list_jobs(now=NOW) if s.job.name == "refresh_voice_rollups"]
    assert state.last_run is not None
    assert state.next_run == datetime.datetime(2026, 3, 4, 11, tzinfo=datetime.UTC)
    [other] = [s for s in scheduler.list_jobs(now=NOW) if s.job.name == "send_idea_reminders"]
    assert (other.last_run, other.next_run) == (None, NOW)


def test_intervals_read_as_words():
    assert scheduler.describe_interval(datetime.timedelta(minutes=15)) == "every 15 minutes"
    assert scheduler.describe_interval(datetime.timedelta(hours=6)) == "every 6 hours"
    assert scheduler.describe_interval(datetime.timedelta(days=1)) == "daily"


# serialized_rollback like every transactional test here: a plain flush would drop the rows
# that migrations created.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_schedulers_enqueue_each_job_once(settings):
    settings.TASKS = DATABASE_QUEUE
    threads_count = 8 if connection.vendor == "postgresql" else 4
    start = threading.Barrier(threads_count)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def one_pass() -> None:
        try:
            start.wait(timeout=30)
            for entry in registry.periodic_jobs:  # one job a time, so a retry repeats only it
                results.append(
                    retry_while_locked(partial(scheduler.run_due_jobs, now=NOW, jobs=[entry]))
                )
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=one_pass) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(results) == threads_count * len(registry.periodic_jobs)
    names = Counter(name for result in results for name in result)
    assert names == {entry.name: 1 for entry in registry.periodic_jobs}
    assert set(queued().values()) == {1}
    assert sum(queued().values()) == len(registry.periodic_jobs)
    assert ScheduledRun.objects.count() == len(registry.periodic_jobs)


def retry_while_locked[T](work: Callable[[], T]) -> T:
    """The in-memory, shared-cache SQLite of the test run answers "table is locked" at once
    instead of waiting as the real WAL database does (busy timeout); try again then."""
    for _attempt in range(400):
        try:
            return work()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.005)  # only the test database's shared cache gets here
    raise AssertionError("the test database stayed locked")
