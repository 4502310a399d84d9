from django.contrib import admin

from groundswell.ideas.models import Idea, Policy, RoutingRule


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin[Policy]):
    list_display = ["name", "owner", "review_by", "limit_amount", "currency"]
    search_fields = ["name", "summary"]
    autocomplete_fields = ["owner"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ["category", "department", "owner"]
    list_filter = ["category", "department"]
    autocomplete_fields = ["owner"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin[Idea]):
    """Read-mostly: the submitter of an anonymous submission is not stored, so never shown."""

    list_display = ["title", "kind", "status", "department", "owner", "acknowledge_by"]
    list_filter = ["status", "kind", "department"]
    search_fields = ["title"]
    exclude = ["follow_up_code_hash", "submitted_by"]
    readonly_fields = ["submitted_at", "is_anonymous", "reminded_at", "acknowledged_at"]
    autocomplete_fields = ["owner", "policy"]
