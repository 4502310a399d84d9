"""NUL characters in requests: PostgreSQL cannot store them in text, so none gets that far.

Django's form CharFields refuse NUL, but not every value reaches one: choice and model
fields, URL parts and query strings go to the database as they are. `NulRejectMiddleware`
answers any page request with a NUL in its path, its query string or its form fields
(names, values, uploaded file names) with a 400 naming the field, before any view runs.
The API (under /api/) answers in its own error shape instead, from a check every route
runs first (groundswell/site/api.py); file contents are checked cell by cell by the importers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict

NUL = "\x00"
API_PREFIX = "/api/"


def has_nul(value: object) -> bool:
    return isinstance(value, str) and NUL in value


def nul_fields(data: MultiValueDict[str, Any]) -> Iterable[str]:
    """The names of the fields in `data` whose name or any value holds a NUL."""
    for name, values in data.lists():
        if has_nul(name) or any(has_nul(getattr(value, "name", value)) for value in values):
            yield name.replace(NUL, "\\x00")


def first_nul_field(request: HttpRequest) -> str | None:
    """Where a page request carries a NUL: "path", or the name of the field."""
    if has_nul(request.path_info):
        return "path"
    for data in (request.GET, request.POST, request.FILES):
        for name in nul_fields(data):
            return name
    return None


class NulRejectMiddleware:
    """400, naming the field, for a page request with a NUL anywhere a value could come from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            field = first_nul_field(request)
            if field is not None:
                context = {"field": field}
                return render(request, "core/nul_rejected.html", context, status=400)
        return self.get_response(request)
