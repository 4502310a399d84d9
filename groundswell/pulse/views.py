"""Employee voice pages: campaigns, launching them, and their suppressed results."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.core.lib import tabular
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import AuthedRequest
from groundswell.pulse import exports, selectors, services
from groundswell.pulse.forms import CampaignForm, ResultsFilterForm


@person_required(Action.VIEW_EMPLOYEE_VOICE)
def campaign_list(request: AuthedRequest) -> HttpResponse:
    campaigns = selectors.list_campaigns(request.person)
    may_create = can_somewhere(request.person, Action.MANAGE_PULSES)
    context = {"campaigns": campaigns, "may_create": may_create}
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
    results = selectors.results_for_request(request.person, campaign, filters)
    context = {
        "campaign": campaign,
        "filters": filters,
        "results": results,
        "comments": selectors.visible_comments(results, **filters.filters()),
        "may_manage": selectors.may_manage(request.person, campaign),
        "trend_chart": exports.trend_chart(results),
    }
    return render(request, "pulse/campaign_detail.html", context)


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
