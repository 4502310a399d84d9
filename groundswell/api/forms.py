from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.api.choices import ApiKeyScope


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use this key, e.g. “Helpdesk sync”. Shown in the list of keys."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiKeyScope.choices,
        initial=ApiKeyScope.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "A key acts with your permissions. Read-only keys cannot change anything; "
            "give write access only to integrations that need it."
        ),
    )
