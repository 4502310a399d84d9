"""Emails sent to people about their account."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from groundswell.people.models import Person


def send_welcome_email(person_id: int) -> bool:
    """Send a welcome email with a one-time link to set a password; False if there is no one to."""
    person = Person.objects.select_related("user").filter(pk=person_id, is_active=True).first()
    if person is None or person.user is None or not person.user.is_active:
        return False
    user = person.user
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"person": person, "link": f"{settings.SITE_URL}{path}"}
    message = EmailMultiAlternatives(
        subject=render_to_string("people/email/welcome_subject.txt", context).strip(),
        body=render_to_string("people/email/welcome.txt", context),
        to=[person.email],
    )
    message.attach_alternative(render_to_string("people/email/welcome.html", context), "text/html")
    message.send()
    return True
