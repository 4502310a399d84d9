"""Request types for views and API routes that know who is asking.

They live in people, not core, because what they carry is a `Person`: core names no app.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails

    from groundswell.people.models import Person


class AuthedRequest(HttpRequest):
    """A request from a signed-in user linked to an active Person."""

    user: "User"
    person: "Person"
    htmx: "HtmxDetails"


class ApiRequest(HttpRequest):
    """A request that passed API authentication: the caller's Person is `request.auth`."""

    auth: "Person"
