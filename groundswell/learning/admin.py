from django.contrib import admin

from groundswell.learning.models import Candidate, JobProfile, Programme, ReadinessOverride


@admin.register(JobProfile)
class JobProfileAdmin(admin.ModelAdmin[JobProfile]):
    list_display = ["title", "department", "is_active"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin[Candidate]):
    list_display = ["full_name", "profile", "team", "status", "created_at"]
    exclude = ["email"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ["person", "profile", "buddy", "signed_off_at"]
    raw_id_fields = ["person", "buddy", "signed_off_by"]


@admin.register(ReadinessOverride)
class ReadinessOverrideAdmin(admin.ModelAdmin[ReadinessOverride]):
    list_display = ["person", "granted_by", "until", "created_at"]
    raw_id_fields = ["person", "granted_by"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the audit of overrides is never rewritten
