"""Forms for managing surveys: new wording and the sending rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.desk.choices import Channel
from groundswell.voice.surveys import services


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
