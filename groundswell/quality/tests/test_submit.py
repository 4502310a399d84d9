"""Open and submit a review in one transaction with a fixed handful of queries: the scorecard
version in one read, the criteria from memory, the score computed from the answers in hand,
the review and its scores inserted in two statements; the dashboard refresh shared by submits
close together."""

import datetime
from decimal import Decimal
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.tasks import default_task_backend
from django.tasks.backends.dummy import DummyBackend
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groundswell.people.tests.factories import TeamFactory
from groundswell.quality import rollups, selectors, services, tasks
from groundswell.quality.choices import CriterionScale, QueueReason, ReviewStatus
from groundswell.quality.models import CriterionScore, QueueItem, Review
from groundswell.quality.services import CriterionInput, ScoreInput
from groundswell.quality.tests.conftest import ALL_MET
from groundswell.quality.tests.factories import criteria_of, make_scorecard, resolved_interaction

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _answers(scorecard, values=None):
    criteria = criteria_of(scorecard)
    chosen = ALL_MET | (values or {})
    return {
        criteria[name].pk: ScoreInput(value=value, is_na=value is None)
        for name, value in chosen.items()
    }


def _many_criteria(count):
    return [
        CriterionInput(
            f"Section {n % 3}",
            f"Behaviour {n}",
            scale=CriterionScale.ONE_TO_FIVE if n % 2 else CriterionScale.YES_NO,
            weight=Decimal(1 + n % 3),
        )
        for n in range(count)
    ]


def _statements(captured):
    verbs = [q["sql"].lstrip().split()[0].upper() for q in captured.captured_queries]
    return {verb: verbs.count(verb) for verb in set(verbs)}


@pytest.mark.parametrize("size", [5, 16])
def test_open_and_submit_reads_two_rows_and_writes_two_statements(
    size, team_lead, team_alpha, agent, manager, customer_service
):
    """However many criteria: the version in use, one insert of the review, one of all its
    scores. The lead's reach (the permission check) is read once per person object, here by
    the warm-up submit (a request's person comes with it: people/tests/test_led_teams.py). A
    query per criterion fails this test."""
    card = make_scorecard(manager, customer_service, criteria=_many_criteria(size))
    answers = {c.pk: ScoreInput(value=c.top) for c in criteria_of(card).values()}
    warm = resolved_interaction(team_alpha, agent)
    services.review_interaction(actor=team_lead, interaction=warm, scores=answers, submit=True)
    interaction = resolved_interaction(team_alpha, agent)

    with CaptureQueriesContext(connection) as captured:
        review, created = services.review_interaction(
            actor=team_lead, interaction=interaction, scores=answers, submit=True
        )

    counts = _statements(captured)
    assert counts.get("SELECT") == 1
    assert counts.get("INSERT") == 2
    assert "UPDATE" not in counts  # nothing re-read or written twice
    assert len(captured) <= 6  # with the savepoint around it inside the test's transaction
    assert created is True
    assert review.status == ReviewStatus.SUBMITTED
    assert review.score == Decimal("100.00")
    assert CriterionScore.objects.filter(review=review).count() == size


def test_the_score_is_computed_from_the_answers(team_lead, interaction, scorecard):
    answers = _answers(
        scorecard, {"Accurate answer": 3, "Keeps the promise made": None, "Goes the extra mile": 1}
    )

    review, _created = services.review_interaction(
        actor=team_lead, interaction=interaction, scores=answers, submit=True
    )

    # Counted weights 1 + 2 + 1 (promise N/A); earned 1 + 2 * 0.5 + 1; bonus 0.5: 87.5%.
    stored = Review.objects.get(pk=review.pk)
    assert stored.score == stored.weighted_score == Decimal("87.50")
    assert stored.is_failed is False
    assert stored.submitted_at is not None


def test_a_queued_interaction_is_marked_done(team_lead, interaction, scorecard, team_alpha, agent):
    item = QueueItem.objects.create(
        interaction=interaction,
        team=team_alpha,
        agent=agent,
        reviewer=team_lead,
        reason=QueueReason.SAMPLE,
        week=rollups.monday(timezone.localdate()),
        due_on=timezone.localdate(),
    )

    review, _created = services.review_interaction(
        actor=team_lead, interaction=interaction, scores=_answers(scorecard), submit=True
    )

    item.refresh_from_db()
    assert item.review == review
    assert item.done_at == review.submitted_at


def test_a_draft_is_written_without_a_score(team_lead, interaction, scorecard):
    answers = dict(list(_answers(scorecard).items())[:2])

    review, created = services.review_interaction(
        actor=team_lead, interaction=interaction, scores=answers, comment=" so far ", submit=False
    )

    assert created is True
    assert review.status == ReviewStatus.DRAFT
    assert review.score is None
    assert review.comment == "so far"
    assert review.scores.count() == 2


def test_a_kept_draft_is_completed_and_submitted(team_lead, interaction, scorecard):
    first, _ = services.review_interaction(
        actor=team_lead, interaction=interaction, scores={}, submit=False
    )

    second, created = services.review_interaction(
        actor=team_lead, interaction=interaction, scores=_answers(scorecard), submit=True
    )

    assert created is False
    assert second.pk == first.pk
    assert second.status == ReviewStatus.SUBMITTED
    assert Review.objects.count() == 1


