"""Reads about the open door, shared by pages, the API and reminders."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from groundswell.ideas.choices import ACTED_STATUSES, OPEN_STATUSES, TRANSITIONS, IdeaKind
from groundswell.ideas.models import Comment, Idea, IdeaQuerySet, Policy, StatusChange, Vote
from groundswell.people.models import Department, Person
from groundswell.people.permissions import Action, can, can_everywhere

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to copy by hand
REVIEW_SOON_DAYS = 30


def normalise_code(code: str) -> str:
    """A follow-up code as typed (any case, spaces or dashes) in its canonical form."""
    return "".join(char for char in code.upper() if char in CODE_ALPHABET)


def hash_code(code: str) -> str:
    """The SHA-256 digest stored for a follow-up code; the code itself is never stored."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def may_act_on(person: Person, idea: Idea) -> bool:
    """Owners, managers of the department it concerns and admins move and answer a submission."""
    if not can_everywhere(person, Action.USE_OPEN_DOOR):
        return False
    return idea.owner_id == person.pk or can(person, Action.ACT_ON_IDEAS, idea.department)


def may_reply(person: Person, idea: Idea) -> bool:
    """Those who act on a submission answer in its thread, and so does its named submitter."""
    named_submitter = not idea.is_anonymous and idea.submitted_by_id == person.pk
    return named_submitter or may_act_on(person, idea)


def may_review_policy(person: Person, policy: Policy) -> bool:
    """A policy's owner reviews it; admins may review any."""
    return can_everywhere(person, Action.USE_OPEN_DOOR) and (
        policy.owner_id == person.pk or can_everywhere(person, Action.MANAGE_OPEN_DOOR)
    )


def _ideas(viewer: Person) -> IdeaQuerySet:
    return (
        Idea.objects.visible_to(viewer)
        .select_related("department", "owner", "submitted_by", "policy")
        .annotate(
            vote_count=Count("votes", distinct=True),
            has_voted=Exists(Vote.objects.filter(idea=OuterRef("pk"), person=viewer)),
        )
        .order_by("-submitted_at", "title")
    )


def list_ideas(
    viewer: Person,
    *,
    status: str = "",
    kind: str = "",
    department: Department | None = None,
    mine: str = "",
    overdue: bool = False,
    today: datetime.date | None = None,
) -> IdeaQuerySet:
    """Every submission (everyone reads the open door), narrowed by the filters given."""
    if not can_everywhere(viewer, Action.USE_OPEN_DOOR):
        return Idea.objects.none()
    ideas = _ideas(viewer)
    if status:
        ideas = ideas.filter(status=status)
    if kind:
        ideas = ideas.filter(kind=kind)
    if department is not None:
        ideas = ideas.filter(department=department)
    if mine == "submitted":
        ideas = ideas.filter(submitted_by=viewer)  # anonymous ones cannot be found, by design
    elif mine == "owned":
        ideas = ideas.filter(owner=viewer)
    if overdue:
        ideas = ideas.overdue(today or timezone.localdate())
    return ideas


def get_idea_for(viewer: Person, pk: UUID | str, *, act: bool = False) -> Idea:
    """One submission: 404 when there is none, 403 when `act` is asked and not allowed."""
    if not can_everywhere(viewer, Action.USE_OPEN_DOOR):
        raise PermissionDenied
    idea = _ideas(viewer).filter(pk=pk).first()
    if idea is None:
        raise Http404("No such submission.")
    if act and not may_act_on(viewer, idea):
        raise PermissionDenied
    return idea


def list_comments(idea: Idea) -> QuerySet[Comment]:
    return idea.comments.select_related("author").order_by("position")


@dataclass(frozen=True)
class IdeaPage:
    """A submission with its thread and history, and what the viewer may do with it."""

    idea: Idea
    comments: list[Comment]
    changes: list[StatusChange]
    can_act: bool
    can_reply: bool
    next_statuses: tuple[str, ...]
    is_overdue: bool


