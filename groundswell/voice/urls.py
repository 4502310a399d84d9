from django.urls import include, path

from groundswell.voice.invitations import public_views

# The staff pages of each feature, all in the `voice` namespace; the dashboard has its own
# (voice/dashboard/urls.py), mounted by the top.
app_name = "voice"
urlpatterns = [
    path("follow-ups/", include("groundswell.voice.follow_ups.urls")),
    path("surveys/", include("groundswell.voice.surveys.urls")),
]

# The public survey page, mounted at /s/ without a trailing slash: a POST cannot follow
# the APPEND_SLASH redirect, and a link is shorter in an email.
public_patterns = (
    [
        path("<str:token>", public_views.survey_page, name="page"),
        path("<str:token>/", public_views.survey_page),
        path("<str:token>/thanks", public_views.survey_thanks, name="thanks"),
    ],
    "survey",
)
