"""The Groundswell API: django-ninja under /api/v1, each app's router mounted here.

Every route needs authentication unless it says `auth=None`: an API key sent as
`Authorization: Bearer <key>`, or the session of a signed-in person.
"""

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Router, Swagger

from groundswell.api import errors
from groundswell.api.auth import ApiKeyAuth, PersonSessionAuth
from groundswell.desk.api import router as desk_router
from groundswell.ideas.api import router as ideas_router
from groundswell.people.api import router as people_router
from groundswell.pulse.api import router as pulse_router
from groundswell.voice.api import router as voice_metrics_router
from groundswell.voice.survey_api import router as voice_surveys_router

api = NinjaAPI(
    title="Groundswell API",
    version="1",
    urls_namespace="api-1",
    description=(
        "Read and write Groundswell's organisation data. Authenticate with an API key created "
        "by an administrator under Settings → API keys, sent as `Authorization: Bearer <key>`. "
        'Errors share one shape: `{"detail": "…", "errors": [{"field": "…", "message": "…"}]}`.'
    ),
    auth=[ApiKeyAuth(), PersonSessionAuth()],
    # With `ninja` in INSTALLED_APPS the docs page loads Swagger UI from /static/ninja/.
    docs=Swagger(settings={"persistAuthorization": True}),
)
errors.install(api)
api.add_router("", people_router)
api.add_router("", ideas_router)
api.add_router("", desk_router)
api.add_router("", voice_metrics_router)
api.add_router("", voice_surveys_router)
api.add_router("", pulse_router)

# Mounted last, so it only sees paths no router claimed: they get the API's 404, not a page.
unknown_paths = Router(auth=None)


@unknown_paths.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404


api.add_router("", unknown_paths)
