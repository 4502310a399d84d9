"""Django's sign-in views with our brakes: password-reset requests are limited.

A reset request sends mail to someone else's inbox, so each one is counted per client
address and per email address asked for (both in the shared "ratelimit" cache, as
digests). Past either limit no mail goes out, but the answer is the same "check your inbox"
page as always: it never tells whether an account exists or a limit was reached.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect

from groundswell.core.lib.ratelimit import Limit, client_address

RESET_WINDOW_SECONDS = 60 * 60


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; sent only while the address and the email are under their limits."""

    def form_valid(self, form: Any) -> HttpResponse:
        per_address = Limit(
            "password-reset-address",
            settings.GROUNDSWELL_PASSWORD_RESETS_PER_ADDRESS,
            RESET_WINDOW_SECONDS,
        )
        per_email = Limit(
            "password-reset-email",
            settings.GROUNDSWELL_PASSWORD_RESETS_PER_EMAIL,
            RESET_WINDOW_SECONDS,
        )
        if per_address.hit(client_address(self.request)) and per_email.hit(
            form.cleaned_data["email"]
        ):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())
