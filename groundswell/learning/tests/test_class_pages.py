"""The class pages of issue 16: the classes to come, scheduling a class (per role, bad input,
a second click stores one class), giving a seat back, a full class, and the classes that wait
for their attendance."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.learning import services
from groundswell.learning.models import Completion, Course, CourseClass, Enrolment

ROLES = ["agent", "team_lead", "manager", "executive", "admin", "outsider"]
KEEPERS = {"manager", "admin"}


@pytest.fixture
def course(customer_service):
    return Course.objects.create(
        department=customer_service,
        title="Serving customers of every background",
        content="Plain words.",
        refresher_months=24,
    )


@pytest.fixture
def course_class(manager, team_lead, course):
    return services.schedule_class(
        actor=manager,
        course=course,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        capacity=2,
        trainer=team_lead,
        place="https://meet.example.org/serving",
    )


def when(days: int = 7) -> str:
    return timezone.localtime(timezone.now() + datetime.timedelta(days=days)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def class_data(trainer, /, **changes):
    return {
        "starts_at": when(),
        "place": "Room 4",
        "capacity": "8",
        "trainer": trainer.pk,
        **changes,
    }


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_coming_classes(
    role, org, client_for, course_class, django_assert_max_num_queries
):
    services.enrol(actor=org["agent"], course_class=course_class, person=org["agent"])
    client = client_for(org[role])

    with django_assert_max_num_queries(12):
        response = client.get(reverse("learning:class-list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Serving customers of every background" in page
    assert "1 of 2" in page
    assert ("your seat" in page) is (role == "agent")


def test_the_class_list_reads_in_the_same_queries_for_many_classes(
    manager, team_lead, client_for, course, django_assert_num_queries
):
    client = client_for(manager)
    services.schedule_class(
        actor=manager,
        course=course,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        capacity=3,
        trainer=team_lead,
    )
    client.get(reverse("learning:class-list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("learning:class-list"))
    for day in range(2, 12):
        services.schedule_class(
            actor=manager,
            course=course,
            starts_at=timezone.now() + datetime.timedelta(days=day),
            capacity=3,
            trainer=team_lead,
        )
    with django_assert_num_queries(len(one)):
        client.get(reverse("learning:class-list"))


@pytest.mark.parametrize("role", ROLES)
def test_only_the_courses_keepers_schedule_a_class(role, org, client_for, course):
    client = client_for(org[role])
    url = reverse("learning:class-create", args=[course.pk])

    shown = client.get(url)
    sent = client.post(url, class_data(org["team_lead"]))

    allowed = role in KEEPERS
    assert shown.status_code == (200 if allowed else 403)
    assert sent.status_code == (302 if allowed else 403)
    assert CourseClass.objects.filter(course=course).exists() is allowed
    if allowed:
        made = CourseClass.objects.get(course=course)
        assert (made.capacity, made.place, made.trainer) == (8, "Room 4", org["team_lead"])
        assert sent["Location"] == made.get_absolute_url()


def test_a_second_click_schedules_one_class(manager, team_lead, client_for, course):
    client = client_for(manager)
    data = class_data(team_lead)

    client.post(reverse("learning:class-create", args=[course.pk]), data)
    again = client.post(reverse("learning:class-create", args=[course.pk]), data)

    assert again.status_code == 422
    assert "gives a class of this course at that time already" in again.content.decode()
    assert CourseClass.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": when(-1)}, "a time still to come"),
        ({"starts_at": "tomorrow"}, "Enter a valid date/time"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"capacity": "501"}, "less than or equal to 500"),
        ({"trainer": "999999"}, "Select a valid choice"),
    ],
)
def test_a_bad_class_is_explained_and_nothing_is_stored(
    changes, message, manager, team_lead, client_for, course
):
    response = client_for(manager).post(
        reverse("learning:class-create", args=[course.pk]), class_data(team_lead, **changes)
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CourseClass.objects.exists()


def test_a_trainer_who_left_cannot_give_a_class(manager, team_lead, client_for, course):
    team_lead.is_active = False
    team_lead.save(update_fields=["is_active"])

    response = client_for(manager).post(
        reverse("learning:class-create", args=[course.pk]), class_data(team_lead)
    )

    assert response.status_code == 422
    assert not CourseClass.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_everyone_gives_their_own_seat_back(role, org, client_for, course_class):
    person = org[role]
    services.enrol(actor=person, course_class=course_class, person=person)
    client = client_for(person)
    page = reverse("learning:class-detail", args=[course_class.pk])
    assert "Give my seat back" in client.get(page).content.decode()

    response = client.post(reverse("learning:class-leave", args=[course_class.pk]))

    assert response.status_code == 302
    assert not Enrolment.objects.filter(person=person).exists()
    course_class.refresh_from_db()
    assert course_class.seats_taken == 0
    assert "Take a seat" in client.get(page).content.decode()


def test_leaving_without_a_seat_or_after_the_start_is_refused(agent, client_for, course_class):
    client = client_for(agent)
    url = reverse("learning:class-leave", args=[course_class.pk])

    no_seat = client.post(url)
    services.enrol(actor=agent, course_class=course_class, person=agent)
    CourseClass.objects.filter(pk=course_class.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    started = client.post(url)

    assert no_seat.status_code == 422
    assert "You have no seat in this class." in no_seat.content.decode()
    assert started.status_code == 422
    assert "cannot be given back" in started.content.decode()
    assert Enrolment.objects.filter(person=agent).exists()


def test_leaving_is_only_a_post(agent, client_for, course_class):
    response = client_for(agent).get(reverse("learning:class-leave", args=[course_class.pk]))

    assert response.status_code == 405


def test_a_full_class_says_so_before_anyone_tries(
    agent, other_agent, team_lead, client_for, course_class
):
    services.enrol(actor=agent, course_class=course_class, person=agent)
    services.enrol(actor=other_agent, course_class=course_class, person=other_agent)

    page = client_for(team_lead).get(reverse("learning:class-detail", args=[course_class.pk]))
    listed = client_for(team_lead).get(reverse("learning:class-list"))

    assert "This class is full." in page.content.decode()
    assert "Take a seat" not in page.content.decode()
    assert "full" in listed.content.decode()


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        ("agent", False),
        ("team_lead", True),  # the trainer
        ("manager", True),  # keeps the course
        ("executive", False),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_a_class_that_took_place_waits_for_its_attendance(
    role, listed, org, client_for, course_class
):
    services.enrol(actor=org["agent"], course_class=course_class, person=org["agent"])
    CourseClass.objects.filter(pk=course_class.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    client = client_for(org[role])

    before = client.get(reverse("learning:class-list")).content.decode()

    assert ("Waiting for attendance" in before) is listed
    if listed:
        client.post(
            reverse("learning:class-attendance", args=[course_class.pk]),
            {"attended": [org["agent"].pk]},
        )
        after = client.get(reverse("learning:class-list")).content.decode()
        assert "Waiting for attendance" not in after
        done = Completion.objects.get(person=org["agent"])
        assert done.expires_on == services._add_months(done.completed_on, 24)


def test_the_course_page_links_the_keeper_to_the_quiz_and_the_class(
    manager, agent, client_for, course
):
    keeper = client_for(manager).get(reverse("learning:course-detail", args=[course.pk]))
    learner = client_for(agent).get(reverse("learning:course-detail", args=[course.pk]))

    assert reverse("learning:quiz-edit", args=[course.pk]) in keeper.content.decode()
    assert reverse("learning:class-create", args=[course.pk]) in keeper.content.decode()
    assert reverse("learning:quiz-edit", args=[course.pk]) not in learner.content.decode()
    assert reverse("learning:class-create", args=[course.pk]) not in learner.content.decode()


def test_an_unknown_course_has_no_class_form(manager, client_for, course):
    Course.objects.filter(pk=course.pk).update(is_active=False)

    response = client_for(manager).get(reverse("learning:class-create", args=[course.pk]))

    assert response.status_code == 404
