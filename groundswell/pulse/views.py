"""Employee voice pages: campaigns, launching them, and their suppressed results."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.core.lib import tabular
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import AuthedRequest
from groundswell.pulse import exports, selectors, services
from groundswell.pulse.forms import (
    ActionItemForm,
    ActionStatusForm,
    CampaignForm,
    ResultsFilterForm,
)


@person_required(Action.VIEW_EMPLOYEE_VOICE)
def campaign_list(request: AuthedRequest) -> HttpResponse:
    campaigns = selectors.list_campaigns(request.person)
    may_create = can_somewhere(request.person, Action.MANAGE_PULSES)
    context = {
        "campaigns": campaigns,
        "may_create": may_create,
        "you_said_we_did": selectors.you_said_we_did(request.person)[:20],
    }
    return render(request, "pulse/campaign_list.html", context)


@person_required(Action.MANAGE_PULSES)
def campaign_create(request: AuthedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, actor=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(actor=request.person, **form.service_arguments())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved the draft. Check it, then launch it."))
            return redirect(campaign)
    return render(request, "pulse/campaign_form.html", {"form": form})


@person_required(Action.VIEW_EMPLOYEE_VOICE)
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Results with the heat map, eNPS trend and comments, for the groups the viewer may see."""
    campaign = selectors.get_campaign_for(request.person, pk, action=Action.VIEW_EMPLOYEE_VOICE)
    services.publish_closed_waves(campaign=campaign)
    filters = ResultsFilterForm(request.GET, campaign=campaign)
    page = _number(request.GET.get("page"))
    results = selectors.results_for_request(request.person, campaign, filters, page=page)
    comments = Paginator(selectors.comment_texts(results, **filters.filters()), COMMENTS_AT_ONCE)
    context = {
        "campaign": campaign,
        "filters": filters,
        "results": results,
        "comments": comments.get_page(request.GET.get("comments")),
        "may_manage": selectors.may_manage(request.person, campaign),
        "may_act": can_somewhere(request.person, Action.ACT_ON_EMPLOYEE_VOICE),
        "trend_chart": exports.trend_chart(results),
    }
    return render(request, "pulse/campaign_detail.html", context)


COMMENTS_AT_ONCE = 50  # comments a results page shows at a time


def _number(value: str | None) -> int:
    """A page number from the query string; anything else is the first page."""
    return int(value) if value and value.isdigit() else 1


@require_POST
@person_required(Action.MANAGE_PULSES)
def campaign_launch(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.person, pk, action=Action.MANAGE_PULSES)
    try:
        services.launch_campaign(actor=request.person, campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Launched: personal links are on their way."))
    return redirect(campaign)


@require_POST
@person_required(Action.MANAGE_PULSES)
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.person, pk, action=Action.MANAGE_PULSES)
    services.close_campaign(actor=request.person, campaign=campaign)
    messages.success(request, _("Closed: the survey no longer takes answers."))
    return redirect(campaign)


@person_required(Action.VIEW_EMPLOYEE_VOICE)
def campaign_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The same figures as the page, as CSV; suppressed groups keep their name only."""
    campaign = selectors.get_campaign_for(request.person, pk, action=Action.VIEW_EMPLOYEE_VOICE)
    services.publish_closed_waves(campaign=campaign)
    results = selectors.results_for_request(
        request.person, campaign, ResultsFilterForm(request.GET, campaign=campaign)
    )
    return tabular.csv_response(exports.result_rows(results), filename=f"pulse-{campaign.pk}.csv")


@person_required(Action.ACT_ON_EMPLOYEE_VOICE)
def action_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Plan an action on an element of a wave's results (the weak ones link here)."""
    actor = request.person
    campaign = selectors.get_campaign_for(actor, pk, action=Action.VIEW_EMPLOYEE_VOICE)
    wave = selectors.get_wave(campaign, request.GET.get("wave"))
    form = ActionItemForm(
        request.POST or None,
        actor=actor,
        measures=selectors.measures_of(campaign),
        scopes=selectors.action_scopes(actor),
        owners=selectors.assignable_owners(actor),
        initial={"element": request.GET.get("element")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_action_item(actor=actor, wave=wave, **form.service_arguments())
        except ValidationError as error:
            _add_errors(form, error, {"team": "scope", "department": "scope"})
        else:
            messages.success(request, _("Action planned: the team sees it on its pulse page."))
            return redirect(reverse("pulse:action-list") + f"?campaign={campaign.pk}")
    context = {"campaign": campaign, "wave": wave, "form": form}
    return render(request, "pulse/action_form.html", context)


@person_required(Action.VIEW_EMPLOYEE_VOICE)
def action_list(request: AuthedRequest) -> HttpResponse:
    """Actions taken on pulse results that the viewer may read, with their status."""
    campaign = None
    if request.GET.get("campaign", "").isdigit():
        campaign = selectors.get_campaign_for(
            request.person, int(request.GET["campaign"]), action=Action.VIEW_EMPLOYEE_VOICE
        )
    items = selectors.list_action_items(request.person, campaign=campaign)
    page = Paginator(items, settings.GROUNDSWELL_PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.may_change = selectors.may_act_on(request.person, item)  # type: ignore[attr-defined]
    context = {"campaign": campaign, "page": page}
    return render(request, "pulse/action_list.html", context)


@require_POST
@person_required(Action.ACT_ON_EMPLOYEE_VOICE)
def action_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move an action along (open, in progress, done); HTMX gets the row back."""
    item = selectors.get_action_item_for(request.person, pk, action=Action.ACT_ON_EMPLOYEE_VOICE)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        item = services.update_action_item(
            actor=request.person, item=item, status=form.cleaned_data["status"]
        )
    if request.htmx:
        item.may_change = True  # type: ignore[attr-defined]
        context = {"item": item, "form_errors": form.errors, "saved": form.is_valid()}
        return render(request, "pulse/partials/action_row.html", context)
    if form.is_valid():
        messages.success(request, _("Status saved."))
    else:
        messages.error(request, _("Choose a status from the list."))
    return redirect(reverse("pulse:action-list"))


def _add_errors(form: Form, error: ValidationError, renamed: dict[str, str]) -> None:
    for field, errors in error.message_dict.items():
        name = renamed.get(field, field)
        form.add_error(name if name in form.fields else None, errors)
