"""The open door part of the demo: every state, a dozen policies, deterministic per seed.

Every test here uses the module's one load of the demo (`small_demo`, root conftest.py).
"""

import pytest

from conftest import DEMO_SEED, DEMO_TODAY
from groundswell.ideas.choices import IdeaKind, IdeaStatus
from groundswell.ideas.demo import DEMO_FOLLOW_UP_CODE
from groundswell.ideas.models import Comment, Idea, Policy, Vote
from groundswell.ideas.selectors import find_idea_by_code
from groundswell.people.demo import DemoSize, seed_demo

TODAY = DEMO_TODAY

pytestmark = pytest.mark.usefixtures("small_demo", "db")


def snapshot():
    return sorted(
        Idea.objects.values_list("id", "title", "status", "is_anonymous", "submitted_by__email")
    )


def test_the_demo_has_submissions_in_every_state_and_a_dozen_policies():
    assert Idea.objects.count() == 40
    assert set(Idea.objects.values_list("status", flat=True)) == set(IdeaStatus.values)
    assert set(Idea.objects.values_list("kind", flat=True)) == set(IdeaKind.values)
    assert Policy.objects.count() == 12
    assert Policy.objects.past_review(TODAY).exists()
    assert Idea.objects.filter(kind=IdeaKind.POLICY_FRICTION, policy__isnull=False).exists()
    assert Idea.objects.overdue(TODAY).exists()
    assert Comment.objects.exists()
    assert Vote.objects.exists()
    anonymous = Idea.objects.filter(is_anonymous=True)
    assert anonymous.exists()
    assert not anonymous.filter(submitted_by__isnull=False).exists()
    assert all(idea.submitted_at.hour == 0 for idea in anonymous)
    assert not Comment.objects.filter(author__isnull=True, is_from_submitter=False).exists()
    assert find_idea_by_code(DEMO_FOLLOW_UP_CODE) is not None
    for idea in Idea.objects.filter(status=IdeaStatus.DECLINED):
        assert idea.decline_reason
    for idea in Idea.objects.filter(status=IdeaStatus.DONE):
        assert idea.outcome


def test_the_same_seed_gives_the_same_submissions():
    first = snapshot()
    seed_demo(size=DemoSize.SMALL, seed=DEMO_SEED, replace=True, today=TODAY)

    assert snapshot() == first
    seed_demo(size=DemoSize.SMALL, seed=8, replace=True, today=TODAY)
    assert snapshot() != first
