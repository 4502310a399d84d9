from django.contrib import admin

from groundswell.recognition.models import Compliment, HeroNomination, Kudos, Value


@admin.register(Value)
class ValueAdmin(admin.ModelAdmin[Value]):
    list_display = ["name", "position", "is_retired"]
    list_filter = ["is_retired"]


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin[Kudos]):
    list_display = ["giver", "recipient", "team", "created_at", "is_private", "is_hidden"]
    list_filter = ["is_private", "is_hidden", "source"]
    raw_id_fields = ["giver", "recipient", "team", "interaction", "hidden_by"]


@admin.register(Compliment)
class ComplimentAdmin(admin.ModelAdmin[Compliment]):
    list_display = ["agent", "team", "status", "received_at"]
    list_filter = ["status"]
    raw_id_fields = ["response", "agent", "reviewed_by"]


@admin.register(HeroNomination)
class HeroNominationAdmin(admin.ModelAdmin[HeroNomination]):
    list_display = ["nominee", "nominated_by", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["nominee", "nominated_by", "interaction", "decided_by"]
