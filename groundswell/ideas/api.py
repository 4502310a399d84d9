"""The open door over the API: submissions, their thread, votes and the policy registry."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES, ErrorOut
from groundswell.core.api.lookups import row_or_error
from groundswell.core.api.pagination import Pages
from groundswell.ideas import selectors, services, throttle
from groundswell.ideas.models import Comment, Idea, Policy
from groundswell.ideas.schemas import (
    FollowUpIn,
    FollowUpReplyIn,
    FollowUpThreadOut,
    IdeaDetailOut,
    IdeaFilter,
    IdeaIn,
    IdeaOut,
    PolicyIn,
    PolicyOut,
    PolicyPatch,
    ReplyIn,
    SubmittedOut,
    TransitionIn,
)
from groundswell.people.models import Department, Person
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import ApiRequest

router = Router()

# Braked per client address: the public follow-up routes (wrong codes) and submitting.
FOLLOW_UP_RESPONSES = {**ERROR_RESPONSES, 429: ErrorOut}


def _viewer(request: ApiRequest) -> Person:
    if not can_somewhere(request.auth, Action.USE_OPEN_DOOR):
        raise PermissionDenied
    return request.auth


def _anonymous_thread(request: HttpRequest, code: str) -> Idea:
    """The submission a follow-up code opens; wrong codes count towards the page's brake."""
    attempt = throttle.begin_attempt(request)
    if attempt is None:
        raise HttpError(
            429, _("Too many wrong codes from here. Please wait a few minutes and try again.")
        )
    idea = selectors.find_idea_by_code(code)
    if idea is None:
        raise HttpError(404, _("That follow-up code does not open any submission."))
    throttle.not_a_failure(attempt)
    return idea


def _with_comments(idea: Idea) -> Idea:
    prefetch_related_objects(
        [idea], Prefetch("comments", queryset=Comment.objects.select_related("author"))
    )
    return idea


# Declared before "/ideas/{idea_id}", whose URL pattern would otherwise claim "follow-up".
@router.post(
    "/ideas/follow-up",
    response={200: FollowUpThreadOut, **FOLLOW_UP_RESPONSES},
    tags=["ideas"],
    auth=None,
)
def read_follow_up(request: HttpRequest, payload: FollowUpIn) -> Idea:
    """An anonymous submitter reads their thread with the follow-up code; no sign-in, no trace."""
    return _with_comments(_anonymous_thread(request, payload.code))


@router.post(
    "/ideas/follow-up/reply",
    response={201: FollowUpThreadOut, **FOLLOW_UP_RESPONSES},
    tags=["ideas"],
    auth=None,
)
def reply_with_follow_up_code(request: HttpRequest, payload: FollowUpReplyIn) -> Status[Idea]:
    """The anonymous submitter answers back; the reply keeps no author and only the day."""
    idea = _anonymous_thread(request, payload.code)
    services.reply_as_anonymous_submitter(code=payload.code, body=payload.body)
    return Status(201, _with_comments(idea))


@router.get("/ideas", response={200: list[IdeaOut], **ERROR_RESPONSES}, tags=["ideas"])
@paginate(Pages)
def list_ideas(request: ApiRequest, filters: Query[IdeaFilter]) -> QuerySet[Idea]:
    """Every submission, newest first; anonymous ones never name their submitter."""
    return filters.filter(selectors.list_ideas(_viewer(request)))


@router.get("/ideas/{idea_id}", response={200: IdeaDetailOut, **ERROR_RESPONSES}, tags=["ideas"])
def get_idea(request: ApiRequest, idea_id: uuid.UUID) -> Idea:
    """One submission with its conversation."""
    return selectors.get_idea_for(_viewer(request), idea_id)


@router.post("/ideas", response={201: SubmittedOut, **FOLLOW_UP_RESPONSES}, tags=["ideas"])
def create_idea(request: ApiRequest, payload: IdeaIn) -> Status[Idea]:
    """Raise something; with `is_anonymous` the reply carries the one-time follow-up code."""
    viewer = _viewer(request)
    if not throttle.may_submit(request):
        raise HttpError(429, _("Too many submissions from here. Please try again later."))
    fields = payload.dict()
    fields["department"] = row_or_error(
        Department.objects.all(), "department", fields["department"]
    )
    fields["policy"] = row_or_error(Policy.objects.all(), "policy", fields["policy"])
    submitted = services.submit_idea(actor=viewer, **fields)
    idea = selectors.get_idea_for(viewer, submitted.idea.pk)
    idea.follow_up_code = submitted.follow_up_code  # type: ignore[attr-defined]
    return Status(201, idea)


