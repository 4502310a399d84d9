"""Course pages: the catalogue, one course with its content and completions, and the overdue
refreshers of the people in reach."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.learning import selectors, services
from groundswell.learning.forms import CompletionForm, CourseForm
from groundswell.learning.impact import MIN_PEOPLE, course_impact
from groundswell.learning.models import Quiz
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can, can_somewhere
from groundswell.people.typing import AuthedRequest


@person_required(Action.VIEW_JOB_PROFILES)
def course_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "courses": selectors.list_courses(request.person),
        "may_create": can_somewhere(request.person, Action.MANAGE_COURSES),
    }
    return render(request, "learning/course_list.html", context)


@person_required(Action.MANAGE_COURSES)
def course_create(request: AuthedRequest) -> HttpResponse:
    form = CourseForm(request.POST or None, viewer=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Course added to the catalogue."))
            return redirect(course)
    status = 422 if form.errors else 200
    return render(request, "learning/course_form.html", {"form": form}, status=status)


def _detail(request: AuthedRequest, pk: int, *, form: CompletionForm | None = None) -> HttpResponse:
    course = selectors.get_course_for(request.person, pk)
    record = can_somewhere(request.person, Action.RECORD_TRAINING)
    context = {
        "course": course,
        "may_record": record,
        "form": form or (CompletionForm(viewer=request.person) if record else None),
        "mine": course.completions.filter(person=request.person)[:5],
        "may_manage": can(request.person, Action.MANAGE_COURSES, course.department),
        "has_quiz": Quiz.objects.filter(course=course).exists(),
        "classes": selectors.list_classes(request.person, course)[:20],
    }
    return render(request, "learning/course_detail.html", context, status=422 if form else 200)


@person_required(Action.VIEW_JOB_PROFILES)
def course_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@person_required(Action.RECORD_TRAINING)
@require_POST
def completion_create(request: AuthedRequest, pk: int) -> HttpResponse:
    course = selectors.get_course_for(request.person, pk)
    form = CompletionForm(request.POST, viewer=request.person)
    if form.is_valid():
        try:
            services.record_completion(actor=request.person, course=course, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Completion recorded."))
            return redirect(course)
    return _detail(request, pk, form=form)


@person_required(Action.VIEW_JOB_PROFILES)
def overdue(request: AuthedRequest) -> HttpResponse:
    """Refreshers that ran out: one's own, and for leads those of their people, per team; a
    page of lines at a time (`after`: where the previous page ended)."""
    teams = selectors.overdue_teams(request.person).values_list("pk", "name")
    try:
        team = selectors.overdue_team(request.person, request.GET.get("team", ""))
        page = selectors.overdue_page(request.person, team=team, after=request.GET.get("after", ""))
    except ValidationError as error:
        context: dict[str, object] = {"error": error.messages[0], "teams": teams}
        return render(request, "learning/overdue.html", context, status=400)
    context = {
        "overdue": page.rows,
        "after": page.after,
        "suggestions": selectors.course_suggestions(request.person, team=team)[:200],
        "teams": teams,
        "team": team,
    }
    return render(request, "learning/overdue.html", context)


@person_required(Action.MANAGE_COURSES)
def impact(request: AuthedRequest, pk: int) -> HttpResponse:
    """Did the course work? Quality and satisfaction before and after, against colleagues."""
    course = selectors.get_course_for(request.person, pk)
    if not can(request.person, Action.MANAGE_COURSES, course.department):
        raise PermissionDenied
    context = {"course": course, "impact": course_impact(course), "min_people": MIN_PEOPLE}
    return render(request, "learning/impact.html", context)
