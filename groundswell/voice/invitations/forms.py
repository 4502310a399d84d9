"""The form of the public survey page."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.voice.invitations import services
from groundswell.voice.models import SurveyVersion
from groundswell.voice.surveys import wording


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
        self.scale = wording.scale(kind)
        score = cast(forms.IntegerField, self.fields["score"])
        score.min_value, score.max_value = self.scale[0], self.scale[-1]
        message = _("Choose a score from %(low)s to %(high)s.") % {
            "low": self.scale[0],
            "high": self.scale[-1],
        }
        score.validators = [_range_validator(self.scale, str(message))]
        self.fields["comment"].label = wording.translated(version.comment_prompt)
        reasons = cast(forms.MultipleChoiceField, self.fields["reasons"])
        reasons.choices = [(code, wording.reason_label(code)) for code in version.reason_codes]

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
