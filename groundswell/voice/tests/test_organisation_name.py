"""Customers see who is asking: the organisation's name (ORGANISATION_NAME) heads the survey
page and its title and opens the survey email; without a name neither names a company."""

import pytest
from django.core import mail

from groundswell.voice.invitations import services
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db


def _email(team_alpha, capture):
    interaction = make_interaction(team_alpha, customer=make_customer(language="en"))
    with capture(execute=True):
        services.invite_after_resolution(interaction)
    [message] = mail.outbox
    return message


def test_the_survey_page_names_the_organisation(settings, team_alpha, client):
    settings.ORGANISATION_NAME = "Kestrel & Sons"
    _invitation, token = make_invitation(make_interaction(team_alpha, customer=make_customer()))

    page = client.get(f"/s/{token}")

    assert page.status_code == 200
    assert '<p class="organisation">Kestrel &amp; Sons</p>' in page.text
    assert "· Kestrel &amp; Sons</title>" in page.text


def test_the_email_names_the_organisation(settings, team_alpha, django_capture_on_commit_callbacks):
    settings.ORGANISATION_NAME = "Kestrel Home Services"

    message = _email(team_alpha, django_capture_on_commit_callbacks)

    assert message.subject.startswith("Kestrel Home Services: How did we do?")
    assert "We at Kestrel Home Services recently helped you" in str(message.body)


def test_without_a_name_nothing_names_a_company(
    settings, team_alpha, client, django_capture_on_commit_callbacks
):
    settings.ORGANISATION_NAME = ""
    _invitation, token = make_invitation(make_interaction(team_alpha, customer=make_customer()))

    page = client.get(f"/s/{token}")
    message = _email(team_alpha, django_capture_on_commit_callbacks)

    assert 'class="organisation"' not in page.text
    assert message.subject.startswith("How did we do?")
    assert "We recently helped you" in str(message.body)
