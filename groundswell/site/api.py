"""The Groundswell API: django-ninja under /api/v1, each app's router mounted here.

Every route needs authentication unless it says `auth=None`: an API key sent as
`Authorization: Bearer <key>`, or the session of a signed-in person.
"""

import contextlib
import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase
from ninja import NinjaAPI, Router, Swagger
from ninja.operation import Operation

from groundswell.api.auth import ApiKeyAuth, PersonSessionAuth
from groundswell.core.api import errors
from groundswell.core.lib.nul import NUL, has_nul, nul_fields
from groundswell.desk.api import router as desk_router
from groundswell.ideas.api import router as ideas_router
from groundswell.learning.api import router as learning_router
from groundswell.people.api import router as people_router
from groundswell.pulse.api import router as pulse_router
from groundswell.quality.api import router as quality_router
from groundswell.recognition.api import router as recognition_router
from groundswell.voice.dashboard.api import router as voice_metrics_router
from groundswell.voice.follow_ups.api import router as voice_follow_ups_router
from groundswell.voice.invitations.api import router as voice_invitations_router
from groundswell.voice.surveys.api import router as voice_surveys_router


def _nul_paths(value: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Where in a parsed JSON body a string (or a key) holds a NUL, as field paths."""
    if isinstance(value, str):
        return [".".join(path)] if NUL in value else []
    if isinstance(value, dict):
        found = [".".join((*path, key.replace(NUL, "\\x00"))) for key in value if NUL in key]
        for key, item in value.items():
            found += _nul_paths(item, (*path, key))
        return found
    if isinstance(value, list):
        return [
            hit for index, item in enumerate(value) for hit in _nul_paths(item, (*path, str(index)))
        ]
    return []


def _fields_with_nul(request: HttpRequest, path_params: dict[str, Any]) -> list[str]:
    found = [name for name, value in path_params.items() if has_nul(value)]
    if has_nul(request.path_info) and not found:
        found.append("path")
    found += nul_fields(request.GET)
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        found += nul_fields(request.POST)
    # JSON can only carry a NUL escaped; the raw scan spares parsing every other body twice.
    elif b"\\u0000" in request.body:
        with contextlib.suppress(ValueError):  # not JSON: the route's own parsing answers
            found += _nul_paths(json.loads(request.body))
    return found


def _query_names(operation: Any) -> frozenset[str] | None:
    """The query parameters an operation declares (its filters, pagination), or None when it
    cannot tell (then nothing is refused)."""
    models = getattr(operation, "models", None)
    if models is None:
        return None
    names: set[str] = set()
    for model in models:
        if getattr(model, "__ninja_param_source__", None) == "query":
            names |= set(getattr(model, "__ninja_flatten_map__", {}) or model.model_fields)
    return frozenset(names)


def _guard(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Before any route of any router runs (auth and validation included):
    - a NUL in the path, query string, form or JSON body is a 422 naming each field:
      PostgreSQL cannot store it, and this cannot be forgotten by a schema that leaves out
      `storable`;
    - a query parameter the route does not declare is a 422 naming it, so a misspelt filter
      (`?stauts=open`) is not silently ignored and the whole list returned."""
    # ninja applies view decorators to each operation's bound `run`: the operation itself.
    accepted = _query_names(getattr(run, "__self__", None))

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **path_params: Any) -> HttpResponseBase:
        fields = _fields_with_nul(request, path_params)
        if fields:
            return errors.nul_rejected(api, request, fields)
        if accepted is not None:
            unknown = sorted(set(request.GET) - accepted)
            if unknown:
                return errors.unknown_parameters(api, request, unknown, sorted(accepted))
        return run(request, *args, **path_params)

    return checked


# Ninja makes each operationId from its route's module path. voice's routes moved into
# feature sub-packages; they keep the ids of the modules they came from, so clients generated
# from the schema keep their method names.
_PUBLISHED_MODULES = {
    "groundswell.voice.dashboard.api": "groundswell.voice.api",
    "groundswell.voice.surveys.api": "groundswell.voice.survey_api",
    "groundswell.voice.invitations.api": "groundswell.voice.survey_api",
    "groundswell.voice.follow_ups.api": "groundswell.voice.survey_api",
}


class GroundswellApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        module = _PUBLISHED_MODULES.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = GroundswellApi(
    title="Groundswell API",
    version="1",
    urls_namespace="api-1",
    description=(
        "Read and write Groundswell's organisation data. Authenticate with an API key created "
        "by an administrator under Settings → API keys, sent as `Authorization: Bearer <key>`. "
        'Errors share one shape: `{"detail": "…", "errors": [{"field": "…", "message": "…"}]}`. '
        "A query parameter a route does not list is refused with a 422 that names it."
    ),
    auth=[ApiKeyAuth(), PersonSessionAuth()],
    # With `ninja` in INSTALLED_APPS the docs page loads Swagger UI from /static/ninja/.
    docs=Swagger(settings={"persistAuthorization": True}),
)
errors.install(api)
api.add_decorator(_guard, mode="view")
api.add_router("", people_router)
api.add_router("", ideas_router)
api.add_router("", desk_router)
api.add_router("", voice_metrics_router)
api.add_router("", voice_surveys_router)
api.add_router("", voice_invitations_router)
api.add_router("", voice_follow_ups_router)
api.add_router("", pulse_router)
api.add_router("", recognition_router)
api.add_router("", quality_router)
api.add_router("", learning_router)

# Mounted last, so it only sees paths no router claimed: they get the API's 404, not a page.
unknown_paths = Router(auth=None)


@unknown_paths.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404


api.add_router("", unknown_paths)
