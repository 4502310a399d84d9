"""API shapes for invitations and responses.

An invitation's secret link is shown once, when it is created (`InvitationCreatedOut`);
it is stored hashed and never returned again.
"""

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field

from groundswell.core.schemas import Id
from groundswell.desk.choices import Channel
from groundswell.voice.choices import (
    InvitationChannel,
    SurveyKind,
)
from groundswell.voice.models import Invitation, Response, SurveyVersion


def _sensible_year(value: datetime.datetime) -> datetime.datetime:
    # Far-off years overflow when converted to UTC for the database.
    if not 1900 <= value.year <= 9000:
        raise ValueError("Give a date between the years 1900 and 9000.")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_sensible_year)]
"""A date and time with its UTC offset, e.g. 2025-03-01T09:00:00+01:00."""

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
