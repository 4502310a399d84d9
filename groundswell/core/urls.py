from django.urls import path

from groundswell.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<slug:slug>/", views.area, name="area"),
    path("healthz", views.healthz, name="healthz"),
]
