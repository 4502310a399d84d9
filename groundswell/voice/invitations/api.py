"""Invitations and responses over the API, from the pages' selectors."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.core.api.pagination import Pages
from groundswell.desk import selectors as desk_selectors
from groundswell.people.permissions import Action
from groundswell.people.typing import ApiRequest
from groundswell.voice.invitations import selectors, services
from groundswell.voice.invitations.schemas import (
    InvitationCreatedOut,
    InvitationFilter,
    InvitationIn,
    InvitationOut,
    ResponseFilter,
    ResponseOut,
)
from groundswell.voice.models import Invitation, Response

router = Router()


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
