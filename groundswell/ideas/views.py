"""Open door pages: submit, browse, answer and decide; the policy registry and its reviews."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from groundswell.ideas import selectors, services, throttle
from groundswell.ideas.choices import TRANSITIONS
from groundswell.ideas.forms import (
    FollowUpForm,
    IdeaFilterForm,
    IdeaForm,
    PolicyForm,
    ReplyForm,
    ReviewForm,
    StatusForm,
)
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import AuthedRequest


@person_required(Action.USE_OPEN_DOOR)
@vary_on_headers("HX-Request")
def idea_list(request: AuthedRequest) -> HttpResponse:
    """Every submission, filtered; an HTMX filter change gets only the results back."""
    filters = IdeaFilterForm(request.GET)
    ideas = selectors.list_ideas(request.person, **filters.filters())
    page = Paginator(ideas, settings.GROUNDSWELL_PAGE_SIZE).get_page(request.GET.get("page"))
    partial = request.htmx and not request.htmx.history_restore_request
    template = "ideas/partials/idea_results.html" if partial else "ideas/idea_list.html"
    return render(request, template, {"filters": filters, "page": page, "partial": partial})


def _thank_you(request: AuthedRequest, code: str | None) -> HttpResponse:
    """The thank-you page, padded to the length of its other variant (named or anonymous).

    Access logs record response sizes, so the two must weigh the same byte for byte. The other
    variant is rendered too (with a made-up code of the real length), and the shorter one ends
    in spaces (harmless after `</html>`) up to the longer one's length.
    """
    other = None if code else services.new_follow_up_code()
    response = render(request, "ideas/idea_submitted.html", {"code": code})
    twin = render(request, "ideas/idea_submitted.html", {"code": other}).content
    shortfall = len(twin) - len(response.content)
    if shortfall > 0:
        response.content = response.content + b" " * shortfall
    return response


@person_required(Action.USE_OPEN_DOOR)
@never_cache
def idea_create(request: AuthedRequest) -> HttpResponse:
    """Raise something; named or anonymous, the answer is the same thank-you page.

    Same status, no redirect, no id in the URL or headers: an access log cannot tell who
    chose anonymity, nor which row is theirs. An anonymous submitter sees their follow-up
    code on this response only.
    """
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.may_submit(request):
            context = {"form": form, "blocked": True}
            return render(request, "ideas/idea_form.html", context, status=429)
        try:
            submitted = services.submit_idea(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _thank_you(request, submitted.follow_up_code)
    return render(request, "ideas/idea_form.html", {"form": form})


@person_required(Action.USE_OPEN_DOOR)
def idea_detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    page = selectors.get_idea_page(request.person, pk)
    context = {
        "page": page,
        "idea": page.idea,
        "status_form": StatusForm(allowed=page.next_statuses),
        "reply_form": ReplyForm(),
    }
    return render(request, "ideas/idea_detail.html", context)


@person_required(Action.USE_OPEN_DOOR)
@require_POST
def idea_transition(request: AuthedRequest, pk: UUID) -> HttpResponse:
    idea = selectors.get_idea_for(request.person, pk, act=True)
    form = StatusForm(request.POST, allowed=TRANSITIONS[idea.status])
    if form.is_valid():
        try:
            services.move_status(actor=request.person, idea=idea, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        page = selectors.get_idea_page(request.person, pk)
        context = {"page": page, "idea": page.idea, "status_form": form, "reply_form": ReplyForm()}
        return render(request, "ideas/idea_detail.html", context, status=422)
    messages.success(request, _("Status changed."))
    return redirect(idea)


@person_required(Action.USE_OPEN_DOOR)
@require_POST
def idea_reply(request: AuthedRequest, pk: UUID) -> HttpResponse:
    idea = selectors.get_idea_for(request.person, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.reply(actor=request.person, idea=idea, body=form.cleaned_data["body"])
        messages.success(request, _("Reply posted."))
        return redirect(idea)
    page = selectors.get_idea_page(request.person, pk)
    status_form = StatusForm(allowed=page.next_statuses)
    context = {"page": page, "idea": page.idea, "status_form": status_form, "reply_form": form}
    return render(request, "ideas/idea_detail.html", context, status=422)


@person_required(Action.USE_OPEN_DOOR)
@require_POST
def idea_vote(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """Toggle the viewer's upvote; HTMX gets the refreshed vote button back."""
    idea = selectors.get_idea_for(request.person, pk)
    if idea.has_voted:  # type: ignore[attr-defined]
        services.unvote(actor=request.person, idea=idea)
    else:
        services.vote(actor=request.person, idea=idea)
    if request.htmx:
        idea = selectors.get_idea_for(request.person, pk)
        return render(request, "ideas/partials/vote.html", {"idea": idea})
    return redirect(idea)


