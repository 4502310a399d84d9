from django.contrib import admin

from groundswell.people.models import Department, Person, Team


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "department", "lead"]
    list_filter = ["department"]
    search_fields = ["name"]
    autocomplete_fields = ["lead"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["full_name", "email", "role", "department", "team", "is_champion", "is_active"]
    list_filter = ["role", "is_active", "is_champion", "department"]
    search_fields = ["full_name", "email", "job_title"]
    autocomplete_fields = ["user", "team", "manager", "buddy"]
    list_select_related = ["department", "team"]
