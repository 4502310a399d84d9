from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from groundswell.people.models import Person


def _person_for(request: HttpRequest) -> Person | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return (
        Person.objects.select_related("department", "team")
        .filter(user_id=user.pk, is_active=True)
        .first()
    )


class PersonMiddleware:
    """Puts the signed-in user's active Person on `request.person` (None when there is none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.person = SimpleLazyObject(lambda: _person_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)
