"""Quiz pages: a learner answers a course's quiz and reads the result of each attempt."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from groundswell.learning import selectors, services
from groundswell.learning.forms import QuizForm
from groundswell.learning.models import Quiz
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest


def _page(
    request: AuthedRequest, quiz: Quiz, form: QuizForm | None, *, status: int = 200
) -> HttpResponse:
    closed = selectors.quiz_state(request.person, quiz)
    context = {
        "quiz": quiz,
        "course": quiz.course,
        "closed": closed,
        "form": form if form is not None else (None if closed else QuizForm(quiz=quiz)),
        "attempts": selectors.my_attempts(request.person, quiz),
    }
    return render(request, "learning/quiz.html", context, status=status)


@person_required(Action.VIEW_JOB_PROFILES)
def quiz(request: AuthedRequest, pk: int) -> HttpResponse:
    """The quiz of course `pk`: its questions while the viewer may answer, and their attempts."""
    found = selectors.get_quiz_for(request.person, pk)
    if request.method != "POST":
        return _page(request, found, None)
    form = QuizForm(request.POST, quiz=found)
    if not form.is_valid():
        return _page(request, found, form, status=422)
    try:
        attempt = services.submit_quiz(actor=request.person, quiz=found, answers=form.answers())
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, found, form, status=422)
    if attempt.passed:
        messages.success(request, _("Passed: the course is recorded as completed."))
    return redirect("learning:quiz-attempt", pk=pk, number=attempt.number)


@person_required(Action.VIEW_JOB_PROFILES)
def quiz_attempt(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    """One of the viewer's own attempts: the score, and which answers were right."""
    found = selectors.get_quiz_for(request.person, pk)
    attempt, rows = selectors.attempt_for(request.person, found, number)
    context = {
        "quiz": found,
        "course": found.course,
        "attempt": attempt,
        "rows": rows,
        "again": not selectors.quiz_state(request.person, found),
    }
    return render(request, "learning/quiz_attempt.html", context)
