"""API shapes for surveys, invitations, responses and follow-ups.

An invitation's secret link is shown once, when it is created (`InvitationCreatedOut`);
it is stored hashed and never returned again.
"""

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from groundswell.core.schemas import Id, omittable, storable
from groundswell.desk.choices import Channel
from groundswell.voice.choices import (
    FollowUpOutcome,
    FollowUpStatus,
    InvitationChannel,
    SurveyKind,
)
from groundswell.voice.models import FollowUp, Invitation, Response, Survey, SurveyVersion
from groundswell.voice.services import (
    MAX_EXPIRY_DAYS,
    MAX_REASON_CODES,
    MAX_RESURVEY_DAYS,
    MAX_SEND_DELAY_MINUTES,
    REASON_CODE_MAX_LENGTH,
)

QuestionStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(storable),
]
LabelStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    AfterValidator(storable),
]
PromptStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(storable),
]
NoteStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    AfterValidator(storable),
]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _omittable_number(low: int, high: int, description: str | None = None) -> Any:
    """A PATCH number that may be left out but, when sent, must be within low..high."""
    return Field(None, ge=low, le=high, description=description, json_schema_extra=_no_default)


def _sensible_year(value: datetime.datetime) -> datetime.datetime:
    # Far-off years overflow when converted to UTC for the database.
    if not 1900 <= value.year <= 9000:
        raise ValueError("Give a date between the years 1900 and 9000.")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_sensible_year)]
"""A date and time with its UTC offset, e.g. 2025-03-01T09:00:00+01:00."""

ReasonCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_CODE_MAX_LENGTH),
    AfterValidator(storable),
]


# Surveys ------------------------------------------------------------------------------------------


class SurveyVersionOut(Schema):
    id: int
    number: int
    question: str
    low_label: str
    high_label: str
    comment_prompt: str
    reason_codes: list[str]
    created_at: datetime.datetime


class SurveyOut(Schema):
    id: int
    kind: SurveyKind
    name: str
    is_active: bool
    send_delay_minutes: int
    channels: list[Channel] = Field(description="Empty: every channel is surveyed.")
    resurvey_days: int
    expiry_days: int
    poor_threshold: int
    latest_version: int | None = Field(description="The number new invitations use.")
    created_at: datetime.datetime


class SurveyDetailOut(SurveyOut):
    versions: list[SurveyVersionOut] = Field(description="Newest first.")

    @staticmethod
    def resolve_versions(survey: Survey) -> list[SurveyVersion]:
        return list(survey.versions.order_by("-number"))


class SurveyVersionIn(Schema):
    question: QuestionStr
    low_label: LabelStr
    high_label: LabelStr
    comment_prompt: PromptStr
    reason_codes: list[ReasonCode] = Field(default=[], max_length=MAX_REASON_CODES)


class SurveyPatch(Schema):
    is_active: bool = omittable()
    send_delay_minutes: int = _omittable_number(0, MAX_SEND_DELAY_MINUTES)
    channels: list[Channel] = omittable()
    resurvey_days: int = _omittable_number(0, MAX_RESURVEY_DAYS)
    expiry_days: int = _omittable_number(1, MAX_EXPIRY_DAYS)
    poor_threshold: int = _omittable_number(
        0, 10, "Within the survey's scale: CSAT 1-5, CES 1-7, NPS 0-10."
    )


# Invitations --------------------------------------------------------------------------------------


class InvitationIn(Schema):
    interaction_id: Id
    kind: SurveyKind | None = Field(
        None, description="Which survey; by default the active one that covers the channel."
    )


class InvitationCreatedOut(Schema):
    """The survey link: shown only in this answer, so hand it to the customer now."""

    id: int
    url: str
    expires_at: datetime.datetime


class InvitationOut(Schema):
    id: int
    interaction_id: int
    customer_id: int
    survey_id: int
    kind: SurveyKind
    version: int
    channel: InvitationChannel
    language: str
    send_after: datetime.datetime
    sent_at: datetime.datetime | None
    opened_at: datetime.datetime | None
    expires_at: datetime.datetime
    created_at: datetime.datetime
    response_id: int | None

    @staticmethod
    def resolve_survey_id(invitation: Invitation) -> int:
        return invitation.version.survey_id

    @staticmethod
    def resolve_kind(invitation: Invitation) -> str:
        return invitation.version.survey.kind

    @staticmethod
    def resolve_version(invitation: Invitation) -> int:
        return invitation.version.number

    @staticmethod
    def resolve_response_id(invitation: Invitation) -> int | None:
        try:
            return invitation.response.pk
        except Response.DoesNotExist:
            return None


class InvitationFilter(Schema):
    interaction: Id | None = None
    sent: bool | None = None
    answered: bool | None = None


# Responses ----------------------------------------------------------------------------------------


class ResponseOut(Schema):
    id: int
    invitation_id: int
    interaction_id: int
    survey_version: int
    kind: SurveyKind
    score: int
    comment: str
    reasons: list[str]
    language: str
    team_id: int
    agent_id: int | None
    channel: Channel
    is_poor: bool
    is_compliment: bool
    submitted_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_interaction_id(response: Response) -> int:
        return response.invitation.interaction_id

    @staticmethod
    def resolve_survey_version(response: Response) -> int:
        version: SurveyVersion = response.invitation.version
        return version.number


class ResponseFilter(Schema):
    kind: SurveyKind | None = None
    team: Id | None = None
    since: Moment | None = Field(None, description="Submitted at or after.")
    until: Moment | None = Field(None, description="Submitted before.")
    is_poor: bool | None = None


# Follow-ups ---------------------------------------------------------------------------------------


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
