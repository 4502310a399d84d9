"""The open door on home pages: your submissions, the ones waiting for you, policy reviews."""

import datetime

import pytest
from django.utils import timezone

from groundswell.ideas import home
from groundswell.ideas.models import Idea
from groundswell.ideas.tests.factories import PolicyFactory

pytestmark = pytest.mark.django_db


def test_my_ideas_are_my_named_submissions(org, submit):
    submit(org["agent"], title="Named one")
    submit(org["agent"], title="Anonymous one", is_anonymous=True)
    submit(org["other_agent"], title="Someone else's")

    assert [idea.title for idea in home.my_ideas(org["agent"]).ideas] == ["Named one"]


def test_waiting_for_acknowledgement_is_what_the_person_may_act_on(org, submit, billing):
    owned = submit(org["other_agent"], title="For the lead")
    Idea.objects.filter(pk=owned.pk).update(
        owner=org["team_lead"], acknowledge_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    submit(org["agent"], title="For the department")
    submit(org["outsider"], title="For billing", department=billing)

    lead = home.to_acknowledge(org["team_lead"])
    manager = home.to_acknowledge(org["manager"])

    assert [idea.title for idea in lead.ideas] == ["For the lead"]
    assert lead.overdue == 1
    assert {idea.title for idea in manager.ideas} == {"For the lead", "For the department"}
    assert home.to_acknowledge(org["agent"]).total == 0


def test_policy_reviews_are_the_owners(org):
    PolicyFactory.create(
        name="Refunds", owner=org["manager"], review_by=timezone.localdate() - datetime.timedelta(1)
    )
    PolicyFactory.create(name="Someone else's", owner=org["admin"])

    reviews = home.policy_reviews(org["manager"])

    assert [policy.name for policy in reviews.policies] == ["Refunds"]
    assert reviews.past_review == 1
    assert home.open_door_overview(org["executive"]).past_review == 1
