"""Many simultaneous submissions for one link store exactly one answer.

On PostgreSQL (DATABASE_URL=postgres://…, as in CI) fifty threads post at once. SQLite
serialises writers, so there eight threads exercise the same code path; the in-memory,
shared-cache database of the test run answers "table is locked" at once instead of waiting
as the real WAL database does (busy timeout), so a thread then tries again.
"""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, close_old_connections, connection
from django.test import Client

from groundswell.voice.models import Response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_store_exactly_one_answer(team_alpha, agent, settings):
    settings.GROUNDSWELL_SURVEY_POSTS_PER_MINUTE = 0
    cache.clear()
    threads_count = 50 if connection.vendor == "postgresql" else 8
    _invitation, token = make_invitation(
        make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    )
    start = threading.Barrier(threads_count)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def submit(number: int) -> None:
        try:
            client = Client()
            start.wait(timeout=30)
            statuses.append(post(client, {"score": str(1 + number % 5), "comment": "x"}))
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    def post(client: Client, data: dict[str, str]) -> int:
        for _attempt in range(200):
            try:
                return client.post(f"/s/{token}", data).status_code
            except OperationalError as error:
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    raise
                time.sleep(0.005)  # only the test database's shared cache gets here
        raise AssertionError("the test database stayed locked")

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(statuses) == threads_count
    assert set(statuses) == {303}  # the first is recorded, the rest change it
    assert Response.objects.count() == 1
