"""Forms for the open door pages; they only parse input, the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.ideas.choices import IdeaCategory, IdeaKind, IdeaStatus
from groundswell.ideas.models import MAX_BODY_LENGTH, MAX_TITLE_LENGTH, Policy
from groundswell.people.models import Department, Person

MINE_CHOICES = [
    ("", _("Everyone's")),
    ("submitted", _("Submitted by me (named)")),
    ("owned", _("Owned by me")),
]


class IdeaForm(forms.Form):
    kind = forms.ChoiceField(label=_("What are you raising?"), choices=IdeaKind.choices)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH)
    body = forms.CharField(
        label=_("Details"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happens, who it affects, and what you would change."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=IdeaCategory.choices)
    department = forms.ModelChoiceField(
        label=_("Department it concerns"), queryset=Department.objects.all()
    )
    policy = forms.ModelChoiceField(
        label=_("Policy"),
        queryset=Policy.objects.all(),
        required=False,
        help_text=_("Required for policy friction: which policy got in the way?"),
    )
    is_anonymous = forms.BooleanField(
        label=_("Submit anonymously"),
        required=False,
        help_text=_(
            "Your name is not stored. You get a private follow-up code to read replies "
            "and answer back."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == IdeaKind.POLICY_FRICTION and not data.get("policy"):
            self.add_error("policy", _("Name the policy that got in the way."))
        return data


class IdeaFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *IdeaStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *IdeaKind.choices], required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        to_field_name="slug",
        empty_label=_("Any department"),
        required=False,
    )
    mine = forms.ChoiceField(label=_("Whose"), choices=MINE_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def filters(self) -> dict[str, Any]:
        """The valid filters, ready for `selectors.list_ideas`; invalid ones are dropped."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data[name]
            for name in ("status", "kind", "department", "mine", "overdue")
            if name in data and data[name] not in (None, "")
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=IdeaStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_BODY_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining (the reason) and when done (what changed)."),
    )

    def __init__(self, *args: Any, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["status"])
        field.choices = [(value, IdeaStatus(value).label) for value in allowed]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), max_length=MAX_BODY_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class FollowUpForm(forms.Form):
    code = forms.CharField(
        label=_("Follow-up code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_BODY_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PolicyForm(forms.ModelForm[Policy]):
    class Meta:
        model = Policy
        fields = [
            "name",
            "owner",
            "summary",
            "empowerment",
            "limit_amount",
            "currency",
            "review_by",
        ]
        widgets = {"review_by": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = cast("forms.ModelChoiceField[Person]", self.fields["owner"])
        owner.queryset = Person.objects.active()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("limit_amount") is not None and not data.get("currency"):
            self.add_error("currency", _("Give the currency of the limit amount."))
        return data

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReviewForm(forms.Form):
    next_review_by = forms.DateField(
        label=_("Next review by"), widget=forms.DateInput(attrs={"type": "date"})
    )
