"""The readiness gate: may a person be given live customer interactions yet?

Learning puts a new hire on hold until their onboarding is signed off, and a manager may clear
them until a date before that (`Person.on_readiness_hold`, `Person.readiness_override_until`).
The desk asks here before it gives anyone an interaction; it reads only the two fields of the
person row it already loaded, so the gate adds no query to ingest or import.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from groundswell.people.models import Person


def is_ready(
    on_hold: bool, override_until: datetime.date | None, today: datetime.date | None = None
) -> bool:
    """Ready unless on hold, or on hold but cleared by a manager until today or later."""
    if not on_hold:
        return True
    if override_until is None:
        return False
    return override_until >= (today or timezone.localdate())


def person_is_ready(person: Person, today: datetime.date | None = None) -> bool:
    """May `person` be given live customer interactions today?"""
    return is_ready(person.on_readiness_hold, person.readiness_override_until, today)


def not_ready_message(person: Person) -> str:
    """The refusal shown when someone tries to give `person` a live interaction."""
    return _(
        "%(name)s is still in onboarding and not signed off for live customers yet; their "
        "lead signs them off, or a manager may clear them for a while."
    ) % {"name": person}
