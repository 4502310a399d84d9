from django.urls import path

from groundswell.api import views

app_name = "api_keys"
urlpatterns = [
    path("", views.key_list, name="list"),
]
