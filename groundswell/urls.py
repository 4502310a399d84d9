"""The site's URLs: the top of the stack mounts every app's pages and the API (site/api.py)."""

from django.contrib import admin
from django.urls import include, path

from groundswell.learning.urls import public_patterns as interview_link_patterns
from groundswell.pulse.urls import public_patterns as pulse_answer_patterns
from groundswell.site.api import api
from groundswell.voice.urls import public_patterns as survey_patterns

urlpatterns = [
    # The busiest prefixes first: Django tries the patterns in order on every request.
    path("s/", include(survey_patterns)),
    path("api/v1/", api.urls),
    path("", include("groundswell.site.urls")),
    path("", include("groundswell.core.urls")),
    path("accounts/", include("groundswell.core.auth_urls")),
    path("people/", include("groundswell.people.urls")),
    path("desk/", include("groundswell.desk.urls")),
    path("ideas/", include("groundswell.ideas.urls")),
    path("voice/dashboard/", include("groundswell.voice.dashboard.urls")),
    path("voice/", include("groundswell.voice.urls")),
    path("pulse/", include("groundswell.pulse.urls")),
    path("quality/", include("groundswell.quality.urls")),
    path("p/", include(pulse_answer_patterns)),
    path("recognition/", include("groundswell.recognition.urls")),
    path("learning/", include("groundswell.learning.urls")),
    path("i/", include(interview_link_patterns)),
    path("settings/api-keys/", include("groundswell.api.urls")),
    path("admin/", admin.site.urls),
]
