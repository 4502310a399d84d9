"""Candidate and interview pages: candidates in reach, the panel, each member's blind scoring,
the consolidated view and the decision; and the outside member's one-time link page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.learning import selectors, services
from groundswell.learning.choices import CandidateStatus
from groundswell.learning.forms import CandidateForm, DecisionForm, PanelMemberForm, ScoreForm
from groundswell.learning.models import Candidate, PanelMember
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import AuthedRequest


@person_required(Action.SCORE_INTERVIEWS)
def candidate_list(request: AuthedRequest) -> HttpResponse:
    """Candidates the viewer may see: their own panels', and all in their hiring reach."""
    status = request.GET.get("status", "")
    status = status if status in CandidateStatus.values else ""
    context = {
        "candidates": selectors.list_candidates(request.person, status=status),
        "status": status,
        "statuses": CandidateStatus.choices,
        "may_create": can_somewhere(request.person, Action.MANAGE_CANDIDATES),
    }
    return render(request, "learning/candidate_list.html", context)


@person_required(Action.MANAGE_CANDIDATES)
def candidate_create(request: AuthedRequest) -> HttpResponse:
    form = CandidateForm(request.POST or None, viewer=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.add_candidate(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Candidate added. Now seat the panel."))
            return redirect(candidate)
    status = 422 if form.errors else 200
    return render(request, "learning/candidate_form.html", {"form": form}, status=status)


def _detail(
    request: AuthedRequest, candidate: Candidate, *, status: int = 200, **forms: object
) -> HttpResponse:
    viewer = request.person
    manage = selectors.may_manage_candidate(viewer, candidate)
    seat = candidate.panel.filter(person=viewer).first()
    context = {
        "candidate": candidate,
        "may_manage": manage,
        "seat": seat,
        "view": selectors.consolidated(viewer, candidate, seat=seat),
        "panel_form": forms.get("panel_form") or (PanelMemberForm() if manage else None),
        "decision_form": forms.get("decision_form") or (DecisionForm() if manage else None),
        "new_link": forms.get("new_link"),
    }
    return render(request, "learning/candidate_detail.html", context, status=status)


@person_required(Action.SCORE_INTERVIEWS)
def candidate_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_candidate_for(request.person, pk))


@person_required(Action.MANAGE_CANDIDATES)
@require_POST
def panel_add(request: AuthedRequest, pk: int) -> HttpResponse:
    candidate = selectors.get_candidate_for(request.person, pk)
    form = PanelMemberForm(request.POST)
    if form.is_valid():
        try:
            seat = services.add_panel_member(
                actor=request.person, candidate=candidate, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if seat.token is None:
                messages.success(request, _("Added to the panel."))
                return redirect(candidate)
            link = request.build_absolute_uri(reverse("interview-link", args=[seat.token]))
            return _detail(request, candidate, new_link=link)
    return _detail(request, candidate, status=422, panel_form=form)


@person_required(Action.MANAGE_CANDIDATES)
@require_POST
def candidate_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    candidate = selectors.get_candidate_for(request.person, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.decide(
                actor=request.person,
                candidate=candidate,
                hire=data["outcome"] == "hire",
                reason=data["reason"],
                start_date=data["start_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if decided.hired_person is not None:
                messages.success(request, _("Hired: their onboarding programme is ready."))
                return redirect(decided.hired_person.programme)
            messages.success(request, _("Decision recorded."))
            return redirect(decided)
    return _detail(request, candidate, status=422, decision_form=form)


@person_required(Action.SCORE_INTERVIEWS)
def score(request: AuthedRequest, pk: int) -> HttpResponse:
    """A panel member with an account scores the candidate, alone."""
    candidate = selectors.get_candidate_for(request.person, pk)
    seat = services.seat_of(request.person, candidate)
    return _score_page(request, seat, done=redirect(candidate))


def _score_page(request: HttpRequest, seat: PanelMember, *, done: HttpResponse) -> HttpResponse:
    attitudes = list(seat.candidate.profile.attitudes.prefetch_related("questions"))
    form = ScoreForm(request.POST or None, attitudes=attitudes)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_scores(
                member=seat,
                scores=form.scores(),
                notes=form.notes(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return done
    context = {"seat": seat, "candidate": seat.candidate, "form": form, "attitudes": attitudes}
    status = 422 if form.errors else 200
    return render(request, "learning/score_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def interview_link(request: HttpRequest, token: str) -> HttpResponse:
    """An outside panel member (a customer, an internal user) scores by their one-time link."""
    try:
        seat = services.seat_for_link(token)
    except services.LinkRefused as refused:
        return render(request, "learning/link_refused.html", {"reason": str(refused)}, status=410)
    thanks = render(request, "learning/link_thanks.html", {"seat": seat})
    return _score_page(request, seat, done=thanks)
