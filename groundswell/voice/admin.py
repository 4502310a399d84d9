"""Admin for customer surveys: rules are editable, published wording never changes."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from groundswell.voice.models import FollowUp, FollowUpAttempt, Invitation, Survey, SurveyVersion


class SurveyVersionInline(admin.TabularInline[SurveyVersion, Survey]):
    model = SurveyVersion
    extra = 0
    fields = ("number", "question", "low_label", "high_label", "comment_prompt", "reason_codes")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ("name", "kind", "is_active", "send_delay_minutes", "resurvey_days")
    list_filter = ("kind", "is_active")
    inlines = [SurveyVersionInline]


@admin.register(SurveyVersion)
class SurveyVersionAdmin(admin.ModelAdmin[SurveyVersion]):
    """New wording is added as a new version; a published version is read-only."""

    list_display = ("survey", "number", "question", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = (
        "pk",
        "interaction",
        "customer",
        "channel",
        "send_after",
        "sent_at",
        "expires_at",
    )
    list_select_related = ("interaction", "customer")
    raw_id_fields = ("interaction", "customer", "version")
    readonly_fields = ("token_hash", "claimed_at")


class FollowUpAttemptInline(admin.TabularInline[FollowUpAttempt, FollowUp]):
    model = FollowUpAttempt
    extra = 0
    readonly_fields = ["outcome", "note", "closed_at", "closed_by"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin[FollowUp]):
    inlines = [FollowUpAttemptInline]
    list_display = ("pk", "team", "owner", "due_at", "status", "outcome")
    list_filter = ("status", "outcome")
    raw_id_fields = ("response", "owner", "closed_by")
    readonly_fields = ("notice_claimed_at", "notice_sent_at")
