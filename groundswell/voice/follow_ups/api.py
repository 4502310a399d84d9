"""Follow-ups over the API, from the pages' selectors."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from ninja import Query, Router
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.core.api.pagination import Pages
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import ApiRequest
from groundswell.voice.follow_ups import selectors, services
from groundswell.voice.follow_ups.schemas import FollowUpCloseIn, FollowUpFilter, FollowUpOut
from groundswell.voice.models import FollowUp

router = Router()


def _follow_up_handler(request: ApiRequest, action: Action = Action.HANDLE_FOLLOW_UPS) -> None:
    if not can_somewhere(request.auth, action):
        raise PermissionDenied


@router.get(
    "/follow-ups", response={200: list[FollowUpOut], **ERROR_RESPONSES}, tags=["follow-ups"]
)
@paginate(Pages)
def list_follow_ups(request: ApiRequest, filters: Query[FollowUpFilter]) -> QuerySet[FollowUp]:
    """Follow-ups in the teams you may read, most urgent first; `overdue=true` for late ones."""
    _follow_up_handler(request, Action.VIEW_FOLLOW_UPS)
    items = selectors.list_follow_ups(request.auth, state=filters.status or "all")
    if filters.overdue is not None:
        late = selectors.overdue()
        items = items.filter(late) if filters.overdue else items.exclude(late)
    return items


@router.get(
    "/follow-ups/{int:follow_up_id}",
    response={200: FollowUpOut, **ERROR_RESPONSES},
    tags=["follow-ups"],
)
def get_follow_up(request: ApiRequest, follow_up_id: int) -> FollowUp:
    _follow_up_handler(request, Action.VIEW_FOLLOW_UPS)
    return selectors.get_follow_up_for(request.auth, follow_up_id)


@router.post(
    "/follow-ups/{int:follow_up_id}/close",
    response={200: FollowUpOut, **ERROR_RESPONSES},
    tags=["follow-ups"],
)
def close_follow_up(request: ApiRequest, follow_up_id: int, payload: FollowUpCloseIn) -> FollowUp:
    """Record what happened when you reached out: an outcome and a note."""
    _follow_up_handler(request)
    follow_up = selectors.get_follow_up_for(request.auth, follow_up_id)  # 404 before 403
    services.close_follow_up(actor=request.auth, follow_up=follow_up, **payload.dict())
    return selectors.get_follow_up_for(request.auth, follow_up_id)


@router.post(
    "/follow-ups/{int:follow_up_id}/retry",
    response={200: FollowUpOut, **ERROR_RESPONSES},
    tags=["follow-ups"],
)
def retry_follow_up(request: ApiRequest, follow_up_id: int) -> FollowUp:
    """Open a follow-up closed as "not reached" for another try (the earlier try is kept)."""
    _follow_up_handler(request)
    follow_up = selectors.get_follow_up_for(request.auth, follow_up_id)  # 404 before 403
    services.retry_follow_up(actor=request.auth, follow_up=follow_up)
    return selectors.get_follow_up_for(request.auth, follow_up_id)
