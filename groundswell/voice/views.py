"""Staff pages for closing the loop: the follow-up list and one follow-up."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can
from groundswell.people.typing import AuthedRequest
from groundswell.voice import follow_ups, services, survey_selectors
from groundswell.voice.forms import (
    FollowUpCloseForm,
    FollowUpFilterForm,
    SurveyRulesForm,
    SurveyVersionForm,
)
from groundswell.voice.models import Survey, SurveyVersion


@person_required(Action.VIEW_FOLLOW_UPS)
def follow_up_list(request: AuthedRequest) -> HttpResponse:
    """Follow-ups in the viewer's teams; overdue ones stand out."""
    filters = FollowUpFilterForm(request.GET)
    state = filters.state_value()
    items = follow_ups.list_follow_ups(request.person, state=state)
    page = Paginator(items, settings.GROUNDSWELL_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "state": state, "page": page}
    return render(request, "voice/follow_up_list.html", context)


@person_required(Action.VIEW_FOLLOW_UPS)
def follow_up_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One follow-up; the form to close it only for those who may (executives only read)."""
    follow_up = follow_ups.get_follow_up_for(request.person, pk)
    may_close = can(request.person, Action.HANDLE_FOLLOW_UPS, follow_up.team)
    context = {"follow_up": follow_up, "form": FollowUpCloseForm(), "may_close": may_close}
    return render(request, "voice/follow_up_detail.html", context)


@person_required(Action.HANDLE_FOLLOW_UPS)
@require_POST
def follow_up_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record the outcome of reaching out; the form comes back with errors if incomplete."""
    follow_up = follow_ups.get_follow_up_for(request.person, pk)
    form = FollowUpCloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_follow_up(actor=request.person, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Follow-up closed. Thank you for closing the loop."))
            return redirect("voice:follow-up-list")
    context = {"follow_up": follow_up, "form": form, "may_close": True}
    return render(request, "voice/follow_up_detail.html", context, status=400)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


# Surveys (administrators) -------------------------------------------------------------------------


@person_required(Action.MANAGE_SURVEYS)
def survey_list(request: AuthedRequest) -> HttpResponse:
    """Every survey with its rules and latest version."""
    context = {"surveys": survey_selectors.list_surveys()}
    return render(request, "voice/survey_list.html", context)


def _survey_page(
    request: AuthedRequest,
    pk: int,
    *,
    version_form: SurveyVersionForm | None = None,
    rules_form: SurveyRulesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    survey = survey_selectors.get_survey(pk)
    versions = list(survey_selectors.list_versions(survey))
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
    survey = survey_selectors.get_survey(pk)
    form = SurveyVersionForm(request.POST)
    if form.is_valid():
        try:
            fields = form.cleaned_data
            services.publish_survey_version(actor=request.person, survey=survey, **fields)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("New version published. New invitations use it."))
            return redirect("voice:survey-detail", pk=pk)
    return _survey_page(request, pk, version_form=form, status=400)


@person_required(Action.MANAGE_SURVEYS)
@require_POST
def survey_rules(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_selectors.get_survey(pk)
    form = SurveyRulesForm(request.POST)
    if form.is_valid():
        try:
            services.update_survey_rules(actor=request.person, survey=survey, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Survey rules saved."))
            return redirect("voice:survey-detail", pk=pk)
    return _survey_page(request, pk, rules_form=form, status=400)
