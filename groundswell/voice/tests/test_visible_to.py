"""`Response.objects.visible_to` and `FollowUp.objects.visible_to`, per role."""

import datetime

import pytest
from django.utils import timezone

from groundswell.voice.models import FollowUp, Invitation, Response
from groundswell.voice.tests import factories


@pytest.fixture
def answered(team_alpha, team_beta, team_invoices):
    """One poor answer with an open follow-up in each team."""
    at = timezone.now() - datetime.timedelta(hours=1)
    made = {}
    for name, team in (("alpha", team_alpha), ("beta", team_beta), ("invoices", team_invoices)):
        (response,) = factories.answers(team, "csat", [1], at=at)
        factories.follow_up(response, created_at=at, due_at=at + datetime.timedelta(days=1))
        made[name] = response
    return made


@pytest.mark.parametrize(
    ("role", "teams"),
    [
        ("agent", {"alpha"}),
        ("team_lead", {"alpha"}),
        ("manager", {"alpha", "beta"}),
        ("executive", {"alpha", "beta", "invoices"}),
        ("admin", {"alpha", "beta", "invoices"}),
    ],
)
def test_answers_visible_by_team(role, teams, org, answered):
    visible = set(Response.objects.visible_to(org[role]))

    assert visible == {answered[name] for name in teams}


@pytest.mark.parametrize(
    ("role", "teams"),
    [
        ("agent", set()),
        ("team_lead", {"alpha"}),
        ("manager", {"alpha", "beta"}),
        ("executive", set()),
        ("admin", {"alpha", "beta", "invoices"}),
    ],
)
def test_follow_ups_visible_to_those_who_handle_them(role, teams, org, answered):
    visible = {item.response for item in FollowUp.objects.visible_to(org[role])}

    assert visible == {answered[name] for name in teams}


@pytest.mark.parametrize(
    ("role", "teams"),
    [
        ("agent", {"alpha"}),
        ("manager", {"alpha", "beta"}),
        ("executive", {"alpha", "beta", "invoices"}),
    ],
)
def test_invitations_visible_with_their_interactions(role, teams, org, answered):
    visible = set(Invitation.objects.visible_to(org[role]).filter(response__isnull=False))

    assert visible == {answered[name].invitation for name in teams}
