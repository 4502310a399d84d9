from django.urls import path

from groundswell.api import views

app_name = "api_keys"
urlpatterns = [
    path("", views.key_list, name="list"),
    path("new/", views.key_create, name="create"),
    path("<int:pk>/revoke/", views.key_revoke, name="revoke"),
]
