"""Template context every page gets from the base."""

from django.conf import settings
from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict[str, str]:
    """The organisation's name (ORGANISATION_NAME), shown to customers on the survey pages."""
    return {"organisation_name": settings.ORGANISATION_NAME}
