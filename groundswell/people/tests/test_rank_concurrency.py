"""Two admins demoting each other at the same moment: one wins, one admin is always left.

On PostgreSQL each change locks every admin row in one order, so the second change waits for
the first, then sees it and is refused (before, the two locked each other's rows and one ended
in a deadlock error: a 500). SQLite runs one writer at a time, so the race cannot happen there;
the rule itself is tested in test_rank.py on both databases.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from groundswell.people import services
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.tests.factories import PersonFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(admin):
    second = PersonFactory.create(
        role=Role.ADMIN, department=admin.department, team=None, with_login=True
    )
    pairs = [(admin.pk, second.pk), (second.pk, admin.pk)]
    start = threading.Barrier(len(pairs))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def demote(actor_pk: int, target_pk: int) -> None:
        try:
            actor = Person.objects.get(pk=actor_pk)
            target = Person.objects.get(pk=target_pk)
            start.wait(timeout=30)
            try:
                services.update_person(actor=actor, person=target, role=Role.MANAGER)
                outcomes.append("demoted")
            except ValidationError as error:
                outcomes.append("refused: " + " ".join(error.message_dict["role"]))
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=demote, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(outcomes)[0] == "demoted"
    assert sorted(outcomes)[1].startswith("refused: ")
    assert "last active admin" in sorted(outcomes)[1]
    assert Person.objects.filter(role=Role.ADMIN, is_active=True).count() == 1
