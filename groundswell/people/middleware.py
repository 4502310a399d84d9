from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from groundswell.core.lib.prepared import PreparedLookup
from groundswell.people.models import Person
from groundswell.people.permissions import (
    leadership_stamp,
    led_teams_annotation,
    remember_led_teams,
)

# Every signed-in page reads this, so its SQL is compiled once per connection. The teams the
# person leads come in the same query, for the permission checks (permissions.team_ids_led_by).
_ACTIVE_PERSON_BY_USER = PreparedLookup(
    Person,
    lambda user_id: Person.objects.filter(user_id=user_id, is_active=True),
    related={"department": None, "team": None},
    annotations=led_teams_annotation(),
    numeric=True,
)


def active_person_of_user(user_id: int) -> Person | None:
    """The active person of a user, as each request loads it (with the teams they lead)."""
    stamp = leadership_stamp()
    person = _ACTIVE_PERSON_BY_USER.get(user_id)
    if person is not None:
        remember_led_teams(person, stamp)
    return person


def _person_for(request: HttpRequest) -> Person | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return active_person_of_user(user.pk)


class PersonMiddleware:
    """Puts the signed-in user's active Person on `request.person` (None when there is none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.person = SimpleLazyObject(lambda: _person_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)
