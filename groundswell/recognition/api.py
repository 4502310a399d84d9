"""Recognition over the API: the values, the kudos feed and giving kudos (a chat bot posts
them here), reactions, comments and reports. The same selectors and services as the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES, ErrorOut
from groundswell.core.api.lookups import row_or_error
from groundswell.core.api.pagination import Pages
from groundswell.desk.models import Interaction
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import ApiRequest
from groundswell.recognition import selectors, services
from groundswell.recognition.choices import Reaction, Source
from groundswell.recognition.models import Kudos, KudosComment, KudosReport, Value
from groundswell.recognition.schemas import (
    CommentIn,
    KudosCommentOut,
    KudosFilter,
    KudosIn,
    KudosOut,
    ReactionIn,
    ReportIn,
    ReportOut,
    ValueOut,
)

router = Router(tags=["recognition"])

GIVE_RESPONSES = {**ERROR_RESPONSES, 429: ErrorOut}


def _viewer(request: ApiRequest) -> Person:
    if not can_somewhere(request.auth, Action.USE_RECOGNITION):
        raise PermissionDenied
    return request.auth


def _values(slugs: list[str]) -> list[Value]:
    found = {value.slug: value for value in Value.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError(
            {"values": _("There is no value called %(slugs)s.") % {"slugs": ", ".join(unknown)}}
        )
    return [found[slug] for slug in slugs]


@router.get("/recognition/values", response={200: list[ValueOut], **ERROR_RESPONSES})
def list_values(request: ApiRequest) -> QuerySet[Value]:
    """The company's values, retired ones included (they cannot be chosen any more)."""
    _viewer(request)
    return selectors.list_values(include_retired=True)


@router.get("/kudos", response={200: list[KudosOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_kudos(request: ApiRequest, filters: Query[KudosFilter]) -> QuerySet[Kudos]:
    """A kudos feed, newest first: `company` (public kudos), `team` (my teams'), or `me`
    (given or received by me, private ones included)."""
    return selectors.list_kudos(_viewer(request), filters.feed)


@router.get("/kudos/{kudos_id}", response={200: KudosOut, **ERROR_RESPONSES})
def get_kudos(request: ApiRequest, kudos_id: int) -> Kudos:
    """One kudos the caller may read."""
    return selectors.get_kudos_for(_viewer(request), kudos_id)


@router.post("/kudos", response={201: KudosOut, **GIVE_RESPONSES})
def give_kudos(request: ApiRequest, payload: KudosIn) -> Status[Kudos]:
    """Thank a person or a team as the caller. A retry with the same `idempotency_key` returns
    the first kudos; more than `KUDOS_PER_HOUR` an hour is 429."""
    viewer = _viewer(request)
    try:
        kudos = services.give_kudos(
            actor=viewer,
            recipient=row_or_error(Person.objects.all(), "recipient", payload.recipient),
            team=row_or_error(Team.objects.all(), "team", payload.team),
            message=payload.message,
            values=_values(payload.values),
            interaction=row_or_error(
                Interaction.objects.visible_to(viewer), "interaction", payload.interaction
            ),
            is_private=payload.is_private,
            idempotency_key=payload.idempotency_key,
            source=Source.API,
        )
    except services.KudosLimitReached as error:
        raise HttpError(429, str(error)) from None
    return Status(201, selectors.get_kudos_for(viewer, kudos.pk))


@router.post("/kudos/{kudos_id}/reactions", response={200: KudosOut, **ERROR_RESPONSES})
def add_reaction(request: ApiRequest, kudos_id: int, payload: ReactionIn) -> Kudos:
    """React to a kudos (once per kind; again changes nothing)."""
    viewer = _viewer(request)
    kudos = selectors.get_kudos_for(viewer, kudos_id)
    services.react(actor=viewer, kudos=kudos, kind=payload.kind)
    return selectors.get_kudos_for(viewer, kudos_id)


@router.delete("/kudos/{kudos_id}/reactions/{kind}", response={200: KudosOut, **ERROR_RESPONSES})
def remove_reaction(request: ApiRequest, kudos_id: int, kind: Reaction) -> Kudos:
    """Take back one of the caller's reactions."""
    viewer = _viewer(request)
    kudos = selectors.get_kudos_for(viewer, kudos_id)
    services.unreact(actor=viewer, kudos=kudos, kind=kind)
    return selectors.get_kudos_for(viewer, kudos_id)


@router.post("/kudos/{kudos_id}/comments", response={201: KudosCommentOut, **ERROR_RESPONSES})
def add_comment(request: ApiRequest, kudos_id: int, payload: CommentIn) -> Status[KudosComment]:
    """Reply under a kudos."""
    viewer = _viewer(request)
    kudos = selectors.get_kudos_for(viewer, kudos_id)
    return Status(201, services.comment_on(actor=viewer, kudos=kudos, body=payload.body))


@router.post("/kudos/{kudos_id}/report", response={201: ReportOut, **ERROR_RESPONSES})
def report_kudos(request: ApiRequest, kudos_id: int, payload: ReportIn) -> Status[KudosReport]:
    """Ask a moderator to look at a kudos; once per person (a second report is 422)."""
    viewer = _viewer(request)
    kudos = selectors.get_kudos_for(viewer, kudos_id)
    return Status(201, services.report_kudos(actor=viewer, kudos=kudos, reason=payload.reason))
