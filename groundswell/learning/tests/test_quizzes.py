"""Quizzes: a bank of single-choice questions, a pass mark, an attempts limit and a deadline;
passing records the completion with its certificate's expiry. Pages and API, per role."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from groundswell.learning import services
from groundswell.learning.models import Completion, Course, Quiz, QuizAnswer, QuizAttempt

ROLES = ["agent", "team_lead", "manager", "executive", "admin", "outsider"]


def make_quiz(actor, course, **settings) -> Quiz:
    quiz = services.set_quiz(actor=actor, course=course, **settings)
    for n in range(4):
        services.add_quiz_question(
            actor=actor,
            quiz=quiz,
            text=f"Question {n}?",
            choices=[f"Right {n}", f"Wrong {n}", f"Also wrong {n}"],
            correct=0,
        )
    return quiz


def answers(quiz: Quiz, right: int) -> dict[int, int]:
    """Answers with the first `right` questions right and the rest wrong."""
    picked = {}
    for n, question in enumerate(quiz.questions.all()):
        choices = list(question.choices.all())
        picked[question.pk] = (choices[0] if n < right else choices[1]).pk
    return picked


@pytest.fixture
def course(customer_service):
    return Course.objects.create(
        department=customer_service,
        title="The service technology",
        content="How the helpdesk works.",
        refresher_months=12,
    )


@pytest.fixture
def quiz(manager, course):
    return make_quiz(manager, course, pass_mark=75, max_attempts=2)


def test_passing_records_the_completion_with_its_expiry(agent, quiz):
    attempt = services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 3))

    assert (attempt.number, attempt.score, attempt.passed) == (1, 75, True)
    done = Completion.objects.get(person=agent, course=quiz.course)
    assert done.completed_on == timezone.localdate()
    assert done.expires_on == services._add_months(done.completed_on, 12)
    assert QuizAnswer.objects.filter(attempt=attempt).count() == 4


def test_a_fail_records_nothing_and_the_attempts_run_out(agent, quiz):
    first = services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 2))
    second = services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 0))

    assert (first.score, first.passed, second.score, second.number) == (50, False, 0, 2)
    assert not Completion.objects.exists()
    with pytest.raises(ValidationError, match="used all 2 attempts"):
        services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 4))
    assert QuizAttempt.objects.count() == 2


def test_after_a_pass_no_more_attempts(agent, quiz):
    services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 4))

    with pytest.raises(ValidationError, match="passed this quiz already"):
        services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 4))


def test_answering_after_the_deadline_is_refused(agent, manager, quiz):
    services.set_quiz(
        actor=manager,
        course=quiz.course,
        pass_mark=75,
        max_attempts=2,
        deadline=timezone.now() - datetime.timedelta(minutes=1),
    )
    quiz.refresh_from_db()

    with pytest.raises(ValidationError, match="closed on"):
        services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 4))
    assert not QuizAttempt.objects.exists()
    assert not Completion.objects.exists()


def test_bad_answers_are_explained_and_nothing_is_stored(agent, quiz, course, manager):
    good = answers(quiz, 4)
    first = next(iter(good))
    missing = dict(list(good.items())[1:])
    other_course = Course.objects.create(department=course.department, title="B", content="x")
    other = make_quiz(manager, other_course)
    wrong_choice = {**good, first: answers(other, 4)[other.questions.first().pk]}

    with pytest.raises(ValidationError, match="Answer every question"):
        services.submit_quiz(actor=agent, quiz=quiz, answers=missing)
    with pytest.raises(ValidationError, match="not in this quiz"):
        services.submit_quiz(actor=agent, quiz=quiz, answers={**good, 999999: 1})
    with pytest.raises(ValidationError, match="not one of the answers"):
        services.submit_quiz(actor=agent, quiz=quiz, answers=wrong_choice)
    assert not QuizAttempt.objects.exists()
    assert not QuizAnswer.objects.exists()


def test_a_bad_question_is_refused(manager, quiz):
    with pytest.raises(ValidationError, match="at least two answers"):
        services.add_quiz_question(actor=manager, quiz=quiz, text="Q?", choices=["A"], correct=0)
    with pytest.raises(ValidationError, match="are the same"):
        services.add_quiz_question(
            actor=manager, quiz=quiz, text="Q?", choices=["A", "A "], correct=0
        )
    with pytest.raises(ValidationError, match="which answer is right"):
        services.add_quiz_question(
            actor=manager, quiz=quiz, text="Q?", choices=["A", "B"], correct=2
        )
    with pytest.raises(ValidationError):
        services.set_quiz(actor=manager, course=quiz.course, pass_mark=0)
    assert quiz.questions.count() == 4


@pytest.mark.parametrize("role", ["agent", "team_lead", "executive", "outsider"])
def test_only_course_keepers_set_quizzes(role, org, course, quiz):
    with pytest.raises(PermissionDenied):
        services.set_quiz(actor=org[role], course=course)
    with pytest.raises(PermissionDenied):
        services.add_quiz_question(
            actor=org[role], quiz=quiz, text="Q?", choices=["A", "B"], correct=0
        )


def test_a_manager_of_another_department_cannot_set_the_quiz(org, billing, quiz):
    other_manager = org["manager"].__class__.objects.create(
        full_name="Bill Manager",
        email="bill.manager@example.org",
        department=billing,
        role=org["manager"].role,
    )
    with pytest.raises(PermissionDenied):
        services.set_quiz(actor=other_manager, course=quiz.course)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_takes_the_quiz_on_its_page_and_reads_the_result(role, org, client_for, quiz):
    client = client_for(org[role])
    page = reverse("learning:quiz", args=[quiz.course_id])

    shown = client.get(page)
    sent = client.post(page, {f"q{q}": c for q, c in answers(quiz, 4).items()})

    assert shown.status_code == 200
    assert "Question 0?" in shown.content.decode()
    assert sent.status_code == 302
    result = client.get(sent["Location"])
    assert "100%" in result.content.decode()
    assert Completion.objects.filter(person=org[role], course=quiz.course).exists()


def test_the_quiz_page_explains_a_missing_answer_and_the_closed_quiz(agent, client_for, quiz):
    client = client_for(agent)
    page = reverse("learning:quiz", args=[quiz.course_id])
    partial = dict(list({f"q{q}": c for q, c in answers(quiz, 4).items()}.items())[1:])

    refused = client.post(page, partial)

    assert refused.status_code == 422
    assert "Answer this question." in refused.content.decode()
    assert not QuizAttempt.objects.exists()
    Quiz.objects.filter(pk=quiz.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    closed = client.post(page, {f"q{q}": c for q, c in answers(quiz, 4).items()})
    assert closed.status_code == 422
    assert "closed on" in closed.content.decode()
    assert "closed on" in client.get(page).content.decode()


def test_nobody_reads_anothers_attempt(agent, team_lead, client_for, quiz):
    services.submit_quiz(actor=agent, quiz=quiz, answers=answers(quiz, 1))
    url = reverse("learning:quiz-attempt", args=[quiz.course_id, 1])

    assert client_for(agent).get(url).status_code == 200
    assert client_for(team_lead).get(url).status_code == 404


def test_a_course_without_a_quiz_has_no_quiz_page(agent, client_for, course):
    assert client_for(agent).get(reverse("learning:quiz", args=[course.pk])).status_code == 404


def test_quizzes_over_the_api(manager, agent, client_for, course):
    keeper, learner = client_for(manager), client_for(agent)
    base = f"/api/v1/learning/courses/{course.pk}/quiz"

    made = keeper.put(base, {"pass_mark": 50, "max_attempts": 1}, content_type="application/json")
    refused = learner.put(base, {"pass_mark": 50}, content_type="application/json")
    question = keeper.post(
        f"{base}/questions",
        {"text": "Who owns the customer's problem?", "choices": ["I do", "Billing"], "correct": 0},
        content_type="application/json",
    )
    bad_question = keeper.post(
        f"{base}/questions",
        {"text": "Q?", "choices": ["A", "B"], "correct": 5},
        content_type="application/json",
    )
    read = learner.get(base).json()
    [choice_ids] = [[c["id"] for c in q["choices"]] for q in read["questions"]]
    first = learner.post(
        f"{base}/attempts",
        {"answers": {str(read["questions"][0]["id"]): choice_ids[0]}},
        content_type="application/json",
    )
    again = learner.post(
        f"{base}/attempts",
        {"answers": {str(read["questions"][0]["id"]): choice_ids[0]}},
        content_type="application/json",
    )

    assert made.status_code == 200
    assert refused.status_code == 403
    assert question.status_code == 201
    assert bad_question.status_code == 422
    assert "is_correct" not in str(read)
    assert first.status_code == 201
    assert first.json()["passed"] is True
    assert again.status_code == 422
    assert "passed this quiz already" in again.content.decode()
    assert [a["number"] for a in learner.get(f"{base}/attempts").json()] == [1]
    assert Completion.objects.filter(person=agent, course=course).exists()


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
def test_two_sendings_at_once_of_the_last_attempt_store_one(org, customer_service):
    course = Course.objects.create(department=customer_service, title="Race", content="x")
    quiz = make_quiz(org["manager"], course, max_attempts=1)
    picked = answers(quiz, 0)
    start = threading.Barrier(2)
    results: list[str] = []

    def send() -> None:
        try:
            start.wait(timeout=30)
            _retry(lambda: services.submit_quiz(actor=org["agent"], quiz=quiz, answers=picked))
            results.append("stored")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == 2
    assert results.count("stored") == 1
    assert QuizAttempt.objects.count() == 1
