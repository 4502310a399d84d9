from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Sign in with the email address (the username of every Groundswell account)."""

    username = forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each message on its field when the form
    has that field, on the whole form otherwise."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
