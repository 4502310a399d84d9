"""Forms for quality pages; they parse and label, the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from groundswell.desk.choices import Channel
from groundswell.ideas.models import Policy
from groundswell.people.models import Department, Person, Team
from groundswell.quality.choices import CriterionScale, ReviewStatus, RootCauseKind
from groundswell.quality.models import MAX_WEIGHT, Criterion, QueueRule, ScorecardVersion
from groundswell.quality.services import CriterionInput, ScoreInput

NA = "na"


def _value_choices(criterion: Criterion) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", str(_("Not scored yet")))]
    if criterion.scale == CriterionScale.YES_NO:
        choices += [("1", str(_("Yes"))), ("0", str(_("No")))]
    else:
        choices += [(str(n), str(n)) for n in range(1, 6)]
    if criterion.allows_na:
        choices.append((NA, str(_("N/A"))))
    return choices


class ReviewForm(forms.Form):
    """One value and one comment per criterion of the review's version, and an overall comment."""

    comment = forms.CharField(
        label=_("Overall comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"value_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.behaviour,
                choices=_value_choices(criterion),
                required=False,
                help_text=criterion.good_looks_like,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": criterion.behaviour},
                required=False,
                max_length=5000,
            )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"value_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, ScoreInput]:
        """The answers given; a criterion left blank with no comment is not sent."""
        answers: dict[int, ScoreInput] = {}
        for criterion in self.criteria:
            raw = self.cleaned_data.get(f"value_{criterion.pk}", "")
            comment = self.cleaned_data.get(f"comment_{criterion.pk}", "")
            if raw == "" and not comment:
                continue
            answers[criterion.pk] = ScoreInput(
                value=int(raw) if raw not in ("", NA) else None, is_na=raw == NA, comment=comment
            )
        return answers

    @staticmethod
    def initial_from(review_scores: Sequence[Any], comment: str) -> dict[str, Any]:
        initial: dict[str, Any] = {"comment": comment}
        for row in review_scores:
            value = NA if row.is_na else ("" if row.value is None else str(row.value))
            initial[f"value_{row.criterion_id}"] = value
            initial[f"comment_{row.criterion_id}"] = row.comment
        return initial


class PickForm(forms.Form):
    interaction = forms.IntegerField(label=_("Interaction number"), min_value=1)


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ReviewStatus.choices], required=False
    )
    mine = forms.ChoiceField(
        label=_("Whose"),
        choices=[
            ("", _("Everyone's")),
            ("about_me", _("Of my work")),
            ("by_me", _("Written by me")),
        ],
        required=False,
    )

    def filters(self) -> dict[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("status", "mine") if data.get(name)}


