"""Employee voice over the API: campaigns and their results, suppressed exactly as on pages.

No route returns invitations: who was asked is never served next to what was answered.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.core.api.pagination import Pages
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import ApiRequest
from groundswell.pulse import item_bank, selectors, services
from groundswell.pulse.models import ActionItem, Campaign
from groundswell.pulse.schemas import (
    ActionItemFilter,
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    ItemBankOut,
    ResultsFilter,
    ResultsOut,
)

router = Router(tags=["employee voice"])


def _rows[M: Model](queryset: QuerySet[M], name: str, ids: list[int]) -> list[M]:
    """The rows behind a payload's ids; an unknown id is invalid input naming the field."""
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    unknown = [str(pk) for pk in ids if pk not in rows]
    if unknown:
        raise ValidationError({name: _("Unknown id: %s.") % ", ".join(unknown)})
    return list(rows.values())


def _detail(request: ApiRequest, campaign_id: int, *, action: Action) -> Campaign:
    campaign = selectors.get_campaign_for(request.auth, campaign_id, action=action)
    prefetch_related_objects([campaign], "questions", "audience_teams", "audience_departments")
    return campaign


def _item_bank() -> dict[str, Any]:
    elements = [
        {
            "code": element.code,
            "label": str(element.label),
            "items": [
                {"code": item.code, "text": str(item.text), "is_reversed": item.is_reversed}
                for item in item_bank.items_for([element.code])
            ],
        }
        for element in item_bank.ELEMENTS
    ]
    return {"enps_text": str(item_bank.ENPS_TEXT), "elements": elements}


@router.get("/pulse/campaigns", response={200: list[CampaignOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_campaigns(request: ApiRequest) -> QuerySet[Campaign]:
    """Pulse campaigns and culture assessments the caller may see."""
    return selectors.list_campaigns(request.auth)


@router.post("/pulse/campaigns", response={201: CampaignDetailOut, **ERROR_RESPONSES})
def create_campaign(request: ApiRequest, payload: CampaignIn) -> Status[Campaign]:
    """Save a draft campaign (managers for their department, admins for anyone); launch it next."""
    if not can_somewhere(request.auth, Action.MANAGE_PULSES):
        raise PermissionDenied
    fields = payload.dict()
    fields["teams"] = _rows(Team.objects.all(), "teams", fields["teams"])
    fields["departments"] = _rows(Department.objects.all(), "departments", fields["departments"])
    campaign = services.create_campaign(actor=request.auth, **fields)
    return Status(201, _detail(request, campaign.pk, action=Action.MANAGE_PULSES))


@router.get("/pulse/item-bank", response={200: ItemBankOut, **ERROR_RESPONSES})
def get_item_bank(request: ApiRequest) -> dict[str, Any]:
    """The culture assessment's elements and their statements, to choose a pulse's questions."""
    if not can_somewhere(request.auth, Action.VIEW_EMPLOYEE_VOICE):
        raise PermissionDenied
    return _item_bank()


@router.get("/pulse/campaigns/{campaign_id}", response={200: CampaignDetailOut, **ERROR_RESPONSES})
def get_campaign(request: ApiRequest, campaign_id: int) -> Campaign:
    """One campaign with its questions and audience."""
    return _detail(request, campaign_id, action=Action.VIEW_EMPLOYEE_VOICE)


@router.get("/pulse/campaigns/{campaign_id}/results", response={200: ResultsOut, **ERROR_RESPONSES})
def get_results(
    request: ApiRequest, campaign_id: int, filters: Query[ResultsFilter]
) -> dict[str, Any]:
    """Scores per group once the wave has closed (before: only invited and answered counts);
    groups under the minimum, or exposed by subtraction, are suppressed."""
    campaign = selectors.get_campaign_for(
        request.auth, campaign_id, action=Action.VIEW_EMPLOYEE_VOICE
    )
    services.publish_closed_waves(campaign=campaign)
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


@router.post("/pulse/campaigns/{campaign_id}/close", response={200: CampaignOut, **ERROR_RESPONSES})
def close_campaign(request: ApiRequest, campaign_id: int) -> Campaign:
    """Stop taking answers and start no new wave (managers of its department, admins)."""
    campaign = selectors.get_campaign_for(request.auth, campaign_id, action=Action.MANAGE_PULSES)
    services.close_campaign(actor=request.auth, campaign=campaign)
    return selectors.get_campaign_for(request.auth, campaign_id, action=Action.MANAGE_PULSES)


# --- Actions on results ("you said, we did") ---------------------------------------------------


@router.get("/pulse/actions", response={200: list[ActionItemOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_action_items(
    request: ApiRequest, filters: Query[ActionItemFilter]
) -> QuerySet[ActionItem]:
    """Actions on pulse results the caller may read: their own team's and department's, and
    those of the groups whose results they may break down."""
    if not can_somewhere(request.auth, Action.VIEW_EMPLOYEE_VOICE):
        raise PermissionDenied
    campaign = None
    if filters.campaign is not None:
        campaign = selectors.get_campaign_for(
            request.auth, filters.campaign, action=Action.VIEW_EMPLOYEE_VOICE
        )
    return selectors.list_action_items(request.auth, campaign=campaign, status=filters.status)


@router.post("/pulse/actions", response={201: ActionItemOut, **ERROR_RESPONSES})
def create_action_item(request: ApiRequest, payload: ActionItemIn) -> Status[ActionItem]:
    """Plan an action on an element of a published wave: team leads for their teams, managers
    for their department and its teams, admins anywhere."""
    if not can_somewhere(request.auth, Action.ACT_ON_EMPLOYEE_VOICE):
        raise PermissionDenied
    campaign = selectors.get_campaign_for(
        request.auth, payload.campaign_id, action=Action.VIEW_EMPLOYEE_VOICE
    )
    item = services.create_action_item(
        actor=request.auth,
        wave=selectors.get_wave(campaign, payload.wave),
        element=payload.element,
        team=_row(Team.objects.all(), "team_id", payload.team_id),
        department=_row(Department.objects.all(), "department_id", payload.department_id),
        title=payload.title,
        description=payload.description,
        owner=_row(Person.objects.all(), "owner_id", payload.owner_id),  # type: ignore[arg-type]
        due_on=payload.due_on,
    )
    return Status(201, item)


@router.get("/pulse/actions/{action_id}", response={200: ActionItemOut, **ERROR_RESPONSES})
def get_action_item(request: ApiRequest, action_id: int) -> ActionItem:
    """One action on pulse results."""
    return selectors.get_action_item_for(request.auth, action_id, action=Action.VIEW_EMPLOYEE_VOICE)


@router.patch("/pulse/actions/{action_id}", response={200: ActionItemOut, **ERROR_RESPONSES})
def update_action_item(request: ApiRequest, action_id: int, payload: ActionItemPatch) -> ActionItem:
    """Move an action along (`status`), or change its owner, due date or words."""
    item = selectors.get_action_item_for(
        request.auth, action_id, action=Action.ACT_ON_EMPLOYEE_VOICE
    )
    changes = payload.dict(exclude_unset=True)
    if "owner_id" in changes:
        changes["owner"] = _row(Person.objects.all(), "owner_id", changes.pop("owner_id"))
    return services.update_action_item(actor=request.auth, item=item, **changes)


def _row[M: Model](queryset: QuerySet[M], name: str, pk: int | None) -> M | None:
    """The row a payload names, or None when it names none; an unknown id names the field."""
    if pk is None:
        return None
    return _rows(queryset, name, [pk])[0]
