"""Class pages: a class with its seats, enrolling oneself, and the trainer's attendance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.learning import selectors, services
from groundswell.learning.models import CourseClass
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest


def _page(
    request: AuthedRequest, course_class: CourseClass, *, error: str = "", status: int = 200
) -> HttpResponse:
    roster = selectors.class_roster(request.person, course_class)
    context = {
        "course_class": course_class,
        "course": course_class.course,
        "roster": roster,
        "mine": roster.filter(person=request.person).first(),
        "may_run": services.may_run_class(request.person, course_class),
        "error": error,
    }
    return render(request, "learning/class_detail.html", context, status=status)


@person_required(Action.VIEW_JOB_PROFILES)
def class_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.get_class_for(request.person, pk))


@person_required(Action.VIEW_JOB_PROFILES)
@require_POST
def class_enrol(request: AuthedRequest, pk: int) -> HttpResponse:
    """Take a seat for oneself."""
    found = selectors.get_class_for(request.person, pk)
    try:
        services.enrol(actor=request.person, course_class=found, person=request.person)
    except ValidationError as error:
        found.refresh_from_db()
        return _page(request, found, error=" ".join(error.messages), status=422)
    messages.success(request, _("You have a seat in this class."))
    return redirect(found)


@person_required(Action.VIEW_JOB_PROFILES)
@require_POST
def class_attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    """The trainer ticks who came; each gets the course's completion."""
    found = selectors.get_class_for(request.person, pk)
    raw = request.POST.getlist("attended")
    if not all(value.isdigit() for value in raw):
        return _page(request, found, error=_("Tick people from the list."), status=422)
    try:
        done = services.mark_attendance(
            actor=request.person, course_class=found, attended=[int(v) for v in raw]
        )
    except ValidationError as error:
        return _page(request, found, error=" ".join(error.messages), status=422)
    messages.success(request, _("Attendance saved: %(n)s completions recorded.") % {"n": len(done)})
    return redirect(found)
