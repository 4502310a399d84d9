"""Forms for the follow-up pages: filtering the list and closing one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.voice.choices import FollowUpOutcome


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
