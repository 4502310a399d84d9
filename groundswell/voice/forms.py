"""Forms for the public survey page and the follow-up pages."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.desk.choices import Channel
from groundswell.voice import services, surveys
from groundswell.voice.choices import FollowUpOutcome
from groundswell.voice.models import SurveyVersion


class ResponseForm(forms.Form):
    """A customer's answer: a score on the survey's scale, an optional comment and reasons."""

    score = forms.IntegerField(
        label=_("Score"),
        error_messages={
            "required": _("Choose a score."),
            "invalid": _("Choose a score."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=services.COMMENT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _("Please keep the comment under %(limit_value)d characters.")
        },
    )
    reasons = forms.MultipleChoiceField(
        label=_("What mattered most? (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, version: SurveyVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = version.survey.kind
        self.scale = surveys.scale(kind)
        score = cast(forms.IntegerField, self.fields["score"])
        score.min_value, score.max_value = self.scale[0], self.scale[-1]
        message = _("Choose a score from %(low)s to %(high)s.") % {
            "low": self.scale[0],
            "high": self.scale[-1],
        }
        score.validators = [_range_validator(self.scale, str(message))]
        self.fields["comment"].label = surveys.translated(version.comment_prompt)
        reasons = cast(forms.MultipleChoiceField, self.fields["reasons"])
        reasons.choices = [(code, surveys.reason_label(code)) for code in version.reason_codes]

    def selected_score(self) -> int | None:
        """The score to show as chosen (from the submitted form or the one-click link)."""
        value = self["score"].value()
        try:
            score = int(value)
        except (TypeError, ValueError):
            return None
        return score if score in self.scale else None


def _range_validator(scale: range, message: str) -> Any:
    def validate(value: int) -> None:
        if value not in scale:
            raise forms.ValidationError(message, code="out_of_range")

    return validate


class FollowUpCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose…")), *FollowUpOutcome.choices],
        error_messages={"required": _("Choose what happened.")},
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a short note about the conversation.")},
    )


class FollowUpFilterForm(forms.Form):
    STATES = [
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("closed", _("Closed")),
        ("all", _("All")),
    ]
    state = forms.ChoiceField(label=_("Show"), choices=STATES, required=False)

    def state_value(self) -> str:
        if self.is_valid():
            return self.cleaned_data["state"] or "open"
        return "open"


class SurveyVersionForm(forms.Form):
    """New wording for a survey; reason codes are typed as a comma-separated list."""

    question = forms.CharField(label=_("Question"), max_length=300)
    low_label = forms.CharField(label=_("Label of the lowest score"), max_length=80)
    high_label = forms.CharField(label=_("Label of the highest score"), max_length=80)
    comment_prompt = forms.CharField(label=_("Comment prompt"), max_length=200)
    reason_codes = forms.CharField(
        label=_("Reason codes"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas, e.g. speed, friendliness, outcome."),
    )

    def clean_reason_codes(self) -> list[str]:
        text: str = self.cleaned_data["reason_codes"]
        return [code.strip() for code in text.split(",") if code.strip()]


class SurveyRulesForm(forms.Form):
    """When and whom a survey asks."""

    is_active = forms.BooleanField(label=_("Active"), required=False)
    send_delay_minutes = forms.IntegerField(
        label=_("Send after (minutes)"), min_value=0, max_value=services.MAX_SEND_DELAY_MINUTES
    )
    channels = forms.MultipleChoiceField(
        label=_("Interaction channels surveyed"),
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to survey every channel."),
    )
    resurvey_days = forms.IntegerField(
        label=_("Ask a customer at most once every (days)"),
        min_value=0,
        max_value=services.MAX_RESURVEY_DAYS,
    )
    expiry_days = forms.IntegerField(
        label=_("Links expire after (days)"), min_value=1, max_value=services.MAX_EXPIRY_DAYS
    )
    poor_threshold = forms.IntegerField(
        label=_("Poor answer threshold"),
        min_value=0,
        max_value=10,
        help_text=_("CSAT and NPS: at or below this is poor. CES: at or above this is poor."),
    )
