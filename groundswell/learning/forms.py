"""Forms for the learning pages; they only parse input, the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.learning.choices import PanelKind, QuestionKind
from groundswell.learning.models import SCALE_MAX, SCALE_MIN, Attitude, JobProfile, Quiz
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, teams_in_scope


class ProfileForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Job description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the job is, and the service culture the person joins."),
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Department]", self.fields["department"])
        field.queryset = Department.objects.visible_to(viewer, Action.MANAGE_JOB_PROFILES)


class AttitudeForm(forms.Form):
    name = forms.CharField(label=_("Attitude or behaviour"), max_length=120)
    description = forms.CharField(label=_("What it looks like"), required=False)
    anchor_1 = forms.CharField(label=_("A score of 1 looks like"), max_length=300)
    anchor_2 = forms.CharField(label=_("A score of 2 looks like"), max_length=300)
    anchor_3 = forms.CharField(label=_("A score of 3 looks like"), max_length=300)
    anchor_4 = forms.CharField(label=_("A score of 4 looks like"), max_length=300)
    anchor_5 = forms.CharField(label=_("A score of 5 looks like"), max_length=300)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        anchors = [data[f"anchor_{n}"] for n in range(SCALE_MIN, SCALE_MAX + 1)]
        return {"name": data["name"], "description": data["description"], "anchors": anchors}


class QuestionForm(forms.Form):
    attitude = forms.ModelChoiceField(label=_("Attitude"), queryset=Attitude.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question or moment"), max_length=400)

    def __init__(self, *args: Any, profile: JobProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Attitude]", self.fields["attitude"])
        field.queryset = profile.attitudes.all()


class CandidateForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("Job profile"), queryset=JobProfile.objects.none())
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    consent = forms.BooleanField(
        label=_("The candidate agreed that we keep their data for the hiring period"),
        required=False,
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = teams_in_scope(viewer, Action.MANAGE_CANDIDATES)
        profile = cast("forms.ModelChoiceField[JobProfile]", self.fields["profile"])
        team = cast("forms.ModelChoiceField[Team]", self.fields["team"])
        team.queryset = teams
        profile.queryset = JobProfile.objects.active().filter(
            department__in=teams.values("department")
        )


class PanelMemberForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Colleague"), queryset=Person.objects.active(), required=False
    )
    kind = forms.ChoiceField(label=_("Sits on the panel as"), choices=PanelKind.choices)
    name = forms.CharField(label=_("Or an outside member's name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Their email"), required=False)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=[("hire", _("Hire")), ("decline", _("Do not hire"))]
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ScoreForm(forms.Form):
    """One score from 1 to 5 per attitude of the profile, with optional evidence."""

    comment = forms.CharField(
        label=_("Overall impression"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, attitudes: list[Attitude], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attitudes = attitudes
        for attitude in attitudes:
            self.fields[f"attitude_{attitude.pk}"] = forms.TypedChoiceField(
                label=str(attitude),
                choices=[(n, f"{n}: {text}") for n, text in attitude.anchors],
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{attitude.pk}"] = forms.CharField(
                label=_("Evidence for %(a)s") % {"a": attitude}, required=False, max_length=1000
            )

    def scores(self) -> dict[int, int]:
        return {a.pk: self.cleaned_data[f"attitude_{a.pk}"] for a in self.attitudes}

    def notes(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data.get(f"note_{a.pk}", "") for a in self.attitudes}


class BuddyForm(forms.Form):
    buddy = forms.ModelChoiceField(label=_("Buddy"), queryset=Person.objects.active())


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class OverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))


class CourseForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    title = forms.CharField(label=_("Title"), max_length=150)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address a line."),
    )
    refresher_months = forms.IntegerField(
        label=_("Refresh every (months)"), required=False, min_value=1, max_value=120
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Department]", self.fields["department"])
        field.queryset = Department.objects.visible_to(viewer, Action.MANAGE_COURSES)


class CompletionForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Person]", self.fields["person"])
        field.queryset = Person.objects.active().filter(
            team__in=teams_in_scope(viewer, Action.RECORD_TRAINING)
        )


class QuizForm(forms.Form):
    """One radio group per question of a quiz; `answers()` gives question id to choice id."""

    def __init__(self, *args: Any, quiz: Quiz, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in quiz.questions.all():
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(choice.pk, choice.text) for choice in question.choices.all()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this question.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        strangers = sorted(
            int(name[1:])
            for name in self.data
            if name.startswith("q") and name[1:].isdigit() and name not in self.fields
        )
        if strangers:
            raise forms.ValidationError(
                _("Question %(id)s is not in this quiz."), params={"id": strangers[0]}
            )
        return data

    def answers(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class QuizSettingsForm(forms.Form):
    """A quiz's pass mark, attempts and optional deadline (the bank is kept question by
    question)."""

    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"),
        min_value=1,
        max_value=100,
        initial=80,
        help_text=_("The share of right answers that passes, from 1 to 100."),
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=20, initial=3
    )
    deadline = forms.DateTimeField(
        label=_("Answer by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: the quiz stays open."),
    )


class QuizQuestionForm(forms.Form):
    """A question of the bank: the answers one a line, and the number of the right one."""

    text = forms.CharField(label=_("Question"), max_length=500)
    choices = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One answer a line, at least two."),
    )
    correct = forms.IntegerField(
        label=_("Number of the right answer"),
        min_value=1,
        help_text=_("1 for the first line, 2 for the second, and so on."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = [line.strip() for line in str(data.get("choices", "")).splitlines()]
        data["choices"] = [line for line in lines if line]
        correct = data.get("correct")
        if correct is not None and data["choices"] and correct > len(data["choices"]):
            self.add_error(
                "correct",
                _("There are %(n)s answers: give a number from 1 to %(n)s.")
                % {"n": len(data["choices"])},
            )
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The service counts the right answer from 0."""
        data = self.cleaned_data
        return {"text": data["text"], "choices": data["choices"], "correct": data["correct"] - 1}


class ClassForm(forms.Form):
    """A class of a course: when, where (a room or a link), how many seats, who gives it."""

    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(
        label=_("Where"),
        max_length=200,
        required=False,
        help_text=_("A room, or the link of the video call."),
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500)
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=Person.objects.none())

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Person]", self.fields["trainer"])
        field.queryset = Person.objects.visible_to(viewer).filter(is_active=True)
        field.initial = viewer.pk
