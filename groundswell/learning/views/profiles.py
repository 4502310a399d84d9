"""Job profile pages: the list, one profile with its attitudes and interview plan, and the
forms that keep them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.learning import selectors, services
from groundswell.learning.forms import AttitudeForm, ProfileForm, QuestionForm
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can, can_somewhere
from groundswell.people.typing import AuthedRequest


@person_required(Action.VIEW_JOB_PROFILES)
def index(request: AuthedRequest) -> HttpResponse:
    """Learning's front page: what the viewer may open here."""
    viewer = request.person
    context = {
        "may_hire": can_somewhere(viewer, Action.MANAGE_CANDIDATES),
        "candidates": selectors.list_candidates(viewer).filter(status="interviewing")[:10],
        "programmes": selectors.list_programmes(viewer, open_only=True)[:10],
        "flagged": selectors.flagged_interactions(viewer).count(),
        "may_run": can_somewhere(viewer, Action.RUN_ONBOARDING),
    }
    return render(request, "learning/index.html", context)


@person_required(Action.VIEW_JOB_PROFILES)
def profile_list(request: AuthedRequest) -> HttpResponse:
    viewer = request.person
    context = {
        "profiles": selectors.list_profiles(viewer),
        "may_create": can_somewhere(viewer, Action.MANAGE_JOB_PROFILES),
    }
    return render(request, "learning/profile_list.html", context)


@person_required(Action.MANAGE_JOB_PROFILES)
def profile_create(request: AuthedRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, viewer=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.create_profile(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Job profile added. Now add the attitudes to look for."))
            return redirect(profile)
    status = 422 if form.errors else 200
    return render(request, "learning/profile_form.html", {"form": form}, status=status)


@person_required(Action.VIEW_JOB_PROFILES)
def profile_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = selectors.get_profile_for(request.person, pk)
    manage = selectors.may_manage_profile(request.person, profile)
    context = {
        "profile": profile,
        "may_manage": manage,
        "may_see_outcomes": can(request.person, Action.MANAGE_CANDIDATES, profile.department),
        "attitude_form": AttitudeForm() if manage else None,
        "question_form": QuestionForm(profile=profile) if manage else None,
    }
    return render(request, "learning/profile_detail.html", context)


@person_required(Action.MANAGE_JOB_PROFILES)
@require_POST
def attitude_create(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = selectors.get_profile_for(request.person, pk, manage=True)
    form = AttitudeForm(request.POST)
    if form.is_valid():
        try:
            services.add_attitude(actor=request.person, profile=profile, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Attitude added."))
            return redirect(profile)
    context = {
        "profile": profile,
        "may_manage": True,
        "attitude_form": form,
        "question_form": QuestionForm(profile=profile),
    }
    return render(request, "learning/profile_detail.html", context, status=422)


@person_required(Action.MANAGE_JOB_PROFILES)
@require_POST
def question_create(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = selectors.get_profile_for(request.person, pk, manage=True)
    form = QuestionForm(request.POST, profile=profile)
    if form.is_valid():
        try:
            services.add_question(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added to the interview plan."))
            return redirect(profile)
    context = {
        "profile": profile,
        "may_manage": True,
        "attitude_form": AttitudeForm(),
        "question_form": form,
    }
    return render(request, "learning/profile_detail.html", context, status=422)
