from django.urls import path

from groundswell.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.home, name="home"),
]
