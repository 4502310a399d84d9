"""Courses and refreshers: the catalogue per role, completions with certificate expiry, and the
overdue list per person and team."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from groundswell.learning import selectors, services
from groundswell.learning.models import Completion, Course


@pytest.fixture
def course(customer_service):
    return Course.objects.create(
        department=customer_service,
        title="Listening and communication",
        content="Listen first.",
        links="https://example.org/listening\n",
        refresher_months=12,
    )


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive", "admin"])
def test_everyone_reads_the_catalogue(role, org, client_for, course):
    client = client_for(org[role])

    assert "Listening" in client.get(reverse("learning:course-list")).content.decode()
    assert client.get(reverse("learning:course-detail", args=[course.pk])).status_code == 200
    assert client.get(reverse("learning:overdue")).status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 403), ("team_lead", 403), ("manager", 200), ("executive", 403), ("admin", 200)],
)
def test_course_create_page_per_role(role, expected, org, client_for):
    assert client_for(org[role]).get(reverse("learning:course-create")).status_code == expected


def test_manager_adds_a_course(manager, client_for, customer_service):
    response = client_for(manager).post(
        reverse("learning:course-create"),
        {
            "department": customer_service.pk,
            "title": "Our history",
            "content": "Where we come from.",
            "refresher_months": "24",
        },
    )

    assert response.status_code == 302
    assert Course.objects.get(title="Our history").refresher_months == 24


def test_a_completion_gives_a_certificate_until_the_refresher(team_lead, agent, course):
    done = services.record_completion(
        actor=team_lead, course=course, person=agent, completed_on=datetime.date(2025, 1, 31)
    )

    assert done.expires_on == datetime.date(2026, 1, 31)


def test_recording_twice_the_same_day_stores_one(team_lead, agent, course):
    day = timezone.localdate()
    services.record_completion(actor=team_lead, course=course, person=agent, completed_on=day)
    services.record_completion(actor=team_lead, course=course, person=agent, completed_on=day)

    assert Completion.objects.count() == 1


def test_a_completion_in_the_future_is_refused(team_lead, agent, course):
    with pytest.raises(ValidationError):
        services.record_completion(
            actor=team_lead,
            course=course,
            person=agent,
            completed_on=timezone.localdate() + datetime.timedelta(days=1),
        )


@pytest.mark.parametrize("role", ["agent", "executive", "outsider"])
def test_others_cannot_record_training(role, org, course):
    with pytest.raises(PermissionDenied):
        services.record_completion(actor=org[role], course=course, person=org["agent"])


def test_a_lead_cannot_record_for_another_team(team_lead, other_agent, course):
    with pytest.raises(PermissionDenied):
        services.record_completion(actor=team_lead, course=course, person=other_agent)


def test_overdue_lists_expired_certificates_not_renewed(
    team_lead, manager, agent, other_agent, course
):
    long_ago = timezone.localdate() - datetime.timedelta(days=500)
    services.record_completion(actor=team_lead, course=course, person=agent, completed_on=long_ago)
    services.record_completion(
        actor=manager, course=course, person=other_agent, completed_on=long_ago
    )
    services.record_completion(actor=manager, course=course, person=other_agent)

    assert [c.person for c in selectors.overdue_refreshers(manager)] == [agent]
    assert [c.person for c in selectors.overdue_refreshers(team_lead)] == [agent]
    assert [c.person for c in selectors.overdue_refreshers(agent)] == [agent]
    assert list(selectors.overdue_refreshers(other_agent)) == []


def test_completions_over_the_api(team_lead, agent, client_for, course):
    client = client_for(team_lead)

    made = client.post(
        "/api/v1/learning/completions",
        {"course": course.pk, "person": agent.pk},
        content_type="application/json",
    )
    refused = client_for(agent).post(
        "/api/v1/learning/completions",
        {"course": course.pk, "person": agent.pk},
        content_type="application/json",
    )
    listed = client.get("/api/v1/learning/courses").json()

    assert made.status_code == 201
    assert made.json()["expires_on"] is not None
    assert refused.status_code == 403
    assert listed["items"][0]["links"] == ["https://example.org/listening"]
    assert client.get("/api/v1/learning/refreshers/overdue").json()["count"] == 0
