"""Reads about API keys, for the settings pages."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from groundswell.api.models import ApiKey
from groundswell.people.models import Person


def list_api_keys(viewer: Person) -> QuerySet[ApiKey]:
    """Every key `viewer` may manage (an administrator: all), newest first, with its creator."""
    return ApiKey.objects.visible_to(viewer).select_related("created_by")


def get_api_key(viewer: Person, pk: int) -> ApiKey:
    """One key by id; 404 when there is none or `viewer` may not manage keys."""
    return get_object_or_404(list_api_keys(viewer), pk=pk)