@router.post(
    "/ideas/{idea_id}/transitions", response={200: IdeaOut, **ERROR_RESPONSES}, tags=["ideas"]
)
def transition_idea(request: ApiRequest, idea_id: uuid.UUID, payload: TransitionIn) -> Idea:
    """Move a submission on (owner, department manager, admin); declining needs a `note`."""
    viewer = _viewer(request)
    idea = selectors.get_idea_for(viewer, idea_id, act=True)
    services.move_status(actor=viewer, idea=idea, status=payload.status, note=payload.note)
    return selectors.get_idea_for(viewer, idea_id)


@router.post(
    "/ideas/{idea_id}/replies", response={201: IdeaDetailOut, **ERROR_RESPONSES}, tags=["ideas"]
)
def reply_to_idea(request: ApiRequest, idea_id: uuid.UUID, payload: ReplyIn) -> Status[Idea]:
    """Answer in the thread (owner, department manager, admin, or the named submitter)."""
    viewer = _viewer(request)
    services.reply(actor=viewer, idea=selectors.get_idea_for(viewer, idea_id), body=payload.body)
    return Status(201, get_idea(request, idea_id))


@router.post("/ideas/{idea_id}/vote", response={200: IdeaOut, **ERROR_RESPONSES}, tags=["ideas"])
def vote_for_idea(request: ApiRequest, idea_id: uuid.UUID) -> Idea:
    """Upvote a submission; voting twice counts once."""
    viewer = _viewer(request)
    services.vote(actor=viewer, idea=selectors.get_idea_for(viewer, idea_id))
    return selectors.get_idea_for(viewer, idea_id)


@router.delete("/ideas/{idea_id}/vote", response={200: IdeaOut, **ERROR_RESPONSES}, tags=["ideas"])
def withdraw_vote(request: ApiRequest, idea_id: uuid.UUID) -> Idea:
    """Take your upvote back."""
    viewer = _viewer(request)
    services.unvote(actor=viewer, idea=selectors.get_idea_for(viewer, idea_id))
    return selectors.get_idea_for(viewer, idea_id)


@router.get("/policies", response={200: list[PolicyOut], **ERROR_RESPONSES}, tags=["policies"])
@paginate(Pages)
def list_policies(request: ApiRequest) -> QuerySet[Policy]:
    """The policy registry, with how often each policy got in the way."""
    return selectors.list_policies(_viewer(request))


@router.get(
    "/policies/{policy_id}", response={200: PolicyOut, **ERROR_RESPONSES}, tags=["policies"]
)
def get_policy(request: ApiRequest, policy_id: int) -> Policy:
    return selectors.get_policy_for(_viewer(request), policy_id)


@router.post("/policies", response={201: PolicyOut, **ERROR_RESPONSES}, tags=["policies"])
def create_policy(request: ApiRequest, payload: PolicyIn) -> Status[Policy]:
    """Add a policy (administrators)."""
    viewer = _viewer(request)
    fields = payload.dict()
    fields["owner"] = row_or_error(Person.objects.active(), "owner", fields["owner"])
    policy = services.create_policy(actor=viewer, **fields)
    return Status(201, selectors.get_policy_for(viewer, policy.pk))


@router.patch(
    "/policies/{policy_id}", response={200: PolicyOut, **ERROR_RESPONSES}, tags=["policies"]
)
def update_policy(request: ApiRequest, policy_id: int, payload: PolicyPatch) -> Policy:
    """Change a policy (administrators)."""
    viewer = _viewer(request)
    policy = selectors.get_policy_for(viewer, policy_id, manage=True)
    changes = payload.dict(exclude_unset=True)
    if "owner" in changes:
        changes["owner"] = row_or_error(Person.objects.active(), "owner", changes["owner"])
    services.update_policy(actor=viewer, policy=policy, **changes)
    return selectors.get_policy_for(viewer, policy_id)
