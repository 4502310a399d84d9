"""Reviews: who may review what, the weighted score, drafts, and one review per reviewer."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, close_old_connections, connection

from groundswell.quality import services
from groundswell.quality.choices import ReviewStatus
from groundswell.quality.models import CriterionScore, Review
from groundswell.quality.services import ScoreInput
from groundswell.quality.tests.factories import criteria_of, make_scorecard, resolved_interaction


def test_all_met_scores_100(team_lead, interaction, score):
    review = score(team_lead, interaction)

    assert review.status == ReviewStatus.SUBMITTED
    assert review.score == Decimal("100.00")
    assert not review.is_failed
    assert not review.is_self_review
    assert review.agent == interaction.handled_by


def test_na_leaves_the_denominator_and_bonus_adds(team_lead, interaction, score):
    review = score(
        team_lead,
        interaction,
        {
            "Takes ownership": 0,
            "Accurate answer": 3,
            "Keeps the promise made": None,
            "Goes the extra mile": 1,
        },
    )

    # Counted weights 1 + 2 + 1 = 4 (the N/A promise left out); earned 0 + 2 * 0.5 + 1 = 2;
    # the bonus adds 0.5: (2 + 0.5) / 4 = 62.5 %.
    assert review.score == Decimal("62.50")


def test_a_failed_critical_criterion_fails_the_review(team_lead, interaction, score):
    review = score(team_lead, interaction, {"Checks the customer is satisfied": 0})

    assert review.is_failed
    assert review.score == Decimal("0.00")
    assert review.weighted_score == Decimal("80.00")


def test_bonus_never_takes_the_score_above_100(team_lead, interaction, score):
    review = score(team_lead, interaction, {"Goes the extra mile": 1})

    assert review.score == Decimal("100.00")


def test_a_draft_is_kept_and_submitted_later(team_lead, interaction, scorecard):
    review = services.open_review(actor=team_lead, interaction=interaction)
    criteria = criteria_of(scorecard)
    first = {criteria["Takes ownership"].pk: ScoreInput(value=1, comment="Owned it")}

    services.save_review(actor=team_lead, review=review, scores=first, comment="so far")

    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.comment == "so far"
    assert review.scores.get().comment == "Owned it"
    assert services.open_review(actor=team_lead, interaction=interaction) == review


def test_submitting_with_a_criterion_unscored_names_it_and_writes_nothing(
    team_lead, interaction, scorecard
):
    review = services.open_review(actor=team_lead, interaction=interaction)
    criteria = criteria_of(scorecard)

    with pytest.raises(ValidationError) as refused:
        services.save_review(
            actor=team_lead,
            review=review,
            scores={criteria["Takes ownership"].pk: ScoreInput(value=1)},
            submit=True,
        )

    assert "Accurate answer" in str(refused.value)
    assert not CriterionScore.objects.exists()
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_a_criterion_from_another_version_is_an_error(
    team_lead, interaction, scorecard, manager, customer_service
):
    other = make_scorecard(manager, customer_service, name="Another card")
    stranger = criteria_of(other)["Takes ownership"]
    review = services.open_review(actor=team_lead, interaction=interaction)

    with pytest.raises(ValidationError, match=f"Criterion {stranger.pk} is not on version 1"):
        services.save_review(
            actor=team_lead, review=review, scores={stranger.pk: ScoreInput(value=1)}
        )


@pytest.mark.parametrize(
    ("name", "answer", "message"),
    [
        ("Accurate answer", ScoreInput(value=6), "takes a score from 1 to 5"),
        ("Takes ownership", ScoreInput(value=2), "takes a score from 0 to 1"),
        ("Takes ownership", ScoreInput(is_na=True), "cannot be marked N/A"),
    ],
)
def test_out_of_range_and_forbidden_na_are_refused(
    name, answer, message, team_lead, interaction, scorecard
):
    review = services.open_review(actor=team_lead, interaction=interaction)

    with pytest.raises(ValidationError, match=message):
        services.save_review(
            actor=team_lead, review=review, scores={criteria_of(scorecard)[name].pk: answer}
        )


def test_a_submitted_review_cannot_be_saved_again(team_lead, interaction, score):
    review = score(team_lead, interaction)

    with pytest.raises(services.AlreadySubmitted):
        services.save_review(actor=team_lead, review=review, scores={}, submit=True)


def test_agent_self_review_is_marked(agent, interaction, score):
    review = score(agent, interaction)

    assert review.is_self_review
    assert review.reviewer == agent


def test_agent_cannot_review_a_colleague(agent, other_agent, team_beta, scorecard):
    colleague_work = resolved_interaction(team_beta, other_agent)

    with pytest.raises(PermissionDenied):
        services.open_review(actor=agent, interaction=colleague_work)


def test_team_lead_cannot_review_another_team(team_lead, other_agent, team_beta, scorecard):
    with pytest.raises(PermissionDenied):
        services.open_review(
            actor=team_lead, interaction=resolved_interaction(team_beta, other_agent)
        )


def test_executive_reads_but_does_not_review(executive, interaction, scorecard):
    with pytest.raises(PermissionDenied):
        services.open_review(actor=executive, interaction=interaction)


def test_manager_reviews_in_their_department(manager, interaction, score):
    assert score(manager, interaction).reviewer == manager


def test_granted_reviewer_reviews_agents_of_the_granted_team(
    manager, other_agent, agent, interaction, score
):
    services.grant_reviewer(actor=manager, person=other_agent, team=interaction.team)

    review = score(other_agent, interaction)

    assert review.reviewer == other_agent
    assert not review.is_self_review


def test_revoked_grant_no_longer_reviews(manager, other_agent, interaction, scorecard):
    grant = services.grant_reviewer(actor=manager, person=other_agent, team=interaction.team)
    services.revoke_reviewer(actor=manager, grant=grant)

    with pytest.raises(PermissionDenied):
        services.open_review(actor=other_agent, interaction=interaction)


def test_no_scorecard_in_use_is_a_clear_error(team_lead, interaction):
    with pytest.raises(ValidationError, match="No scorecard is in use for Alpha"):
        services.open_review(actor=team_lead, interaction=interaction)


def test_opening_twice_gives_one_review(team_lead, interaction, scorecard):
    first = services.open_review(actor=team_lead, interaction=interaction)
    second = services.open_review(actor=team_lead, interaction=interaction)

    assert first == second
    assert Review.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("one_call", [False, True], ids=["open_then_save", "review_interaction"])
def test_concurrent_opens_and_submits_store_one_review(
    one_call, team_lead, agent, team_alpha, manager
):
    """Several requests for the same review at once (a double submit): one review, one set of
    scores, submitted once; the rest get the same row back or are told it was submitted. Both
    paths: the page's (open, then save) and the API's (`review_interaction`)."""
    from groundswell.quality.tests.factories import make_scorecard as make

    scorecard = make(manager, team_alpha.department)
    interaction = resolved_interaction(team_alpha, agent)
    criteria = criteria_of(scorecard)
    answers = {c.pk: ScoreInput(value=1) for c in criteria.values()}
    count = 20 if connection.vendor == "postgresql" else 6
    start = threading.Barrier(count)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait(timeout=30)
            for _attempt in range(200):
                try:
                    if one_call:
                        services.review_interaction(
                            actor=team_lead, interaction=interaction, scores=answers, submit=True
                        )
                    else:
                        review = services.open_review(actor=team_lead, interaction=interaction)
                        services.save_review(
                            actor=team_lead, review=review, scores=answers, submit=True
                        )
                    outcomes.append("submitted")
                    return
                except services.AlreadySubmitted:
                    outcomes.append("already")
                    return
                except OperationalError as error:
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.005)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert outcomes.count("submitted") == 1
    assert outcomes.count("already") == count - 1
    assert Review.objects.count() == 1
    assert CriterionScore.objects.count() == len(criteria)


def test_team_lead_cannot_review_someone_who_outranks_them(
    team_lead, manager, team_alpha, scorecard
):
    """The rank rule: a manager who took a contact in the lead's team is not the lead's to score."""
    managers_contact = resolved_interaction(team_alpha, manager)

    with pytest.raises(PermissionDenied):
        services.open_review(actor=team_lead, interaction=managers_contact)


def test_a_granted_agent_reviews_agents_only(
    manager, other_agent, team_alpha, team_lead, scorecard
):
    services.grant_reviewer(actor=manager, person=other_agent, team=team_alpha)

    with pytest.raises(PermissionDenied):
        services.open_review(
            actor=other_agent, interaction=resolved_interaction(team_alpha, team_lead)
        )
