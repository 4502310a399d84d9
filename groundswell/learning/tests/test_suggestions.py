"""Course suggestions: a course mapped to a scorecard behaviour is suggested to the lead of a
person who failed that behaviour in 2 of their last 3 reviews."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from groundswell.learning import selectors, services
from groundswell.learning.models import Course, CourseCriterion
from groundswell.quality.choices import ReviewStatus
from groundswell.quality.models import CriterionScore, Review
from groundswell.quality.tests.factories import criteria_of, make_scorecard, resolved_interaction


@pytest.fixture
def ownership(manager, customer_service):
    """The "Takes ownership" criterion (yes/no) of a scorecard."""
    return criteria_of(make_scorecard(manager, customer_service))["Takes ownership"]


@pytest.fixture
def course(customer_service, manager, ownership):
    course = Course.objects.create(
        department=customer_service, title="Owning the problem", content="It is yours now."
    )
    services.map_criterion(actor=manager, course=course, criterion_key=ownership.key)
    return course


def reviewed(agent, team, criterion, results, reviewer):
    """Reviews of `agent`, oldest first, scoring `criterion` pass (True) or fail (False)."""
    for n, passed in enumerate(results):
        when = timezone.now() - datetime.timedelta(days=len(results) - n)
        review = Review.objects.create(
            version=criterion.version,
            interaction=resolved_interaction(team, agent, days_ago=len(results) - n + 1),
            team=team,
            agent=agent,
            reviewer=reviewer,
            status=ReviewStatus.SUBMITTED,
            submitted_at=when,
        )
        CriterionScore.objects.create(
            review=review, criterion=criterion, value=int(passed), fraction=float(passed)
        )


def test_two_fails_of_the_last_three_suggest_the_course_to_the_lead(
    team_lead, manager, agent, team_alpha, ownership, course
):
    reviewed(agent, team_alpha, ownership, [True, True, False, True, False], manager)

    [suggestion] = selectors.course_suggestions(team_lead)

    assert (suggestion.person, suggestion.course) == (agent, course)
    assert (suggestion.fails, suggestion.reviews) == (2, 3)
    assert suggestion.behaviour == "Takes ownership"
    assert [s.person for s in selectors.course_suggestions(manager)] == [agent]


def test_one_fail_or_old_fails_suggest_nothing(
    team_lead, manager, agent, team_alpha, ownership, course
):
    reviewed(agent, team_alpha, ownership, [False, False, True, True, False], manager)

    assert selectors.course_suggestions(team_lead) == []


def test_the_course_taken_since_the_fails_began_is_not_suggested(
    team_lead, manager, agent, team_alpha, ownership, course
):
    reviewed(agent, team_alpha, ownership, [False, False, False], manager)
    services.record_completion(actor=team_lead, course=course, person=agent)

    assert selectors.course_suggestions(team_lead) == []


@pytest.mark.parametrize("role", ["agent", "executive", "outsider"])
def test_only_those_who_record_training_get_suggestions(
    role, org, manager, team_alpha, ownership, course
):
    reviewed(org["agent"], team_alpha, ownership, [False, False, False], manager)

    assert selectors.course_suggestions(org[role]) == []


def test_a_lead_of_another_team_gets_none(
    manager, other_agent, team_beta, agent, team_lead, ownership, course
):
    reviewed(other_agent, team_beta, ownership, [False, False, False], manager)

    assert selectors.course_suggestions(team_lead) == []
    assert [s.person for s in selectors.course_suggestions(manager)] == [other_agent]


def test_mapping_a_criterion_per_role_and_bad_keys(org, customer_service, ownership):
    course = Course.objects.create(department=customer_service, title="T", content="x")

    for role in ("agent", "team_lead", "executive", "outsider"):
        with pytest.raises(PermissionDenied):
            services.map_criterion(actor=org[role], course=course, criterion_key=ownership.key)
    with pytest.raises(ValidationError, match="No scorecard has a behaviour"):
        services.map_criterion(actor=org["manager"], course=course, criterion_key="nope")
    services.map_criterion(actor=org["manager"], course=course, criterion_key=ownership.key)
    services.map_criterion(actor=org["admin"], course=course, criterion_key=ownership.key)
    assert CourseCriterion.objects.filter(course=course).count() == 1


def test_the_lead_sees_suggestions_on_the_overdue_page_and_the_api(
    team_lead, manager, agent, team_alpha, ownership, course, client_for
):
    reviewed(agent, team_alpha, ownership, [False, True, False], manager)

    page = client_for(team_lead).get(reverse("learning:overdue")).content.decode()
    api = client_for(team_lead).get("/api/v1/learning/suggestions").json()
    mine = client_for(agent).get(reverse("learning:overdue")).content.decode()
    mapped = client_for(manager).post(
        f"/api/v1/learning/courses/{course.pk}/criteria",
        {"criterion_key": "unknown"},
        content_type="application/json",
    )

    assert "Courses suggested from quality reviews" in page
    assert "Owning the problem" in page
    assert api == [
        {
            "person": agent.pk,
            "course": course.pk,
            "behaviour": "Takes ownership",
            "fails": 2,
            "reviews": 3,
        }
    ]
    assert "Courses suggested" not in mine
    assert mapped.status_code == 422
