"""Django's admin for the organisation. Only admins use it, but it asks the same change check as
every other path, so nobody changes their own role or switches themselves off here either, and
the last active admin stays one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from groundswell.people import hooks
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import (
    PersonChangeRefused,
    check_person_change,
    other_active_admins,
)
from groundswell.people.services import sync_login

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet


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


def _refuse_on_form(form: forms.BaseForm, error: PersonChangeRefused | ValidationError) -> None:
    """Show a refused change against the field it names (or the whole form)."""
    if isinstance(error, PersonChangeRefused):
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class PersonAdminForm(forms.ModelForm[Person]):
    """The admin's person form; `actor` is set per request by PersonAdmin.get_form."""

    actor: Person | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        stored = None
        if self.instance.pk is not None:
            # The stored record, not the instance this form is about to edit.
            stored = Person.objects.select_related("department", "team", "user").get(
                pk=self.instance.pk
            )
            changes = {name: cleaned[name] for name in self.changed_data if name in cleaned}
        else:
            changes = dict(cleaned)
        try:
            check_person_change(self.actor, stored, changes)
        except (PersonChangeRefused, ValidationError) as error:
            _refuse_on_form(self, error)
        return cleaned


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    form = PersonAdminForm
    list_display = ["full_name", "email", "role", "department", "team", "is_champion", "is_active"]
    list_filter = ["role", "is_active", "is_champion", "department"]
    search_fields = ["full_name", "email", "job_title"]
    autocomplete_fields = ["user", "team", "manager", "buddy"]
    list_select_related = ["department", "team"]

    def get_form(
        self, request: HttpRequest, obj: Person | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": getattr(request, "person", None)})

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        if obj.email:
            obj.email = obj.email.strip().lower()
        super().save_model(request, obj, form, change)
        if obj.user_id is not None and {"email", "is_active", "user"} & set(form.changed_data):
            sync_login(obj)  # the login follows the email and the active flag, as elsewhere
        if change and "is_active" in form.changed_data and not obj.is_active:
            hooks.person_deactivated(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        if obj is not None and not _may_remove(request, [obj]):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        if not _may_remove(request, list(queryset)):
            raise PermissionDenied("Nobody removes themselves or the last active admin.")
        super().delete_queryset(request, queryset)


def _may_remove(request: HttpRequest, people: list[Person]) -> bool:
    """Removing people deactivates them for good: the same check as switching them off."""
    actor = getattr(request, "person", None)
    leaving = {person.pk for person in people}
    for person in people:
        try:
            check_person_change(actor, person, {"is_active": False})
        except (PermissionDenied, ValidationError):
            return False
        if (
            person.role == Role.ADMIN
            and not other_active_admins(person).exclude(pk__in=leaving).exists()
        ):
            return False
    return True


# What a login's fields mean for its person: switching it off is switching them off; the rest
# (how they sign in, staff and superuser powers) is their login.
LOGIN_FIELDS = {
    "username": "user",
    "email": "user",
    "is_staff": "user",
    "is_superuser": "user",
    "groups": "user",
    "user_permissions": "user",
    "is_active": "is_active",
}


class LoginAdminForm(forms.ModelForm["User"]):
    """Mixed into the user admin's forms: a change to a person's login is a change to them."""

    actor: Person | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        person = Person.objects.filter(user_id=self.instance.pk).select_related(
            "department", "team", "user"
        )
        target = person.first() if self.instance.pk is not None else None
        if target is None or self.errors:
            return cleaned
        changes: dict[str, Any] = {}
        for name in self.changed_data:
            if name in LOGIN_FIELDS:
                meaning = LOGIN_FIELDS[name]
                changes[meaning] = cleaned[name] if meaning == "is_active" else target.user
        try:
            check_person_change(self.actor, target, changes)
        except (PersonChangeRefused, ValidationError) as error:
            message = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.add_error(None, message)
        return cleaned


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class LoginAdmin(UserAdmin):  # type: ignore[type-arg]
    """Django's user admin, asking the person change check before a login changes."""

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = getattr(request, "person", None)
        return type(form.__name__, (LoginAdminForm, form), {"actor": actor})

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        person = Person.objects.filter(user=obj).first() if obj is not None else None
        if person is not None and not _may_remove(request, [person]):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        if not _may_remove(request, list(Person.objects.filter(user__in=queryset))):
            raise PermissionDenied("Nobody removes their own login or the last active admin's.")
        super().delete_queryset(request, queryset)