@person_required(Action.USE_OPEN_DOOR)
def acted(request: AuthedRequest) -> HttpResponse:
    """You spoke, we acted: what changed because someone raised it."""
    ideas = selectors.list_acted_on(request.person)
    page = Paginator(ideas, settings.GROUNDSWELL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ideas/acted.html", {"page": page})


@never_cache
def follow_up(request: HttpRequest) -> HttpResponse:
    """An anonymous submitter's door back in: the code opens the thread; no sign-in, no trace."""
    form = FollowUpForm(request.POST or None)
    if request.method != "POST":
        return render(request, "ideas/follow_up.html", {"form": form})
    attempt = throttle.begin_attempt(request)
    if attempt is None:
        return render(request, "ideas/follow_up.html", {"form": form, "blocked": True}, status=429)
    if not form.is_valid():
        throttle.not_a_failure(attempt)
        return render(request, "ideas/follow_up.html", {"form": form}, status=422)
    code, body = form.cleaned_data["code"], form.cleaned_data["body"].strip()
    idea = selectors.find_idea_by_code(code)
    if idea is None:
        form.add_error("code", _("That follow-up code does not open any submission."))
        return render(request, "ideas/follow_up.html", {"form": form}, status=404)
    throttle.not_a_failure(attempt)
    if body:
        services.reply_as_anonymous_submitter(code=code, body=body)
    context = {"form": FollowUpForm(initial={"code": code}), "idea": idea, "replied": bool(body)}
    return render(request, "ideas/follow_up.html", context | {"comments": idea.comments.all()})


# --- Policies ---------------------------------------------------------------------------------


@person_required(Action.USE_OPEN_DOOR)
def policy_list(request: AuthedRequest) -> HttpResponse:
    policies = selectors.list_policies(request.person)
    can_manage = can_somewhere(request.person, Action.MANAGE_OPEN_DOOR)
    context = {"policies": policies, "today": timezone.localdate(), "can_manage": can_manage}
    return render(request, "ideas/policy_list.html", context)


@person_required(Action.USE_OPEN_DOOR)
def policy_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.get_policy_page(request.person, pk)
    context = {"page": page, "policy": page.policy, "review_form": ReviewForm()}
    return render(request, "ideas/policy_detail.html", context)


@person_required(Action.MANAGE_OPEN_DOOR)
def policy_create(request: AuthedRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.create_policy(actor=request.person, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Policy added to the registry."))
            return redirect(policy)
    return render(request, "ideas/policy_form.html", {"form": form})


@person_required(Action.MANAGE_OPEN_DOOR)
def policy_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    policy = selectors.get_policy_for(request.person, pk, manage=True)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy(actor=request.person, policy=policy, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Policy saved."))
            return redirect(policy)
    return render(request, "ideas/policy_form.html", {"form": form, "policy": policy})


@person_required(Action.USE_OPEN_DOOR)
@require_POST
def policy_reviewed(request: AuthedRequest, pk: int) -> HttpResponse:
    """The owner (or an admin) records a review and sets the next review date."""
    policy = selectors.get_policy_for(request.person, pk)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        services.mark_policy_reviewed(
            actor=request.person, policy=policy, next_review_by=form.cleaned_data["next_review_by"]
        )
    except ValidationError:
        messages.error(request, _("Give a next review date after today."))
    else:
        messages.success(request, _("Review recorded."))
    return redirect(policy)


@person_required(Action.USE_OPEN_DOOR)
def review_queue(request: AuthedRequest) -> HttpResponse:
    """Policies the viewer owns that are due for review or have open friction reports."""
    policies = selectors.review_queue(request.person)
    context = {"policies": policies, "today": timezone.localdate()}
    return render(request, "ideas/review_queue.html", context)
