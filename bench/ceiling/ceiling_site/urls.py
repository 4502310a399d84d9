"""The same paths as Groundswell's, so one load profile fits both."""

from django.urls import path

from ceiling import views

urlpatterns = [
    path("s/<str:token>", views.survey_submit),
    path("s/<str:token>/thanks", views.survey_thanks),
    path("api/v1/interactions", views.ingest),
    path("api/v1/interactions/import", views.import_csv),
    path("desk/", views.interaction_list),
    path("desk/recent", views.interaction_list_without_count),
    path("voice/dashboard/", views.dashboard),
]
