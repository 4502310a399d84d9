from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import AuthedRequest

P = ParamSpec("P")
View = Callable[Concatenate[AuthedRequest, P], HttpResponse]


def person_required(
    action: Action | None = None,
) -> Callable[[View[P]], Callable[Concatenate[HttpRequest, P], HttpResponse]]:
    """Let in signed-in people linked to an active Person who may do `action` somewhere.

    Anonymous visitors go to the login page; an account without a person gets a page that
    says so; a person whose role lacks `action` gets 403. Narrower checks (this team, this
    person) stay in the selectors the view calls.
    """

    def decorator(view: View[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            person: Any = getattr(request, "person", None)
            if not person:
                return TemplateResponse(request, "core/no_person.html", status=403)
            if action is not None and not can_somewhere(person, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)  # type: ignore[arg-type]

        return wrapper  # type: ignore[return-value]

    return decorator
