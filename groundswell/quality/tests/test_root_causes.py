"""Root causes: process and policy causes reach the open door; product causes wait for problems."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groundswell.ideas.choices import IdeaKind
from groundswell.ideas.models import Idea
from groundswell.ideas.tests.factories import PolicyFactory
from groundswell.quality import services
from groundswell.quality.choices import RootCauseKind
from groundswell.quality.models import RootCause
from groundswell.quality.tests.factories import criteria_of


@pytest.fixture
def failed(team_lead, interaction, score):
    return score(team_lead, interaction, {"Takes ownership": 0})


def test_policy_cause_files_policy_friction_in_the_open_door(team_lead, failed, scorecard, admin):
    policy = PolicyFactory.create(owner=admin, name="Refund approval")

    cause = services.record_root_cause(
        actor=team_lead,
        review=failed,
        kind=RootCauseKind.POLICY,
        note="Refunds over 10 EUR need a manager, so the agent could not promise one.",
        criterion=criteria_of(scorecard)["Takes ownership"],
        policy=policy,
    )

    idea = Idea.objects.get()
    assert cause.idea == idea
    assert idea.kind == IdeaKind.POLICY_FRICTION
    assert idea.policy == policy
    assert idea.department == failed.team.department
    assert idea.submitted_by == team_lead


def test_process_cause_without_a_policy_files_a_process_issue(team_lead, failed, scorecard):
    services.record_root_cause(
        actor=team_lead,
        review=failed,
        kind=RootCauseKind.PROCESS,
        note="Two teams own callbacks.",
        criterion=criteria_of(scorecard)["Takes ownership"],
    )

    assert Idea.objects.get().kind == IdeaKind.ISSUE


def test_product_cause_is_kept_for_problems_and_files_nothing(team_lead, failed, scorecard):
    cause = services.record_root_cause(
        actor=team_lead,
        review=failed,
        kind=RootCauseKind.PRODUCT,
        note="The app logs customers out.",
        criterion=criteria_of(scorecard)["Takes ownership"],
    )

    assert not Idea.objects.exists()
    assert RootCause.objects.filter(kind=RootCauseKind.PRODUCT, taken_up_at=None).get() == cause


def test_policy_cause_needs_its_policy(team_lead, failed, scorecard):
    with pytest.raises(ValidationError, match="Name the policy"):
        services.record_root_cause(
            actor=team_lead,
            review=failed,
            kind=RootCauseKind.POLICY,
            note="x",
            criterion=criteria_of(scorecard)["Takes ownership"],
        )
    assert not RootCause.objects.exists()
    assert not Idea.objects.exists()


def test_a_passed_criterion_takes_no_root_cause(team_lead, failed, scorecard):
    with pytest.raises(ValidationError, match="was not failed"):
        services.record_root_cause(
            actor=team_lead,
            review=failed,
            kind=RootCauseKind.SKILL,
            note="x",
            criterion=criteria_of(scorecard)["Accurate answer"],
        )


def test_a_good_review_takes_no_review_level_cause(team_lead, failed):
    # 80 % is above the poor mark (70): name the failed criterion instead.
    with pytest.raises(ValidationError, match="was not poor"):
        services.record_root_cause(
            actor=team_lead, review=failed, kind=RootCauseKind.SKILL, note="x"
        )


def test_a_poor_review_takes_a_review_level_cause(team_lead, interaction, score):
    poor = score(team_lead, interaction, {"Checks the customer is satisfied": 0})

    cause = services.record_root_cause(
        actor=team_lead, review=poor, kind=RootCauseKind.TOOL, note="The CRM froze."
    )

    assert cause.criterion is None


@pytest.mark.parametrize("role", ["agent", "other_agent", "executive", "outsider"])
def test_others_cannot_record_causes(role, org, failed, scorecard):
    with pytest.raises(PermissionDenied):
        services.record_root_cause(
            actor=org[role],
            review=failed,
            kind=RootCauseKind.SKILL,
            note="x",
            criterion=criteria_of(scorecard)["Takes ownership"],
        )
