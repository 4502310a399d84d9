from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.people.forms import teams_to_offer
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import (
    Action,
    can_everywhere,
    departments_in_scope,
    teams_in_scope,
)
from groundswell.pulse import item_bank
from groundswell.pulse.choices import (
    DEFAULT_GROUP_SIZE,
    MAX_GROUP_SIZE,
    MIN_GROUP_SIZE,
    ActionStatus,
    CampaignKind,
    Schedule,
)
from groundswell.pulse.models import Campaign


class CampaignForm(forms.Form):
    """A new campaign; its audience is limited to the teams and departments the actor manages."""

    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices)
    schedule = forms.ChoiceField(label=_("Schedule"), choices=Schedule.choices)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=Team.objects.none(), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"), queryset=Department.objects.none(), required=False
    )
    elements = forms.MultipleChoiceField(
        label=_("Elements to ask about (pulse only)"),
        choices=[(e.code, e.label) for e in item_bank.ELEMENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A culture assessment always asks about every element."),
    )
    include_enps = forms.BooleanField(
        label=_("Ask the eNPS question"), required=False, initial=True
    )
    custom_statement = forms.CharField(
        label=_("Your own statement (optional, answered 1 to 5)"), max_length=300, required=False
    )
    open_days = forms.IntegerField(label=_("Days open"), min_value=1, max_value=90, initial=14)
    min_group_size = forms.IntegerField(
        label=_("Minimum group size"),
        min_value=MIN_GROUP_SIZE,
        max_value=MAX_GROUP_SIZE,
        initial=DEFAULT_GROUP_SIZE,
        help_text=_("Results of smaller groups are never shown."),
    )

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams_in_scope(actor, Action.MANAGE_PULSES)  # type: ignore[attr-defined]
        department_ids = departments_in_scope(actor, Action.MANAGE_PULSES)
        departments = Department.objects.all()
        if department_ids is not None:
            departments = departments.filter(pk__in=department_ids)
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]
        if not can_everywhere(actor, Action.SET_ANONYMITY_MINIMUM):
            del self.fields["min_group_size"]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["custom_statements"] = [data.pop("custom_statement")]
        return data


class ResultsFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    wave = forms.TypedChoiceField(label=_("Wave"), coerce=int, required=False, empty_value=None)

    def __init__(self, data: Any = None, *, campaign: Campaign | None = None) -> None:
        super().__init__(data)
        teams = teams_to_offer(self.data).order_by("name", "pk")
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        waves = campaign.waves.order_by("-number") if campaign is not None else []
        self.fields["wave"].choices = [  # type: ignore[attr-defined]
            ("", _("Latest")),
            *[(wave.number, _("Wave %(n)s") % {"n": wave.number}) for wave in waves],
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k != "wave" and v is not None}


class ActionItemForm(forms.Form):
    """An action on an element of a wave's results, for a team or department in reach."""

    element = forms.ChoiceField(label=_("Element"))
    scope = forms.ChoiceField(label=_("For"))
    title = forms.CharField(label=_("What will be done"), max_length=150)
    description = forms.CharField(
        label=_("Details (optional)"), max_length=2000, required=False, widget=forms.Textarea
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none())
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        data: Any = None,
        *,
        actor: Person,
        measures: list[tuple[str, str]],
        scopes: list[Team | Department],
        owners: list[Person],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.fields["element"].choices = measures  # type: ignore[attr-defined]
        self._scopes = {_scope_key(scope): scope for scope in scopes}
        self.fields["scope"].choices = [  # type: ignore[attr-defined]
            (key, _team_or_department(scope)) for key, scope in self._scopes.items()
        ]
        self.fields["owner"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=[owner.pk for owner in owners]
        )
        if actor in owners and not self.is_bound:
            self.initial.setdefault("owner", actor.pk)
        if not self.is_bound and actor.team_id is not None:
            self.initial.setdefault("scope", f"team-{actor.team_id}")

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        scope = self._scopes[data.pop("scope")]
        data["team" if isinstance(scope, Team) else "department"] = scope
        return data


def _scope_key(scope: Team | Department) -> str:
    return f"team-{scope.pk}" if isinstance(scope, Team) else f"department-{scope.pk}"


def _team_or_department(scope: Team | Department) -> str:
    if isinstance(scope, Team):
        return str(_("Team %(name)s") % {"name": scope.name})
    return str(_("All of %(name)s") % {"name": scope.name})


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
