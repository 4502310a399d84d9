"""API shapes for recognition: values, kudos with their reactions and comments."""

import datetime
import uuid
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import Id, storable
from groundswell.recognition.choices import Feed, Reaction, Source
from groundswell.recognition.models import (
    MAX_COMMENT_LENGTH,
    MAX_MESSAGE_LENGTH,
    Kudos,
    KudosComment,
)

MessageStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_LENGTH),
    AfterValidator(storable),
]
CommentStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_COMMENT_LENGTH),
    AfterValidator(storable),
]
ReasonStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(storable),
]


class ValueOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    is_retired: bool


class ReactionCountOut(Schema):
    kind: Reaction
    count: int
    mine: bool = Field(description="Whether the caller reacted so.")


class KudosCommentOut(Schema):
    id: int
    author: int
    author_name: str
    body: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(comment: KudosComment) -> int:
        return comment.author_id

    @staticmethod
    def resolve_author_name(comment: KudosComment) -> str:
        return comment.author.full_name


class KudosOut(Schema):
    id: int
    giver: int
    giver_name: str
    recipient: int | None = Field(description="Null when a whole team was thanked.")
    recipient_name: str | None
    team: int | None
    message: str
    values: list[str] = Field(description="The values' slugs.")
    interaction: int | None
    is_private: bool
    is_hidden: bool
    source: Source
    created_at: datetime.datetime
    reactions: list[ReactionCountOut]
    comments: list[KudosCommentOut]

    @staticmethod
    def resolve_giver(kudos: Kudos) -> int:
        return kudos.giver_id

    @staticmethod
    def resolve_giver_name(kudos: Kudos) -> str:
        return kudos.giver.full_name

    @staticmethod
    def resolve_recipient(kudos: Kudos) -> int | None:
        return kudos.recipient_id

    @staticmethod
    def resolve_recipient_name(kudos: Kudos) -> str | None:
        return kudos.recipient.full_name if kudos.recipient is not None else None

    @staticmethod
    def resolve_team(kudos: Kudos) -> int | None:
        return kudos.team_id

    @staticmethod
    def resolve_interaction(kudos: Kudos) -> int | None:
        return kudos.interaction_id

    @staticmethod
    def resolve_values(kudos: Kudos) -> list[str]:
        return [value.slug for value in kudos.values.all()]

    @staticmethod
    def resolve_reactions(kudos: Kudos, context: Any) -> list[dict[str, Any]]:
        viewer = getattr(context["request"], "auth", None)
        viewer_id = getattr(viewer, "pk", None)
        reactions = list(kudos.reactions.all())
        return [
            {
                "kind": kind,
                "count": sum(1 for r in reactions if r.kind == kind),
                "mine": any(r.kind == kind and r.person_id == viewer_id for r in reactions),
            }
            for kind in Reaction.values
        ]

    @staticmethod
    def resolve_comments(kudos: Kudos) -> list[KudosComment]:
        return list(kudos.comments.all())


class KudosIn(Schema):
    recipient: Id | None = Field(None, description="The person thanked; or give `team`.")
    team: Id | None = Field(None, description="The team thanked; or give `recipient`.")
    message: MessageStr
    values: list[Annotated[str, StringConstraints(max_length=60)]] = Field(
        description="Slugs of one or more current values (GET /recognition/values)."
    )
    interaction: Id | None = None
    is_private: bool = False
    idempotency_key: uuid.UUID | None = Field(
        None,
        description="Send the same key again (a retry) and the first kudos is returned; "
        "nothing new is stored.",
    )


class KudosFilter(Schema):
    feed: Feed = Feed.COMPANY


class ReactionIn(Schema):
    kind: Reaction


class CommentIn(Schema):
    body: CommentStr


class ReportIn(Schema):
    reason: ReasonStr


class ReportOut(Schema):
    id: int
    kudos: int
    reason: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_kudos(report: Any) -> int:
        return int(report.kudos_id)
