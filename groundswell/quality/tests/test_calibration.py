"""Calibration: created by a manager in scope, scored blind, results computed once and kept,
agreed scores stored as the reference; every page for every role, denials included."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from groundswell.quality import calibration as calibrations
from groundswell.quality.choices import CalibrationStatus, ReviewStatus
from groundswell.quality.models import (
    Calibration,
    CalibrationItem,
    CalibrationReviewer,
    ReferenceScore,
    Review,
)
from groundswell.quality.services import AlreadySubmitted, ScoreInput
from groundswell.quality.tests.conftest import ALL_MET
from groundswell.quality.tests.factories import criteria_of, resolved_interaction

# Both reviewers agree on ownership (varying across the three interactions) and disagree
# wildly on accuracy, which must then be flagged for rewording.
LEAD = [
    {"Takes ownership": 1, "Accurate answer": 5},
    {"Takes ownership": 0, "Accurate answer": 1},
    {"Takes ownership": 1, "Accurate answer": 3},
]
OTHER = [
    {"Takes ownership": 1, "Accurate answer": 1},
    {"Takes ownership": 0, "Accurate answer": 5},
    {"Takes ownership": 1, "Accurate answer": 2},
]


@pytest.fixture
def contacts(team_alpha, agent):
    return [resolved_interaction(team_alpha, agent, days_ago=day) for day in (1, 2, 3)]


@pytest.fixture
def exercise(manager, scorecard, contacts, team_lead, other_agent):
    return calibrations.create_calibration(
        actor=manager,
        name="March calibration",
        version=scorecard.versions.get(),
        interactions=contacts,
        reviewers=[team_lead, other_agent],
    )


def score_all(calibration, reviewer, values, scorecard, *, submit=True):
    criteria = criteria_of(scorecard)
    for item, chosen in zip(calibration.items.order_by("pk"), values, strict=True):
        review = calibrations.open_calibration_review(
            actor=reviewer, calibration=calibration, interaction=item.interaction
        )
        answers = {
            criteria[name].pk: ScoreInput(value=value, is_na=value is None)
            for name, value in (ALL_MET | chosen).items()
        }
        calibrations.save_calibration_review(
            actor=reviewer, review=review, scores=answers, submit=submit
        )


# --- Creating -----------------------------------------------------------------------------------


def test_fewer_than_two_reviewers_is_a_clear_error_and_nothing_is_stored(
    manager, scorecard, contacts, team_lead
):
    with pytest.raises(ValidationError) as error:
        calibrations.create_calibration(
            actor=manager,
            name="Alone",
            version=scorecard.versions.get(),
            interactions=contacts,
            reviewers=[team_lead, team_lead],
        )

    assert "at least two reviewers; this one has 1" in str(error.value)
    assert not Calibration.objects.exists()
    assert not CalibrationItem.objects.exists()


def test_an_interaction_of_another_department_is_refused_as_out_of_reach(
    manager, scorecard, contacts, team_lead, other_agent, team_invoices, outsider
):
    elsewhere = resolved_interaction(team_invoices, outsider)

    with pytest.raises(ValidationError) as error:
        calibrations.create_calibration(
            actor=manager,
            name="Mixed",
            version=scorecard.versions.get(),
            interactions=[*contacts, elsewhere],
            reviewers=[team_lead, other_agent],
        )

    assert f"No interaction {elsewhere.pk} in reach" in str(error.value)
    assert not Calibration.objects.exists()
    with pytest.raises(ValidationError):
        calibrations.interactions_to_calibrate(manager, [contacts[0].pk, elsewhere.pk])


@pytest.mark.parametrize("role", ["team_lead", "agent", "executive"])
def test_only_managers_and_admins_create(role, org, scorecard, contacts, team_lead, other_agent):
    with pytest.raises(PermissionDenied):
        calibrations.create_calibration(
            actor=org[role],
            name="Not mine",
            version=scorecard.versions.get(),
            interactions=contacts,
            reviewers=[team_lead, other_agent],
        )
    assert not Calibration.objects.exists()


def test_a_manager_cannot_ask_someone_outside_their_department(
    manager, scorecard, contacts, team_lead, outsider
):
    with pytest.raises(ValidationError, match="not someone you can ask"):
        calibrations.create_calibration(
            actor=manager,
            name="Outsider",
            version=scorecard.versions.get(),
            interactions=contacts,
            reviewers=[team_lead, outsider],
        )


# --- Blind scoring ------------------------------------------------------------------------------


def test_scores_stay_blind_until_everyone_has_submitted(
    exercise, scorecard, team_lead, other_agent, manager
):
    score_all(exercise, team_lead, LEAD, scorecard)
    exercise.refresh_from_db()
    lead_review = Review.objects.filter(calibration=exercise, reviewer=team_lead).first()

    assert exercise.status == CalibrationStatus.OPEN
    assert exercise.results is None
    assert CalibrationReviewer.objects.get(reviewer=team_lead).submitted_at is not None
    # The other reviewer and the manager read none of the lead's scores.
    assert not calibrations.visible_scores(exercise, other_agent).exists()
    assert not calibrations.visible_scores(exercise, manager).exists()
    assert calibrations.visible_scores(exercise, team_lead).count() == 15
    with pytest.raises(Http404):
        calibrations.get_calibration_review(other_agent, exercise, lead_review.pk)
    # Calibration reviews never appear among the ordinary reviews.
    assert not Review.objects.visible_to(manager).filter(calibration=exercise).exists()


def test_the_last_submission_reveals_and_keeps_the_results(
    exercise, scorecard, team_lead, other_agent
):
    score_all(exercise, team_lead, LEAD, scorecard)
    score_all(exercise, other_agent, OTHER, scorecard)
    exercise.refresh_from_db()

    assert exercise.status == CalibrationStatus.REVEALED
    assert exercise.results_at is not None
    by_label = {row["behaviour"]: row for row in exercise.results["criteria"]}
    assert by_label["Takes ownership"]["agreement"]["alpha"] == pytest.approx(1.0)
    assert by_label["Takes ownership"]["needs_rewording"] is False
    assert by_label["Accurate answer"]["agreement"]["alpha"] < 0.667
    assert by_label["Accurate answer"]["needs_rewording"] is True
    assert by_label["Accurate answer"]["level"] == "ordinal"
    assert by_label["Takes ownership"]["level"] == "nominal"
    assert exercise.overall_alpha == exercise.results["overall"]["alpha"]
    assert exercise.pairable_values > 0
    interval = exercise.results["overall"]["interval"]
    assert interval["low"] <= exercise.overall_alpha <= interval["high"]
    assert interval["level"] == pytest.approx(0.95)
    # Everyone's scores open up once revealed.
    assert calibrations.visible_scores(exercise, other_agent).count() == 30
    names = {row["name"] for row in exercise.results["reviewers"]}
    assert names == {team_lead.full_name, other_agent.full_name}
    # The agreed scores travel with the results: one per interaction and criterion.
    agreed = exercise.results["agreed"]
    assert len(agreed) == ReferenceScore.objects.filter(calibration=exercise).count() > 0


def test_agreed_scores_become_the_reference(exercise, scorecard, team_lead, other_agent):
    score_all(exercise, team_lead, LEAD, scorecard)
    score_all(exercise, other_agent, OTHER, scorecard)
    criteria = criteria_of(scorecard)
    first = exercise.items.order_by("pk").first().interaction

    refs = ReferenceScore.objects.filter(calibration=exercise)
    assert refs.count() == 3 * len(criteria)
    ownership = refs.get(interaction=first, criterion=criteria["Takes ownership"])
    assert ownership.value == 1
    # 5 and 1: an even number of 1-to-5 scores takes the lower middle one.
    accuracy = refs.get(interaction=first, criterion=criteria["Accurate answer"])
    assert accuracy.value == 1
    assert accuracy.note


def test_a_page_view_never_recomputes(
    exercise, scorecard, team_lead, other_agent, client_for, manager
):
    score_all(exercise, team_lead, LEAD, scorecard)
    score_all(exercise, other_agent, OTHER, scorecard)
    target = "groundswell.quality.statistics.calibration_results"

    with mock.patch(target, side_effect=AssertionError("recomputed")) as computed:
        response = client_for(manager).get(
            reverse("quality:calibration-detail", args=[exercise.pk])
        )

    assert response.status_code == 200
    computed.assert_not_called()
    assert "Krippendorff" in response.text
    assert "reword" in response.text


def test_a_second_submit_of_the_same_review_changes_nothing(exercise, scorecard, team_lead):
    score_all(exercise, team_lead, LEAD[:1] + LEAD[1:], scorecard)
    review = Review.objects.filter(calibration=exercise, reviewer=team_lead).first()

    with pytest.raises(AlreadySubmitted):
        calibrations.save_calibration_review(actor=team_lead, review=review, scores={}, submit=True)
    assert Review.objects.filter(calibration=exercise, reviewer=team_lead).count() == 3
    assert (
        Review.objects.filter(
            calibration=exercise, reviewer=team_lead, status=ReviewStatus.SUBMITTED
        ).count()
        == 3
    )


def test_only_a_participant_opens_a_calibration_review(exercise, manager, contacts):
    with pytest.raises(PermissionDenied):
        calibrations.open_calibration_review(
            actor=manager, calibration=exercise, interaction=contacts[0]
        )


def test_a_calibration_review_is_not_saved_as_an_ordinary_one(exercise, team_lead, contacts):
    from groundswell.quality import services

    review = calibrations.open_calibration_review(
        actor=team_lead, calibration=exercise, interaction=contacts[0]
    )
    with pytest.raises(PermissionDenied):
        services.save_review(actor=team_lead, review=review, scores={}, submit=False)


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),
        ("outsider", 403),
        ("team_lead", 200),  # takes part
        ("other_agent", 200),  # takes part
        ("manager", 200),
        ("executive", 200),
        ("admin", 200),
    ],
)
def test_calibration_list_per_role(role, status, org, exercise, client_for):
    response = client_for(org[role]).get(reverse("quality:calibration-list"))

    assert response.status_code == status
    if status == 200:
        assert "March calibration" in response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 404),
        ("outsider", 404),
        ("team_lead", 200),
        ("manager", 200),
        ("executive", 200),
        ("admin", 200),
    ],
)
def test_calibration_detail_per_role(role, status, org, exercise, client_for):
    response = client_for(org[role]).get(reverse("quality:calibration-detail", args=[exercise.pk]))

    assert response.status_code == status


def test_progress_page_shows_who_submitted_but_no_scores(
    exercise, scorecard, team_lead, manager, client_for
):
    score_all(exercise, team_lead, LEAD, scorecard)

    response = client_for(manager).get(reverse("quality:calibration-detail", args=[exercise.pk]))

    assert "Scores stay hidden" in response.text
    assert "Results" not in response.text
    assert "Agreement per criterion" not in response.text


def test_results_page_reads_the_kept_results(
    exercise, scorecard, team_lead, other_agent, manager, client_for
):
    score_all(exercise, team_lead, LEAD, scorecard)
    score_all(exercise, other_agent, OTHER, scorecard)
    exercise.refresh_from_db()
    ownership = next(
        row for row in exercise.results["criteria"] if row["behaviour"] == "Takes ownership"
    )

    response = client_for(manager).get(reverse("quality:calibration-detail", args=[exercise.pk]))

    text = response.text
    assert "Agreement per criterion" in text
    assert "Overall agreement" in text
    assert "95% bootstrap interval" in text
    assert '<th scope="row">Takes ownership</th>' in text
    assert f"<td>{ownership['agreement']['pairable_values']}</td>" in text
    assert team_lead.full_name in text


@pytest.mark.parametrize(
    ("role", "status"), [("agent", 403), ("team_lead", 403), ("executive", 403), ("manager", 200)]
)
def test_create_page_per_role(role, status, org, client_for, scorecard):
    response = client_for(org[role]).get(reverse("quality:calibration-create"))

    assert response.status_code == status


def test_create_with_one_reviewer_shows_the_error_and_stores_nothing(
    manager, scorecard, contacts, team_lead, client_for
):
    response = client_for(manager).post(
        reverse("quality:calibration-create"),
        {
            "name": "Alone",
            "version": scorecard.versions.get().pk,
            "interactions": " ".join(str(c.pk) for c in contacts),
            "reviewers": [team_lead.pk],
        },
    )

    assert response.status_code == 400
    assert "at least two reviewers" in response.text
    assert not Calibration.objects.exists()


def test_create_through_the_page(manager, scorecard, contacts, team_lead, other_agent, client_for):
    response = client_for(manager).post(
        reverse("quality:calibration-create"),
        {
            "name": "Through the page",
            "version": scorecard.versions.get().pk,
            "interactions": ", ".join(str(c.pk) for c in contacts),
            "reviewers": [team_lead.pk, other_agent.pk],
        },
    )

    created = Calibration.objects.get()
    assert response.status_code == 302
    assert created.items.count() == 3
    assert set(created.participants.values_list("reviewer_id", flat=True)) == {
        team_lead.pk,
        other_agent.pk,
    }


def test_score_page_for_a_participant_and_refused_to_others(
    exercise, contacts, team_lead, manager, agent, client_for
):
    url = reverse("quality:calibration-score", args=[exercise.pk, contacts[0].pk])

    assert client_for(team_lead).get(url).status_code == 200
    assert client_for(manager).get(url).status_code == 403
    assert client_for(agent).get(url).status_code == 404
    # A GET writes nothing: the draft appears on the first save.
    assert not Review.objects.filter(calibration=exercise).exists()


def test_scoring_through_the_page_submits(exercise, scorecard, contacts, team_lead, client_for):
    criteria = criteria_of(scorecard)
    data = {f"value_{criteria[name].pk}": str(value) for name, value in ALL_MET.items()}
    data["submit"] = "1"
    url = reverse("quality:calibration-score", args=[exercise.pk, contacts[0].pk])

    response = client_for(team_lead).post(url, data)

    assert response.status_code == 302
    review = Review.objects.get(calibration=exercise, reviewer=team_lead)
    assert review.status == ReviewStatus.SUBMITTED


def test_recompute_on_demand_is_for_the_manager(
    exercise, scorecard, team_lead, other_agent, manager, executive, client_for
):
    score_all(exercise, team_lead, LEAD, scorecard)
    score_all(exercise, other_agent, OTHER, scorecard)
    url = reverse("quality:calibration-recompute", args=[exercise.pk])

    assert client_for(executive).post(url).status_code == 403
    assert client_for(team_lead).post(url).status_code == 403
    response = client_for(manager).post(url)
    assert response.status_code == 302
    assert ReferenceScore.objects.filter(calibration=exercise, agreed_by=manager).exists()


def test_opening_the_same_calibration_review_twice_gives_one_row(exercise, team_lead, contacts):
    first = calibrations.open_calibration_review(
        actor=team_lead, calibration=exercise, interaction=contacts[0]
    )
    second = calibrations.open_calibration_review(
        actor=team_lead, calibration=exercise, interaction=contacts[0]
    )

    assert first.pk == second.pk
    assert Review.objects.filter(calibration=exercise, reviewer=team_lead).count() == 1


def test_calibration_reviews_are_not_counted_on_the_dashboard(
    exercise, scorecard, team_lead, other_agent
):
    from groundswell.quality import rollups
    from groundswell.quality.models import WeeklyQualityRollup

    score_all(exercise, team_lead, LEAD, scorecard)
    score_all(exercise, other_agent, OTHER, scorecard)
    rollups.refresh_quality_rollups()

    assert sum(WeeklyQualityRollup.objects.values_list("reviews", flat=True)) == 0
    assert sum(WeeklyQualityRollup.objects.values_list("interactions", flat=True)) == 3


def test_create_names_a_number_that_is_not_one_and_one_out_of_reach(
    manager, scorecard, contacts, team_lead, other_agent, team_invoices, outsider, client_for
):
    elsewhere = resolved_interaction(team_invoices, outsider)
    url = reverse("quality:calibration-create")
    data = {
        "name": "Typo",
        "version": scorecard.versions.get().pk,
        "reviewers": [team_lead.pk, other_agent.pk],
    }

    typo = client_for(manager).post(url, data | {"interactions": f"{contacts[0].pk} 12x"})
    away = client_for(manager).post(url, data | {"interactions": f"{elsewhere.pk}"})

    assert typo.status_code == 400
    assert "“12x” is not an interaction number" in typo.text
    assert away.status_code == 400
    assert f"No interaction {elsewhere.pk} in reach" in away.text
    assert not Calibration.objects.exists()


def test_the_quality_home_lists_calibrations_until_my_scores_are_in(
    exercise, scorecard, team_lead, manager, client_for
):
    home = reverse("quality:home")

    assert "March calibration" in client_for(team_lead).get(home).text
    assert "Calibrations waiting for your scores" not in client_for(manager).get(home).text
    score_all(exercise, team_lead, LEAD, scorecard)
    assert "Calibrations waiting for your scores" not in client_for(team_lead).get(home).text
