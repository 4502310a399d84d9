"""Request types for views that know who is asking."""

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
