from django.contrib import admin

from groundswell.desk.models import Customer, ImportJob, Interaction, InteractionNote, Promise


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ["name", "email", "language", "segment", "is_opted_out"]
    list_filter = ["language", "is_opted_out"]
    search_fields = ["name", "email"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin[Interaction]):
    list_display = ["subject", "team", "handled_by", "channel", "status", "opened_at", "source"]
    list_filter = ["status", "channel", "source"]
    search_fields = ["subject", "external_id"]
    raw_id_fields = ["customer", "requester_person", "handled_by", "team"]
    list_select_related = ["team", "handled_by"]
    # The table holds millions of rows: no page counts them all.
    show_full_result_count = False


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin[Promise]):
    list_display = ["interaction", "kind", "due_at", "status"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["interaction", "made_by"]


@admin.register(InteractionNote)
class InteractionNoteAdmin(admin.ModelAdmin[InteractionNote]):
    list_display = ["interaction", "author", "created_at"]
    raw_id_fields = ["interaction", "author"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = ["filename", "created_by", "status", "total", "created_count", "created_at"]
    list_filter = ["status", "preset"]
    readonly_fields = ["report"]
    exclude = ["upload"]
