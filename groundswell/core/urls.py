from django.urls import path

from groundswell.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/full", views.healthz_full, name="healthz-full"),
]
