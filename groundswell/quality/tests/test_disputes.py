"""Acknowledging and disputing a review: the window, who decides, and the audit of a change."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groundswell.quality import services
from groundswell.quality.choices import DisputeStatus, ReviewStatus
from groundswell.quality.models import Dispute, ScoreChange
from groundswell.quality.tests.factories import criteria_of, make_scorecard


@pytest.fixture
def review(team_lead, interaction, score):
    return score(team_lead, interaction, {"Takes ownership": 0})  # 80 %


def test_agent_acknowledges_their_review(agent, review):
    services.acknowledge_review(actor=agent, review=review)

    review.refresh_from_db()
    assert review.status == ReviewStatus.ACKNOWLEDGED
    assert review.acknowledged_at is not None


@pytest.mark.parametrize("role", ["other_agent", "team_lead", "manager", "admin"])
def test_only_the_agent_acknowledges(role, org, review):
    with pytest.raises(PermissionDenied):
        services.acknowledge_review(actor=org[role], review=review)


def test_agent_disputes_a_criterion_and_another_reviewer_upholds_it(
    agent, manager, team_lead, review, scorecard
):
    ownership = criteria_of(scorecard)["Takes ownership"]

    dispute = services.raise_dispute(
        actor=agent, review=review, criterion=ownership, reason="I did call back."
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.DISPUTED

    services.decide_dispute(
        actor=manager, dispute=dispute, uphold=True, value=1, note="The call log agrees."
    )

    dispute.refresh_from_db()
    review.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD
    assert dispute.decided_by == manager
    assert review.score == Decimal("100.00")
    assert review.status == ReviewStatus.SUBMITTED
    change = ScoreChange.objects.get()
    assert (change.changed_by, change.criterion, change.dispute) == (manager, ownership, dispute)
    assert (change.value_before, change.value_after) == (0, 1)
    assert (change.score_before, change.score_after) == (Decimal("80.00"), Decimal("100.00"))


def test_rejected_dispute_leaves_the_score_and_writes_no_change(agent, manager, review, scorecard):
    dispute = services.raise_dispute(
        actor=agent, review=review, criterion=criteria_of(scorecard)["Takes ownership"], reason="x"
    )

    services.decide_dispute(actor=manager, dispute=dispute, uphold=False, note="It stands.")

    review.refresh_from_db()
    assert review.score == Decimal("80.00")
    assert not ScoreChange.objects.exists()
    assert Dispute.objects.get().status == DisputeStatus.REJECTED


def test_the_reviewer_who_scored_cannot_decide(agent, team_lead, review, scorecard):
    dispute = services.raise_dispute(
        actor=agent, review=review, criterion=criteria_of(scorecard)["Takes ownership"], reason="x"
    )

    with pytest.raises(PermissionDenied):
        services.decide_dispute(actor=team_lead, dispute=dispute, uphold=False, note="No.")


@pytest.mark.parametrize("role", ["agent", "other_agent", "executive", "outsider"])
def test_others_cannot_decide(role, org, agent, review, scorecard):
    dispute = services.raise_dispute(
        actor=agent, review=review, criterion=criteria_of(scorecard)["Takes ownership"], reason="x"
    )

    with pytest.raises(PermissionDenied):
        services.decide_dispute(actor=org[role], dispute=dispute, uphold=False, note="No.")


def test_dispute_after_the_window_is_refused(agent, review, scorecard, settings):
    later = review.submitted_at + datetime.timedelta(
        days=settings.GROUNDSWELL_QUALITY_DISPUTE_DAYS, minutes=1
    )

    with pytest.raises(ValidationError, match="The time to dispute this review ended on"):
        services.raise_dispute(
            actor=agent,
            review=review,
            criterion=criteria_of(scorecard)["Takes ownership"],
            reason="Late",
            now=later,
        )
    assert not Dispute.objects.exists()


def test_dispute_on_an_acknowledged_review_is_refused(agent, review, scorecard):
    services.acknowledge_review(actor=agent, review=review)

    with pytest.raises(ValidationError, match="You acknowledged this review"):
        services.raise_dispute(
            actor=agent,
            review=review,
            criterion=criteria_of(scorecard)["Takes ownership"],
            reason="x",
        )


def test_dispute_on_a_criterion_of_another_scorecard_is_refused(
    agent, review, manager, customer_service
):
    stranger = criteria_of(make_scorecard(manager, customer_service, name="Other"))
    with pytest.raises(ValidationError, match="is not on this review's scorecard"):
        services.raise_dispute(
            actor=agent, review=review, criterion=stranger["Takes ownership"], reason="x"
        )


def test_dispute_needs_a_reason_and_comes_once(agent, review, scorecard):
    ownership = criteria_of(scorecard)["Takes ownership"]
    with pytest.raises(ValidationError, match="Say why"):
        services.raise_dispute(actor=agent, review=review, criterion=ownership, reason="  ")
    services.raise_dispute(actor=agent, review=review, criterion=ownership, reason="Because")

    with pytest.raises(ValidationError, match="already"):
        services.raise_dispute(actor=agent, review=review, criterion=ownership, reason="Again")


def test_acknowledging_waits_for_an_open_dispute(agent, review, scorecard):
    services.raise_dispute(
        actor=agent, review=review, criterion=criteria_of(scorecard)["Takes ownership"], reason="x"
    )

    with pytest.raises(ValidationError, match="Wait for the decision"):
        services.acknowledge_review(actor=agent, review=review)


def test_a_self_review_cannot_be_disputed(agent, interaction, score, scorecard):
    own = score(agent, interaction)

    with pytest.raises(PermissionDenied):
        services.raise_dispute(
            actor=agent, review=own, criterion=criteria_of(scorecard)["Takes ownership"], reason="x"
        )


def test_upheld_value_out_of_range_is_refused_and_nothing_changes(
    agent, manager, review, scorecard
):
    dispute = services.raise_dispute(
        actor=agent, review=review, criterion=criteria_of(scorecard)["Takes ownership"], reason="x"
    )

    with pytest.raises(ValidationError, match="takes a score from 0 to 1"):
        services.decide_dispute(actor=manager, dispute=dispute, uphold=True, value=3, note="Yes")

    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    assert not ScoreChange.objects.exists()
    assert timezone.now() > review.submitted_at
