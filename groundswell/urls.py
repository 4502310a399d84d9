from django.contrib import admin
from django.urls import include, path

from groundswell.api.api import api

urlpatterns = [
    path("", include("groundswell.core.urls")),
    path("accounts/", include("groundswell.core.auth_urls")),
    path("people/", include("groundswell.people.urls")),
    path("settings/api-keys/", include("groundswell.api.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
