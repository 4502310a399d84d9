"""Forms for the people pages: they parse and offer choices; the rules live in services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from groundswell.core.widgets import FilterSelect
from groundswell.people import imports, selectors
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, roles_to_offer, teams_in_scope


class TeamChoiceField(forms.ModelChoiceField[Team]):
    """Teams labelled with their department, since team names repeat across departments."""

    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} ({obj.department.name})"


class _TeamOptions(ModelChoiceIterator[Team]):
    """Teams as "Team (Department)", read as values."""

    def __iter__(self) -> Iterator[tuple[ModelChoiceIteratorValue | str, str]]:
        if self.field.empty_label is not None:
            yield "", str(self.field.empty_label)
        for pk, name, department in self.queryset.values_list("pk", "name", "department__name"):
            yield str(pk), f"{name} ({department})"


class _PersonOptions(ModelChoiceIterator[Person]):
    """People by full name, read as values."""

    def __iter__(self) -> Iterator[tuple[ModelChoiceIteratorValue | str, str]]:
        if self.field.empty_label is not None:
            yield "", str(self.field.empty_label)
        for pk, full_name in self.queryset.values_list("pk", "full_name"):
            yield str(pk), full_name


class TeamFilterField(forms.ModelChoiceField[Team]):
    iterator = _TeamOptions
    widget = FilterSelect


class _TeamSlugOptions(ModelChoiceIterator[Team]):
    """Teams as "Team (Department)" by slug (the directory's links use slugs), read as values."""

    def __iter__(self) -> Iterator[tuple[ModelChoiceIteratorValue | str, str]]:
        if self.field.empty_label is not None:
            yield "", str(self.field.empty_label)
        rows = self.queryset.values_list("slug", "name", "department__name")
        for slug, name, department in rows:
            yield slug, f"{name} ({department})"


class DirectoryTeamField(forms.ModelChoiceField[Team]):
    iterator = _TeamSlugOptions
    widget = FilterSelect


class PersonFilterField(forms.ModelChoiceField[Person]):
    iterator = _PersonOptions
    widget = FilterSelect


# Beyond this many teams a team filter lists only the chosen department's teams: a list of
# thousands is no help to read, and its cost would grow with the organisation.
TEAM_CHOICES_AT_MOST = 200


def teams_to_offer(data: Any, *, key: str = "pk") -> QuerySet[Team]:
    """The teams a filter form offers, from its submitted `data` (department and team, given by
    `key`: "pk" or "slug"): the chosen department's; with none chosen, every team while they
    are at most TEAM_CHOICES_AT_MOST, else only a team the query names (a link from elsewhere
    still works)."""
    teams = Team.objects.all()
    data = data or {}
    department = str(data.get("department") or "")
    if department and (key != "pk" or department.isdigit()):
        return teams.filter(**{f"department__{key}": department})
    if teams.count() <= TEAM_CHOICES_AT_MOST:
        return teams
    team = str(data.get("team") or "")
    if team and (key != "pk" or team.isdigit()):
        return teams.filter(**{key: team})
    return teams.none()


class DirectoryFilterForm(forms.Form):
    """The directory's search box and filters; every field is optional."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, email or job title")}
        ),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All departments"),
    )
    # Written without templates: an organisation of 100,000 people has 5,000 teams to offer.
    team = DirectoryTeamField(
        label=_("Team"),
        queryset=Team.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All teams"),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_to_offer(self.data, key="slug")  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments for `selectors.list_directory`.

        An unknown value (a stale link, a renamed team) is dropped rather than refused, so the
        directory always answers.
        """
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "search": cleaned.get("q") or "",
            "department": cleaned.get("department"),
            "team": cleaned.get("team"),
            "role": cleaned.get("role") or "",
        }


class PersonForm(forms.ModelForm[Person]):
    """Edit a person; the choices offered are only those the editing person may assign."""

    class Meta:
        model = Person
        fields = (
            "full_name",
            "email",
            "job_title",
            "role",
            "department",
            "team",
            "manager",
            "buddy",
            "hire_date",
            "is_champion",
            "is_active",
        )
        widgets = {"hire_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        field_classes = {"team": TeamChoiceField}

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.instance
        roles = roles_to_offer(actor, person)
        role_field: Any = self.fields["role"]
        role_field.choices = [(role.value, role.label) for role in roles]
        role_field.disabled = len(roles) == 1
        # Nobody switches themselves off; the service refuses it too, this only says so early.
        self.fields["is_active"].disabled = person.pk == actor.pk
        self.fields["team"].queryset = Team.objects.select_related("department")  # type: ignore[attr-defined]
        self._limit("department", selectors.assignable_departments(actor), person.department_id)
        self._limit("team", teams_in_scope(actor, Action.CHANGE_PERSON), person.team_id)
        colleagues = selectors.assignable_colleagues(actor).exclude(pk=person.pk)
        self._limit("manager", colleagues, person.manager_id)
        self._limit("buddy", colleagues, person.buddy_id)

    def _limit(self, name: str, allowed: QuerySet[Any], current: int | None) -> None:
        """Offer only `allowed`, plus the current value so an unchanged field always saves."""
        field: Any = self.fields[name]
        field.queryset = field.queryset.filter(Q(pk__in=allowed.values("pk")) | Q(pk=current))

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        # The database refuses duplicates too; this only words the refusal kindly.
        if Person.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Someone else already has this email address."))
        return email

    def changes(self) -> dict[str, Any]:
        """The fields the user changed, with their new values, for `services.update_person`."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class ImportUploadForm(forms.Form):
    """The CSV (or Excel) file to preview before importing."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 text, with commas or semicolons between the columns; or an Excel (.xlsx) "
            "workbook, whose first sheet is read."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.xlsx"}),
    )

    def clean_file(self) -> tuple[bytes, str]:
        """The file's bytes and the name it was uploaded under."""
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB. Split it into smaller files."),
                params={"limit": imports.MAX_FILE_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return bytes(upload.read()), str(upload.name or "")


class ImportConfirmForm(forms.Form):
    """Confirms the previewed file, named by the id of its upload (core.Upload)."""

    upload = forms.UUIDField(widget=forms.HiddenInput)
