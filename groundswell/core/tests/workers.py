"""Two workers at once, for the tests that mail exactly once under a lease (huddle digests,
newsletters, refresher reminders): each thread does what a task worker does, started together.

SQLite's shared in-memory test database answers "locked" at once to a second writer instead of
waiting; `retry_when_locked` tries again as a worker's retry would. A claim's hand-back can be
refused the same way, so tests that count every mail exactly run on PostgreSQL (the CI step
that runs the suite there), where two workers really race.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import OperationalError, close_old_connections, connection


def retry_when_locked[T](work: Callable[[], T]) -> T:
    """`work()`, tried again while SQLite says "locked"; any other error at once."""
    for attempt in range(500):
        try:
            return work()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.001 * (attempt % 10))
    raise AssertionError("SQLite stayed locked")


def run_together(work: Callable[[], None], *, workers: int = 2) -> None:
    """Run `work` in `workers` threads released at the same moment; re-raise what any raised."""
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def one() -> None:
        try:
            start.wait(timeout=30)
            work()
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
