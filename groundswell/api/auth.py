"""Who is calling the API: an integration's key, or a signed-in person's browser session.

Either way the caller's Person ends up as `request.auth`, so routes call the same selectors
and services as pages do; a key also leaves itself on `request.api_key` for its scope. The
request type routes see, `ApiRequest`, is in `people.typing`: every app's router uses it, and
this app sits above people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import authenticate_api_key

if TYPE_CHECKING:
    from groundswell.people.models import Person

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer gsk_…`: acts as the key's creator, within the key's scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Person:
        api_key = authenticate_api_key(token.strip())
        if api_key is None:
            # A bad key is an error even when a session cookie is also sent: an integration
            # with a revoked key must find out, not fall back to someone's browser session.
            raise AuthenticationError(message=_("The API key is not valid or has been revoked."))
        if api_key.scope == ApiKeyScope.READ and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("This API key may only read; create a read-write key."))
        request.api_key = api_key  # type: ignore[attr-defined]
        request.person = api_key.created_by  # type: ignore[attr-defined]
        return api_key.created_by


class PersonSessionAuth(SessionAuth):
    """A signed-in person's session, as the docs page and HTMX use; CSRF checked on writes."""

    def __call__(self, request: HttpRequest) -> Person | None:
        if not request.user.is_authenticated:
            # Checking CSRF first would answer 403 to a caller who sent no credentials at all.
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Person:
        person = getattr(request, "person", None)
        if not person:
            raise PermissionDenied(_("Your account is not linked to anyone in the organisation."))
        request.api_key = None  # type: ignore[attr-defined]
        return cast("Person", person)
