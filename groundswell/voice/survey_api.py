"""Surveys, invitations, responses and follow-ups over the API, from the pages' selectors."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.core.api.pagination import Pages
from groundswell.desk import selectors as desk_selectors
from groundswell.people.permissions import Action, can_everywhere, can_somewhere
from groundswell.people.typing import ApiRequest
from groundswell.voice import follow_ups, services
from groundswell.voice import survey_selectors as selectors
from groundswell.voice.models import FollowUp, Invitation, Response, Survey
from groundswell.voice.survey_schemas import (
    FollowUpCloseIn,
    FollowUpFilter,
    FollowUpOut,
    InvitationCreatedOut,
    InvitationFilter,
    InvitationIn,
    InvitationOut,
    ResponseFilter,
    ResponseOut,
    SurveyDetailOut,
    SurveyOut,
    SurveyPatch,
    SurveyVersionIn,
    SurveyVersionOut,
)

router = Router()


def _survey_reader(request: ApiRequest) -> None:
    if not can_somewhere(request.auth, Action.VIEW_CUSTOMER_VOICE):
        raise PermissionDenied


def _follow_up_handler(request: ApiRequest, action: Action = Action.HANDLE_FOLLOW_UPS) -> None:
    if not can_somewhere(request.auth, action):
        raise PermissionDenied


# Surveys ------------------------------------------------------------------------------------------


@router.get("/surveys", response={200: list[SurveyOut], **ERROR_RESPONSES}, tags=["surveys"])
def list_surveys(request: ApiRequest) -> QuerySet[Survey]:
    """Every survey and its sending rules (there are only a few)."""
    _survey_reader(request)
    return selectors.list_surveys()


@router.get(
    "/surveys/{int:survey_id}", response={200: SurveyDetailOut, **ERROR_RESPONSES}, tags=["surveys"]
)
def get_survey(request: ApiRequest, survey_id: int) -> Survey:
    """A survey with every version of its wording, newest first."""
    _survey_reader(request)
    return selectors.get_survey(survey_id)


@router.post(
    "/surveys/{int:survey_id}/versions",
    response={201: SurveyVersionOut, **ERROR_RESPONSES},
    tags=["surveys"],
)
def publish_version(request: ApiRequest, survey_id: int, payload: SurveyVersionIn) -> Status[Any]:
    """Publish new wording (administrators); past answers keep the version they saw."""
    if not can_everywhere(request.auth, Action.MANAGE_SURVEYS):
        raise PermissionDenied
    survey = selectors.get_survey(survey_id)
    version = services.publish_survey_version(actor=request.auth, survey=survey, **payload.dict())
    return Status(201, version)


@router.patch(
    "/surveys/{int:survey_id}", response={200: SurveyDetailOut, **ERROR_RESPONSES}, tags=["surveys"]
)
def update_survey(request: ApiRequest, survey_id: int, payload: SurveyPatch) -> Survey:
    """Change a survey's sending rules (administrators)."""
    if not can_everywhere(request.auth, Action.MANAGE_SURVEYS):
        raise PermissionDenied
    survey = selectors.get_survey(survey_id)
    changes = payload.dict(exclude_unset=True)
    services.update_survey_rules(actor=request.auth, survey=survey, **changes)
    return selectors.get_survey(survey_id)


# Invitations --------------------------------------------------------------------------------------


@router.post(
    "/invitations", response={201: InvitationCreatedOut, **ERROR_RESPONSES}, tags=["invitations"]
)
def create_invitation(request: ApiRequest, payload: InvitationIn) -> Status[dict[str, Any]]:
    """Invite the customer of an interaction handled elsewhere; the link is returned only now."""
    try:
        interaction = desk_selectors.get_interaction_for(
            request.auth, payload.interaction_id, action=Action.CHANGE_INTERACTIONS
        )
    except Http404:
        message = _("There is no interaction with id %(id)s.") % {"id": payload.interaction_id}
        raise ValidationError({"interaction_id": message}) from None
    invitation, url = services.create_link_invitation(
        actor=request.auth, interaction=interaction, kind=payload.kind
    )
    return Status(201, {"id": invitation.pk, "url": url, "expires_at": invitation.expires_at})


@router.get(
    "/invitations", response={200: list[InvitationOut], **ERROR_RESPONSES}, tags=["invitations"]
)
@paginate(Pages)
def list_invitations(request: ApiRequest, filters: Query[InvitationFilter]) -> QuerySet[Invitation]:
    """Invitations about interactions you can see, newest first; links are never shown."""
    return selectors.list_invitations(request.auth, **filters.dict())


@router.get(
    "/invitations/{int:invitation_id}",
    response={200: InvitationOut, **ERROR_RESPONSES},
    tags=["invitations"],
)
def get_invitation(request: ApiRequest, invitation_id: int) -> Invitation:
    return selectors.get_invitation_for(request.auth, invitation_id)


# Responses ----------------------------------------------------------------------------------------


@router.get("/responses", response={200: list[ResponseOut], **ERROR_RESPONSES}, tags=["responses"])
@paginate(Pages)
def list_responses(request: ApiRequest, filters: Query[ResponseFilter]) -> QuerySet[Response]:
    """Customers' answers you may read one by one, newest first.

    As on the dashboard: your own, those about no agent, and (for team leads and above) those
    about an agent with at least the minimum number of answers of that kind in your teams.
    """
    fields = filters.dict()
    return selectors.list_responses(request.auth, **{**fields, "kind": fields["kind"] or ""})


@router.get(
    "/responses/{int:response_id}",
    response={200: ResponseOut, **ERROR_RESPONSES},
    tags=["responses"],
)
def get_response(request: ApiRequest, response_id: int) -> Response:
    return selectors.get_response_for(request.auth, response_id)


# Follow-ups ---------------------------------------------------------------------------------------


@router.get(
    "/follow-ups", response={200: list[FollowUpOut], **ERROR_RESPONSES}, tags=["follow-ups"]
)
@paginate(Pages)
def list_follow_ups(request: ApiRequest, filters: Query[FollowUpFilter]) -> QuerySet[FollowUp]:
    """Follow-ups in the teams you may read, most urgent first; `overdue=true` for late ones."""
    _follow_up_handler(request, Action.VIEW_FOLLOW_UPS)
    items = follow_ups.list_follow_ups(request.auth, state=filters.status or "all")
    if filters.overdue is not None:
        late = follow_ups.overdue()
        items = items.filter(late) if filters.overdue else items.exclude(late)
    return items


@router.get(
    "/follow-ups/{int:follow_up_id}",
    response={200: FollowUpOut, **ERROR_RESPONSES},
    tags=["follow-ups"],
)
def get_follow_up(request: ApiRequest, follow_up_id: int) -> FollowUp:
    _follow_up_handler(request, Action.VIEW_FOLLOW_UPS)
    return follow_ups.get_follow_up_for(request.auth, follow_up_id)


@router.post(
    "/follow-ups/{int:follow_up_id}/close",
    response={200: FollowUpOut, **ERROR_RESPONSES},
    tags=["follow-ups"],
)
def close_follow_up(request: ApiRequest, follow_up_id: int, payload: FollowUpCloseIn) -> FollowUp:
    """Record what happened when you reached out: an outcome and a note."""
    _follow_up_handler(request)
    follow_up = follow_ups.get_follow_up_for(request.auth, follow_up_id)  # 404 before 403
    services.close_follow_up(actor=request.auth, follow_up=follow_up, **payload.dict())
    return follow_ups.get_follow_up_for(request.auth, follow_up_id)