class DisputeForm(forms.Form):
    criterion = forms.TypedChoiceField(label=_("Criterion you disagree with"), coerce=int)
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.pk, c.behaviour) for c in criteria]  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("reject", _("The score stands")), ("uphold", _("Change the score"))],
        widget=forms.RadioSelect,
    )
    value = forms.ChoiceField(label=_("New score"), required=False)
    note = forms.CharField(
        label=_("Explanation for the agent"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, criterion: Criterion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = _value_choices(criterion)  # type: ignore[attr-defined]

    def decision_kwargs(self) -> dict[str, Any]:
        raw = self.cleaned_data["value"]
        return {
            "uphold": self.cleaned_data["decision"] == "uphold",
            "value": int(raw) if raw not in ("", NA) else None,
            "is_na": raw == NA,
            "note": self.cleaned_data["note"],
        }


class RootCauseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Cause"), choices=RootCauseKind.choices)
    criterion = forms.TypedChoiceField(
        label=_("Failed criterion"), coerce=int, required=False, empty_value=None
    )
    policy = forms.ModelChoiceField(
        label=_("Policy that got in the way"),
        queryset=Policy.objects.order_by("name"),
        required=False,
        help_text=_("Needed for a policy cause; a process cause may name one too."),
    )
    note = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [  # type: ignore[attr-defined]
            ("", _("The review as a whole")),
            *[(c.pk, c.behaviour) for c in criteria],
        ]
        self.by_pk = {c.pk: c for c in criteria}


class QueueRuleForm(forms.ModelForm[QueueRule]):
    class Meta:
        model = QueueRule
        fields = [
            "sample_per_agent",
            "every_poor_answer",
            "new_hire_weeks",
            "new_hire_extra",
            "due_days",
        ]


class ScorecardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Every team of the department"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Every channel")), *Channel.choices], required=False
    )

    def __init__(
        self, *args: Any, departments: QuerySet[Department], teams: QuerySet[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class CriterionForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=120)
    behaviour = forms.CharField(label=_("Behaviour"), max_length=200)
    good_looks_like = forms.CharField(
        label=_("What good looks like"), required=False, max_length=2000
    )
    scale = forms.ChoiceField(label=_("Scale"), choices=CriterionScale.choices)
    weight = forms.DecimalField(
        label=_("Weight"), max_digits=6, decimal_places=2, initial=Decimal(1), max_value=MAX_WEIGHT
    )
    allows_na = forms.BooleanField(label=_("N/A allowed"), required=False)
    is_critical = forms.BooleanField(label=_("Critical"), required=False)
    is_bonus = forms.BooleanField(label=_("Bonus"), required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)


def criteria_from(formset: Any) -> list[CriterionInput]:
    """The criteria of a valid formset, in order, without the deleted and the empty rows."""
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        items.append(
            CriterionInput(
                section=data["section"],
                behaviour=data["behaviour"],
                good_looks_like=data.get("good_looks_like", ""),
                scale=data["scale"],
                weight=data["weight"],
                allows_na=data.get("allows_na", False),
                is_critical=data.get("is_critical", False),
                is_bonus=data.get("is_bonus", False),
                key=data.get("key", ""),
            )
        )
    return items


def initial_criteria(criteria: Sequence[Criterion]) -> list[dict[str, Any]]:
    return [
        {
            "section": c.section.title,
            "behaviour": c.behaviour,
            "good_looks_like": c.good_looks_like,
            "scale": c.scale,
            "weight": c.weight,
            "allows_na": c.allows_na,
            "is_critical": c.is_critical,
            "is_bonus": c.is_bonus,
            "key": c.key,
        }
        for c in criteria
    ]


class GrantForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    team = forms.ModelChoiceField(label=_("Team to review"), queryset=Team.objects.none())

    def __init__(
        self, *args: Any, people: QuerySet[Person], teams: QuerySet[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class CoachingForm(forms.Form):
    focus_keys = forms.MultipleChoiceField(
        label=_("Behaviours in focus"), widget=forms.CheckboxSelectMultiple
    )
    planned_for = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    follow_up_on = forms.DateField(
        label=_("Follow up on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, behaviours: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["focus_keys"].choices = list(behaviours)  # type: ignore[attr-defined]


class ReflectionForm(forms.Form):
    reflection = forms.CharField(
        label=_("Your reflection"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class CoachingOutcomeForm(forms.Form):
    agreed_actions = forms.CharField(
        label=_("Agreed actions"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    follow_up_on = forms.DateField(
        label=_("Follow up on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    held = forms.BooleanField(label=_("The session took place"), required=False)


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one of that
    name, otherwise at the top of the form, where the message names the problem itself."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def _version_label(version: ScorecardVersion) -> str:
    return f"{version.scorecard.name}, v{version.number}"


class CalibrationForm(forms.Form):
    """A new calibration: the service checks the reviewers' number and everyone's reach."""

    name = forms.CharField(label=_("Name"), max_length=150)
    version = forms.ModelChoiceField(
        label=_("Scorecard version"), queryset=ScorecardVersion.objects.none()
    )
    interactions = forms.CharField(
        label=_("Interactions to score (their numbers)"),
        help_text=_("Separate the numbers with commas or spaces."),
        max_length=2000,
    )
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers (at least two)"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        versions: QuerySet[ScorecardVersion],
        people: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["version"].label_from_instance = _version_label  # type: ignore[attr-defined]
        self.fields["reviewers"].queryset = people  # type: ignore[attr-defined]

    def clean_interactions(self) -> list[int]:
        text: str = self.cleaned_data["interactions"]
        numbers = []
        for part in text.replace(",", " ").split():
            if not part.isdigit() or int(part) < 1:
                raise ValidationError(
                    _("“%(part)s” is not an interaction number."), params={"part": part}
                )
            numbers.append(int(part))
        if not numbers:
            raise ValidationError(_("Give at least one interaction number."))
        return numbers


class PeriodForm(forms.Form):
    """How far back a page looks; anything else falls back to its default."""

    period = forms.TypedChoiceField(coerce=int, required=False, label=_("Period"))

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]], default: int, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["period"].choices = list(choices)  # type: ignore[attr-defined]
        self.default = default

    def value(self) -> int:
        if self.is_valid() and self.cleaned_data.get("period"):
            return int(self.cleaned_data["period"])
        return self.default
