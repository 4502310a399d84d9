"""Administrators' pages for surveys: the list, one survey, new wording and the rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.core.forms import add_service_errors
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest
from groundswell.voice.models import Survey, SurveyVersion
from groundswell.voice.surveys import selectors, services
from groundswell.voice.surveys.forms import SurveyRulesForm, SurveyVersionForm


@person_required(Action.MANAGE_SURVEYS)
def survey_list(request: AuthedRequest) -> HttpResponse:
    """Every survey with its rules and latest version."""
    context = {"surveys": selectors.list_surveys()}
    return render(request, "voice/survey_list.html", context)


def _survey_page(
    request: AuthedRequest,
    pk: int,
    *,
    version_form: SurveyVersionForm | None = None,
    rules_form: SurveyRulesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    survey = selectors.get_survey(pk)
    versions = list(selectors.list_versions(survey))
    latest = versions[0] if versions else None
    context = {
        "survey": survey,
        "versions": versions,
        "version_form": version_form or SurveyVersionForm(initial=_wording(latest)),
        "rules_form": rules_form or SurveyRulesForm(initial=_rules(survey)),
    }
    return render(request, "voice/survey_detail.html", context, status=status)


def _wording(version: SurveyVersion | None) -> dict[str, object]:
    if version is None:
        return {}
    fields = ("question", "low_label", "high_label", "comment_prompt")
    return {
        **{name: getattr(version, name) for name in fields},
        "reason_codes": ", ".join(version.reason_codes),
    }


def _rules(survey: Survey) -> dict[str, object]:
    fields = (
        "is_active",
        "send_delay_minutes",
        "channels",
        "resurvey_days",
        "expiry_days",
        "poor_threshold",
    )
    return {name: getattr(survey, name) for name in fields}


@person_required(Action.MANAGE_SURVEYS)
def survey_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A survey's versions, with forms to publish new wording and change its rules."""
    return _survey_page(request, pk)


@person_required(Action.MANAGE_SURVEYS)
@require_POST
def survey_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey(pk)
    form = SurveyVersionForm(request.POST)
    if form.is_valid():
        try:
            fields = form.cleaned_data
            services.publish_survey_version(actor=request.person, survey=survey, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("New version published. New invitations use it."))
            return redirect("voice:survey-detail", pk=pk)
    return _survey_page(request, pk, version_form=form, status=400)


@person_required(Action.MANAGE_SURVEYS)
@require_POST
def survey_rules(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey(pk)
    form = SurveyRulesForm(request.POST)
    if form.is_valid():
        try:
            services.update_survey_rules(actor=request.person, survey=survey, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Survey rules saved."))
            return redirect("voice:survey-detail", pk=pk)
    return _survey_page(request, pk, rules_form=form, status=400)
