"""Onboarding pages: programmes in reach, one programme with its steps, buddy suggestions,
the sign-off and a manager's override; and the lead's readiness page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.learning import selectors, services
from groundswell.learning.forms import BuddyForm, OverrideForm, StepForm
from groundswell.learning.models import Programme
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest


@person_required(Action.VIEW_ONBOARDING)
def programme_list(request: AuthedRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    programmes = selectors.list_programmes(request.person, open_only=show != "all")
    return render(request, "learning/programme_list.html", {"programmes": programmes, "show": show})


def _detail(
    request: AuthedRequest, programme: Programme, *, status: int = 200, **forms: object
) -> HttpResponse:
    viewer = request.person
    run = selectors.may_run(viewer, programme)
    override = selectors.may_override(viewer, programme.person)
    context = {
        "programme": programme,
        "hire": programme.person,
        "may_run": run,
        "may_override": override and programme.person.on_readiness_hold,
        "suggestions": selectors.buddy_suggestions(programme) if run else [],
        "buddy_form": forms.get("buddy_form") or BuddyForm(),
        "override_form": forms.get("override_form") or OverrideForm(),
        "error": forms.get("error"),
        "overrides": programme.person.readiness_overrides.select_related("granted_by")[:10],
        "not_done": [
            s for s in programme.steps.all() if s.completed_at is None and s.kind != "sign_off"
        ],
    }
    return render(request, "learning/programme_detail.html", context, status=status)


@person_required(Action.VIEW_ONBOARDING)
def programme_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_programme_for(request.person, pk))


@person_required(Action.RUN_ONBOARDING)
@require_POST
def programme_buddy(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.person, pk)
    form = BuddyForm(request.POST)
    if form.is_valid():
        try:
            services.choose_buddy(
                actor=request.person, programme=programme, buddy=form.cleaned_data["buddy"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Buddy chosen."))
            return redirect(programme)
    return _detail(request, programme, status=422, buddy_form=form)


@person_required(Action.RUN_ONBOARDING)
@require_POST
def step_complete(request: AuthedRequest, pk: int, step: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.person, pk)
    chosen = get_object_or_404(programme.steps, pk=step)
    form = StepForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.complete_step(actor=request.person, step=chosen, note=note)
    except ValidationError as error:
        return _detail(request, programme, status=422, error=" ".join(error.messages))
    messages.success(request, _("Step recorded as done."))
    return redirect(programme)


@person_required(Action.RUN_ONBOARDING)
@require_POST
def programme_sign_off(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.person, pk)
    try:
        services.sign_off(actor=request.person, programme=programme)
    except ValidationError as error:
        return _detail(request, programme, status=422, error=" ".join(error.messages))
    messages.success(
        request, _("Signed off: %(name)s may serve live customers.") % {"name": programme.person}
    )
    return redirect(programme)


@person_required(Action.OVERRIDE_READINESS)
@require_POST
def programme_override(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.person, pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.override_readiness(
                actor=request.person, person=programme.person, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cleared for live customers until the date given."))
            return redirect(programme)
    return _detail(request, programme, status=422, override_form=form)


@person_required(Action.RUN_ONBOARDING)
def readiness(request: AuthedRequest) -> HttpResponse:
    """For leads: interactions handled by people not yet signed off, and who is on hold."""
    context = {
        "flagged": selectors.flagged_interactions(request.person)[:100],
        "on_hold": selectors.people_on_hold(request.person).select_related("team", "programme"),
    }
    return render(request, "learning/readiness.html", context)
