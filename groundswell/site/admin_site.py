from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from groundswell.people.permissions import Action, can_everywhere


class GroundswellAdminSite(admin.AdminSite):
    """Django's admin, open only to staff accounts whose person holds the admin role."""

    site_header = "Groundswell administration"
    site_title = "Groundswell admin"

    def has_permission(self, request: HttpRequest) -> bool:
        person = getattr(request, "person", None)
        return super().has_permission(request) and can_everywhere(person, Action.USE_ADMIN_SITE)


class GroundswellAdminConfig(AdminConfig):
    default_site = "groundswell.site.admin_site.GroundswellAdminSite"
