from django.urls import path

from groundswell.voice import dashboard_views

app_name = "voice_dashboard"
urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("by-<slug:table>.csv", dashboard_views.dashboard_export, name="export"),
]
