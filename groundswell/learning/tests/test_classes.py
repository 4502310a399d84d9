"""Classes: seats that cannot be overbooked (also by two enrolments at once), the trainer's
attendance that records the completion. Pages and API, per role."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from groundswell.learning import services
from groundswell.learning.models import Completion, Course, CourseClass, Enrolment

ROLES = ["agent", "team_lead", "manager", "executive", "admin", "outsider"]
SOON = datetime.timedelta(days=3)


@pytest.fixture
def course(customer_service):
    return Course.objects.create(
        department=customer_service,
        title="Listening",
        content="Listen before you answer.",
        refresher_months=24,
    )


@pytest.fixture
def course_class(manager, team_lead, course):
    return services.schedule_class(
        actor=manager,
        course=course,
        starts_at=timezone.now() + SOON,
        capacity=2,
        trainer=team_lead,
        place="Room 2",
    )


def started(course_class: CourseClass) -> CourseClass:
    CourseClass.objects.filter(pk=course_class.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    course_class.refresh_from_db()
    return course_class


def test_a_full_class_refuses_the_next_enrolment(agent, other_agent, manager, course_class):
    services.enrol(actor=agent, course_class=course_class, person=agent)
    services.enrol(actor=manager, course_class=course_class, person=other_agent)

    with pytest.raises(ValidationError, match="full: all 2 seats"):
        services.enrol(actor=manager, course_class=course_class, person=manager)
    course_class.refresh_from_db()
    assert course_class.seats_left == 0
    assert Enrolment.objects.count() == 2


def test_enrolling_twice_or_after_the_start_is_refused(agent, other_agent, course_class):
    services.enrol(actor=agent, course_class=course_class, person=agent)

    with pytest.raises(ValidationError, match="enrolled in this class already"):
        services.enrol(actor=agent, course_class=course_class, person=agent)
    started(course_class)
    with pytest.raises(ValidationError, match="has started"):
        services.enrol(actor=other_agent, course_class=course_class, person=other_agent)
    course_class.refresh_from_db()
    assert course_class.seats_taken == 1


def test_a_seat_given_back_is_free_again(agent, course_class):
    seat = services.enrol(actor=agent, course_class=course_class, person=agent)
    services.cancel_enrolment(actor=agent, enrolment=seat)

    course_class.refresh_from_db()
    assert course_class.seats_taken == 0
    assert not Enrolment.objects.exists()


def test_who_may_enrol_whom(agent, other_agent, team_lead, course_class, outsider):
    services.enrol(actor=team_lead, course_class=course_class, person=agent)  # their team

    with pytest.raises(PermissionDenied):
        services.enrol(actor=team_lead, course_class=course_class, person=other_agent)
    with pytest.raises(PermissionDenied):
        services.enrol(actor=agent, course_class=course_class, person=other_agent)
    with pytest.raises(PermissionDenied):
        services.enrol(actor=outsider, course_class=course_class, person=agent)


def test_a_bad_class_is_refused(manager, team_lead, course, agent):
    with pytest.raises(ValidationError, match="still to come"):
        services.schedule_class(
            actor=manager, course=course, starts_at=timezone.now(), capacity=5, trainer=team_lead
        )
    with pytest.raises(ValidationError):
        services.schedule_class(
            actor=manager, course=course, starts_at=timezone.now() + SOON, capacity=0, trainer=agent
        )
    with pytest.raises(PermissionDenied):
        services.schedule_class(
            actor=team_lead,
            course=course,
            starts_at=timezone.now() + SOON,
            capacity=5,
            trainer=agent,
        )
    assert not CourseClass.objects.exists()


def test_the_trainer_marks_attendance_which_records_the_completion(
    agent, other_agent, team_lead, course_class
):
    services.enrol(actor=agent, course_class=course_class, person=agent)
    services.enrol(actor=other_agent, course_class=course_class, person=other_agent)
    with pytest.raises(ValidationError, match="not started yet"):
        services.mark_attendance(actor=team_lead, course_class=course_class, attended=[agent.pk])
    started(course_class)

    done = services.mark_attendance(actor=team_lead, course_class=course_class, attended=[agent.pk])

    assert [c.person for c in done] == [agent]
    assert done[0].completed_on == timezone.localdate(course_class.starts_at)
    assert done[0].expires_on is not None
    assert dict(Enrolment.objects.values_list("person_id", "attended")) == {
        agent.pk: True,
        other_agent.pk: False,
    }
    assert not Completion.objects.filter(person=other_agent).exists()


def test_attendance_is_the_trainers_and_names_only_enrolled_people(
    agent, other_agent, manager, course_class
):
    services.enrol(actor=agent, course_class=course_class, person=agent)
    started(course_class)

    with pytest.raises(PermissionDenied):
        services.mark_attendance(actor=agent, course_class=course_class, attended=[agent.pk])
    with pytest.raises(ValidationError, match="not enrolled"):
        services.mark_attendance(
            actor=manager, course_class=course_class, attended=[agent.pk, other_agent.pk]
        )
    assert not Completion.objects.exists()
    assert Enrolment.objects.get().attended is None


@pytest.mark.parametrize("role", ROLES)
def test_everyone_takes_a_seat_on_the_class_page(role, org, client_for, course_class):
    client = client_for(org[role])
    page = reverse("learning:class-detail", args=[course_class.pk])

    assert "Room 2" in client.get(page).content.decode()
    response = client.post(reverse("learning:class-enrol", args=[course_class.pk]))

    assert response.status_code == 302
    assert Enrolment.objects.filter(person=org[role]).exists()
    assert "You have a seat" in client.get(page).content.decode()


def test_the_page_says_when_the_class_is_full(
    agent, other_agent, manager, client_for, course_class
):
    services.enrol(actor=agent, course_class=course_class, person=agent)
    services.enrol(actor=other_agent, course_class=course_class, person=other_agent)

    response = client_for(manager).post(reverse("learning:class-enrol", args=[course_class.pk]))

    assert response.status_code == 422
    assert "full" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("agent", False),
        ("team_lead", True),
        ("manager", True),
        ("executive", False),
        ("admin", True),
    ],
)
def test_attendance_page_per_role(role, allowed, org, client_for, course_class):
    agent = org["agent"]
    services.enrol(actor=agent, course_class=course_class, person=agent)
    started(course_class)
    client = client_for(org[role])

    response = client.post(
        reverse("learning:class-attendance", args=[course_class.pk]), {"attended": [agent.pk]}
    )
    roster_shown = (
        "Save attendance"
        in client.get(reverse("learning:class-detail", args=[course_class.pk])).content.decode()
    )

    assert response.status_code == (302 if allowed else 403)
    assert Completion.objects.filter(person=agent).exists() is allowed
    assert roster_shown is allowed


def test_classes_over_the_api(manager, team_lead, agent, client_for, course):
    keeper, learner = client_for(manager), client_for(agent)
    starts = (timezone.now() + SOON).isoformat()

    made = keeper.post(
        f"/api/v1/learning/courses/{course.pk}/classes",
        {"starts_at": starts, "capacity": 1, "trainer": team_lead.pk},
        content_type="application/json",
    )
    refused = learner.post(
        f"/api/v1/learning/courses/{course.pk}/classes",
        {"starts_at": starts, "capacity": 1, "trainer": team_lead.pk},
        content_type="application/json",
    )
    class_id = made.json()["id"]
    seat = learner.post(
        f"/api/v1/learning/classes/{class_id}/enrolments", {}, content_type="application/json"
    )
    full = keeper.post(
        f"/api/v1/learning/classes/{class_id}/enrolments", {}, content_type="application/json"
    )
    listed = learner.get(f"/api/v1/learning/courses/{course.pk}/classes").json()
    CourseClass.objects.filter(pk=class_id).update(starts_at=timezone.now())
    early_mark = learner.put(
        f"/api/v1/learning/classes/{class_id}/attendance",
        {"attended": [agent.pk]},
        content_type="application/json",
    )
    marked = client_for(team_lead).put(
        f"/api/v1/learning/classes/{class_id}/attendance",
        {"attended": [agent.pk]},
        content_type="application/json",
    )

    assert made.status_code == 201
    assert refused.status_code == 403
    assert seat.status_code == 201
    assert full.status_code == 422
    assert "full" in full.content.decode()
    assert listed["items"][0]["seats_left"] == 0
    assert early_mark.status_code == 403
    assert marked.status_code == 200
    assert [c["person"] for c in marked.json()] == [agent.pk]


def _retry(work):
    """SQLite's in-memory test database answers "locked" at once (shared cache): try again."""
    for attempt in range(500):
        try:
            return work()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.001 * (attempt % 10))
    raise AssertionError("still locked")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_enrolments_at_once_for_the_last_seat_one_wins(org, customer_service):
    course = Course.objects.create(department=customer_service, title="Race", content="x")
    course_class = services.schedule_class(
        actor=org["manager"],
        course=course,
        starts_at=timezone.now() + SOON,
        capacity=1,
        trainer=org["team_lead"],
    )
    start = threading.Barrier(2)
    results: list[str] = []

    def take(person) -> None:
        try:
            start.wait(timeout=30)
            _retry(lambda: services.enrol(actor=person, course_class=course_class, person=person))
            results.append("seat")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=take, args=(p,)) for p in (org["agent"], org["other_agent"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == ["This class is full: its one seat is taken.", "seat"]
    assert Enrolment.objects.count() == 1
    assert CourseClass.objects.get().seats_taken == 1
