"""Writing a checked people file: all rows in one transaction, or none.

People are matched on their lower-cased email, so importing a file again updates the same
people. Logins come first, then new people, then one upsert for everyone still needing a
change; welcome emails go once the transaction has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.imports.report import Problem
from groundswell.people.imports.checks import (
    BATCH_SIZE,
    COLUMNS,
    CsvRow,
    ImportResult,
    Lookups,
    PlannedRow,
    plan_rows,
    result_of,
)
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.tasks import send_welcome_emails

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def import_people(
    *, actor: Person, rows: Sequence[CsvRow], dry_run: bool, columns: tuple[str, ...] = COLUMNS
) -> ImportResult:
    """Check every row and, unless `dry_run` or any row is wrong, add or update them all at once.

    People are matched on their lower-cased email, so importing a file again updates the same
    people. A column missing from the file leaves that field alone on people who already exist;
    a blank cell clears it.
    """
    if not can_somewhere(actor, Action.IMPORT_PEOPLE):
        raise PermissionDenied("You may not import people.")
    if dry_run:
        plan, _lookups = plan_rows(actor, rows)
        return result_of(plan, columns=columns, committed=False)
    try:
        with transaction.atomic():
            plan, lookups = plan_rows(actor, rows)
            result = result_of(plan, columns=columns, committed=True)
            if not result.is_valid:
                return result_of(plan, columns=columns, committed=False)
            welcomed = _write(plan, lookups)
            transaction.on_commit(lambda: _send_welcomes(welcomed))
    except IntegrityError:
        logger.warning("People import by %s collided with a concurrent change", actor.pk)
        message = _(
            "Someone changed these people while you were importing. Nothing was imported; "
            "please try again."
        )
        return ImportResult(file_problems=(Problem(None, "", message),), columns=columns)
    logger.info(
        "People import by %s: %s new, %s updated",
        actor.pk,
        result.new_count,
        result.update_count,
    )
    return result


def _send_welcomes(person_ids: list[int]) -> None:
    if person_ids:
        send_welcome_emails.enqueue(person_ids)


def _write(plan: list[PlannedRow], lookups: Lookups) -> list[int]:
    """Logins first, then new people, then one upsert for everyone still needing a change.

    Returns the people who were given a new login, to be sent a welcome email.

    New people are inserted already linked to logins and to managers and buddies who exist;
    the upsert (INSERT … ON CONFLICT on the primary key, which both SQLite and PostgreSQL run
    as an UPDATE) then writes updates to existing people and links to people new in this file.
    Django's bulk_update would do the same with a CASE per row and field, which is far slower.
    """
    logins = _create_logins(plan)
    new_people = [
        _link(
            Person(email=planned.email, user=logins.get(planned.email), **planned.fields),
            planned,
            lookups.people,
        )
        for planned in plan
        if planned.existing is None
    ]
    Person.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
    by_email = lookups.people | {person.email: person for person in new_people}
    now = timezone.now()
    changed: list[Person] = []
    fields = {"updated_at"}
    for planned in plan:
        person = by_email[planned.email]
        if planned.existing is None and not _names_someone_new(planned, lookups.people):
            continue
        if planned.existing is not None:
            for name, value in planned.fields.items():
                setattr(person, name, value)
            fields.update(planned.fields)
            if planned.email in logins:
                person.user = logins[planned.email]
                fields.add("user")
        _link(person, planned, by_email)
        fields.update(
            name for name in ("manager", "buddy") if getattr(planned, f"{name}_email") is not None
        )
        person.updated_at = now
        changed.append(person)
    if changed:
        Person.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["pk"],
            update_fields=sorted(fields),
            batch_size=BATCH_SIZE,
        )
    return [by_email[email].pk for email in logins]


def _names_someone_new(planned: PlannedRow, existing: Mapping[str, Person]) -> bool:
    references = (planned.manager_email, planned.buddy_email)
    return any(email and email not in existing for email in references)


def _link(person: Person, planned: PlannedRow, people: Mapping[str, Person]) -> Person:
    """Point `person` at the manager and buddy their row names, among `people` (by email)."""
    # Ids, not objects: a file where each person names the next would otherwise build a chain
    # of objects thousands deep, which Python cannot free without overflowing its stack.
    if planned.manager_email is not None:
        person.manager_id = _pk_of(people, planned.manager_email)
    if planned.buddy_email is not None:
        person.buddy_id = _pk_of(people, planned.buddy_email)
    return person


def _pk_of(people: Mapping[str, Person], email: str) -> int | None:
    person = people.get(email)
    return person.pk if person is not None else None


def _create_logins(plan: list[PlannedRow]) -> dict[str, User]:
    """Accounts without a usable password: people set one through the password reset email."""
    user_model: type[User] = get_user_model()
    users = []
    for planned in plan:
        existing = planned.existing
        if not planned.create_login or (existing is not None and existing.user_id is not None):
            continue
        is_active = existing.is_active if existing is not None else True
        user = user_model(username=planned.email, email=planned.email, is_active=is_active)
        user.set_unusable_password()
        users.append(user)
    user_model.objects.bulk_create(users, batch_size=BATCH_SIZE)
    return {user.username: user for user in users}
