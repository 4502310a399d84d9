"""The quiz pages of issue 16: the course's keeper sets the quiz up and keeps its bank (per
role, bad input, nothing half-written, a second click stores nothing more); the learner sees
the attempts left, a double submit stores one attempt, and a certificate due for its refresher
opens the quiz again."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groundswell.learning import services
from groundswell.learning.models import (
    Completion,
    Course,
    Quiz,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
)
from groundswell.learning.reminders import REMINDER_DAYS_AHEAD
from groundswell.learning.tests.test_quizzes import answers, make_quiz
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.tests.factories import UserFactory

KEEPERS = {"manager": True, "admin": True}
ROLES = ["agent", "team_lead", "manager", "executive", "admin", "outsider"]


@pytest.fixture
def course(customer_service):
    return Course.objects.create(
        department=customer_service,
        title="Products and services",
        content="What we sell.",
        refresher_months=12,
    )


@pytest.fixture
def quiz(manager, course):
    return make_quiz(manager, course, pass_mark=75, max_attempts=2)


def settings(**changes):
    return {"pass_mark": 70, "max_attempts": 2, "deadline": "", **changes}


def question(**changes):
    return {
        "text": "Who owns a customer's problem?",
        "choices": "The one who took the call\nBilling\nNobody",
        "correct": "1",
        **changes,
    }


def taken(quiz: Quiz, right: int, *, attempt: int | None = None) -> dict[str, object]:
    data: dict[str, object] = {f"q{q}": c for q, c in answers(quiz, right).items()}
    if attempt is not None:
        data["attempt"] = attempt
    return data


# The keeper's pages ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_courses_keepers_open_and_save_the_quiz_settings(role, org, client_for, course):
    client = client_for(org[role])
    url = reverse("learning:quiz-edit", args=[course.pk])

    shown = client.get(url)
    saved = client.post(url, settings(deadline="2099-05-01T17:30"))

    allowed = KEEPERS.get(role, False)
    assert shown.status_code == (200 if allowed else 403)
    assert saved.status_code == (302 if allowed else 403)
    made = Quiz.objects.filter(course=course).first()
    if allowed:
        assert made is not None
        assert (made.pass_mark, made.max_attempts) == (70, 2)
        assert timezone.localtime(made.deadline).strftime("%Y-%m-%d %H:%M") == "2099-05-01 17:30"
    else:
        assert made is None


def test_a_manager_of_another_department_may_not_keep_the_quiz(billing, client_for, course):
    other = Person.objects.create(
        full_name="Bea Billing", email="bea@example.test", department=billing, role=Role.MANAGER
    )
    other.user = UserFactory.create(username=other.email)
    other.save(update_fields=["user"])

    response = client_for(other).get(reverse("learning:quiz-edit", args=[course.pk]))

    assert response.status_code == 403


def test_saving_the_settings_again_changes_the_one_quiz(manager, client_for, quiz):
    client = client_for(manager)
    url = reverse("learning:quiz-edit", args=[quiz.course_id])

    client.post(url, settings(pass_mark=90, max_attempts=5))
    client.post(url, settings(pass_mark=90, max_attempts=5))  # a second click

    quiz.refresh_from_db()
    assert Quiz.objects.count() == 1
    assert (quiz.pass_mark, quiz.max_attempts) == (90, 5)
    page = client.get(url).content.decode()
    assert 'value="90"' in page
    assert "Question 0?" in page
    assert "right answer" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (settings(pass_mark=0), "pass_mark", "greater than or equal to 1"),
        (settings(pass_mark=101), "pass_mark", "less than or equal to 100"),
        (settings(max_attempts=0), "max_attempts", "greater than or equal to 1"),
        (settings(deadline="next week"), "deadline", "Enter a valid date/time"),
    ],
)
def test_bad_quiz_settings_are_named_and_nothing_is_saved(
    data, field, message, manager, client_for, course
):
    response = client_for(manager).post(reverse("learning:quiz-edit", args=[course.pk]), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert field in response.context["settings"].errors
    assert not Quiz.objects.exists()


def test_the_keeper_adds_a_question_with_its_answers_and_the_right_one(manager, client_for, quiz):
    client = client_for(manager)

    response = client.post(reverse("learning:quiz-question-add", args=[quiz.course_id]), question())
    again = client.post(reverse("learning:quiz-question-add", args=[quiz.course_id]), question())

    assert response.status_code == 302
    added = QuizQuestion.objects.get(quiz=quiz, text="Who owns a customer's problem?")
    assert [c.text for c in added.choices.all()] == [
        "The one who took the call",
        "Billing",
        "Nobody",
    ]
    assert added.choices.get(is_correct=True).text == "The one who took the call"
    assert again.status_code == 422
    assert "in the bank already" in again.content.decode()
    assert QuizQuestion.objects.filter(quiz=quiz).count() == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (question(choices="Only one"), "at least two answers"),
        (question(choices="Same\nSame"), "are the same"),
        (question(correct="4"), "give a number from 1 to 3"),
        (question(correct="0"), "greater than or equal to 1"),
        (question(correct="first"), "Enter a whole number"),
        (question(text=""), "This field is required"),
    ],
)
def test_a_bad_question_is_explained_and_nothing_is_half_written(
    data, message, manager, client_for, quiz
):
    response = client_for(manager).post(
        reverse("learning:quiz-question-add", args=[quiz.course_id]), data
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert QuizQuestion.objects.filter(quiz=quiz).count() == 4
    assert QuizChoice.objects.filter(question__quiz=quiz).count() == 12


@pytest.mark.parametrize("role", ROLES)
def test_only_keepers_add_and_remove_questions(role, org, client_for, quiz):
    client = client_for(org[role])
    first = quiz.questions.first()

    added = client.post(reverse("learning:quiz-question-add", args=[quiz.course_id]), question())
    removed = client.post(reverse("learning:quiz-question-remove", args=[quiz.course_id, first.pk]))

    allowed = KEEPERS.get(role, False)
    assert added.status_code == (302 if allowed else 403)
    assert removed.status_code == (302 if allowed else 403)
    assert QuizQuestion.objects.filter(pk=first.pk).exists() is not allowed
    assert QuizQuestion.objects.filter(quiz=quiz).count() == 4


def test_adding_a_question_before_the_quiz_exists_is_not_found(manager, client_for, course):
    response = client_for(manager).post(
        reverse("learning:quiz-question-add", args=[course.pk]), question()
    )

    assert response.status_code == 404
    assert not QuizQuestion.objects.exists()


def test_an_answered_question_stays_in_the_bank(manager, agent, client_for, quiz):
    services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 1))
    first = quiz.questions.first()
    client = client_for(manager)

    response = client.post(
        reverse("learning:quiz-question-remove", args=[quiz.course_id, first.pk])
    )

    assert response.status_code == 422
    assert "answered already" in response.content.decode()
    assert QuizQuestion.objects.filter(pk=first.pk).exists()
    assert (
        "Remove"
        not in client.get(reverse("learning:quiz-edit", args=[quiz.course_id])).content.decode()
    )


def test_a_question_of_another_course_is_not_found(manager, client_for, quiz, course):
    other_course = Course.objects.create(department=course.department, title="B", content="x")
    other = make_quiz(manager, other_course).questions.first()

    response = client_for(manager).post(
        reverse("learning:quiz-question-remove", args=[quiz.course_id, other.pk])
    )

    assert response.status_code == 404
    assert QuizQuestion.objects.filter(pk=other.pk).exists()


# The learner's pages -----------------------------------------------------------------------


def test_the_learner_sees_the_attempts_left(agent, client_for, quiz):
    client = client_for(agent)
    page = reverse("learning:quiz", args=[quiz.course_id])

    before = client.get(page).content.decode()
    sent = client.post(page, taken(quiz, 0, attempt=1))
    result = client.get(sent["Location"]).content.decode()
    last = client.get(page).content.decode()
    client.post(page, taken(quiz, 0, attempt=2))
    closed = client.get(page).content.decode()
    refused = client.post(page, taken(quiz, 4, attempt=3))

    assert "You have 2 attempts left." in before
    assert 'name="attempt" value="1"' in before
    assert "You have one attempt left." in result
    assert "This is your last attempt." in last
    assert "used all 2 attempts" in closed
    assert "Send my answers" not in closed
    assert refused.status_code == 422
    assert "used all 2 attempts" in refused.content.decode()
    assert QuizAttempt.objects.count() == 2
    assert not Completion.objects.exists()


def test_a_double_submit_stores_one_attempt(agent, client_for, quiz):
    client = client_for(agent)
    page = reverse("learning:quiz", args=[quiz.course_id])

    first = client.post(page, taken(quiz, 1, attempt=1))
    second = client.post(page, taken(quiz, 1, attempt=1))

    assert first["Location"] == second["Location"]
    assert second["Location"].endswith("/attempts/1/")
    assert QuizAttempt.objects.filter(person=agent).count() == 1
    followed = client.get(second["Location"]).content.decode()
    assert "stored already as attempt 1" in followed


def test_a_stale_page_cannot_become_another_attempt(agent, client_for, quiz):
    services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 0))
    client = client_for(agent)

    response = client.post(
        reverse("learning:quiz", args=[quiz.course_id]), taken(quiz, 4, attempt=5)
    )

    assert response.status_code == 422
    assert "This page was for attempt 5" in response.content.decode()
    assert QuizAttempt.objects.count() == 1


def test_a_question_not_in_the_quiz_is_named(agent, client_for, quiz):
    response = client_for(agent).post(
        reverse("learning:quiz", args=[quiz.course_id]), {**taken(quiz, 4), "q999999": "1"}
    )

    assert response.status_code == 422
    assert "Question 999999 is not in this quiz." in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_an_answer_of_another_question_is_refused(agent, client_for, quiz):
    data = taken(quiz, 4)
    first, second = list(quiz.questions.all())[:2]
    data[f"q{first.pk}"] = second.choices.first().pk

    response = client_for(agent).post(reverse("learning:quiz", args=[quiz.course_id]), data)

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_a_certificate_due_for_its_refresher_opens_the_quiz_again(agent, client_for, quiz):
    services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 4))
    client = client_for(agent)
    page = reverse("learning:quiz", args=[quiz.course_id])
    assert "passed this quiz already" in client.get(page).content.decode()
    old = Completion.objects.get(person=agent)
    soon = timezone.localdate() + datetime.timedelta(days=REMINDER_DAYS_AHEAD - 5)
    year_ago = timezone.now() - datetime.timedelta(days=360)
    Completion.objects.filter(pk=old.pk).update(
        completed_on=soon - datetime.timedelta(days=365), expires_on=soon, created_at=year_ago
    )
    QuizAttempt.objects.filter(person=agent).update(submitted_at=year_ago)

    reopened = client.get(page).content.decode()
    sent = client.post(page, taken(quiz, 4, attempt=2))

    assert "You have 2 attempts left." in reopened
    assert sent.status_code == 302
    renewed = Completion.objects.filter(person=agent).order_by("-completed_on").first()
    assert renewed.pk != old.pk
    assert renewed.expires_on == services._add_months(timezone.localdate(), 12)
    course_page = client.get(reverse("learning:course-detail", args=[quiz.course_id]))
    assert renewed.expires_on.strftime("%Y") in course_page.content.decode()


def test_a_certificate_still_valid_keeps_the_quiz_closed_after_a_pass(agent, quiz):
    services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 4))

    with pytest.raises(ValidationError, match="passed this quiz already"):
        services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 4))
    assert QuizAttempt.objects.count() == 1


def test_the_api_stores_one_attempt_when_the_same_attempt_comes_twice(agent, client_for, quiz):
    client = client_for(agent)
    url = f"/api/v1/learning/courses/{quiz.course_id}/quiz/attempts"
    body = {"answers": {str(q): c for q, c in answers(quiz, 1).items()}, "attempt": 1}

    first = client.post(url, body, content_type="application/json")
    second = client.post(url, body, content_type="application/json")

    assert first.status_code == 201
    assert second.status_code == 422
    assert "stored already as attempt 1" in second.content.decode()
    assert QuizAttempt.objects.filter(person=agent).count() == 1
