from django.contrib import admin
from django.http import HttpRequest

from groundswell.api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Keys are created on the API keys page, which shows the secret once; here they are read."""

    list_display = (
        "name",
        "prefix",
        "scope",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("scope",)
    search_fields = ("name", "prefix")
    readonly_fields = (
        "name",
        "prefix",
        "scope",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("key_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False