def get_idea_page(viewer: Person, pk: UUID | str) -> IdeaPage:
    idea = get_idea_for(viewer, pk)
    can_act = may_act_on(viewer, idea)
    return IdeaPage(
        idea=idea,
        comments=list(list_comments(idea)),
        changes=list(idea.status_changes.select_related("actor")),
        can_act=can_act,
        can_reply=may_reply(viewer, idea),
        next_statuses=TRANSITIONS[idea.status] if can_act else (),
        is_overdue=idea.is_overdue(),
    )


def find_idea_by_code(code: str) -> Idea | None:
    """The anonymous submission a follow-up code opens, if any."""
    if len(normalise_code(code)) < 16:
        return None
    return (
        Idea.objects.select_related("department", "policy")
        .filter(is_anonymous=True, follow_up_code_hash=hash_code(code))
        .first()
    )


def list_acted_on(viewer: Person) -> IdeaQuerySet:
    """ "You spoke, we acted": accepted and done submissions, most recently decided first."""
    return list_ideas(viewer).filter(status__in=ACTED_STATUSES).order_by("-acknowledged_at")


def ideas_to_remind(today: datetime.date) -> IdeaQuerySet:
    """Overdue submissions with an owner, not already reminded about today."""
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return (
        Idea.objects.overdue(today)
        .filter(owner__isnull=False, owner__is_active=True)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=start))
        .select_related("owner", "department")
        .order_by("owner_id", "acknowledge_by")
    )


# --- Policies ---------------------------------------------------------------------------------


def list_policies(viewer: Person) -> QuerySet[Policy]:
    """The policy registry with how often each got in someone's way."""
    if not can_everywhere(viewer, Action.USE_OPEN_DOOR):
        return Policy.objects.none()
    return (
        Policy.objects.visible_to(viewer)
        .select_related("owner")
        .annotate(
            friction_count=Count("friction_reports", distinct=True),
            open_friction_count=Count(
                "friction_reports",
                filter=Q(friction_reports__status__in=OPEN_STATUSES),
                distinct=True,
            ),
        )
    )


def get_policy_for(viewer: Person, pk: int, *, manage: bool = False) -> Policy:
    """One policy: 404 when there is none, 403 when `manage` is asked by a non-admin."""
    if not can_everywhere(viewer, Action.USE_OPEN_DOOR):
        raise PermissionDenied
    policy = list_policies(viewer).filter(pk=pk).first()
    if policy is None:
        raise Http404("No such policy.")
    if manage and not can_everywhere(viewer, Action.MANAGE_OPEN_DOOR):
        raise PermissionDenied
    return policy


@dataclass(frozen=True)
class PolicyPage:
    policy: Policy
    latest_reports: list[Idea]
    is_past_review: bool
    can_edit: bool
    can_review: bool


def get_policy_page(viewer: Person, pk: int, *, latest: int = 10) -> PolicyPage:
    policy = get_policy_for(viewer, pk)
    reports = _ideas(viewer).filter(policy=policy, kind=IdeaKind.POLICY_FRICTION)[:latest]
    return PolicyPage(
        policy=policy,
        latest_reports=list(reports),
        is_past_review=policy.is_past_review(),
        can_edit=can_everywhere(viewer, Action.MANAGE_OPEN_DOOR),
        can_review=may_review_policy(viewer, policy),
    )


def review_queue(viewer: Person, *, today: datetime.date | None = None) -> QuerySet[Policy]:
    """Policies the viewer owns (admins: all) that are due for review or have open friction."""
    today = today or timezone.localdate()
    policies = list_policies(viewer)
    if not can_everywhere(viewer, Action.MANAGE_OPEN_DOOR):
        policies = policies.filter(owner=viewer)
    soon = today + datetime.timedelta(days=REVIEW_SOON_DAYS)
    return policies.filter(Q(review_by__lte=soon) | Q(open_friction_count__gt=0)).order_by(
        "review_by", "name"
    )
