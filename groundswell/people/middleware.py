from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from groundswell.people.backends import PERSON_ATTRIBUTE, active_person_of_user
from groundswell.people.models import Person

_NOT_LOADED = object()


def _person_for(request: HttpRequest) -> Person | None:
    user = request.user
    if not user.is_authenticated:
        return None
    loaded = getattr(user, PERSON_ATTRIBUTE, _NOT_LOADED)
    if loaded is not _NOT_LOADED:  # read with the user by PersonBackend, in the same query
        return cast("Person | None", loaded)
    return active_person_of_user(user.pk)


class PersonMiddleware:
    """Puts the signed-in user's active Person on `request.person` (None when there is none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.person = SimpleLazyObject(lambda: _person_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)
