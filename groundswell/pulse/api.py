"""Employee voice over the API: campaigns and their results, suppressed exactly as on pages.

No route returns invitations: who was asked is never served next to what was answered.
"""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from groundswell.api.auth import ApiRequest
from groundswell.api.errors import ERROR_RESPONSES
from groundswell.api.pagination import Pages
from groundswell.people.models import Department, Team
from groundswell.people.permissions import Action
from groundswell.pulse import selectors, services
from groundswell.pulse.models import Campaign
from groundswell.pulse.schemas import CampaignOut, ResultsFilter, ResultsOut

router = Router(tags=["employee voice"])


@router.get("/pulse/campaigns", response={200: list[CampaignOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_campaigns(request: ApiRequest) -> QuerySet[Campaign]:
    """Pulse campaigns and culture assessments the caller may see."""
    return selectors.list_campaigns(request.auth)


@router.get("/pulse/campaigns/{campaign_id}", response={200: CampaignOut, **ERROR_RESPONSES})
def get_campaign(request: ApiRequest, campaign_id: int) -> Campaign:
    return selectors.get_campaign_for(request.auth, campaign_id, action=Action.VIEW_EMPLOYEE_VOICE)


@router.get("/pulse/campaigns/{campaign_id}/results", response={200: ResultsOut, **ERROR_RESPONSES})
def get_results(
    request: ApiRequest, campaign_id: int, filters: Query[ResultsFilter]
) -> dict[str, Any]:
    """Scores per group; groups under the minimum, or exposed by subtraction, are suppressed."""
    campaign = selectors.get_campaign_for(
        request.auth, campaign_id, action=Action.VIEW_EMPLOYEE_VOICE
    )
    department = (
        get_object_or_404(Department, pk=filters.department) if filters.department else None
    )
    team = get_object_or_404(Team, pk=filters.team) if filters.team else None
    wave = get_object_or_404(campaign.waves, number=filters.wave) if filters.wave else None
    results = selectors.campaign_results(
        request.auth, campaign, wave=wave, department=department, team=team
    )
    comments = selectors.visible_comments(results, department=department, team=team)
    return selectors.results_as_dict(results, comments)


@router.post(
    "/pulse/campaigns/{campaign_id}/launch", response={200: CampaignOut, **ERROR_RESPONSES}
)
def launch_campaign(request: ApiRequest, campaign_id: int) -> Campaign:
    """Open a draft campaign and mail the personal links (managers of its department, admins)."""
    campaign = selectors.get_campaign_for(request.auth, campaign_id, action=Action.MANAGE_PULSES)
    services.launch_campaign(actor=request.auth, campaign=campaign)
    return selectors.get_campaign_for(request.auth, campaign_id, action=Action.MANAGE_PULSES)
