"""Reviewing an interaction, reading a review, acknowledging, disputing and deciding."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest
from groundswell.quality import selectors, services
from groundswell.quality.choices import DisputeStatus
from groundswell.quality.forms import (
    DecideForm,
    DisputeForm,
    PickForm,
    ReviewFilterForm,
    ReviewForm,
    RootCauseForm,
    add_errors,
)
from groundswell.quality.models import Review


@person_required(Action.VIEW_QUALITY)
def home(request: AuthedRequest) -> HttpResponse:
    """Reviews of my work, my queue and drafts, and the disputes waiting for me."""
    return render(request, "quality/home.html", {"page": selectors.quality_home(request.person)})


@person_required(Action.VIEW_QUALITY)
@vary_on_headers("HX-Request")
def review_list(request: AuthedRequest) -> HttpResponse:
    """Reviews the viewer may read; an HTMX filter change gets only the results back."""
    filters = ReviewFilterForm(request.GET)
    chosen = filters.filters()
    mine = chosen.get("mine")
    reviews = selectors.list_reviews(
        request.person,
        status=chosen.get("status", ""),
        agent=request.person if mine == "about_me" else None,
    )
    if mine == "by_me":
        reviews = reviews.filter(reviewer=request.person)
    page = Paginator(reviews, settings.GROUNDSWELL_PAGE_SIZE).get_page(request.GET.get("page"))
    partial = request.htmx and not request.htmx.history_restore_request
    template = "quality/partials/review_results.html" if partial else "quality/review_list.html"
    return render(request, template, {"filters": filters, "page": page})


@person_required(Action.VIEW_QUALITY)
@require_POST
def review_pick(request: AuthedRequest) -> HttpResponse:
    """Review an interaction by its number (from the helpdesk or the desk's page)."""
    form = PickForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the interaction's number."))
        return redirect("quality:home")
    return review_start(request, form.cleaned_data["interaction"])


@person_required(Action.VIEW_QUALITY)
@require_POST
def review_start(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open (or reopen) the viewer's review of an interaction: 404 outside their reach."""
    if not selectors.may_review_somewhere(request.person):
        raise PermissionDenied
    interaction = selectors.get_interaction_for_review(request.person, pk)
    try:
        review = services.open_review(actor=request.person, interaction=interaction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("quality:home")
    return redirect("quality:review-score", pk=review.pk)


def _score_page(
    request: AuthedRequest, review: Review, form: ReviewForm, status: int = 200
) -> HttpResponse:
    context = {
        "review": review,
        "form": form,
        "facts": selectors.interaction_context(review.interaction),
    }
    return render(request, "quality/review_score.html", context, status=status)


@person_required(Action.VIEW_QUALITY)
def review_score(request: AuthedRequest, pk: int) -> HttpResponse:
    """Score a draft beside the interaction and the customer's answer; keep it or submit it."""
    review = selectors.get_review_to_score(request.person, pk)
    if not review.is_draft:
        return redirect(review)
    criteria = selectors.version_criteria(review.version)
    initial = ReviewForm.initial_from(list(review.scores.all()), review.comment)
    form = ReviewForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method != "POST":
        return _score_page(request, review, form)
    submit = "submit" in request.POST
    if form.is_valid():
        try:
            services.save_review(
                actor=request.person,
                review=review,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except services.AlreadySubmitted:
            messages.info(request, _("This review was submitted already."))
            return redirect(review)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Review submitted.") if submit else _("Draft saved."))
            return redirect(review) if submit else redirect("quality:review-score", pk=review.pk)
    return _score_page(request, review, form, status=422)


def _detail(request: AuthedRequest, pk: int, status: int = 200, **forms: Any) -> HttpResponse:
    page = selectors.get_review_page(request.person, pk)
    criteria = [row.criterion for section in page.sections for row in section.rows]
    decisions = [
        (d, forms.get(f"decide_{d.pk}") or DecideForm(criterion=d.criterion, prefix=f"d{d.pk}"))
        for d in page.disputes
        if page.can_decide and d.status == DisputeStatus.OPEN
    ]
    context = {
        "page": page,
        "review": page.review,
        "dispute_form": forms.get("dispute") or DisputeForm(criteria=criteria),
        "cause_form": forms.get("cause") or RootCauseForm(criteria=page.failed_criteria),
        "decisions": decisions,
    }
    return render(request, "quality/review_detail.html", context, status=status)


@person_required(Action.VIEW_QUALITY)
def review_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@person_required(Action.VIEW_QUALITY)
@require_POST
def review_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for(request.person, pk)
    try:
        services.acknowledge_review(actor=request.person, review=review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review acknowledged."))
    return redirect(review)


@person_required(Action.DISPUTE_REVIEWS)
@require_POST
def review_dispute(request: AuthedRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for(request.person, pk)
    form = DisputeForm(request.POST, criteria=selectors.version_criteria(review.version))
    if form.is_valid():
        try:
            services.raise_dispute(actor=request.person, review=review, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Dispute sent; another reviewer will decide."))
            return redirect(review)
    return _detail(request, pk, status=422, dispute=form)


@person_required(Action.VIEW_QUALITY)
@require_POST
def dispute_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    dispute = selectors.get_dispute_for(request.person, pk)
    form = DecideForm(request.POST, criterion=dispute.criterion, prefix=f"d{dispute.pk}")
    if form.is_valid():
        try:
            services.decide_dispute(actor=request.person, dispute=dispute, **form.decision_kwargs())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Dispute decided."))
            return redirect("quality:review-detail", pk=dispute.review_id)
    return _detail(request, dispute.review_id, status=422, **{f"decide_{dispute.pk}": form})


@person_required(Action.VIEW_QUALITY)
@require_POST
def root_cause_create(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.get_review_page(request.person, pk)
    if not page.can_record_cause:
        raise PermissionDenied
    form = RootCauseForm(request.POST, criteria=page.failed_criteria)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_root_cause(
                actor=request.person,
                review=page.review,
                kind=data["kind"],
                note=data["note"],
                criterion=form.by_pk.get(data["criterion"]) if data["criterion"] else None,
                policy=data["policy"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Root cause recorded."))
            return redirect(page.review)
    return _detail(request, pk, status=422, cause=form)
