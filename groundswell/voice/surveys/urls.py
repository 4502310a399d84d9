"""The survey pages, under /voice/surveys/ in the `voice` namespace (voice/urls.py)."""

from django.urls import path

from groundswell.voice.surveys import views

urlpatterns = [
    path("", views.survey_list, name="survey-list"),
    path("<int:pk>/", views.survey_detail, name="survey-detail"),
    path("<int:pk>/versions/", views.survey_publish, name="survey-publish"),
    path("<int:pk>/rules/", views.survey_rules, name="survey-rules"),
]
