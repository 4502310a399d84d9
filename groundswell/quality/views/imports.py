"""Importing past reviews from another QA tool onto a scorecard: upload, then the report."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest
from groundswell.quality import imports, selectors


class ReviewImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "One review per row: interaction (number) or external id, reviewer email, reviewed "
            "at, one column per criterion named as on the scorecard, and a comment."
        ),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Import the good rows and skip the bad ones"),
        required=False,
        help_text=_("Left unticked, one bad row stops the whole file."),
    )


@person_required(Action.MANAGE_SCORECARDS)
def review_import(request: AuthedRequest, pk: int) -> HttpResponse:
    scorecard = selectors.get_scorecard_for(request.person, pk)
    if not imports.may_import(request.person, scorecard):
        raise PermissionDenied
    version = selectors.current_version(scorecard)
    criteria = selectors.version_criteria(version) if version is not None else []
    outcome = None
    form = ReviewImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = imports.import_reviews(
            actor=request.person,
            scorecard=scorecard,
            content=upload.read(),
            filename=upload.name,
            skip_bad_rows=form.cleaned_data["skip_bad_rows"],
        )
    context = {
        "scorecard": scorecard,
        "criteria": criteria,
        "form": form,
        "outcome": outcome,
        "problems": outcome.plan.report.all_problems() if outcome is not None else [],
    }
    status = 422 if outcome is not None and not outcome.committed else 200
    return render(request, "quality/review_import.html", context, status=status)
