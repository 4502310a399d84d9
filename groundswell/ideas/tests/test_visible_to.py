"""`Policy.objects.visible_to` and `Idea.objects.visible_to`: the open door is read in the open."""

import pytest

from groundswell.ideas.models import Idea, Policy
from groundswell.ideas.tests.factories import PolicyFactory


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive", "admin"])
def test_everyone_active_sees_the_policy_registry(role, org):
    PolicyFactory.create()

    assert Policy.objects.visible_to(org[role]).count() == 1


def test_former_staff_see_no_policies_or_submissions(org):
    PolicyFactory.create()
    agent = org["agent"]
    agent.is_active = False

    assert not Policy.objects.visible_to(agent).exists()
    assert Idea.objects.visible_to(agent).query.is_empty()
