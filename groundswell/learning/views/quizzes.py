"""Quiz pages: a learner answers a course's quiz and reads the result of each attempt; the
course's keeper sets the quiz up (pass mark, attempts, deadline) and keeps its question bank."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.learning import selectors, services
from groundswell.learning.forms import QuizForm, QuizQuestionForm, QuizSettingsForm
from groundswell.learning.models import Course, Quiz
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest


def _page(
    request: AuthedRequest, quiz: Quiz, form: QuizForm | None, *, status: int = 200
) -> HttpResponse:
    turn, closed = selectors.quiz_turn(request.person, quiz)
    context = {
        "quiz": quiz,
        "course": quiz.course,
        "closed": closed,
        "turn": turn,
        "form": form if form is not None else (None if closed else QuizForm(quiz=quiz)),
        "attempts": selectors.my_attempts(request.person, quiz),
    }
    return render(request, "learning/quiz.html", context, status=status)


def _attempt_number(request: AuthedRequest) -> int | None:
    raw = request.POST.get("attempt", "")
    return int(raw) if raw.isdigit() else None


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
        attempt = services.submit_quiz(
            actor=request.person,
            quiz=found,
            answers=form.answers(),
            number=_attempt_number(request),
        )
    except services.QuizAlreadySent as again:
        messages.info(request, again.messages[0])
        return redirect("learning:quiz-attempt", pk=pk, number=again.number)
    except ValidationError as error:
        # Flattened: the service names fields (answers, attempt) the form does not have.
        form.add_error(None, ValidationError(error.messages))
        return _page(request, found, form, status=422)
    if attempt.passed:
        messages.success(request, _("Passed: the course is recorded as completed."))
    return redirect("learning:quiz-attempt", pk=pk, number=attempt.number)


@person_required(Action.VIEW_JOB_PROFILES)
def quiz_attempt(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    """One of the viewer's own attempts: the score, and which answers were right."""
    found = selectors.get_quiz_for(request.person, pk)
    attempt, rows = selectors.attempt_for(request.person, found, number)
    turn, _closed = selectors.quiz_turn(request.person, found)
    context = {"quiz": found, "course": found.course, "attempt": attempt, "rows": rows}
    context["turn"] = turn
    context["again"] = turn is not None
    return render(request, "learning/quiz_attempt.html", context)


# The keeper's side ------------------------------------------------------------------------


def _edit_page(
    request: AuthedRequest,
    course: Course,
    *,
    settings: QuizSettingsForm | None = None,
    question: QuizQuestionForm | None = None,
    error: str = "",
) -> HttpResponse:
    bank = selectors.get_quiz_bank(course)
    initial = (
        {"pass_mark": bank.pass_mark, "max_attempts": bank.max_attempts, "deadline": bank.deadline}
        if bank
        else None
    )
    context = {
        "course": course,
        "quiz": bank,
        "settings": settings or QuizSettingsForm(initial=initial),
        "question": question or (QuizQuestionForm() if bank else None),
        "error": error,
    }
    failed = error or (settings and settings.errors) or (question and question.errors)
    return render(request, "learning/quiz_form.html", context, status=422 if failed else 200)


@person_required(Action.MANAGE_COURSES)
def quiz_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set up the quiz of course `pk` (or change its pass mark, attempts and deadline)."""
    course = selectors.get_course_to_manage(request.person, pk)
    if request.method != "POST":
        return _edit_page(request, course)
    form = QuizSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.set_quiz(actor=request.person, course=course, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The quiz is saved."))
            return redirect("learning:quiz-edit", pk=pk)
    return _edit_page(request, course, settings=form)


@person_required(Action.MANAGE_COURSES)
@require_POST
def quiz_question_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a question, its answers and the right one, to the bank of course `pk`'s quiz."""
    course = selectors.get_course_to_manage(request.person, pk)
    bank = selectors.get_quiz_bank(course)
    if bank is None:
        raise Http404
    form = QuizQuestionForm(request.POST)
    if form.is_valid():
        try:
            services.add_quiz_question(actor=request.person, quiz=bank, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Question added to the bank."))
            return redirect("learning:quiz-edit", pk=pk)
    return _edit_page(request, course, question=form)


@person_required(Action.MANAGE_COURSES)
@require_POST
def quiz_question_remove(request: AuthedRequest, pk: int, question: int) -> HttpResponse:
    """Take a question nobody answered out of the bank."""
    course = selectors.get_course_to_manage(request.person, pk)
    found = selectors.get_question_to_manage(request.person, course, question)
    try:
        services.remove_quiz_question(actor=request.person, question=found)
    except ValidationError as error:
        return _edit_page(request, course, error=error.messages[0])
    messages.success(request, _("Question taken out of the bank."))
    return redirect("learning:quiz-edit", pk=pk)
