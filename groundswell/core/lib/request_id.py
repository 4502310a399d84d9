"""A request id on every request: in its response's `X-Request-ID` and in every log line.

The reverse proxy or load balancer in front usually names each request already (nginx's
`$request_id`, passed on as `X-Request-ID`), so its access log, gunicorn's and Groundswell's own
lines can be matched. An id that comes in is kept when it looks like one (8 to 128 letters,
digits, `.`, `_`, `-` or `:`, nothing that could break a log line); otherwise, or without one,
a new random id is made.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from groundswell.core.logs import RequestContext, current_request, redact

HEADER = "X-Request-ID"
_LOOKS_VALID = re.compile(r"[A-Za-z0-9._:\-]{8,128}")


def request_id_for(incoming: str | None) -> str:
    """`incoming` when it looks like a request id, else a new one (32 hex digits)."""
    if incoming and _LOOKS_VALID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _forget_request(**_kwargs: object) -> None:
    current_request.set(None)


# The request's log lines end when the server has sent the response, not when the middleware
# returns: Django logs a 4xx or 5xx answer (`django.request`) after the middleware has run.
request_finished.connect(_forget_request, dispatch_uid="groundswell.core.lib.request_id")


class RequestIdMiddleware:
    """Give each request an id (`request.request_id`), send it back in `X-Request-ID`, and
    let the log lines written until the response is sent name it, its method and its
    (redacted) path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        current_request.set(RequestContext(request_id, request.method or "", redact(request.path)))
        response = self.get_response(request)
        response[HEADER] = request_id
        return response
