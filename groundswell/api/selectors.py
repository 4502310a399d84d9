"""Reads about API keys, for the settings pages."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from groundswell.api.models import ApiKey


def list_api_keys() -> QuerySet[ApiKey]:
    """Every key, newest first, with who created it."""
    return ApiKey.objects.select_related("created_by")


def get_api_key(pk: int) -> ApiKey:
    """One key by id; 404 when there is none. Callers check MANAGE_API_KEYS first."""
    return get_object_or_404(list_api_keys(), pk=pk)
