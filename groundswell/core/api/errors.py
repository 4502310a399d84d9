"""One error shape for the whole API: `{"detail": "...", "errors": [{"field", "message"}]}`.

Handlers turn what routes, services and ninja raise into that shape with the right status:
422 invalid input, 401 no or bad credentials, 403 not allowed, 404 not found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core import signals
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")

# Where ninja says a value came from; the rest of the location is the field path.
REQUEST_PARTS = {"body", "query", "path", "header", "cookie", "form", "file"}


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# Documented on every operation, so clients (and schema-driven test tools) know the shape.
ERROR_RESPONSES: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (400, 401, 403, 404, 422)}


def field_path(location: Iterable[Any], *, body_params: int = 1) -> str | None:
    """`("body", "payload", "team")` -> `"team"`; `("query", "role")` -> `"role"`."""
    parts = [str(part) for part in location]
    if parts and parts[0] in REQUEST_PARTS:
        where = parts.pop(0)
        if where == "body" and len(parts) > body_params:
            # ninja nests a body under the view argument's name; clients never see that name.
            parts = parts[body_params:]
    return ".".join(parts) or None


def _message(text: str) -> str:
    # pydantic prefixes messages raised by our validators with "Value error, ".
    return text.removeprefix("Value error, ")


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, str | None]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def unknown_parameters(
    api: NinjaAPI, request: HttpRequest, unknown: list[str], accepted: list[str]
) -> HttpResponse:
    """422 for query parameters the route does not take, each named, with those it does."""
    known = ", ".join(accepted) or _("none")
    errors: list[dict[str, str | None]] = [
        {
            "field": name,
            "message": _("Unknown query parameter; this route takes: %(known)s.")
            % {"known": known},
        }
        for name in unknown
    ]
    return _respond(api, request, 422, _("Unknown query parameter."), errors)


def nul_rejected(api: NinjaAPI, request: HttpRequest, fields: list[str]) -> HttpResponse:
    """422 for text holding NUL characters, which PostgreSQL cannot store (see api.py)."""
    message = _("Text may not contain NUL characters.")
    errors: list[dict[str, str | None]] = [
        {"field": field, "message": message} for field in dict.fromkeys(fields)
    ]
    return _respond(api, request, 422, _("The request has invalid values."), errors)


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api`."""

    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": field_path(error.get("loc", ())), "message": _message(str(error["msg"]))}
            for error in exc.errors
        ]
        return _respond(api, request, 422, _("The request has invalid values."), errors)

    def invalid_change(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": None if name == NON_FIELD_ERRORS else name, "message": message}
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": None, "message": message} for message in exc.messages]
        return _respond(api, request, 422, _("The request has invalid values."), errors)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = exc.message if exc.message != "Unauthorized" else None
        response = _respond(
            api,
            request,
            401,
            detail
            or _("Authentication required: send an API key as “Authorization: Bearer <key>”."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _respond(api, request, exc.status_code, str(exc))

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond(api, request, 403, str(exc) or _("You may not do that."))

    def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 400, _("The request could not be understood."))

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 404, _("Not found."))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # What Django does for an unhandled error (log it, notify; the test client re-raises
        # it), but answered in the API's shape.
        signals.got_request_exception.send(sender=None, request=request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return _respond(api, request, 500, _("Something went wrong on our side."))

    handlers: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
        NinjaValidationError: invalid_input,
        DjangoValidationError: invalid_change,
        AuthenticationError: unauthenticated,
        HttpError: http_error,
        PermissionDenied: forbidden,
        BadRequest: bad_request,
        SuspiciousOperation: bad_request,
        Http404: not_found,
        ObjectDoesNotExist: not_found,
        Exception: server_error,
    }
    for exception, handler in handlers.items():
        api.add_exception_handler(exception, handler)
