"""`Promise.objects.visible_to`: through the interactions a person sees, or the teams they
change interactions in."""

import pytest

from groundswell.desk.models import Interaction, Promise
from groundswell.desk.tests.factories import InteractionFactory, PromiseFactory
from groundswell.people.permissions import Action


@pytest.fixture
def promises(org, team_alpha, team_beta, team_invoices):
    """One promise per team, and one on an Invoices interaction the agent handled."""
    return {
        "alpha": PromiseFactory.create(interaction=InteractionFactory.create(team=team_alpha)),
        "beta": PromiseFactory.create(interaction=InteractionFactory.create(team=team_beta)),
        "invoices": PromiseFactory.create(
            interaction=InteractionFactory.create(team=team_invoices)
        ),
        "handled": PromiseFactory.create(
            interaction=InteractionFactory.create(team=team_invoices, handled_by=org["agent"])
        ),
    }


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("agent", {"alpha", "handled"}),
        ("team_lead", {"alpha"}),
        ("manager", {"alpha", "beta"}),
        ("executive", {"alpha", "beta", "invoices", "handled"}),
        ("admin", {"alpha", "beta", "invoices", "handled"}),
    ],
)
def test_promises_visible_follow_the_interactions(role, seen, org, promises):
    visible = set(Promise.objects.visible_to(org[role]))

    assert visible == {promises[name] for name in seen}
    interactions = set(Interaction.objects.visible_to(org[role]))
    assert {promise.interaction for promise in visible} <= interactions


@pytest.mark.parametrize(
    ("role", "reached"),
    [
        ("agent", {"alpha"}),
        ("team_lead", {"alpha"}),
        ("manager", {"alpha", "beta"}),
        ("executive", set()),
        ("admin", {"alpha", "beta", "invoices", "handled"}),
    ],
)
def test_promises_in_reach_for_changing_interactions(role, reached, org, promises):
    visible = set(Promise.objects.visible_to(org[role], Action.CHANGE_INTERACTIONS))

    assert visible == {promises[name] for name in reached}
