from django.contrib import admin

from groundswell.quality.models import (
    Calibration,
    CoachingSession,
    Criterion,
    Dispute,
    QueueItem,
    QueueRule,
    Review,
    ReviewerGrant,
    RootCause,
    Scorecard,
    ScorecardVersion,
    ScoreChange,
)


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin[Scorecard]):
    list_display = ["name", "department", "team", "channel", "is_active"]
    search_fields = ["name"]


class CriterionInline(admin.TabularInline[Criterion, ScorecardVersion]):
    model = Criterion
    extra = 0
    fields = ["section", "behaviour", "scale", "weight", "allows_na", "is_critical", "is_bonus"]


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(admin.ModelAdmin[ScorecardVersion]):
    list_display = ["scorecard", "number", "created_at"]
    inlines = [CriterionInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ["interaction", "agent", "reviewer", "status", "score", "is_failed"]
    list_filter = ["status", "is_self_review", "is_failed"]
    raw_id_fields = ["interaction", "agent", "reviewer", "version", "team", "calibration"]


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin[Dispute]):
    list_display = ["review", "criterion", "raised_by", "status", "decided_by"]
    raw_id_fields = ["review", "criterion", "raised_by", "decided_by"]


@admin.register(ScoreChange)
class ScoreChangeAdmin(admin.ModelAdmin[ScoreChange]):
    list_display = [
        "review",
        "criterion",
        "changed_by",
        "changed_at",
        "value_before",
        "value_after",
    ]
    raw_id_fields = ["review", "criterion", "dispute", "changed_by"]


admin.site.register(ReviewerGrant)
admin.site.register(QueueRule)
admin.site.register(QueueItem)
admin.site.register(CoachingSession)
admin.site.register(RootCause)
admin.site.register(Calibration)
