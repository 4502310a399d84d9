"""The sign-in backend: Django's model backend, whose per-request user lookup also brings the
user's active person.

Every signed-in request reads the session's user, then `PersonMiddleware` reads that user's
active person (with department, team and the teams they lead). Both come from one query here:
the person joined to their user, compiled once per connection (core/lib/prepared.py). A user
with no active person (an administrator without a person record, someone switched off) falls
back to Django's own lookup. On PostgreSQL every query is a round trip; on the staff list this
took the page from four statements to three, as many as a bare Django page with a session.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User

from groundswell.core.lib.prepared import PreparedLookup
from groundswell.people.models import Person
from groundswell.people.permissions import (
    leadership_stamp,
    led_teams_annotation,
    remember_led_teams,
)

# Where the person loaded with a user is kept on the user (None: the user has no active person).
PERSON_ATTRIBUTE = "_groundswell_active_person"


def _active_person_by_user(*, with_user: bool) -> PreparedLookup[Person]:
    related: dict[str, Any] = {"department": None, "team": None}
    if with_user:
        related["user"] = None
    return PreparedLookup(
        Person,
        lambda user_id: Person.objects.filter(user_id=user_id, is_active=True),
        related=related,
        annotations=led_teams_annotation(),
        numeric=True,
    )


_ACTIVE_PERSON_BY_USER = _active_person_by_user(with_user=False)
_ACTIVE_PERSON_WITH_USER = _active_person_by_user(with_user=True)


def active_person_of_user(user_id: int) -> Person | None:
    """The active person of a user, as each request loads it (with the teams they lead)."""
    stamp = leadership_stamp()
    person = _ACTIVE_PERSON_BY_USER.get(user_id)
    if person is not None:
        remember_led_teams(person, stamp)
    return person


class PersonBackend(ModelBackend):
    """`ModelBackend`, with `get_user` loading the user and their active person together."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        stamp = leadership_stamp()
        person = _ACTIVE_PERSON_WITH_USER.get(key)
        if person is None or person.user is None:
            user = super().get_user(key)
            if user is not None:
                setattr(user, PERSON_ATTRIBUTE, None)
            return user
        remember_led_teams(person, stamp)
        user = person.user
        if not self.user_can_authenticate(user):
            return None
        setattr(user, PERSON_ATTRIBUTE, person)
        return user
