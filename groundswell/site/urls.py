from django.urls import path

from groundswell.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<slug:slug>/", views.area, name="area"),
    path("settings/operations/", views.operations, name="operations"),
]
