"""Did it work? Quality before and after a course, attendees against colleagues of the same
teams who did not attend, with n and a 95% interval; too few people is said so."""

import datetime

import pytest
from django.utils import timezone

from conftest import _person
from groundswell.learning import impact, services
from groundswell.learning.models import Course
from groundswell.people.choices import Role
from groundswell.quality.choices import ReviewStatus
from groundswell.quality.models import Review
from groundswell.quality.tests.factories import make_scorecard, resolved_interaction

PIVOT_DAYS_AGO = 100


@pytest.fixture
def course(customer_service):
    return Course.objects.create(department=customer_service, title="Listening", content="x")


@pytest.fixture
def version(manager, customer_service):
    return make_scorecard(manager, customer_service).versions.get()


def review(version, person, days_ago, score, reviewer):
    Review.objects.create(
        version=version,
        interaction=resolved_interaction(person.team, person, days_ago=days_ago + 1),
        team=person.team,
        agent=person,
        reviewer=reviewer,
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        score=score,
    )


def people(team, n, prefix):
    return [
        _person(Role.AGENT, f"{prefix}{i}@example.test", team, full_name=f"{prefix} {i}")
        for i in range(n)
    ]


def build(version, course, manager, team, *, attendees, others, gain):
    """Attendees complete the course PIVOT_DAYS_AGO; everyone is reviewed before and after;
    attendees gain `gain` points more than the others (who gain 2)."""
    day = timezone.localdate() - datetime.timedelta(days=PIVOT_DAYS_AGO)
    went, stayed = people(team, attendees, "went"), people(team, others, "stayed")
    for n, person in enumerate(went):
        services.record_completion(actor=manager, course=course, person=person, completed_on=day)
        review(version, person, PIVOT_DAYS_AGO + 20, 70 + n, manager)
        review(version, person, PIVOT_DAYS_AGO - 20, 70 + n + gain + (n % 3), manager)
    for n, person in enumerate(stayed):
        review(version, person, PIVOT_DAYS_AGO + 20, 70 + n, manager)
        review(version, person, PIVOT_DAYS_AGO - 20, 72 + n + (n % 2), manager)
    return went, stayed


def test_a_course_that_helps_shows_a_difference_beyond_noise(version, course, manager, team_alpha):
    build(version, course, manager, team_alpha, attendees=6, others=6, gain=15)

    quality, csat = impact.course_impact(course).effects

    assert (quality.n_attended, quality.n_others) == (6, 6)
    assert not quality.too_few
    assert quality.difference.interval.low > 0
    assert quality.difference.value == pytest.approx(15 + 1 - 2 - 0.5, abs=0.01)
    assert quality.summary.startswith("It seems to help")
    assert csat.too_few  # nobody answered a survey
    assert csat.summary.startswith("Too few people to tell")


def test_too_few_people_is_flagged(version, course, manager, team_alpha):
    build(version, course, manager, team_alpha, attendees=3, others=6, gain=15)

    quality, _csat = impact.course_impact(course).effects

    assert quality.n_attended == 3
    assert quality.too_few
    assert "Too few people to tell: 3" in quality.summary


def test_no_clear_difference_is_said_plainly(version, course, manager, team_alpha):
    build(version, course, manager, team_alpha, attendees=6, others=6, gain=2)

    quality, _csat = impact.course_impact(course).effects

    assert not quality.too_few
    assert quality.difference.interval.low < 0 < quality.difference.interval.high
    assert quality.summary.startswith("No clear difference")


def test_completions_whose_after_window_is_still_open_do_not_count(
    version, course, manager, team_alpha
):
    went = people(team_alpha, 6, "recent")
    for person in went:
        services.record_completion(actor=manager, course=course, person=person)

    quality, _csat = impact.course_impact(course).effects

    assert quality.n_attended == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent", 403),
        ("team_lead", 403),
        ("manager", 200),
        ("executive", 403),
        ("admin", 200),
        ("outsider", 403),
    ],
)
def test_the_impact_page_and_api_per_role(role, expected, org, client_for, course, version):
    build(version, course, org["manager"], org["agent"].team, attendees=6, others=6, gain=15)
    client = client_for(org[role])

    page = client.get(f"/learning/courses/{course.pk}/impact/")
    api = client.get(f"/api/v1/learning/courses/{course.pk}/impact")

    assert page.status_code == expected
    assert api.status_code == expected
    if expected == 200:
        assert "It seems to help" in page.content.decode()
        body = api.json()
        assert body["effects"][0]["n_attended"] == 6
        assert body["effects"][0]["too_few"] is False
        assert body["effects"][1]["too_few"] is True
