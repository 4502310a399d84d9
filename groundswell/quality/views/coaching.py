"""Coaching: planning a session from reviews, the agent's reflection, the outcome, and progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest
from groundswell.quality import selectors, services
from groundswell.quality.forms import CoachingForm, CoachingOutcomeForm, ReflectionForm, add_errors
from groundswell.quality.models import CoachingSession


@person_required(Action.VIEW_QUALITY)
def coaching_list(request: AuthedRequest) -> HttpResponse:
    sessions = selectors.list_coaching(request.person)[:200]
    return render(request, "quality/coaching_list.html", {"sessions": sessions})


@person_required(Action.COACH)
def coaching_create(request: AuthedRequest, agent_pk: int) -> HttpResponse:
    """Plan a session for an agent; `?review=` names the review it starts from."""
    agent = selectors.coachable_agents(request.person).filter(pk=agent_pk).first()
    if agent is None:
        raise Http404(_("No such person."))
    if not selectors.may_coach(request.person, agent):
        raise PermissionDenied
    reviews = list(
        selectors.list_reviews(request.person, agent=agent).filter(
            pk__in=[int(pk) for pk in request.GET.getlist("review") if pk.isdigit()]
        )
    )
    form = CoachingForm(request.POST or None, behaviours=selectors.behaviours_of(agent))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.plan_coaching(
                actor=request.person, agent=agent, reviews=reviews, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Coaching planned."))
            return redirect(session)
    status = 422 if request.method == "POST" else 200
    context = {"agent": agent, "form": form, "reviews": reviews}
    return render(request, "quality/coaching_form.html", context, status=status)


def _detail(
    request: AuthedRequest,
    session: CoachingSession,
    status: int = 200,
    reflection: ReflectionForm | None = None,
    outcome: CoachingOutcomeForm | None = None,
) -> HttpResponse:
    is_agent = session.agent_id == request.person.pk
    context = {
        "session": session,
        "progress": selectors.before_after(session),
        "reviews": session.reviews.select_related("reviewer").order_by("-submitted_at"),
        "reflection_form": (
            reflection or ReflectionForm(initial={"reflection": session.reflection})
        )
        if is_agent
        else None,
        "outcome_form": (
            outcome
            or CoachingOutcomeForm(
                initial={
                    "agreed_actions": session.agreed_actions,
                    "follow_up_on": session.follow_up_on,
                }
            )
        )
        if selectors.may_coach(request.person, session.agent)
        else None,
    }
    return render(request, "quality/coaching_detail.html", context, status=status)


@person_required(Action.VIEW_QUALITY)
def coaching_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_coaching_for(request.person, pk))


@person_required(Action.VIEW_QUALITY)
@require_POST
def coaching_reflection(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.get_coaching_for(request.person, pk)
    if session.agent_id != request.person.pk:
        raise PermissionDenied
    form = ReflectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, session, status=422, reflection=form)
    services.update_coaching(actor=request.person, session=session, **form.cleaned_data)
    messages.success(request, _("Reflection saved."))
    return redirect(session)


@person_required(Action.COACH)
@require_POST
def coaching_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.get_coaching_for(request.person, pk)
    if not selectors.may_coach(request.person, session.agent):
        raise PermissionDenied
    form = CoachingOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.update_coaching(actor=request.person, session=session, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Coaching session saved."))
            return redirect(session)
    return _detail(request, session, status=422, outcome=form)
