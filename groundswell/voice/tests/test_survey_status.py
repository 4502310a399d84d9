"""An interaction's page says what followed its resolution: the survey that went out, or why
none did (issue 12: resolving a demo interaction used to send nothing, silently)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.voice.invitations import services
from groundswell.voice.tests.factories import (
    active_survey,
    make_customer,
    make_interaction,
    make_invitation,
)

pytestmark = pytest.mark.django_db


def _resolve_on_the_page(client, interaction) -> str:
    url = reverse("desk:interaction-resolve", args=[interaction.pk])
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.text


def _open(team, customer=None, **fields):
    return make_interaction(team, customer=customer, status="open", resolved_at=None, **fields)


def test_resolving_sends_a_survey_and_the_page_says_so(
    agent, client_for, team_alpha, django_capture_on_commit_callbacks
):
    interaction = _open(team_alpha, make_customer(), handled_by=agent)
    client = client_for(agent)

    with django_capture_on_commit_callbacks(execute=True):  # the invitation follows the commit
        _resolve_on_the_page(client, interaction)
    text = client.get(interaction.get_absolute_url()).text

    assert interaction.invitations.count() == 1
    assert "A survey was sent on" in text


def test_a_customer_asked_recently_is_not_asked_again_and_the_page_says_until_when(
    agent, client_for, team_alpha
):
    customer = make_customer()
    earlier, _token = make_invitation(make_interaction(team_alpha, customer=customer))
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    type(earlier).objects.filter(pk=earlier.pk).update(created_at=three_days_ago)
    interaction = _open(team_alpha, customer, handled_by=agent)
    window = active_survey().resurvey_days

    text = _resolve_on_the_page(client_for(agent), interaction)

    assert interaction.invitations.count() == 0
    assert "No survey: this customer was asked on" in text
    assert f"at most once every {window} days" in text
    assert "The next survey can go on" in text


@pytest.mark.parametrize(
    ("customer_fields", "expected"),
    [
        ({"email": ""}, "the customer has no email address"),
        ({"is_opted_out": True}, "the customer opted out of surveys"),
    ],
)
def test_the_page_says_why_a_customer_was_not_asked(
    customer_fields, expected, agent, client_for, team_alpha
):
    interaction = _open(team_alpha, make_customer(**customer_fields), handled_by=agent)

    text = _resolve_on_the_page(client_for(agent), interaction)

    assert interaction.invitations.count() == 0
    assert expected in text


def test_an_internal_request_says_colleagues_are_not_surveyed(
    agent, outsider, client_for, team_alpha
):
    interaction = _open(team_alpha, requester_person=outsider, handled_by=agent)

    text = _resolve_on_the_page(client_for(agent), interaction)

    assert "Colleagues are not surveyed about internal requests." in text


def test_no_active_survey_for_the_channel_is_said(agent, client_for, team_alpha):
    type(active_survey()).objects.update(is_active=False)
    interaction = _open(team_alpha, make_customer(), handled_by=agent, channel="phone")

    text = _resolve_on_the_page(client_for(agent), interaction)

    assert "no active survey covers the Phone channel" in text


def test_an_answered_survey_is_said_on_the_page(agent, client_for, team_alpha):
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    invitation, _token = make_invitation(interaction)
    services.record_response(invitation, score=5, comment="", reasons=[])

    page = client_for(agent).get(interaction.get_absolute_url())

    assert "The customer answered the survey on" in page.text


def test_an_open_interaction_says_nothing_about_surveys(agent, client_for, team_alpha):
    interaction = _open(team_alpha, make_customer(), handled_by=agent)

    page = client_for(agent).get(interaction.get_absolute_url())

    assert "survey" not in page.text.lower().split("timeline")[0]
