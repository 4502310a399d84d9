"""Setting quality up: scorecards, the review queue and its rules, reviewer grants."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.people.decorators import person_required
from groundswell.people.models import Department
from groundswell.people.permissions import (
    Action,
    can_somewhere,
    departments_in_scope,
    teams_in_scope,
)
from groundswell.people.typing import AuthedRequest
from groundswell.quality import selectors, services
from groundswell.quality.forms import (
    CriterionFormSet,
    GrantForm,
    QueueRuleForm,
    ScorecardForm,
    add_errors,
    criteria_from,
    initial_criteria,
)

# --- Scorecards -------------------------------------------------------------------------------


@person_required(Action.VIEW_QUALITY)
def scorecard_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "scorecards": selectors.list_scorecards(request.person),
        "can_manage": can_somewhere(request.person, Action.MANAGE_SCORECARDS),
    }
    return render(request, "quality/scorecard_list.html", context)


@person_required(Action.VIEW_QUALITY)
def scorecard_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    scorecard = selectors.get_scorecard_for(request.person, pk)
    version = selectors.current_version(scorecard)
    criteria = selectors.version_criteria(version) if version is not None else []
    context = {
        "scorecard": scorecard,
        "version": version,
        "sections": selectors.sections_of(criteria),
        "versions": scorecard.versions.order_by("-number"),
        "can_manage": selectors.may_manage_scorecard(request.person, scorecard),
    }
    return render(request, "quality/scorecard_detail.html", context)


def _scorecard_form(request: AuthedRequest) -> ScorecardForm:
    departments = departments_in_scope(request.person, Action.MANAGE_SCORECARDS)
    chosen = (
        Department.objects.all()
        if departments is None
        else Department.objects.filter(pk__in=departments)
    )
    return ScorecardForm(
        request.POST or None,
        departments=chosen,
        teams=teams_in_scope(request.person, Action.MANAGE_SCORECARDS),
    )


@person_required(Action.MANAGE_SCORECARDS)
def scorecard_create(request: AuthedRequest) -> HttpResponse:
    form = _scorecard_form(request)
    formset = CriterionFormSet(request.POST or None, prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            scorecard = services.create_scorecard(
                actor=request.person, criteria=criteria_from(formset), **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Scorecard created."))
            return redirect(scorecard)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "formset": formset}
    return render(request, "quality/scorecard_form.html", context, status=status)


@person_required(Action.MANAGE_SCORECARDS)
def scorecard_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change the criteria: a version in use stays as it was and the change becomes the next."""
    scorecard = selectors.get_scorecard_for(request.person, pk, manage=True)
    version = selectors.current_version(scorecard)
    initial = initial_criteria(selectors.version_criteria(version)) if version else []
    formset = CriterionFormSet(request.POST or None, prefix="criteria", initial=initial)
    error = ""
    if request.method == "POST" and formset.is_valid():
        try:
            saved = services.revise_scorecard(
                actor=request.person,
                scorecard=scorecard,
                criteria=criteria_from(formset),
                note=request.POST.get("note", ""),
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Saved as version %(n)s.") % {"n": saved.number})
            return redirect(scorecard)
    status = 422 if request.method == "POST" else 200
    context = {"scorecard": scorecard, "formset": formset, "error": error, "version": version}
    return render(request, "quality/scorecard_edit.html", context, status=status)


# --- Queue ------------------------------------------------------------------------------------


@person_required(Action.VIEW_QUALITY)
def queue(request: AuthedRequest) -> HttpResponse:
    """The viewer's reviews to do; for those who run queues, the overdue list and the rules."""
    runs_queues = can_somewhere(request.person, Action.MANAGE_REVIEW_QUEUE)
    context = {
        "items": selectors.list_my_queue(request.person),
        "overdue": selectors.list_overdue(request.person) if runs_queues else None,
        "teams": selectors.queue_teams(request.person) if runs_queues else None,
        "today": timezone.localdate(),
    }
    return render(request, "quality/queue.html", context)


@person_required(Action.MANAGE_REVIEW_QUEUE)
def queue_rule(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.get_queue_team_for(request.person, pk)
    form = QueueRuleForm(request.POST or None, instance=selectors.rule_of(team))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in QueueRuleForm.Meta.fields}
        try:
            services.set_queue_rule(actor=request.person, team=team, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Queue rule saved."))
            return redirect("quality:queue")
    status = 422 if request.method == "POST" else 200
    return render(request, "quality/queue_rule.html", {"team": team, "form": form}, status=status)


# --- Reviewer grants --------------------------------------------------------------------------


@person_required(Action.GRANT_QUALITY_REVIEWERS)
def grants(request: AuthedRequest) -> HttpResponse:
    """Who holds the quality reviewer capability, and granting it."""
    form = GrantForm(
        request.POST or None,
        people=selectors.grantable_people(request.person),
        teams=selectors.grantable_teams(request.person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_reviewer(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Reviewer capability granted."))
            return redirect("quality:grants")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "grants": selectors.list_grants(request.person)}
    return render(request, "quality/grants.html", context, status=status)


@person_required(Action.GRANT_QUALITY_REVIEWERS)
@require_POST
def grant_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = selectors.get_grant_for(request.person, pk)
    services.revoke_reviewer(actor=request.person, grant=grant)
    messages.success(request, _("Reviewer capability withdrawn."))
    return redirect("quality:grants")
