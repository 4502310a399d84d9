"""Class pages: the classes to come, scheduling one for a course, a class with its seats,
taking and giving back a seat, and the trainer's attendance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.learning import selectors, services
from groundswell.learning.forms import ClassForm
from groundswell.learning.models import CourseClass
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can_somewhere
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
        "started": course_class.starts_at <= timezone.now(),
        "error": error,
    }
    return render(request, "learning/class_detail.html", context, status=status)


@person_required(Action.VIEW_JOB_PROFILES)
def class_list(request: AuthedRequest) -> HttpResponse:
    """The classes still to come, and those that wait for the viewer to mark who came."""
    context = {
        "upcoming": selectors.list_upcoming_classes(request.person)[:200],
        "to_mark": selectors.classes_to_mark(request.person)[:50],
        "may_schedule": can_somewhere(request.person, Action.MANAGE_COURSES),
    }
    return render(request, "learning/class_list.html", context)


@person_required(Action.MANAGE_COURSES)
def class_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Put a class of course `pk` on the calendar."""
    course = selectors.get_course_to_manage(request.person, pk)
    form = ClassForm(request.POST or None, viewer=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.schedule_class(actor=request.person, course=course, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The class is on the calendar."))
            return redirect(made)
    status = 422 if form.errors else 200
    context = {"form": form, "course": course}
    return render(request, "learning/class_form.html", context, status=status)


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
def class_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    """Give one's own seat back before the class starts."""
    found = selectors.get_class_for(request.person, pk)
    seat = found.enrolments.filter(person=request.person).select_related("person").first()
    if seat is None:
        return _page(request, found, error=_("You have no seat in this class."), status=422)
    try:
        services.cancel_enrolment(actor=request.person, enrolment=seat)
    except ValidationError as error:
        return _page(request, found, error=" ".join(error.messages), status=422)
    messages.success(request, _("Your seat is free for someone else."))
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