def test_sending_a_submitted_review_again_changes_nothing(team_lead, interaction, scorecard):
    services.review_interaction(
        actor=team_lead, interaction=interaction, scores=_answers(scorecard), submit=True
    )

    with pytest.raises(services.AlreadySubmitted):
        services.review_interaction(
            actor=team_lead,
            interaction=interaction,
            scores=_answers(scorecard, {"Takes ownership": 0}),
            submit=True,
        )

    assert Review.objects.get().score == Decimal("100.00")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"Checks the customer is satisfied": 7}, "takes a score from 0 to 1"),
        ({"Takes ownership": None}, "cannot be marked N/A"),
    ],
)
def test_bad_answers_are_named_and_nothing_is_written(
    values, message, team_lead, interaction, scorecard
):
    with pytest.raises(ValidationError, match=message):
        services.review_interaction(
            actor=team_lead,
            interaction=interaction,
            scores=_answers(scorecard, values),
            submit=True,
        )

    assert not Review.objects.exists()
    assert not CriterionScore.objects.exists()


def test_an_unscored_criterion_is_named_and_nothing_is_written(team_lead, interaction, scorecard):
    answers = _answers(scorecard)
    del answers[criteria_of(scorecard)["Accurate answer"].pk]

    with pytest.raises(ValidationError, match="Score “Accurate answer”"):
        services.review_interaction(
            actor=team_lead, interaction=interaction, scores=answers, submit=True
        )

    assert not Review.objects.exists()


def test_a_criterion_of_another_scorecard_is_named(
    team_lead, interaction, scorecard, manager, customer_service
):
    other = make_scorecard(manager, customer_service, name="Another card")
    stray = next(iter(criteria_of(other).values()))
    answers = _answers(scorecard) | {stray.pk: ScoreInput(value=1)}

    with pytest.raises(ValidationError, match=f"Criterion {stray.pk} is not on version 1"):
        services.review_interaction(
            actor=team_lead, interaction=interaction, scores=answers, submit=True
        )

    assert not Review.objects.exists()


def test_someone_outside_reach_is_refused(agent, other_agent, team_beta, scorecard):
    contact = resolved_interaction(team_beta, other_agent)

    with pytest.raises(PermissionDenied):
        services.review_interaction(
            actor=agent, interaction=contact, scores=_answers(scorecard), submit=True
        )

    assert not Review.objects.exists()


def test_the_version_in_use_follows_the_most_specific_scorecard(
    manager, customer_service, team_alpha, team_lead, agent
):
    """The team's card for the channel, then the team's, then the department's for the
    channel, then the department's; the latest version of it."""
    other_team = TeamFactory.create(department=customer_service, name="Gamma", slug="gamma")
    department_card = make_scorecard(manager, customer_service, name="Department")
    used = resolved_interaction(other_team, agent, channel="phone")
    services.review_interaction(actor=manager, interaction=used, scores={})  # v1 in use
    services.revise_scorecard(
        actor=manager, scorecard=department_card, criteria=_many_criteria(3), note="v2"
    )
    email_card = make_scorecard(manager, customer_service, name="Email", channel="email")
    team_card = make_scorecard(manager, customer_service, name="Alpha", team=team_alpha)
    cases = [
        (resolved_interaction(team_alpha, agent, channel="phone"), team_card),
        (resolved_interaction(team_alpha, agent, channel="email"), team_card),
        (resolved_interaction(other_team, agent, channel="email"), email_card),
        (resolved_interaction(other_team, agent, channel="phone"), department_card),
    ]
    phone_card = make_scorecard(
        manager, customer_service, name="Alpha phone", team=team_alpha, channel="phone"
    )
    cases[0] = (cases[0][0], phone_card)

    for interaction, expected in cases:
        found = selectors.version_in_use(interaction)
        assert found.version == selectors.current_version(expected)
        assert found.queued is False
    assert selectors.version_in_use(cases[3][0]).version.number == 2


def test_no_scorecard_in_use_is_named(team_lead, interaction):
    with pytest.raises(ValidationError, match="No scorecard is in use for Alpha"):
        services.review_interaction(actor=team_lead, interaction=interaction, scores={})


def test_the_criteria_are_read_once_per_version(scorecard, django_assert_num_queries):
    version = selectors.current_version(scorecard)
    selectors.forget_criteria()

    with django_assert_num_queries(1):
        first = selectors.criteria_in_use(version)
    with django_assert_num_queries(0):
        again = selectors.criteria_in_use(version)

    assert again is first
    assert [c.behaviour for c in first] == [
        c.behaviour for c in selectors.version_criteria(version)
    ]


def test_a_version_with_a_reused_id_is_read_again(scorecard, django_assert_num_queries):
    """Ids come back after a rolled-back transaction: the cache checks the version it has."""
    version = selectors.current_version(scorecard)
    selectors.criteria_in_use(version)
    version.created_at += datetime.timedelta(seconds=1)

    with django_assert_num_queries(1):
        selectors.criteria_in_use(version)


@override_settings(TASKS=DUMMY_TASKS)
def test_submits_close_together_share_one_refresh(monkeypatch):
    backend = cast(DummyBackend, default_task_backend)
    backend.clear()
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    tasks._coming.clear()

    tasks.refresh_week_soon("2026-11-30", 1)
    tasks.refresh_week_soon("2026-11-30", 1)
    tasks.refresh_week_soon("2026-11-30", 2)

    queued = backend.results
    assert [result.args for result in queued] == [["2026-11-30", 1], ["2026-11-30", 2]]
    assert queued[0].task.run_after == now + tasks.REFRESH_DELAY
    # Once the refresh is near, the next submit asks for another one (it may run too early).
    later = now + tasks.REFRESH_DELAY - tasks.REFRESH_MARGIN
    monkeypatch.setattr(timezone, "now", lambda: later)
    tasks.refresh_week_soon("2026-11-30", 1)

    assert len(backend.results) == 3
    assert backend.results[-1].task.run_after == later + tasks.REFRESH_DELAY
    backend.clear()
