"""API shapes for follow-ups: reading them and closing one with its outcome."""

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import storable
from groundswell.voice.choices import FollowUpOutcome, FollowUpStatus, SurveyKind
from groundswell.voice.models import FollowUp

NoteStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    AfterValidator(storable),
]


class FollowUpOut(Schema):
    id: int
    response_id: int
    interaction_id: int
    kind: SurveyKind
    score: int
    comment: str
    team_id: int
    owner_id: int | None
    due_at: datetime.datetime
    is_overdue: bool
    status: FollowUpStatus
    outcome: FollowUpOutcome | None
    note: str
    closed_at: datetime.datetime | None
    closed_by_id: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_interaction_id(follow_up: FollowUp) -> int:
        return follow_up.response.invitation.interaction_id

    @staticmethod
    def resolve_kind(follow_up: FollowUp) -> str:
        return follow_up.response.kind

    @staticmethod
    def resolve_score(follow_up: FollowUp) -> int:
        return follow_up.response.score

    @staticmethod
    def resolve_comment(follow_up: FollowUp) -> str:
        return follow_up.response.comment

    @staticmethod
    def resolve_outcome(follow_up: FollowUp) -> str | None:
        return follow_up.outcome or None


class FollowUpFilter(Schema):
    status: FollowUpStatus | None = None
    overdue: bool | None = Field(None, description="Only open follow-ups past their due time.")


class FollowUpCloseIn(Schema):
    outcome: FollowUpOutcome
    note: NoteStr
