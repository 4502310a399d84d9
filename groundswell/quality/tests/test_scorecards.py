"""Scorecards: who may make them, what a sensible weight is, and versions that keep history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groundswell.quality import services
from groundswell.quality.models import Criterion, ScorecardVersion
from groundswell.quality.services import CriterionInput
from groundswell.quality.tests.factories import CRITERIA, criteria_of, make_scorecard


def test_manager_creates_a_scorecard_with_sections_and_criteria(manager, customer_service):
    scorecard = make_scorecard(manager, customer_service)

    version = scorecard.versions.get()
    assert version.number == 1
    assert [s.title for s in version.sections.all()] == ["Opening", "Resolution", "Closing"]
    criteria = criteria_of(scorecard)
    assert criteria["Checks the customer is satisfied"].is_critical
    assert criteria["Goes the extra mile"].is_bonus
    assert criteria["Accurate answer"].weight == Decimal(2)


@pytest.mark.parametrize("role", ["agent", "team_lead", "executive", "outsider"])
def test_only_managers_and_admins_make_scorecards(role, org, customer_service):
    with pytest.raises(PermissionDenied):
        make_scorecard(org[role], customer_service)


def test_manager_cannot_make_a_scorecard_for_another_department(manager, billing):
    with pytest.raises(PermissionDenied):
        make_scorecard(manager, billing)


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        (Decimal(0), "“Bad weight”: the weight must be more than 0."),
        (Decimal(-2), "“Bad weight”: the weight must be more than 0."),
        (Decimal(101), "“Bad weight”: a weight of 101 is more than 100."),
        (Decimal("1.005"), "“Bad weight”: give the weight with at most two decimals."),
        (Decimal("NaN"), "“Bad weight”: the weight must be more than 0."),
    ],
)
def test_a_senseless_weight_is_refused_naming_the_criterion(
    weight, message, manager, customer_service
):
    criteria = [*CRITERIA, CriterionInput("Closing", "Bad weight", weight=weight)]

    with pytest.raises(ValidationError) as refused:
        make_scorecard(manager, customer_service, criteria=criteria)

    assert refused.value.message_dict == {"criteria": [message]}
    assert not ScorecardVersion.objects.exists()


def test_only_bonus_criteria_is_refused(manager, customer_service):
    with pytest.raises(ValidationError, match="must count towards the score"):
        make_scorecard(
            manager, customer_service, criteria=[CriterionInput("A", "Extra", is_bonus=True)]
        )


def test_critical_and_bonus_at_once_is_refused(manager, customer_service):
    criteria = [CriterionInput("A", "Both", is_bonus=True, is_critical=True)]
    with pytest.raises(ValidationError, match="both critical and a bonus"):
        make_scorecard(manager, customer_service, criteria=criteria)


def test_editing_an_unused_scorecard_changes_its_version_in_place(scorecard, manager):
    version = services.revise_scorecard(
        actor=manager, scorecard=scorecard, criteria=[CriterionInput("Only", "Listens")]
    )

    assert version.number == 1
    assert scorecard.versions.count() == 1
    assert list(version.criteria.values_list("behaviour", flat=True)) == ["Listens"]


def test_editing_a_scorecard_in_use_makes_a_new_version_and_old_reviews_keep_theirs(
    scorecard, manager, team_lead, interaction, score
):
    review = score(team_lead, interaction)
    old = criteria_of(scorecard)
    renamed = [
        CriterionInput(
            c.section.title, c.behaviour + " (reworded)", weight=c.weight, key=c.key, scale=c.scale
        )
        for c in old.values()
    ]

    version = services.revise_scorecard(
        actor=manager, scorecard=scorecard, criteria=renamed, note="Clearer words"
    )

    assert version.number == 2
    review.refresh_from_db()
    assert review.version.number == 1
    assert set(review.version.criteria.values_list("behaviour", flat=True)) == set(old)
    # The same behaviours keep their keys across versions.
    assert set(version.criteria.values_list("key", flat=True)) == {c.key for c in old.values()}
    assert Criterion.objects.filter(key=old["Takes ownership"].key).count() == 2


def test_team_lead_cannot_revise(scorecard, team_lead):
    with pytest.raises(PermissionDenied):
        services.revise_scorecard(actor=team_lead, scorecard=scorecard, criteria=list(CRITERIA))
