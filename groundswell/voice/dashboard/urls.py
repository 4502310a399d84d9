from django.urls import path

from groundswell.voice.dashboard import views

app_name = "voice_dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("by-<slug:table>.csv", views.dashboard_export, name="export"),
]
