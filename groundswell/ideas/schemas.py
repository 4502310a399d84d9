"""API shapes for the open door. An anonymous submission's submitter is never in any of them."""

import datetime
import uuid
from decimal import Decimal
from typing import Annotated

from ninja import FilterLookup, FilterSchema, Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import Id, omittable, storable
from groundswell.ideas.choices import IdeaCategory, IdeaKind, IdeaStatus
from groundswell.ideas.models import MAX_BODY_LENGTH, MAX_TITLE_LENGTH, Comment, Idea, Policy

TitleStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE_LENGTH),
    AfterValidator(storable),
]
BodyStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY_LENGTH),
    AfterValidator(storable),
]
NoteStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_BODY_LENGTH),
    AfterValidator(storable),
]
PolicyNameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=150),
    AfterValidator(storable),
]
CurrencyStr = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^([A-Za-z]{3})?$")]
Amount = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]


class IdeaOut(Schema):
    id: uuid.UUID
    kind: IdeaKind
    title: str
    body: str
    category: IdeaCategory
    department: int
    policy: int | None
    status: IdeaStatus
    owner: int | None
    acknowledge_by: datetime.date
    is_overdue: bool
    decline_reason: str
    outcome: str
    is_anonymous: bool
    submitted_by: int | None = Field(description="Always null for anonymous submissions.")
    submitted_at: datetime.datetime = Field(description="Midnight of the day, when anonymous.")
    vote_count: int
    has_voted: bool

    @staticmethod
    def resolve_department(idea: Idea) -> int:
        return idea.department_id

    @staticmethod
    def resolve_policy(idea: Idea) -> int | None:
        return idea.policy_id

    @staticmethod
    def resolve_owner(idea: Idea) -> int | None:
        return idea.owner_id

    @staticmethod
    def resolve_submitted_by(idea: Idea) -> int | None:
        return None if idea.is_anonymous else idea.submitted_by_id

    @staticmethod
    def resolve_is_overdue(idea: Idea) -> bool:
        return idea.is_overdue()


class CommentOut(Schema):
    position: int
    author: int | None = Field(description="Null when the anonymous submitter wrote it.")
    is_from_submitter: bool
    body: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(comment: Comment) -> int | None:
        return comment.author_id


class IdeaDetailOut(IdeaOut):
    comments: list[CommentOut]


class IdeaIn(Schema):
    kind: IdeaKind
    title: TitleStr
    body: BodyStr
    category: IdeaCategory
    department: Id
    policy: Id | None = None
    is_anonymous: bool = False


class SubmittedOut(IdeaOut):
    follow_up_code: str | None = Field(
        description="Anonymous submissions only: shown this once, never stored, never again."
    )


class TransitionIn(Schema):
    status: IdeaStatus
    note: NoteStr = ""


class ReplyIn(Schema):
    body: BodyStr


FollowUpCodeStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    AfterValidator(storable),
]


class FollowUpIn(Schema):
    code: FollowUpCodeStr = Field(description="The code shown once when the submission was made.")


class FollowUpReplyIn(FollowUpIn):
    body: BodyStr


class FollowUpCommentOut(Schema):
    """A message in the thread as its anonymous submitter sees it: staff by name, no ids."""

    position: int
    author_name: str | None = Field(description="Null when the submitter wrote it.")
    is_from_submitter: bool
    body: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author_name(comment: Comment) -> str | None:
        return comment.author.full_name if comment.author else None


class FollowUpThreadOut(Schema):
    """An anonymous submission as its submitter reads it back; nothing in it says who they are."""

    kind: IdeaKind
    title: str
    body: str
    category: IdeaCategory
    department_name: str
    status: IdeaStatus
    decline_reason: str
    outcome: str
    submitted_at: datetime.datetime = Field(description="Midnight of the day it was submitted.")
    comments: list[FollowUpCommentOut]

    @staticmethod
    def resolve_department_name(idea: Idea) -> str:
        return idea.department.name


class IdeaFilter(FilterSchema):
    status: IdeaStatus | None = None
    kind: IdeaKind | None = None
    department: Annotated[Id | None, FilterLookup("department_id")] = None


class PolicyOut(Schema):
    id: int
    name: str
    owner: int
    summary: str
    empowerment: str
    limit_amount: Decimal | None
    currency: str
    review_by: datetime.date
    last_reviewed_on: datetime.date | None
    is_past_review: bool
    friction_count: int
    open_friction_count: int

    @staticmethod
    def resolve_owner(policy: Policy) -> int:
        return policy.owner_id

    @staticmethod
    def resolve_is_past_review(policy: Policy) -> bool:
        return policy.is_past_review()


class PolicyIn(Schema):
    name: PolicyNameStr
    owner: Id
    summary: BodyStr
    empowerment: NoteStr = ""
    limit_amount: Amount | None = None
    currency: CurrencyStr = ""
    review_by: datetime.date


class PolicyPatch(Schema):
    name: PolicyNameStr = omittable()
    owner: Id = omittable()
    summary: BodyStr = omittable()
    empowerment: NoteStr = omittable()
    limit_amount: Amount | None = None
    currency: CurrencyStr = omittable()
    review_by: datetime.date = omittable()
