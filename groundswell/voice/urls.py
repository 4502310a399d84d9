from django.urls import path

from groundswell.voice import public_views, views

app_name = "voice"
urlpatterns = [
    path("follow-ups/", views.follow_up_list, name="follow-up-list"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow-up-detail"),
    path("follow-ups/<int:pk>/close/", views.follow_up_close, name="follow-up-close"),
    path("surveys/", views.survey_list, name="survey-list"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/versions/", views.survey_publish, name="survey-publish"),
    path("surveys/<int:pk>/rules/", views.survey_rules, name="survey-rules"),
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
