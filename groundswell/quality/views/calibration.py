"""Calibration pages: create, score blind, follow progress, read the results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can, can_somewhere
from groundswell.people.typing import AuthedRequest
from groundswell.quality import calibration as calibrations
from groundswell.quality import selectors
from groundswell.quality.forms import CalibrationForm, ReviewForm, add_errors
from groundswell.quality.models import Calibration, CalibrationReviewer
from groundswell.quality.services import AlreadySubmitted


def _may_list(request: AuthedRequest) -> bool:
    person = request.person
    return (
        can_somewhere(person, Action.CALIBRATE)
        or can_somewhere(person, Action.ANALYSE_QUALITY)
        or CalibrationReviewer.objects.filter(reviewer=person).exists()
    )


@person_required(Action.VIEW_QUALITY)
def calibration_list(request: AuthedRequest) -> HttpResponse:
    """Calibrations the viewer runs, reads or takes part in."""
    if not _may_list(request):
        raise PermissionDenied
    context = {
        "calibrations": calibrations.list_calibrations(request.person),
        "can_create": can_somewhere(request.person, Action.CALIBRATE),
    }
    return render(request, "quality/calibration_list.html", context)


@person_required(Action.CALIBRATE)
def calibration_create(request: AuthedRequest) -> HttpResponse:
    """A manager picks the interactions, the reviewers and the scorecard version."""
    actor = request.person
    form = CalibrationForm(
        request.POST or None,
        versions=calibrations.calibratable_versions(actor),
        people=calibrations.possible_reviewers(actor),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = calibrations.create_calibration(
                actor=actor,
                name=data["name"],
                version=data["version"],
                interactions=calibrations.interactions_to_calibrate(actor, data["interactions"]),
                reviewers=list(data["reviewers"]),
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Calibration created; the reviewers can start scoring."))
            return redirect("quality:calibration-detail", pk=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "quality/calibration_form.html", {"form": form}, status=status)


def _results_context(calibration: Calibration) -> dict[str, object]:
    results = calibration.results or {}
    return {
        "results": results,
        "references": calibrations.reference_rows(calibration) if results else [],
    }


@person_required(Action.VIEW_QUALITY)
def calibration_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Progress while open (who has submitted, never anyone's scores); the results once all
    have submitted."""
    calibration = calibrations.get_calibration_for(request.person, pk)
    me = calibrations.participant(calibration, request.person)
    revealed = calibrations.is_revealed(calibration)
    context: dict[str, object] = {
        "calibration": calibration,
        "participants": calibration.participants.select_related("reviewer"),
        "me": me,
        "my_items": calibrations.my_items(calibration, request.person) if me else [],
        "revealed": revealed,
        "may_run": calibrations.may_run(request.person, calibration),
    }
    if revealed:
        context |= _results_context(calibration)
    return render(request, "quality/calibration_detail.html", context)


@person_required(Action.VIEW_QUALITY)
def calibration_score(request: AuthedRequest, pk: int, interaction_pk: int) -> HttpResponse:
    """A reviewer scores one interaction of the calibration; only their own scores show."""
    calibration = calibrations.get_calibration_for(request.person, pk)
    if calibrations.participant(calibration, request.person) is None:
        raise PermissionDenied
    if calibrations.is_revealed(calibration):
        messages.info(request, _("Everyone has submitted: the results are below."))
        return redirect("quality:calibration-detail", pk=pk)
    interaction = calibrations.calibration_interaction(calibration, interaction_pk)
    review = calibrations.own_review(calibration, request.person, interaction)
    criteria = selectors.version_criteria(calibration.version)
    initial = ReviewForm.initial_from(list(review.scores.all()), review.comment) if review else {}
    form: ReviewForm | None = ReviewForm(request.POST or None, criteria=criteria, initial=initial)
    status = 200
    if review is not None and not review.is_draft:
        form = None  # submitted: nothing more to change until the results are out
    elif request.method == "POST" and form is not None:
        if form.is_valid():
            submit = "submit" in request.POST
            review = calibrations.open_calibration_review(
                actor=request.person, calibration=calibration, interaction=interaction
            )
            try:
                calibrations.save_calibration_review(
                    actor=request.person,
                    review=review,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    submit=submit,
                )
            except AlreadySubmitted as error:
                messages.info(request, " ".join(error.messages))
                return redirect("quality:calibration-detail", pk=pk)
            except ValidationError as error:
                add_errors(form, error)
            else:
                if submit:
                    messages.success(request, _("Scores submitted."))
                    return redirect("quality:calibration-detail", pk=pk)
                messages.success(request, _("Draft kept."))
                return redirect(request.path)
        status = 422
    context = {
        "calibration": calibration,
        "interaction": interaction,
        "review": review,
        "form": form,
        "facts": selectors.interaction_context(interaction),
    }
    return render(request, "quality/calibration_score.html", context, status=status)


@person_required(Action.CALIBRATE)
@require_POST
def calibration_recompute(request: AuthedRequest, pk: int) -> HttpResponse:
    """Compute the results again on demand (after everyone has submitted)."""
    calibration = calibrations.get_calibration_for(request.person, pk)
    if not can(request.person, Action.CALIBRATE, calibration.department):
        raise PermissionDenied
    if not calibrations.is_revealed(calibration):
        messages.error(request, _("Not everyone has submitted yet; results wait for them."))
    else:
        calibrations.compute_results(calibration, actor=request.person)
        messages.success(request, _("Results computed again."))
    return redirect("quality:calibration-detail", pk=pk)
